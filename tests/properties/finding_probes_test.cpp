// Each finding probe (tests/properties/twin_list.h, finding_probes) fails on the fixed model
// on the preset of its candidate patch, with the trace length pinned there, and holds once
// the patch is applied: the finding is real in the model, and the patch removes it.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/transitions.h"
#include "properties/property.h"
#include "tests/properties/twin_list.h"
#include "tests/support/liveness.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck {
namespace {

class FindingProbe : public ::testing::TestWithParam<Twin> {};

Scenario on_patch_preset(const Twin& probe, bool patched) {
    const VariantInfo* fix = find_variant(probe.variant);
    EXPECT_NE(fix, nullptr) << probe.variant;
    Scenario sc = make_preset(fix->preset);
    if (patched)
        sc.variant.add(fix->id);
    return sc;
}

/// Whether the probe holds on `sc`, and the fixed model's shortest trace length (safety).
struct ProbeOutcome {
    bool holds = true;
    std::size_t trace_length = 0;
    std::string last_action;  ///< of the shortest trace (safety)
};

ProbeOutcome check_probe(const Scenario& sc, const std::string& name) {
    const properties::Property* p = properties::find_property(name);
    EXPECT_NE(p, nullptr) << name;
    if (p->kind == properties::PropertyKind::LeadsTo) {
        for (const testing::LivenessOutcome& o : testing::check_all_leads_to(sc)) {
            if (o.property == name)
                return {o.result.holds, 0, ""};
        }
        ADD_FAILURE() << name << " was not checked";
        return {};
    }
    const auto explored = testing::reference_bfs(sc, {properties::property_index(name)});
    if (explored.violations.empty())
        return {};
    const std::vector<Action>& trace = explored.violations[0].trace;
    return {false, trace.size(), trace.empty() ? "" : std::string(action_name(trace.back().kind))};
}

TEST_P(FindingProbe, FailsOnTheFixedModel) {
    const Twin& probe = GetParam();
    EXPECT_FALSE(properties::find_property(probe.property)->in_default_set);
    const ProbeOutcome fixed = check_probe(on_patch_preset(probe, false), probe.property);
    EXPECT_FALSE(fixed.holds) << probe.property << " holds on the fixed model";
    EXPECT_EQ(fixed.trace_length, probe.trace_length) << probe.property;
    EXPECT_EQ(fixed.last_action, probe.last_action) << probe.property;
}

TEST_P(FindingProbe, HoldsWithItsCandidatePatch) {
    const Twin& probe = GetParam();
    const VariantInfo* fix = find_variant(probe.variant);
    ASSERT_NE(fix, nullptr);
    EXPECT_EQ(fix->kind, VariantKind::Patch) << probe.variant;
    bool targeted = false;
    for (const std::string& t : patch_targets(*fix))
        targeted = targeted || t == probe.property;
    EXPECT_TRUE(targeted) << probe.variant << " does not name " << probe.property;
    EXPECT_TRUE(check_probe(on_patch_preset(probe, true), probe.property).holds)
        << probe.property << " still fails with " << probe.variant;
}

INSTANTIATE_TEST_SUITE_P(Catalog, FindingProbe, ::testing::ValuesIn(finding_probes),
                         [](const ::testing::TestParamInfo<Twin>& param_info) {
                             std::string out;
                             for (const char c : std::string(param_info.param.property))
                                 out += c == '-' ? '_' : c;
                             return out;
                         });

}  // namespace
}  // namespace rseqcheck
