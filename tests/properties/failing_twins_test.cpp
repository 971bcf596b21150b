// Every property has a failing twin (STYLE.md 12): it is violated on a variant that breaks
// it, on that variant's preset, and holds on the fixed model of the same preset.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "model/scenario_file.h"
#include "model/transitions.h"
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
    const std::vector<Action>& trace = explored.violations[0].trace;
    EXPECT_EQ(trace.size(), twin.trace_length);
    // The step that exposes the bug: the kind of action the property catches it on.
    ASSERT_FALSE(trace.empty());
    EXPECT_EQ(action_name(trace.back().kind), twin.last_action) << twin.property;
}

// Holds, and not vacuously: the fixed model reaches the premise (the states or steps the
// claim constrains) at least once, on the variant's preset or on the twin's fixed_scenario.
TEST_P(FailingTwin, HoldsOnFixedModelWithThePremiseReached) {
    const Twin& twin = GetParam();
    Scenario sc = preset_of(twin.variant);
    if (twin.fixed_scenario != nullptr)
        sc = parse_scenario(twin.fixed_scenario, "twin_list.h").scenario;
    sc.variant = Variant{};
    const int index = properties::property_index(twin.property);
    const auto explored = testing::reference_bfs(sc, {index});
    EXPECT_TRUE(explored.violations.empty()) << twin.property;
    EXPECT_GT(explored.premise[static_cast<std::size_t>(index)], 0U)
        << twin.property << " holds vacuously on the fixed model of " << sc.name;
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

/// Whether `list` has a twin for `name`.
template <std::size_t N>
bool has_twin(const std::array<Twin, N>& list, std::string_view name) {
    return std::any_of(list.begin(), list.end(),
                       [&](const Twin& t) { return std::string_view(t.property) == name; });
}

TEST(Catalog, EveryPropertyHasAFailingTwin) {
    // Read from the twin lists the tests run (tests/properties/twin_list.h), so a property
    // added to the catalogue without a twin fails here: safety ones in safety_twins,
    // leads-to ones in liveness_twins (checked by liveness_twins_test.cpp).
    for (const properties::Property& p : properties::catalog()) {
        const bool leads_to = p.kind == properties::PropertyKind::LeadsTo;
        const bool twin =
            has_twin(finding_probes, p.name) ||
            (leads_to ? has_twin(liveness_twins, p.name) : has_twin(safety_twins, p.name));
        EXPECT_TRUE(twin) << p.name << " has no failing twin in tests/properties/twin_list.h";
        if (has_twin(finding_probes, p.name)) {
            EXPECT_FALSE(p.in_default_set) << p.name << ": a finding probe in the default set";
        }
    }
    // and every twin names a property of the catalogue, of its kind
    for (const Twin& t : safety_twins) {
        const properties::Property* p = properties::find_property(t.property);
        ASSERT_NE(p, nullptr) << t.property;
        EXPECT_NE(p->kind, properties::PropertyKind::LeadsTo) << t.property;
    }
    for (const Twin& t : liveness_twins) {
        const properties::Property* p = properties::find_property(t.property);
        ASSERT_NE(p, nullptr) << t.property;
        EXPECT_EQ(p->kind, properties::PropertyKind::LeadsTo) << t.property;
    }
}

TEST(Catalog, EveryBugVariantIsCaughtOnItsPreset) {
    for (const VariantInfo* bug : bug_variants()) {
        const VariantInfo& v = *bug;
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
    std::vector<std::string> names;
    for (const properties::Property& p : properties::catalog())
        names.emplace_back(p.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end())
        << "a property name appears twice";
    EXPECT_EQ(properties::nearest_property("timer-armed-on-grnt"), "timer-armed-on-grant");
    EXPECT_EQ(properties::find_property("no-such-property"), nullptr);
}

}  // namespace
}  // namespace rseqcheck
