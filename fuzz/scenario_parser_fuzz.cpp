// libFuzzer target for the scenario file parser (model/scenario_file.cpp). Every input is
// either a scenario that validate() accepts and that survives a round trip through
// scenario_to_toml(), or an InputError with a message and a location in the file. Anything
// else (another exception, a sanitizer report) is a bug. Built by fuzz/run.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/scenario_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    rseqcheck::ScenarioFile parsed;
    try {
        parsed = rseqcheck::parse_scenario(text, "fuzz.toml");
    } catch (const rseqcheck::InputError& e) {
        if (std::string_view(e.what()).empty() || e.where().file != "fuzz.toml" ||
            e.where().line < 0 || e.where().column < 0)
            std::abort();
        return 0;
    }
    const rseqcheck::Scenario& sc = parsed.scenario;
    rseqcheck::validate(sc);  // must not throw: the parser never returns a rejected scenario
    const rseqcheck::Scenario back =
        rseqcheck::parse_scenario(rseqcheck::scenario_to_toml(sc), "again.toml").scenario;
    if (rseqcheck::describe_bounds(back) != rseqcheck::describe_bounds(sc) ||
        back.variant != sc.variant || back.tasks.size() != sc.tasks.size() || back.name != sc.name)
        std::abort();
    return 0;
}
