#include "checker/cli/replay_command.h"

#include <algorithm>
#include <iostream>
#include <iterator>
#include <string_view>
#include <system_error>

#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"
#include "model/input_error.h"

namespace rseqcheck::cli {

int replay(const ReplayArgs& args) {
    constexpr std::string_view formats[] = {"text", "json", "timeline", "dot", "html"};
    if (std::find(std::begin(formats), std::end(formats), args.format) == std::end(formats)) {
        throw InputError({}, "unknown format '" + args.format +
                                 "' (valid: text, json, timeline, dot, html)");
    }
    if (args.fixed && !args.variant.empty())
        throw InputError({}, "--fixed and --variant exclude each other");
    cex::ReplayTarget target;
    if (args.fixed) {
        target.kind = cex::ReplayTarget::Kind::Fixed;
    } else if (!args.variant.empty()) {
        target.kind = cex::ReplayTarget::Kind::Named;
        target.variant = args.variant;
    }
    const cex::ReplayReport report = cex::replay_file(args.file, target);
    if (!report.error.empty())
        std::cerr << report.error << (report.error.back() == '\n' ? "" : "\n");
    const cex::Trace& trace = report.result.trace;
    // The pictures show the replayed steps whatever the outcome (their header or label says
    // whether the property held), except when a step was not enabled: then only the error.
    const bool replayed = report.result.outcome != cex::ReplayOutcome::NotEnabled;
    if (args.format == "json") {
        std::cout << cex::render_json(trace);
    } else if (args.format == "timeline" && replayed) {
        std::cout << cex::render_timeline(trace);
    } else if (args.format == "dot" && replayed) {
        std::cout << cex::render_dot(trace);
    } else if (args.format == "html" && replayed) {
        std::cout << cex::render_html(trace);
    } else {
        std::cout << report.output;
    }
    std::cout.flush();
    return report.exit_code;
}

}  // namespace rseqcheck::cli
