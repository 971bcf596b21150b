// render_timeline(): the 72-column CPU timeline a kernel mailing list reads.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"
#include "tests/support/text.h"

namespace rseqcheck::cex {
namespace {

namespace fs = std::filesystem;
using test::count_occurrences;

Trace corpus_trace(const std::string& name) {
    const std::string path =
        std::string(RSEQCHECK_SOURCE_DIR) + "/counterexamples/corpus/" + name + ".json";
    return replay_file(path).result.trace;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::size_t widest(const std::string& text) {
    std::size_t w = 0;
    for (const std::string& line : lines_of(text))
        w = std::max(w, line.size());
    return w;
}

/// The rows that start a step: the gutter holds a mark and a step number.
std::size_t step_rows(const std::string& text) {
    std::size_t n = 0;
    for (const std::string& line : lines_of(text)) {
        if (line.size() > 4 && (line[0] == ' ' || line[0] == '*' || line[0] == '>') &&
            line[3] >= '0' && line[3] <= '9')
            ++n;
    }
    return n;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The golden timeline: mut_fastpath_fault_returns on fault-migrate, 8 steps on two CPUs.
/// Checked by hand against `rseqcheck replay` of the same file (the text trace, one block
/// per step), step by step:
///  1 CPU0, T0 interrupted (environment: *): T1 woken (T1.state queued), TIF_NEED_RESCHED and
///    PREEMPT_NEED_RESCHED set, rseq.event.user_irq=1; the text trace's pc= left out.
///  2 CPU0 __exit_to_user_mode_prepare(): ti_work=NEED_RESCHED.
///  3 CPU0 __exit_to_user_mode_loop() (exit_loop_need_resched): only pc changes, no fields.
///  4 CPU0 rseq_grant_slice_extension() -> T1: T0 queued, T1 current, curr=T1, both
///    reschedule bits clear; the long T1.state value wraps on its own lines.
///  5 CPU1 column (the CPU it lands on): T0 migrated, task_cpu=1, rseq.event.ids_changed=1.
///  6 CPU1 schedule_idle() runs on the idle task, so T0's fields carry the T0. prefix.
///  7 CPU1 __exit_to_user_mode_loop() re-read: ti_work=RSEQ.
///  8 CPU1 rseq_exit_to_user_mode_restart() (fault, -EFAULT): the events cleared, slowpath
///    set, marked '>' and "<< I7 violated here" (the text trace's '>' step).
/// Header: I7 and its claim, fault-migrate with 2 CPUs and 2 tasks, PREEMPT_NONE, the
/// variant's catalogue line, 8 steps of which 3 are environment events (1, 5, 8: a fault).
TEST(RenderTimeline, MatchesTheHandCheckedTimelineOfTheFastpathFaultTrace) {
    const std::string got =
        render_timeline(corpus_trace("mut-fastpath-fault-returns-ids-correct-in-user-mode"));
    const fs::path file = fs::path(RSEQCHECK_SOURCE_DIR) / "tests" / "data" / "timelines" /
                          "mut-fastpath-fault-returns-ids-correct-in-user-mode.txt";
    if (std::getenv("RSEQCHECK_UPDATE_GOLDEN") != nullptr)
        std::ofstream(file, std::ios::binary) << got;
    EXPECT_EQ(read(file), got) << "check the new timeline by hand, then regenerate " << file
                               << " with RSEQCHECK_UPDATE_GOLDEN=1";
}

TEST(RenderTimeline, EveryCorpusTraceFitsSeventyTwoColumnsWithItsViolationMarked) {
    std::size_t rendered = 0;
    const fs::path corpus = fs::path(RSEQCHECK_SOURCE_DIR) / "counterexamples" / "corpus";
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(corpus)) {
        if (e.path().extension() != ".json")
            continue;
        const ReplayReport r = replay_file(e.path().string());
        ASSERT_NE(r.exit_code, 2) << e.path() << r.error;
        const Trace& t = r.result.trace;
        const std::string text = render_timeline(t);
        EXPECT_LE(widest(text), 72U) << e.path() << "\n" << text;
        EXPECT_EQ(step_rows(text), t.steps.size()) << e.path() << "\n" << text;
        if (r.exit_code == 1) {
            EXPECT_NE(text.find(t.property.name + " (" + t.property.spec_id + ") is violated"),
                      std::string::npos)
                << e.path();
            EXPECT_EQ(count_occurrences(text, "\n>"), 1U) << e.path() << "\n" << text;
            EXPECT_EQ(count_occurrences(text, "violated here"), 1U) << e.path();
        } else {
            // F2, F3 and the 7.4 fidelity trace break no catalogue property: they say so.
            EXPECT_NE(text.find(") holds\n"), std::string::npos) << e.path() << "\n" << text;
            EXPECT_EQ(count_occurrences(text, "\n>"), 0U) << e.path();
        }
        ++rendered;
    }
    EXPECT_GE(rendered, 19U);
}

/// Three CPUs acting share the 72 columns: the columns shrink and long cells wrap inside them.
TEST(RenderTimeline, ThreeActingCpusStillFitSeventyTwoColumns) {
    Trace t = corpus_trace("mut-fastpath-fault-returns-ids-correct-in-user-mode");
    t.scenario.cpus = 3;
    t.steps[0].action.cpu = 2;
    const std::string text = render_timeline(t);
    EXPECT_LE(widest(text), 72U) << text;
    EXPECT_NE(text.find("CPU0                 | CPU1                 | CPU2"), std::string::npos)
        << text;
    EXPECT_EQ(step_rows(text), t.steps.size()) << text;
}

/// Rows come in step order, top to bottom, each in the column of its CPU.
TEST(RenderTimeline, ReadsTopToBottomInStepOrder) {
    const Trace t = corpus_trace("mut-fastpath-fault-returns-ids-correct-in-user-mode");
    const std::string text = render_timeline(t);
    std::size_t at = 0;
    for (std::size_t k = 1; k <= t.steps.size(); ++k) {
        const std::size_t next = text.find(std::to_string(k) + " ", at);
        ASSERT_NE(next, std::string::npos) << k;
        at = next;
    }
    EXPECT_NE(text.find(" | T0 migrate_task\n"), std::string::npos) << text;
}

TEST(RenderTimeline, ShowsWhereALassosCycleStartsAndATraceThatHolds) {
    Trace t = corpus_trace("7ee58f98-no-stale-grant-after-switch");
    t.cycle_start = 2;
    t.violated = false;
    const std::string text = render_timeline(t);
    const std::size_t cycle = text.find("-- cycle: the steps below repeat forever --");
    ASSERT_NE(cycle, std::string::npos) << text;
    EXPECT_LT(text.find("  2 T0"), cycle);
    EXPECT_GT(text.find("  3 T0"), cycle);
    EXPECT_NE(text.find("no-stale-grant-after-switch (I1) holds"), std::string::npos);
    EXPECT_EQ(text.find("violated"), std::string::npos) << text;
    EXPECT_LE(widest(text), 72U);
}

}  // namespace
}  // namespace rseqcheck::cex
