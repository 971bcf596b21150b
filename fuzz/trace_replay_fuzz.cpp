// libFuzzer target for trace files and replay (counterexamples/trace_file.cpp): every input
// either replays (exit code 0, 1 or 2 with a message for a step that is not enabled) or is
// rejected with an InputError that names the file. Anything else (another exception, a
// sanitizer report, a replay that reports a violation without a trace) is a bug. Built by
// fuzz/run.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "counterexamples/trace_file.h"
#include "model/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const rseqcheck::cex::ReplayReport r = rseqcheck::cex::replay_text(text, "fuzz.json");
        if (r.exit_code < 0 || r.exit_code > 2)
            std::abort();
        if (r.exit_code == 1 && r.output.find("Violated ") == std::string::npos)
            std::abort();
        if (r.exit_code == 2 && r.error.rfind("fuzz.json: error: ", 0) != 0)
            std::abort();
    } catch (const rseqcheck::InputError& e) {
        if (std::string_view(e.what()).empty() || e.where().file != "fuzz.json")
            std::abort();
    }
    return 0;
}
