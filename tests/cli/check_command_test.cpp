// End-to-end tests of `rseqcheck check`, `list` and the exit codes, on the small presets.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/memory_budget.h"
#include "properties/property.h"
#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// How many properties a check runs when none is named (the catalogue's default set).
[[maybe_unused]] std::size_t default_set_size() {
    const auto all = properties::catalog();
    return static_cast<std::size_t>(std::count_if(
        all.begin(), all.end(), [](const properties::Property& p) { return p.in_default_set; }));
}

json without_timing(json j) {
    j.erase("timing");
    return j;
}

// An internal check of rseqcheck that fails exits 4, apart from "incomplete" (3): here the
// model's 2-bit grant generation (docs/model.md, decision 5) wraps onto a timer still queued
// for an older grant, which three membarrier revokes and five requests on one CPU reach.
TEST(CheckCommand, AnInternalErrorExitsFour) {
    TempDir dir;
    const std::string file = (dir.path() / "wrap.toml").string();
    {
        std::ofstream out(file);
        out << "preset = \"membarrier\"\n[bounds]\nwakeups = 3\nmembarriers = 3\n"
               "user_writes = 5\n";
    }
    const RunResult r = run_rseqcheck("check --scenario " + file);
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_NE(r.err.find("rseqcheck: internal error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("slice deadline generation wrapped"), std::string::npos) << r.err;
}

TEST(CheckCommand, HoldsOnTinyExitsZeroWithTheVerdictLine) {
    const RunResult r = run_rseqcheck("check --preset tiny");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("rseqcheck: scenario tiny (cpus=1 tasks=2 preempt=none"),
              std::string::npos);
    EXPECT_NE(r.out.find("variant: fixed"), std::string::npos);
    EXPECT_NE(r.out.find("824 states, 1189 transitions, depth 24"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nverdict: holds: all "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('\033'), std::string::npos) << "colour on a pipe";
}

TEST(CheckCommand, ViolationExitsOneWithAShortestTrace) {
    const RunResult r =
        run_rseqcheck("check --preset preempt-full --variant pre_7ee58f98 --format json");
    ASSERT_EQ(r.status, 1) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["verdict"], "violated");
    EXPECT_EQ(j["variant"], "pre_7ee58f98");
    bool found = false;
    for (const json& p : j["properties"]) {
        if (p["status"] != "violated")
            continue;
        found = true;
        // Stops at the first violation: I1 or I6, whichever BFS meets first (both, at the
        // same depth, as the search finishes the level).
        EXPECT_TRUE(p["name"] == "no-stale-grant-after-switch" ||
                    p["name"] == "slice-reset-on-id-update")
            << p["name"];
        // Shortest: the 11 steps of the hand walk to the stale grant
        // (walkthrough_test.cpp, switch_between_grant_write_and_commit()).
        EXPECT_EQ(p["trace"].size(), 11U) << p["name"];
        ASSERT_FALSE(p["trace"].empty());
        EXPECT_EQ(p["trace"].back()["action"], "rseq_exit_to_user_mode_restart");
        EXPECT_EQ(p["trace"].front()["step"], 1);
        EXPECT_NE(p["trace"].back()["kernel"].get<std::string>().find("rseq_entry.h"),
                  std::string::npos);
        // The step's parameter is named as in a version 3 trace: the wakeups say whom they
        // woke, the flag snapshots what they read; no step carries the old number "arg".
        for (const json& step : p["trace"]) {
            EXPECT_FALSE(step.contains("arg")) << step;
            if (step["action"] == "irq_wakeup") {
                EXPECT_TRUE(step.contains("woken")) << step;
            }
            if (step["action"] == "exit_to_user_mode_prepare") {
                EXPECT_TRUE(step.contains("ti_work")) << step;
            }
        }
    }
    EXPECT_TRUE(found);
}

TEST(CheckCommand, VariantAloneRunsOnItsPreset) {
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --format json");
    ASSERT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(json::parse(r.out)["scenario"]["name"], "preempt-full");
}

TEST(CheckCommand, AllReportsEveryViolatedPropertyAndNoUnknowns) {
    const RunResult r =
        run_rseqcheck("check --preset preempt-full --variant pre_7ee58f98 --all --format json");
    ASSERT_EQ(r.status, 1) << r.err;
    int violated = 0;
    const json j = json::parse(r.out);
    for (const json& p : j["properties"]) {
        EXPECT_NE(p["status"], "unknown") << p["name"];
        violated += p["status"] == "violated" ? 1 : 0;
    }
    EXPECT_EQ(violated, 2);  // I1 and I6, as the variant catalogue says it catches
}

TEST(CheckCommand, JsonIsByteIdenticalAcrossRunsAndThreadCountsApartFromTiming) {
    const std::string args = "check --preset grant --variant pre_0ac3b5c3 --all --format json";
    const RunResult a = run_rseqcheck(args);
    const RunResult b = run_rseqcheck(args);
    const RunResult c = run_rseqcheck(args + " --threads 2");
    ASSERT_EQ(a.status, 1);
    EXPECT_EQ(without_timing(json::parse(a.out)).dump(), without_timing(json::parse(b.out)).dump());
    EXPECT_EQ(without_timing(json::parse(a.out)).dump(), without_timing(json::parse(c.out)).dump());
    const json timing = json::parse(a.out)["timing"];
    for (const char* key : {"seconds", "states_per_second", "bytes_per_state", "peak_rss_bytes"})
        EXPECT_TRUE(timing.contains(key)) << key;
}

// Without --all both engines finish the level of the first violation: the report, counts
// and premise counts included, does not depend on the thread count (pre_dd0a0460 used to give
// 196 states on one thread and 209 on two).
TEST(CheckCommand, AReportStoppedAtTheFirstViolationIsTheSameOnEveryThreadCount) {
    const std::string args = "check --variant pre_dd0a0460 --format json";
    const RunResult a = run_rseqcheck(args);
    ASSERT_EQ(a.status, 1) << a.err;
    const std::string one = without_timing(json::parse(a.out)).dump();
    for (const char* threads : {" --threads 2", " --threads 3"}) {
        const RunResult c = run_rseqcheck(args + threads);
        ASSERT_EQ(c.status, 1) << c.err;
        EXPECT_EQ(one, without_timing(json::parse(c.out)).dump()) << threads;
    }
}

// With several threads the leads-to checks run side by side (checker/parallel_tasks.h);
// the report, lasso trace included, must not depend on it.
TEST(CheckCommand, ALeadsToViolationIsReportedTheSameWithTwoThreads) {
    const std::string args =
        "check --preset grant --variant mut_yield_no_resched --all --format json";
    const RunResult a = run_rseqcheck(args);
    const RunResult c = run_rseqcheck(args + " --threads 2");
    ASSERT_EQ(a.status, 1) << a.err;
    ASSERT_EQ(c.status, 1) << c.err;
    const json one = without_timing(json::parse(a.out));
    bool lasso = false;
    for (const json& p : one["properties"]) {
        if (p["name"] == "yield-schedules") {
            EXPECT_EQ(p["status"], "violated");
            lasso = p.contains("trace") && !p["trace"].empty();
        }
    }
    EXPECT_TRUE(lasso) << "the variant's leads-to violation carries a trace";
    EXPECT_EQ(one.dump(), without_timing(json::parse(c.out)).dump());
}

TEST(CheckCommand, ReportsTheTransitionsThatNeverFired) {
    const RunResult r = run_rseqcheck("check --preset tiny --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    const json never = json::parse(r.out)["never_fired"];
    const auto has = [&](const char* name) {
        return std::find(never.begin(), never.end(), name) != never.end();
    };
    EXPECT_TRUE(has("user_write_slice_ctrl")) << "tiny is not adversarial";
    EXPECT_TRUE(has("migrate_task")) << "tiny has one CPU";
    EXPECT_FALSE(has("irq_wakeup"));
    EXPECT_FALSE(has("rseq_grant_slice_extension"));
    const RunResult text = run_rseqcheck("check --preset tiny");
    EXPECT_NE(text.out.find("\nnever fired in this scenario: "), std::string::npos);
}

TEST(CheckCommand, SelectedPropertiesOnly) {
    const RunResult r = run_rseqcheck(
        "check --preset tiny --property timer-hygiene --property grant-clears-resched "
        "--format json");
    ASSERT_EQ(r.status, 0) << r.err;
    const json j = json::parse(r.out);
    ASSERT_EQ(j["properties"].size(), 2U);
    EXPECT_EQ(j["properties"][0]["name"], "timer-hygiene");
    EXPECT_EQ(j["properties"][0]["spec_id"], "I13");
    EXPECT_GT(j["properties"][0]["premise_count"].get<int>(), 0);
}

TEST(CheckCommand, VacuousPropertiesAreReportedAndFailUnderStrict) {
    const RunResult plain = run_rseqcheck("check --preset rt --format json");
    ASSERT_EQ(plain.status, 0) << plain.err;
    bool vacuous = false;
    const json j = json::parse(plain.out);
    for (const json& p : j["properties"]) {
        if (p["status"] == "vacuous") {
            vacuous = true;
            EXPECT_EQ(p["premise_count"], 0);
        }
    }
    EXPECT_TRUE(vacuous);
    const RunResult strict = run_rseqcheck("check --preset rt --strict --format json");
    EXPECT_EQ(strict.status, 1);
    EXPECT_EQ(json::parse(strict.out)["verdict"], "vacuous");
}

// A property the scenario cannot exercise (Property::applies) is skipped with the reason, is
// not checked, and does not fail --strict: the I20 pair needs kernel 7.1, I8 a task in an
// rseq critical section. On the 7.1 preset hrtimer-rearm the I20 pair is checked.
TEST(CheckCommand, PropertiesThatDoNotApplyAreSkippedAndStrictIgnoresThem) {
    const RunResult tiny = run_rseqcheck("check --preset tiny --strict --format json");
    ASSERT_EQ(tiny.status, 0) << tiny.out << tiny.err;
    std::map<std::string, std::string> note;
    const json report = json::parse(tiny.out);
    for (const json& p : report["properties"]) {
        EXPECT_NE(p["status"], "vacuous") << p["name"];
        if (p["status"] == "skipped")
            note[p["name"].get<std::string>()] = p["note"].get<std::string>();
    }
    EXPECT_EQ(note["hrtimer-lock-irqs-off"], "does not apply: needs kernel 7.1");
    EXPECT_EQ(note["hrtimer-rearmed-in-user"], "does not apply: needs kernel 7.1");
    EXPECT_EQ(note["cs-aborted-when-due"],
              "does not apply: needs a task in or entering an rseq critical section");
    const RunResult on_71 =
        run_rseqcheck("check --preset hrtimer-rearm --property hrtimer-lock-irqs-off "
                      "--property cs-aborted-when-due --format json");
    ASSERT_EQ(on_71.status, 0) << on_71.err;
    const json j = json::parse(on_71.out);
    EXPECT_EQ(j["properties"][0]["status"], "holds");
    EXPECT_GT(j["properties"][0]["premise_count"].get<int>(), 0);
    EXPECT_EQ(j["properties"][1]["status"], "skipped");
    // Asking only for properties that do not apply checks nothing: bad input.
    const RunResult none = run_rseqcheck("check --preset tiny --property hrtimer-lock-irqs-off");
    EXPECT_EQ(none.status, 2);
    EXPECT_NE(none.err.find("property hrtimer-lock-irqs-off does not apply to this scenario (it "
                            "needs kernel 7.1)"),
              std::string::npos)
        << none.err;
}

TEST(CheckCommand, MemoryLimitGivesAnIncompleteVerdictAndExitThree) {
    const RunResult r = run_rseqcheck("check --preset tiny --memory-limit 1K --format json");
    EXPECT_EQ(r.status, 3);
    const json j = json::parse(r.out);
    EXPECT_EQ(j["verdict"], "incomplete");
    EXPECT_NE(j["incomplete_reason"].get<std::string>().find("memory limit"), std::string::npos);
}

// --memory-limit covers the state graph and the leads-to checks after the search: at a
// limit the search fits in but the graph does not, the leads-to property is unknown and
// the run incomplete (exit 3); the estimate the note names is exactly the room needed
// beside the store and the program's allowance.
TEST(CheckCommand, MemoryLimitCoversTheLeadsToStageAfterTheSearch) {
    const std::string run = "check --preset tiny --property grant-ends --format json";
    const RunResult free_run = run_rseqcheck(run);
    ASSERT_EQ(free_run.status, 0) << free_run.err;
    const auto store = json::parse(free_run.out)["timing"]["store_bytes"].get<std::uint64_t>();
    ASSERT_GT(store, 0U);
    const std::uint64_t kept = rseqcheck::checker::program_allowance_bytes + store;

    const RunResult tight = run_rseqcheck(run + " --memory-limit " + std::to_string(kept));
    EXPECT_EQ(tight.status, 3) << tight.err;
    const json j = json::parse(tight.out);
    EXPECT_EQ(j["verdict"], "incomplete");
    EXPECT_EQ(j["properties"][0]["status"], "unknown");
    const std::string note = j["properties"][0]["note"];
    EXPECT_EQ(j["incomplete_reason"], note);
    // The check did not run, but P's count over the reached states is the one it would give.
    const auto premise = json::parse(free_run.out)["properties"][0]["premise_count"];
    ASSERT_GT(premise.get<std::uint64_t>(), 0U);
    EXPECT_EQ(j["properties"][0]["premise_count"], premise);
    const std::string marker = "need an estimated ";
    const std::size_t at = note.find(marker);
    ASSERT_NE(at, std::string::npos) << note;
    const std::uint64_t need = std::stoull(note.substr(at + marker.size()));
    ASSERT_GT(need, 0U);

    const RunResult short_by_one =
        run_rseqcheck(run + " --memory-limit " + std::to_string(kept + need - 1));
    EXPECT_EQ(short_by_one.status, 3) << short_by_one.out;
    const RunResult enough = run_rseqcheck(run + " --memory-limit " + std::to_string(kept + need));
    EXPECT_EQ(enough.status, 0) << enough.out;
    EXPECT_EQ(json::parse(enough.out)["properties"][0]["status"], "holds");
}

// --memory-limit holds for the process: under a hard cap a little above it (ulimit -v,
// 16 MiB above), `check` ends with exit 3 and a whole report, never killed or cut short.
// On one thread the limit stops it. With two, the workers' buffers reserve address space
// beside the store, so the cap may refuse first: the run then ends the same way, out of
// memory. Skipped under the sanitizers, whose shadow memory needs the address space.
TEST(CheckCommand, UnderAHardCapALittleAboveTheMemoryLimitTheReportIsWhole) {
#ifdef RSEQCHECK_SANITIZED
    GTEST_SKIP() << "the sanitizers need more address space than the cap leaves";
#else
    for (const char* threads : {"1", "2"}) {
        const RunResult r = run_rseqcheck(
            std::string("check --memory-limit 64M --format json --threads ") + threads,
            "ulimit -v 81920 &&");
        ASSERT_EQ(r.status, 3) << threads << ": " << r.err;
        const json j = json::parse(r.out);
        EXPECT_EQ(j["verdict"], "incomplete") << threads;
        const std::string reason = j["incomplete_reason"];
        if (std::string(threads) == "1") {
            EXPECT_EQ(reason, "memory limit of 67108864 bytes reached");
        } else {
            EXPECT_TRUE(reason == "memory limit of 67108864 bytes reached" ||
                        reason.starts_with("out of memory: the system refused"))
                << reason;
        }
        EXPECT_GT(j["states"].get<std::uint64_t>(), 1000U) << threads;
        EXPECT_GT(j["depth"].get<std::uint64_t>(), 3U) << threads;
        // every property of the default set and the built-in deadlock-free check, unknown
        EXPECT_EQ(j["properties"].size(), default_set_size() + 1) << threads;
    }
#endif
}

TEST(CheckCommand, OutputFileIsWrittenWholeWithNoPartialLeft) {
    TempDir dir;
    const std::string file = (dir.path() / "report.json").string();
    const RunResult r = run_rseqcheck("check --preset tiny --format json --output " + file);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(json::parse(read_text(file))["verdict"], "holds");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);
}

TEST(CheckCommand, TraceOutWritesEachViolatedPropertysTrace) {
    TempDir dir;
    const std::string traces = (dir.path() / "traces").string();
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --all --trace-out " + traces);
    ASSERT_EQ(r.status, 1) << r.err;
    const json t =
        json::parse(read_text(fs::path(traces) / "no-stale-grant-after-switch.trace.json"));
    EXPECT_EQ(t["property"], "no-stale-grant-after-switch");
    EXPECT_FALSE(t["trace"].empty());
    EXPECT_TRUE(fs::exists(fs::path(traces) / "slice-reset-on-id-update.trace.txt"));
}

// README: `--trace-out traces/` in a fresh directory. The parent of "traces/" is not
// "traces" (which does not exist yet) but the working directory.
TEST(CheckCommand, TraceOutWithATrailingSlashNamesTheDirectory) {
    TempDir dir;
    const std::string traces = (dir.path() / "traces").string() + "/";
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --trace-out " + traces);
    ASSERT_EQ(r.status, 1) << r.err;
    EXPECT_TRUE(fs::exists(fs::path(traces) / "no-stale-grant-after-switch.trace.json"));
}

TEST(CheckCommand, TraceOutUnderAFileSaysTheFileIsNotADirectory) {
    TempDir dir;
    const fs::path file = dir.path() / "keep.txt";
    std::ofstream(file) << "x";
    const RunResult r = run_rseqcheck("check --preset tiny --trace-out " + (file / "t").string());
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(first_line(r.err), "rseqcheck: error: --trace-out '" + (file / "t").string() +
                                     "': '" + file.string() + "' is not a directory");
}

// An empty value (an unset shell variable) is refused, not read as "not given": with
// `--scenario ''` the run used to go on with the default preset and exit 0.
TEST(CheckCommand, AnEmptyOptionValueIsBadInput) {
    for (const char* option : {"--scenario", "--preset", "--output", "--trace-out", "--format"}) {
        const RunResult r = run_rseqcheck(std::string("check ") + option + " ''");
        EXPECT_EQ(r.status, 2) << option;
        EXPECT_EQ(first_line(r.err),
                  std::string("rseqcheck: error: check ") + option + ": the value is empty");
        EXPECT_TRUE(r.out.empty()) << option;
    }
    EXPECT_EQ(run_rseqcheck("replay ''").status, 2);
    EXPECT_EQ(run_rseqcheck("graph --preset ''").status, 2);
}

TEST(CheckCommand, APropertyNamedTwiceIsCheckedOnce) {
    const RunResult r = run_rseqcheck(
        "check --preset tiny --property grant-ends --property grant-ends --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["properties"].size(), 1U);
}

TEST(CheckCommand, AnUnknownPropertyFarFromEveryNameListsTheValidOnes) {
    const RunResult far = run_rseqcheck("check --property nosuch");
    EXPECT_EQ(far.status, 2);
    EXPECT_NE(far.err.find("unknown property 'nosuch' (valid: no-stale-grant-after-switch, "),
              std::string::npos)
        << far.err;
    const RunResult deadlock = run_rseqcheck("check --property deadlock-free");
    EXPECT_EQ(deadlock.status, 2);
    EXPECT_NE(deadlock.err.find("'deadlock-free' is the built-in deadlock check"),
              std::string::npos)
        << deadlock.err;
}

// Every property of an incomplete run says why it is unknown, the deadlock check included;
// and the coverage line says it covers the states searched, not the scenario.
TEST(CheckCommand, AnIncompleteRunSaysWhyOnEveryUnknownProperty) {
    const RunResult r = run_rseqcheck("check --preset tiny --memory-limit 1K --format json");
    ASSERT_EQ(r.status, 3) << r.err;
    const json report = json::parse(r.out);  // a range-for over parse(...)[...] would dangle
    for (const json& p : report["properties"]) {
        // a property tiny cannot exercise (I8: no critical section; I20: kernel 7.0; the
        // part-2 ones: no such syscall or setting) is skipped whether the search completes or
        // not, with the reason as its note; every other one is unknown
        ASSERT_TRUE(p.contains("note")) << p["name"];
        const bool inapplicable = p["note"].get<std::string>().starts_with("does not apply");
        EXPECT_EQ(p["status"], inapplicable ? "skipped" : "unknown") << p["name"];
    }
    const RunResult text = run_rseqcheck("check --preset tiny --memory-limit 1K");
    EXPECT_NE(text.out.find("never fired in the states searched (the search stopped early):"),
              std::string::npos)
        << text.out;
    EXPECT_EQ(text.out.find("never fired in this scenario"), std::string::npos);
}

// The JSON report's `changed` is the text trace's (counterexamples/render.h): it used to be a
// smaller set of differently named fields, empty on step 3 here.
TEST(CheckCommand, JsonStepsCarryTheFieldsTheTextTraceShows) {
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --format json");
    ASSERT_EQ(r.status, 1) << r.err;
    const RunResult text = run_rseqcheck("check --variant pre_7ee58f98");
    const json report = json::parse(r.out);
    for (const json& p : report["properties"]) {
        if (p["status"] != "violated")
            continue;
        for (const json& step : p["trace"]) {
            const std::string changed = step["changed"];
            if (changed.empty())
                continue;  // a step that moves only budget counters
            // The text trace groups a step's changes by the kernel function that wrote
            // them (`fn(): a=1 b=2`), so each `name=value` is looked for on its own.
            std::istringstream words(changed);
            for (std::string word; words >> word;) {
                if (word.find('=') == std::string::npos)
                    continue;
                EXPECT_NE(text.out.find(word), std::string::npos)
                    << "step " << step["step"] << ": " << word << " of" << changed;
            }
        }
        // Copied from the program's output, a change detector. Backed by the hand walk
        // (walkthrough_test.cpp, switch_between_grant_write_and_commit()): step 3 is
        // exit_to_user_mode_prepare, which snapshots ti_work with NEED_RESCHED (set by the
        // wakeup of step 2) and enters the loop at its need-resched test.
        EXPECT_EQ(p["trace"][2]["changed"], " pc=LoopResched ti_work=NEED_RESCHED");
    }
}

// Without --preset, two variants with different presets used to run on the first one's, so
// the order of the options decided the verdict (one order exited 2, the other 1).
TEST(CheckCommand, VariantsOnDifferentPresetsNeedAPreset) {
    for (const char* order : {"--variant pre_7ee58f98 --variant mut_rt_full_grantable",
                              "--variant mut_rt_full_grantable --variant pre_7ee58f98"}) {
        const RunResult r = run_rseqcheck(std::string("check ") + order);
        EXPECT_EQ(r.status, 2) << order;
        EXPECT_NE(r.err.find("run on different presets: name one with --preset"), std::string::npos)
            << r.err;
    }
}

TEST(CheckCommand, MemoryLimitTakesPowersOf1024AndRefusesTheAmbiguousGB) {
    for (const char* size : {"4g", "4G", "4GiB", "4096m"}) {
        const RunResult r =
            run_rseqcheck(std::string("check --preset tiny --memory-limit ") + size);
        EXPECT_EQ(r.status, 0) << size << ": " << r.err;
    }
    const RunResult gb = run_rseqcheck("check --preset tiny --memory-limit 4GB");
    EXPECT_EQ(gb.status, 2);
    EXPECT_EQ(first_line(gb.err), "rseqcheck: error: --memory-limit '4GB': 'GB' could mean a power "
                                  "of 1000 or of 1024; write G or GiB (1024-based)");
}

TEST(CheckCommand, BoundRejectsAnUnknownQueryAndNamesTheValidOnes) {
    const RunResult r = run_rseqcheck("bound max-waiter-delay");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown bound query 'max-waiter-delay'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("waiter-delay, extension-bound"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(CheckCommand, VersionNamesTheKernel) {
    const RunResult r = run_rseqcheck("--version");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, std::string("rseqcheck ") + RSEQCHECK_VERSION + " (model of Linux " +
                         RSEQCHECK_KERNEL_VERSION + " rseq time slice extension)\n");
}

TEST(CheckCommand, HelpExitsZero) {
    const RunResult r = run_rseqcheck("check --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("--memory-limit"), std::string::npos);
}

TEST(ListCommand, VariantsJsonCarriesPresetCommitAndCatches) {
    const RunResult r = run_rseqcheck("list variants --format json");
    ASSERT_EQ(r.status, 0);
    const json j = json::parse(r.out);
    ASSERT_FALSE(j.empty());
    for (const json& v : j) {
        EXPECT_TRUE(v.contains("preset") && v.contains("commit") && v.contains("catches"));
        EXPECT_FALSE(v["preset"].get<std::string>().empty());
        const bool patch = v["kind"] == "patch";
        EXPECT_EQ(patch, v["name"].get<std::string>().starts_with("fix_")) << v["name"];
        EXPECT_EQ(patch, !v["targets"].empty()) << v["name"];
        EXPECT_EQ(patch, !v["finding"].get<std::string>().empty()) << v["name"];
    }
}

TEST(ListCommand, PropertiesAndPresetsInText) {
    const RunResult props = run_rseqcheck("list properties");
    EXPECT_EQ(props.status, 0);
    EXPECT_NE(props.out.find("timer-armed-on-grant (I3, invariant)"), std::string::npos);
    const RunResult presets = run_rseqcheck("list presets --format json");
    EXPECT_EQ(presets.status, 0);
    EXPECT_GE(json::parse(presets.out).size(), 6U);
    // scripts/reduction-table and the nightly job read which presets are nightly-size.
    for (const json& p : json::parse(presets.out)) {
        const bool large = p["name"] == "deep" || p["name"] == "nightly";
        EXPECT_EQ(p["nightly_size"], large) << p["name"];
    }
}

TEST(ListCommand, KernelsInTextAndJsonWithTheCommitsEachFollows) {
    const RunResult text = run_rseqcheck("list kernels");
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_EQ(text.out.find("7.0: "), 0U) << text.out;
    EXPECT_NE(text.out.find("  follows torvalds/linux c17ee635fd3a482b2ad2bf5e269755c2eae5f25e\n"),
              std::string::npos)
        << text.out;
    const RunResult r = run_rseqcheck("list kernels --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    const json j = json::parse(r.out);
    std::vector<std::string> names;
    for (const json& k : j) {
        names.push_back(k["name"]);
        ASSERT_FALSE(k["follows"].empty()) << k["name"];
        EXPECT_EQ(k["follows"][0], "torvalds/linux c17ee635fd3a482b2ad2bf5e269755c2eae5f25e");
        EXPECT_TRUE(k.contains("description") && k.contains("modelled"));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"7.0", "7.0.y", "7.1"}));
    EXPECT_EQ(j[0]["modelled"], true);
    const RunResult named = run_rseqcheck("list kernels 7.0");
    EXPECT_EQ(named.status, 2);
    EXPECT_NE(named.err.find("a NAME applies to 'list presets' only"), std::string::npos);
}

TEST(CheckCommand, EveryReportSaysWhichKernelItChecked) {
    const RunResult text = run_rseqcheck("check --preset tiny");
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("\nvariant: fixed\nkernel: 7.0 (follows torvalds/linux "
                            "c17ee635fd3a482b2ad2bf5e269755c2eae5f25e)\n"),
              std::string::npos)
        << text.out;
    const RunResult r = run_rseqcheck("check --preset grant --variant pre_0ac3b5c3 --format json");
    ASSERT_EQ(r.status, 1) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["kernel"]["name"], "7.0");
    EXPECT_EQ(j["kernel"]["follows"][0], "torvalds/linux c17ee635fd3a482b2ad2bf5e269755c2eae5f25e");
}

TEST(ListCommand, PresetAsTomlChecksLikeThePreset) {
    for (const std::string preset : {"tiny", "grant", "grant-race", "rt"}) {
        TempDir dir;
        const std::string file = (dir.path() / (preset + ".toml")).string();
        const RunResult listed = run_rseqcheck("list presets --format toml " + preset);
        ASSERT_EQ(listed.status, 0) << listed.err;
        std::ofstream(file) << listed.out;
        const RunResult from_file = run_rseqcheck("check --format json --scenario " + file);
        const RunResult from_preset = run_rseqcheck("check --format json --preset " + preset);
        ASSERT_EQ(from_file.status, 0) << from_file.err;
        json a = without_timing(json::parse(from_file.out));
        json b = without_timing(json::parse(from_preset.out));
        EXPECT_EQ(a["scenario"]["source"], file);
        a["scenario"].erase("source");
        b["scenario"].erase("source");
        EXPECT_EQ(a.dump(), b.dump()) << preset;
    }
}

// Either store, on either engine, gives the same report apart from its timing: counts,
// verdict, properties with their premise counts, and the traces (issue 26).
TEST(CheckCommand, TheCompressedStoreReportsAsThePlainOne) {
    for (const char* run : {"--preset tiny", "--variant pre_7ee58f98 --all"}) {
        const std::string base = std::string("check ") + run + " --format json";
        const RunResult plain = run_rseqcheck(base + " --store plain");
        json want = json::parse(plain.out);
        want.erase("timing");
        for (const char* threads : {"1", "2"}) {
            const RunResult r = run_rseqcheck(base + " --store compressed --threads " + threads);
            EXPECT_EQ(r.status, plain.status) << run << r.err;
            json got = json::parse(r.out);
            got.erase("timing");
            EXPECT_EQ(got, want) << run << " threads " << threads;
        }
    }
    const RunResult bad = run_rseqcheck("check --preset tiny --store zip");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--store 'zip' is not one of plain, compressed, auto"),
              std::string::npos)
        << bad.err;
}

}  // namespace
}  // namespace rseqcheck::test
