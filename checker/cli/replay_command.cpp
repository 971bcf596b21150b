#include "checker/cli/replay_command.h"

#include <iostream>
#include <system_error>

#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"
#include "model/input_error.h"

namespace rseqcheck::cli {

int replay(const ReplayArgs& args) {
    if (args.format != "text" && args.format != "json")
        throw InputError({}, "unknown format '" + args.format + "' (valid: text, json)");
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
    if (args.format == "json") {
        std::cout << cex::render_json(report.result.trace);
    } else {
        std::cout << report.output;
    }
    std::cout.flush();
    return report.exit_code;
}

}  // namespace rseqcheck::cli
