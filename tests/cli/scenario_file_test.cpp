// model/scenario_file.cpp in process: presets survive a round trip through a file, and bad
// files are rejected at the key that is wrong.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "model/scenario_file.h"
#include "tests/cli/cli_process.h"

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
        EXPECT_EQ(back.description, preset.description);
        EXPECT_EQ(back.cpus, preset.cpus);
        EXPECT_EQ(back.slice_key, preset.slice_key);
        EXPECT_EQ(back.debug_key, preset.debug_key);
        EXPECT_EQ(back.adversarial, preset.adversarial);
        EXPECT_EQ(back.preempt, preset.preempt);
        EXPECT_EQ(back.kernel, preset.kernel);
        EXPECT_EQ(back.arch, preset.arch);
        EXPECT_EQ(describe_bounds(back), describe_bounds(preset));
        ASSERT_EQ(back.tasks.size(), preset.tasks.size());
        for (std::size_t i = 0; i < back.tasks.size(); ++i) {
            EXPECT_EQ(back.tasks[i].role, preset.tasks[i].role);
            EXPECT_EQ(back.tasks[i].slice_enabled, preset.tasks[i].slice_enabled);
            EXPECT_EQ(back.tasks[i].rt, preset.tasks[i].rt);
            EXPECT_EQ(back.tasks[i].cpu, preset.tasks[i].cpu);
            EXPECT_EQ(back.tasks[i].in_critical_section, preset.tasks[i].in_critical_section);
            EXPECT_EQ(back.tasks[i].abi, preset.tasks[i].abi);
        }
        EXPECT_EQ(back.variant, preset.variant);
        EXPECT_EQ(back.syscall_kinds, preset.syscall_kinds);
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

TEST(ScenarioFile, KernelDefaultsTo70AndIsNamedByTheCatalogue) {
    EXPECT_EQ(parse_scenario("preset = \"tiny\"\n", "s.toml").scenario.kernel, Kernel::Linux70);
    EXPECT_EQ(parse_scenario("preset = \"tiny\"\nkernel = \"7.0\"\n", "s.toml").scenario.kernel,
              Kernel::Linux70);
    const SourceLocation unknown = error_at("preset = \"tiny\"\nkernel = \"7.2\"\n");
    EXPECT_EQ(unknown.line, 2);
    EXPECT_EQ(unknown.column, 10);
    const SourceLocation type = error_at("preset = \"tiny\"\nkernel = 7.0\n");
    EXPECT_EQ(type.line, 2);
    EXPECT_EQ(type.column, 10);
    for (const KernelInfo& k : kernel_catalog()) {
        const std::string text = "preset = \"tiny\"\nkernel = \"" + std::string(k.name) + "\"\n";
        if (k.modelled) {
            EXPECT_EQ(parse_scenario(text, "s.toml").scenario.kernel, k.id) << k.name;
        } else {
            EXPECT_EQ(error_at(text).line, 2) << k.name;
        }
    }
    Scenario sc = make_preset("tiny");
    sc.kernel = Kernel::Linux70;
    const std::string toml = scenario_to_toml(sc);
    EXPECT_NE(toml.find("\nkernel = \"7.0\"\n"), std::string::npos) << toml;
}

TEST(ScenarioFile, ArchAbiAndCriticalSectionParse) {
    const ScenarioFile f = parse_scenario("arch = \"arm64\"\ncpus = 1\n[[tasks]]\nrole = "
                                          "\"slice_user\"\nslice_enabled = false\n"
                                          "in_critical_section = true\nabi = \"v1\"\n",
                                          "s.toml");
    EXPECT_EQ(f.scenario.arch, Arch::Arm64);
    ASSERT_EQ(f.scenario.tasks.size(), 1U);
    EXPECT_TRUE(f.scenario.tasks[0].in_critical_section);
    EXPECT_EQ(f.scenario.tasks[0].abi, RseqAbi::V1);
    const Scenario defaults = parse_scenario("preset = \"tiny\"\n", "s.toml").scenario;
    EXPECT_EQ(defaults.arch, Arch::X86);
    EXPECT_EQ(defaults.tasks[0].abi, RseqAbi::V2);
    EXPECT_FALSE(defaults.tasks[0].in_critical_section);
    // On 7.0 a V1 task may enable slice extensions (no ABI split); on 7.0.y it may not.
    EXPECT_NO_THROW(parse_scenario("cpus = 1\n[[tasks]]\nabi = \"v1\"\n", "s.toml"));
    const SourceLocation v1 = error_at("kernel = \"7.0.y\"\ncpus = 1\n[[tasks]]\nabi = \"v1\"\n");
    EXPECT_EQ(v1.line, 4);
    EXPECT_EQ(v1.column, 1);
    EXPECT_NO_THROW(parse_scenario(
        "kernel = \"7.0.y\"\ncpus = 1\n[[tasks]]\nabi = \"v1\"\nslice_enabled = false\n",
        "s.toml"));
    const SourceLocation arch = error_at("preset = \"tiny\"\narch = \"sparc\"\n");
    EXPECT_EQ(arch.line, 2);
    EXPECT_EQ(arch.column, 8);
    const SourceLocation variant = error_at("preset = \"tiny\"\nvariants = [\"pre_411c1cf4\"]\n");
    EXPECT_EQ(variant.line, 2);
    EXPECT_EQ(variant.column, 13);
}

