#include "checker/cli/replay_command.h"

#include <filesystem>
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
    // std::ifstream opens a directory and then reads nothing, which replay_file() would
    // report as malformed JSON ("unexpected end of input").
    std::error_code ec;
    if (std::filesystem::is_directory(args.file, ec))
        throw InputError({args.file, 0, 0}, "cannot open the trace file: it is a directory");
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
