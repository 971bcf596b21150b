// Every property has a failing twin (STYLE.md 12): it is violated on a variant that breaks
// it, on that variant's preset, and holds on the fixed model of the same preset.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/properties/twin_list.h"
#include "tests/support/liveness.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck {
namespace {

class FailingTwin : public ::testing::TestWithParam<Twin> {};

Scenario preset_of(const char* variant) {
    const VariantInfo* info = find_variant(variant);
    EXPECT_NE(info, nullptr) << variant;
    Scenario sc = make_preset(info->preset);
    sc.variant.add(info->id);
    return sc;
}

TEST_P(FailingTwin, ViolatedOnVariant) {
    const Twin& twin = GetParam();
    const int index = properties::property_index(twin.property);
    ASSERT_GE(index, 0) << twin.property;
    const auto explored = testing::reference_bfs(preset_of(twin.variant), {index});
    ASSERT_EQ(explored.violations.size(), 1U) << twin.property << " on " << twin.variant;
    EXPECT_EQ(explored.violations[0].property, index);
    EXPECT_EQ(explored.violations[0].trace.size(), twin.trace_length);
}

TEST_P(FailingTwin, HoldsOnFixedModel) {
    const Twin& twin = GetParam();
    Scenario sc = preset_of(twin.variant);
    sc.variant = Variant{};
    const auto explored = testing::reference_bfs(sc, {properties::property_index(twin.property)});
    EXPECT_TRUE(explored.violations.empty()) << twin.property;
}

INSTANTIATE_TEST_SUITE_P(
    Catalog, FailingTwin, ::testing::ValuesIn(safety_twins),
    [](const ::testing::TestParamInfo<Twin>& param_info) {
        std::string name = std::string(param_info.param.property) + "_" + param_info.param.variant;
        for (char& c : name) {
            if (c == '-')
                c = '_';
        }
        std::string out;
        bool upper = true;
        for (const char c : name) {
            if (c == '_') {
                upper = true;
                continue;
            }
            out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        }
        return out;
    });

TEST(Catalog, EverySafetyPropertyHasAFailingTwin) {
    // The list above must name every invariant and transition property of the catalogue.
    const std::vector<std::string> twins = {
        "no-stale-grant-after-switch", "views-agree-in-user-mode",
        "timer-armed-on-grant",        "grant-only-on-irq-return",
        "revoke-on-pending-work",      "slice-reset-on-id-update",
        "ids-correct-in-user-mode",    "no-rseq-work-in-user-mode",
        "expired-grant-has-timer",     "timer-hygiene",
        "syscall-revokes-grant",       "yield-result-honest",
        "grant-clears-resched",        "need-resched-folded",
        "events-clear-in-user-mode"};
    for (const properties::Property& p : properties::catalog()) {
        if (p.kind == properties::PropertyKind::LeadsTo)
            continue;
        EXPECT_NE(std::find(twins.begin(), twins.end(), std::string(p.name)), twins.end())
            << p.name << " has no failing twin";
    }
}

TEST(Catalog, EveryVariantIsCaughtOnItsPreset) {
    for (const VariantInfo& v : variant_catalog()) {
        const Scenario sc = preset_of(std::string(v.name).c_str());
        if (!testing::reference_bfs(sc).violations.empty())
            continue;
        // Not by a safety property: then by a leads-to property of the default set.
        bool caught = false;
        for (const testing::LivenessOutcome& o : testing::check_all_leads_to(sc)) {
            caught = caught ||
                     (!o.result.holds && properties::find_property(o.property)->in_default_set);
        }
        EXPECT_TRUE(caught) << v.name << " is not caught on " << v.preset;
    }
}

TEST(Catalog, NamesAreUniqueAndNearestSuggestsATypo) {
    EXPECT_EQ(properties::nearest_property("timer-armed-on-grnt"), "timer-armed-on-grant");
    EXPECT_EQ(properties::find_property("no-such-property"), nullptr);
}

}  // namespace
}  // namespace rseqcheck
