// model/scenario_file.cpp in process: presets survive a round trip through a file, and bad
// files are rejected at the key that is wrong.
#include <string>

#include <gtest/gtest.h>

#include "model/scenario_file.h"

namespace rseqcheck::test {
namespace {

SourceLocation error_at(const std::string& text) {
    try {
        parse_scenario(text, "s.toml");
    } catch (const InputError& e) {
        return e.where();
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
}

TEST(ScenarioFile, EveryPresetRoundTripsThroughAFile) {
    for (const PresetInfo& info : preset_catalog()) {
        const Scenario preset = make_preset(info.name);
        const Scenario back = parse_scenario(scenario_to_toml(preset), "p.toml").scenario;
        EXPECT_EQ(back.name, preset.name);
        EXPECT_EQ(back.cpus, preset.cpus);
        EXPECT_EQ(back.preempt, preset.preempt);
        EXPECT_EQ(describe_bounds(back), describe_bounds(preset));
        ASSERT_EQ(back.tasks.size(), preset.tasks.size());
        for (std::size_t i = 0; i < back.tasks.size(); ++i) {
            EXPECT_EQ(back.tasks[i].role, preset.tasks[i].role);
            EXPECT_EQ(back.tasks[i].slice_enabled, preset.tasks[i].slice_enabled);
            EXPECT_EQ(back.tasks[i].rt, preset.tasks[i].rt);
            EXPECT_EQ(back.tasks[i].cpu, preset.tasks[i].cpu);
        }
        EXPECT_EQ(back.variant, preset.variant);
    }
}

TEST(ScenarioFile, StartsFromAPresetAndOverridesBounds) {
    const ScenarioFile f = parse_scenario(
        "preset = \"grant\"\nvariants = [\"pre_0ac3b5c3\"]\nproperties = [\"timer-hygiene\"]\n"
        "[bounds]\nirqs = 2\n",
        "s.toml");
    EXPECT_EQ(f.scenario.name, "grant");
    EXPECT_EQ(f.scenario.bounds.irqs, 2U);
    EXPECT_EQ(f.scenario.bounds.wakeups, 2U);
    EXPECT_TRUE(f.scenario.variant.has(VariantSwitch::Pre0ac3b5c3));
    ASSERT_EQ(f.properties.size(), 1U);
    EXPECT_EQ(f.properties[0].name, "timer-hygiene");
    EXPECT_EQ(f.properties[0].where.line, 3);
    EXPECT_EQ(f.properties[0].where.column, 15);
}

TEST(ScenarioFile, WaiterSliceEnabledDefaultsToOff) {
    const ScenarioFile f = parse_scenario(
        "cpus = 1\n[[tasks]]\nrole = \"slice_user\"\n[[tasks]]\nrole = \"waiter\"\nrt = true\n",
        "s.toml");
    ASSERT_EQ(f.scenario.tasks.size(), 2U);
    EXPECT_TRUE(f.scenario.tasks[0].slice_enabled);
    EXPECT_FALSE(f.scenario.tasks[1].slice_enabled);
    EXPECT_TRUE(f.scenario.tasks[1].rt);
}

TEST(ScenarioFile, ErrorsPointAtTheKeyOrValue) {
    const SourceLocation unknown = error_at("preset = \"tiny\"\n  cpuss = 1\n");
    EXPECT_EQ(unknown.file, "s.toml");
    EXPECT_EQ(unknown.line, 2);
    EXPECT_EQ(unknown.column, 3);
    const SourceLocation range = error_at("preset = \"tiny\"\n[bounds]\nsignals = 9\n");
    EXPECT_EQ(range.line, 3);
    EXPECT_EQ(range.column, 11);
    const SourceLocation contradiction =
        error_at("preset = \"tiny\"\nname = \"x\"\nslice_key = false\n");
    EXPECT_EQ(contradiction.line, 3);
    const SourceLocation syntax = error_at("preset = \"tiny\"\ncpus = = 2\n");
    EXPECT_EQ(syntax.line, 2);
}

TEST(ScenarioFile, FirstErrorIsTheFirstInTheFile) {
    const SourceLocation at = error_at("preset = \"tiny\"\nzzz = 1\naaa = 2\n");
    EXPECT_EQ(at.line, 2);
}

TEST(ScenarioFile, SourceLineFindsLinesAndStripsCarriageReturns) {
    EXPECT_EQ(source_line("a\r\nb\nc", 1), "a");
    EXPECT_EQ(source_line("a\r\nb\nc", 3), "c");
    EXPECT_EQ(source_line("a\r\nb\nc", 4), "");
    EXPECT_EQ(source_line("a", 0), "");
}

}  // namespace
}  // namespace rseqcheck::test