TEST(ScenarioFile, SyscallKindsNameWhatTheSliceUserMayIssue) {
    const Scenario defaults = parse_scenario("preset = \"tiny\"\n", "s.toml").scenario;
    EXPECT_EQ(defaults.syscall_kinds, default_syscall_kinds);
    EXPECT_EQ(scenario_to_toml(defaults).find("syscall_kinds"), std::string::npos)
        << "the default set is not written";
    const Scenario only_getpid =
        parse_scenario("preset = \"tiny\"\nsyscall_kinds = [\"getpid\"]\n", "s.toml").scenario;
    EXPECT_TRUE(only_getpid.syscall_kinds.has(Syscall::Getpid));
    EXPECT_FALSE(only_getpid.syscall_kinds.has(Syscall::RseqSliceYield));
    EXPECT_FALSE(only_getpid.syscall_kinds.has(Syscall::SchedYield));
    const Scenario again = parse_scenario(scenario_to_toml(only_getpid), "again.toml").scenario;
    EXPECT_EQ(again.syscall_kinds, only_getpid.syscall_kinds);
    const SourceLocation unknown =
        error_at("preset = \"tiny\"\nsyscall_kinds = [\"getpid\", \"fork\"]\n");
    EXPECT_EQ(unknown.line, 2);
    EXPECT_EQ(unknown.column, 28);
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

/// `check --scenario` on a file holding `text`: the status and the first line of stderr,
/// with the file's path replaced by "s.toml".
RunResult check_scenario_text(const std::string& text) {
    const TempDir dir;
    const std::string path = (dir.path() / "s.toml").string();
    std::ofstream(path, std::ios::binary) << text;
    RunResult r = run_rseqcheck("check --scenario " + path);
    r.err = first_line(r.err);
    if (r.err.rfind(path, 0) == 0)
        r.err = "s.toml" + r.err.substr(path.size());
    return r;
}

TEST(ScenarioFile, ControlCharactersInStringsAreRejectedAtTheString) {
    const RunResult nul = check_scenario_text("preset = \"tiny\"\nname = \"a\\u0000b\"\n");
    EXPECT_EQ(nul.status, 2);
    EXPECT_EQ(nul.err, "s.toml:2:8: error: 'name' contains U+0000; scenario strings are "
                       "printable ASCII (U+0020..U+007E)");
    const RunResult soh = check_scenario_text("preset = \"tiny\"\nname = \"a\\u0001b\"\n");
    EXPECT_EQ(soh.status, 2);
    EXPECT_EQ(soh.err, "s.toml:2:8: error: 'name' contains U+0001; scenario strings are "
                       "printable ASCII (U+0020..U+007E)");
    const RunResult newline =
        check_scenario_text("preset = \"tiny\"\n\ndescription  = \"two\\nlines\"\n");
    EXPECT_EQ(newline.status, 2);
    EXPECT_EQ(newline.err, "s.toml:3:16: error: 'description' contains U+000A; scenario "
                           "strings are printable ASCII (U+0020..U+007E)");
    const RunResult tab =
        check_scenario_text("preset = \"tiny\"\nproperties = [\"timer-hygiene\", \"a\\tb\"]\n");
    EXPECT_EQ(tab.status, 2);
    EXPECT_EQ(tab.err, "s.toml:2:32: error: 'properties[1]' contains U+0009; scenario "
                       "strings are printable ASCII (U+0020..U+007E)");
}

TEST(ScenarioFile, EscapedNonAsciiIsRejectedLikeLiteralNonAscii) {
    const RunResult e_acute = check_scenario_text("preset = \"tiny\"\nname = \"caf\\u00e9\"\n");
    EXPECT_EQ(e_acute.status, 2);
    EXPECT_EQ(e_acute.err, "s.toml:2:8: error: 'name' contains U+00E9; scenario strings are "
                           "printable ASCII (U+0020..U+007E)");
    const RunResult emoji = check_scenario_text("preset = \"tiny\"\nname = \"x\\U0001F600\"\n");
    EXPECT_EQ(emoji.status, 2);
    EXPECT_EQ(emoji.err, "s.toml:2:8: error: 'name' contains U+1F600; scenario strings are "
                         "printable ASCII (U+0020..U+007E)");
    const RunResult del = check_scenario_text("preset = \"tiny\"\nname = \"\\u007f\"\n");
    EXPECT_EQ(del.status, 2);
    EXPECT_EQ(del.err, "s.toml:2:8: error: 'name' contains U+007F; scenario strings are "
                       "printable ASCII (U+0020..U+007E)");
    EXPECT_EQ(parse_scenario("preset = \"tiny\"\nname = \" ~\\u0041\"\n", "s.toml").scenario.name,
              " ~A");
}

TEST(ScenarioFile, ADirectoryIsNotAScenarioFile) {
    const TempDir dir;
    const RunResult r = run_rseqcheck("check --scenario " + dir.str());
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(first_line(r.err),
              dir.str() + ": error: cannot read the scenario file: it is a directory");
}

TEST(ScenarioFile, SourceLineFindsLinesAndStripsCarriageReturns) {
    EXPECT_EQ(source_line("a\r\nb\nc", 1), "a");
    EXPECT_EQ(source_line("a\r\nb\nc", 3), "c");
    EXPECT_EQ(source_line("a\r\nb\nc", 4), "");
    EXPECT_EQ(source_line("a", 0), "");
}

}  // namespace
}  // namespace rseqcheck::test
