#include <cstdint>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"
#include "tests/support/text.h"

namespace rseqcheck::cex {
namespace {

using test::count_occurrences;

Trace corpus_trace(const std::string& name) {
    const std::string path =
        std::string(RSEQCHECK_SOURCE_DIR) + "/counterexamples/corpus/" + name + ".json";
    return replay_file(path).result.trace;
}

TEST(RenderText, NamesTheKernelFunctionAndOnlyChangedFields) {
    const Trace t = corpus_trace("7ee58f98-no-stale-grant-after-switch");
    const std::string text = render_text(t);
    EXPECT_NE(text.find("rseq_grant_slice_extension()"), std::string::npos);
    EXPECT_NE(text.find("slice_ctrl.granted=1"), std::string::npos);
    EXPECT_NE(text.find("rseq.slice.state.granted=1"), std::string::npos);
    // The budget counters change on every event but are never shown per step.
    EXPECT_EQ(text.find("wakeups left"), std::string::npos);
}

TEST(RenderText, DrawsCpuColumnsWhenTwoCpusAct) {
    const Trace t = corpus_trace("mut-fastpath-fault-returns-ids-correct-in-user-mode");
    const std::string text = render_text(t);
    EXPECT_NE(text.find("Timeline"), std::string::npos) << text;
    EXPECT_NE(text.find("CPU1"), std::string::npos);
}

TEST(ChangedFields, PrefixesOtherTasksAndCpus) {
    const Trace t = corpus_trace("7ee58f98-no-stale-grant-after-switch");
    State after = t.initial;
    after.task(1).set_tif(kabi::TIF_NEED_RESCHED);
    after.task(0).usr_slice_request = 1;
    EXPECT_EQ(changed_fields(t.scenario, t.initial, after, 0, 0),
              " T1.TIF_NEED_RESCHED=1 slice_ctrl.request=1");
}

TEST(RenderDot, HasOneLanePerCpuAndMarksTheViolation) {
    const Trace t = corpus_trace("mut-fastpath-fault-returns-ids-correct-in-user-mode");
    const std::string dot = render_dot(t);
    EXPECT_NE(dot.find("subgraph cluster_cpu0"), std::string::npos);
    EXPECT_NE(dot.find("subgraph cluster_cpu1"), std::string::npos);
    EXPECT_NE(dot.find("color=red"), std::string::npos);
    if (dot_available()) {
        const auto svg = render_svg(t);
        ASSERT_TRUE(svg.has_value());
        EXPECT_NE(svg->find("<svg"), std::string::npos);
    }
}

TEST(RenderHtml, IsSelfContained) {
    const Trace t = corpus_trace("7ee58f98-no-stale-grant-after-switch");
    const std::string html = render_html(t);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("<script src"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_NE(html.find("Violated no-stale-grant-after-switch (I1)"), std::string::npos);
}

/// The timeline is in the page itself, so that it reads without its script: one row per
/// step, in CPU columns, with the kernel function, the changed fields and the verdict.
TEST(RenderHtml, DrawsTheTimelineWithoutItsScript) {
    const Trace t = corpus_trace("mut-fastpath-fault-returns-ids-correct-in-user-mode");
    const std::string html = render_html(t);
    EXPECT_EQ(count_occurrences(html, "data-step=\""), t.steps.size());
    EXPECT_NE(html.find("<th>CPU0</th><th>CPU1</th></tr>"), std::string::npos);
    EXPECT_EQ(html.find("time ns"), std::string::npos);  // not a timed trace
    EXPECT_EQ(html.find("cycle:"), std::string::npos);   // not a lasso
    EXPECT_NE(html.find("<b>rseq_exit_to_user_mode_restart (fault, -EFAULT)</b>"),
              std::string::npos);
    EXPECT_NE(html.find("<span class=\"k\">include/linux/rseq_entry.h:"
                        "rseq_exit_to_user_mode_restart()"),
              std::string::npos);
    // Each changed field with the function that wrote it as its tooltip. The fragments are
    // copied from the renderer's output (change detectors); what backs them is the model:
    // a migration writes task_cpu in __set_task_cpu() and raises ids_changed in
    // rseq_sched_set_ids_changed() (model/sched.h), and the trace's second CPU is CPU1.
    EXPECT_NE(html.find("<span class=\"ch\"><span title=\"__set_task_cpu()\">task_cpu=1</span> "
                        "<span title=\"rseq_sched_set_ids_changed()\">rseq.event.ids_changed=1"
                        "</span></span>"),
              std::string::npos);
    // At the violating step, the fields I7 reads are highlighted.
    EXPECT_NE(html.find("<mark>"), std::string::npos);
    EXPECT_EQ(count_occurrences(html, "<tr class=\"last\""), 1U);
    EXPECT_NE(html.find("<div id=\"verdict\">" + verdict_line(t) + "</div>"), std::string::npos);
}

/// A witness of `rseqcheck bound` carries the instant of each step; a lasso, where its cycle
/// starts. The page shows both, as the text trace does.
TEST(RenderHtml, ShowsInstantsOfATimedTraceAndTheCycleOfALasso) {
    Trace t = corpus_trace("7ee58f98-no-stale-grant-after-switch");
    ASSERT_GE(t.steps.size(), 3U);
    for (std::size_t k = 0; k < t.steps.size(); ++k)
        t.times_ns.push_back(static_cast<std::int64_t>(1000 * k + 7));
    t.cycle_start = 2;
    const std::string html = render_html(t);
    EXPECT_NE(html.find("<th>#</th><th>time ns</th><th>CPU0</th>"), std::string::npos);
    EXPECT_NE(html.find("<td class=\"step\">2</td><td class=\"time\">1007</td>"),
              std::string::npos);
    EXPECT_EQ(count_occurrences(html, "<td class=\"time\">"), t.steps.size());
    // The cycle row comes right before the third step's row.
    const std::size_t cycle = html.find("<tr class=\"cycle\">");
    ASSERT_NE(cycle, std::string::npos);
    EXPECT_EQ(count_occurrences(html, "<tr class=\"cycle\">"), 1U);
    EXPECT_LT(html.find("data-step=\"1\""), cycle);
    EXPECT_GT(html.find("data-step=\"2\""), cycle);
    EXPECT_NE(html.find("colspan=\"3\""), std::string::npos);  // #, time, one CPU
}

}  // namespace
}  // namespace rseqcheck::cex
