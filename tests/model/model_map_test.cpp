// docs/model-map.md names every transition of AllTransitions, and nothing else.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/kernel_citation.h"
#include "model/model.h"
#include "model/transitions.h"

namespace rseqcheck {
namespace {

TEST(ModelMap, EveryTransitionIsMappedAndEveryRowExists) {
    std::ifstream in(std::string(RSEQCHECK_SOURCE_DIR) + "/docs/model-map.md");
    ASSERT_TRUE(in) << "docs/model-map.md is missing";
    std::set<std::string> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("| ", 0) != 0)
            continue;
        const std::string name = line.substr(2, line.find(" |", 2) - 2);
        if (name != "transition" && name.find("---") == std::string::npos)
            rows.insert(name);
    }
    std::set<std::string> names;
    for (const auto& info : AllTransitions::infos)
        names.insert(std::string(info.name));
    for (const std::string& n : names)
        EXPECT_TRUE(rows.count(n)) << n << " is missing from docs/model-map.md";
    for (const std::string& r : rows)
        EXPECT_TRUE(names.count(r)) << "docs/model-map.md names '" << r << "', no transition";
}

// The kernel column is each transition's citation exactly as the traces print it and as
// `rseqcheck impact` reads it (model/kernel_citation.h): one place for the citations, the
// `kernel` member of the transition. Regenerate the column with
// `rseqcheck list transitions --format json` (docs/model-map.md says how).
TEST(ModelMap, TheKernelColumnIsTheTransitionsOwnCitation) {
    std::ifstream in(std::string(RSEQCHECK_SOURCE_DIR) + "/docs/model-map.md");
    ASSERT_TRUE(in);
    std::size_t rows = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("| ", 0) != 0)
            continue;
        const std::size_t end_name = line.find(" | ", 2);
        const std::string name = line.substr(2, end_name - 2);
        ActionKind kind{};
        if (!parse_action_kind(name, kind))
            continue;
        const std::size_t end_kernel = line.find(" | ", end_name + 3);
        EXPECT_EQ(line.substr(end_name + 3, end_kernel - end_name - 3), action_kernel(kind))
            << name;
        ++rows;
    }
    EXPECT_EQ(rows, action_kind_count);
}

TEST(KernelCitation, PathsBindToTheFunctionTheyPrefix) {
    const auto f = cited_functions(
        "include/linux/rseq_entry.h:rseq_exit_to_user_mode_restart() -> rseq_exit_user_update() "
        "-> kernel/rseq.c:__rseq_arm_slice_extension_timer() (spec 3.6)");
    ASSERT_EQ(f.size(), 3U);
    EXPECT_EQ(f[0],
              (CitedFunction{"include/linux/rseq_entry.h", "rseq_exit_to_user_mode_restart"}));
    EXPECT_EQ(f[1], (CitedFunction{"", "rseq_exit_user_update"}));
    EXPECT_EQ(f[2], (CitedFunction{"kernel/rseq.c", "__rseq_arm_slice_extension_timer"}));
    EXPECT_TRUE(cited_functions("user space: rseq->slice_ctrl.request = 1").empty());
}

TEST(Model, ImpossibleStateIsReported) {
    Scenario sc = make_preset("tiny");
    RseqModel m(sc);
    State s = m.initial_state();
    EXPECT_EQ(impossible_state_reason(sc, s), "");
    s.cpu(0).curr = 1;  // the waiter, which sleeps, made current
    EXPECT_NE(impossible_state_reason(sc, s), "");
}

// Each structural rule broken on its own is named by impossible_state_reason() and fails
// consistent(), the check run on every successor. (The last rule, no task current on two
// CPUs, cannot break alone: the rules before it already imply it.)
TEST(Model, EachStructuralRuleBrokenAloneIsNamedAndFailsConsistent) {
    Scenario sc = make_preset("default");
    RseqModel m(sc);
    const State good = m.initial_state();
    ASSERT_TRUE(m.consistent(good));
    ASSERT_EQ(impossible_state_reason(sc, good), "");
    ASSERT_GE(sc.task_count(), 2U);
    ASSERT_LT(sc.cpus, 4U);                 // Task::cpu has two bits
    ASSERT_LT(sc.task_count(), idle_task);  // so that curr can name a task that is not there
    TaskId on_cpu = 0;
    while (!good.task(on_cpu).running())
        ++on_cpu;
    const TaskId other = on_cpu == 0 ? 1 : 0;
    ASSERT_FALSE(good.task(other).running());
    struct Broken {
        const char* reason;
        State state;
    };
    std::vector<Broken> cases;
    auto add = [&](const char* reason, auto&& change) {
        State s = good;
        change(s);
        cases.push_back({reason, s});
    };
    add("on a CPU the scenario does not have",
        [&](State& s) { s.task(other).cpu = sc.cpus & 0x3U; });
    add("dead but not exited", [&](State& s) { s.task(other).set_pc(Pc::Dead); });
    add("running but not current", [&](State& s) {
        s.task(other).set_run(Run::Running);
        s.task(other).cpu = s.task(on_cpu).cpu;
    });
    add("sleeps inside a modelled kernel path", [&](State& s) {
        s.task(on_cpu).set_run(Run::Sleeping);
        s.task(on_cpu).set_pc(Pc::ExitPrepare);
        s.cpu(static_cast<CpuId>(s.task(on_cpu).cpu)).curr = idle_task;
    });
    add("runs a task the scenario does not have", [&](State& s) {
        for (unsigned c = 0; c < sc.cpus; ++c)
            s.cpu(static_cast<CpuId>(c)).curr = idle_task;
        s.task(on_cpu).set_run(Run::Runnable);
        s.cpu(0).curr = sc.task_count() & 0x3U;
    });
    add("as current, but it is not running there", [&](State& s) {
        s.task(on_cpu).set_run(Run::Runnable);
        s.cpu(static_cast<CpuId>(s.task(on_cpu).cpu)).curr = other & 0x3U;
    });
    ASSERT_EQ(cases.size(), 6U);
    for (const Broken& b : cases) {
        const std::string why = impossible_state_reason(sc, b.state);
        EXPECT_NE(why.find(b.reason), std::string::npos) << b.reason << ": got '" << why << "'";
        EXPECT_FALSE(m.consistent(b.state)) << b.reason;
    }
}

}  // namespace
}  // namespace rseqcheck
