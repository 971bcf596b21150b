/// \file
/// `rseqcheck compare`: the pre-merge view of a patch modelled as a fix_ variant. Checks the
/// patched model and the one it is compared against (the fixed 7.0 model by default) on the
/// same inputs, every property of the catalogue (the default set, the finding probes and
/// deadlock freedom), and reports them side by side (checker/cli/compare_report.h).
#pragma once

#include <string>
#include <vector>

namespace rseqcheck::cli {

struct CompareArgs {
    std::vector<std::string> variants;  ///< the patch: one or more switches, applied together
    std::string against = "fixed";      ///< "fixed" or a variant name
    std::vector<std::string>
        presets;  ///< empty with no scenario: every preset but deep and nightly
    std::vector<std::string> scenario_files;
    std::string format = "text";  ///< text | json | markdown
    std::string output;           ///< file, written atomically; empty: stdout
    unsigned threads = 1;
    std::string memory_limit;  ///< per search, as check's --memory-limit
};

/// Exit status: 0 the patch breaks nothing and leaves nothing it names violated; 1 it
/// breaks a property that held, or leaves one it names violated; 3 a search was
/// incomplete. Bad input throws InputError (2).
int compare(const CompareArgs& args);

}  // namespace rseqcheck::cli
