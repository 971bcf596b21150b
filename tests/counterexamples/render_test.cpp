#include <filesystem>

#include <gtest/gtest.h>

#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"

namespace rseqcheck::cex {
namespace {

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

}  // namespace
}  // namespace rseqcheck::cex
