// rseqcheck impact: the real fixes the variants undo, restated as small diffs of the cited
// functions (tests/data/patches/, in our words, not kernel source), each mapped to the
// transitions that model those functions and to the variant that undoes it; a diff that
// touches nothing modelled; each format. Bad input is in tests/data/bad/impact-*.cmd.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

using nlohmann::json;

json impact_of(const std::string& patch) {
    const RunResult r = run_rseqcheck("impact --format json " + std::string(RSEQCHECK_SOURCE_DIR) +
                                      "/tests/data/patches/" + patch);
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out);
}

std::vector<std::string> names(const json& list) {
    std::vector<std::string> out;
    for (const json& t : list)
        out.push_back(t.is_object() ? t["name"].get<std::string>() : t.get<std::string>());
    return out;
}

bool has_prefix(const std::vector<std::string>& v, const std::string& prefix) {
    return std::any_of(v.begin(), v.end(),
                       [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

TEST(ImpactCommand, TheResetWhenScheduledFixTouchesTheFastAndSlowPathUpdates) {
    const json j = impact_of("7ee58f98-reset-slice-when-scheduled.patch");
    EXPECT_TRUE(j["touches_model"]);
    // the patch changes rseq_set_ids_get_csaddr(), which c17ee635's unregistration also
    // goes through (rseq_reset_ids(), model/registration.h)
    EXPECT_EQ(names(j["transitions"]), (std::vector<std::string>{"rseq_slowpath_update_usr",
                                                                 "rseq_exit_to_user_mode_restart",
                                                                 "rseq_unregister_reset_ids"}));
    const auto variants = names(j["variants"]);
    EXPECT_TRUE(has_prefix(variants, "pre_7ee58f98 ")) << j["variants"];
    const auto props = names(j["properties"]);
    EXPECT_NE(std::find(props.begin(), props.end(), "slice-reset-on-id-update"), props.end());
    EXPECT_NE(std::find(props.begin(), props.end(), "no-stale-grant-after-switch"), props.end());
}

TEST(ImpactCommand, TheSyscallEntryWorkFixTouchesTheFourSyscallSteps) {
    const json j = impact_of("dd0a0460-syscall-entry-work.patch");
    EXPECT_EQ(
        names(j["transitions"]),
        (std::vector<std::string>{"rseq_syscall_enter_work", "rseq_syscall_revoke_slice",
                                  "rseq_syscall_relinquish_cpu", "rseq_syscall_clear_slice"}));
    EXPECT_TRUE(has_prefix(names(j["variants"]), "pre_dd0a0460 ")) << j["variants"];
    const auto props = names(j["properties"]);
    EXPECT_NE(std::find(props.begin(), props.end(), "syscall-revokes-grant"), props.end());
}

TEST(ImpactCommand, TheEnforcementTimerFixTouchesTheArmAndTheExpiry) {
    const json j = impact_of("0ac3b5c3-enforcement-timer.patch");
    EXPECT_EQ(names(j["transitions"]),
              (std::vector<std::string>{"rseq_exit_to_user_mode_restart", "rseq_slice_expired"}));
    EXPECT_TRUE(has_prefix(names(j["variants"]), "pre_0ac3b5c3 ")) << j["variants"];
    const auto props = names(j["properties"]);
    EXPECT_NE(std::find(props.begin(), props.end(), "timer-armed-on-grant"), props.end());
}

TEST(ImpactCommand, APatchOutsideTheModelTouchesNothingModelled) {
    const RunResult r = run_rseqcheck("impact " + std::string(RSEQCHECK_SOURCE_DIR) +
                                      "/tests/data/patches/touches-nothing-modelled.patch");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("kernel/sched/fair.c:place_entity()"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("drivers/net/dummy.c:dummy_dev_init()"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("It touches nothing modelled: no transition cites these functions (the "
                         "model cites other functions of kernel/sched/fair.c)."),
              std::string::npos)
        << r.out;
    const json j = impact_of("touches-nothing-modelled.patch");
    EXPECT_FALSE(j["touches_model"]);
    EXPECT_TRUE(j["transitions"].empty());
}

TEST(ImpactCommand, TextNamesTheTransitionsAndWhatToRun) {
    const RunResult r = run_rseqcheck("impact " + std::string(RSEQCHECK_SOURCE_DIR) +
                                      "/tests/data/patches/dd0a0460-syscall-entry-work.patch");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("rseq_syscall_revoke_slice"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("via kernel/rseq.c:rseq_syscall_enter_work()"), std::string::npos);
    EXPECT_NE(r.out.find("Variants that change these transitions (run them):"), std::string::npos);
    EXPECT_NE(r.out.find("Presets where they fire"), std::string::npos);
}

}  // namespace
}  // namespace rseqcheck::test
