/// \file
/// `rseqcheck impact PATCH`: which part of the model a kernel patch touches. The patch's
/// changed functions (checker/cli/unified_diff.h) are matched against the functions each
/// transition cites (model/kernel_citation.h, from the citation the traces print), and the
/// matched transitions lead to the properties they feed, the variants that change them and
/// the presets they fire on (checker/cli/transition_effects.h).
#pragma once

#include <string>

namespace rseqcheck::cli {

struct ImpactArgs {
    std::string patch;
    std::string format = "text";  ///< text | json
};

/// Exit 0 (whether or not the patch touches the model); bad input throws InputError (2).
int impact(const ImpactArgs& args);

}  // namespace rseqcheck::cli
