/// \file
/// The one failure kind the CLI adds to model/input_error.h: a feature whose layer has not
/// landed in this build (exit 3, like an incomplete run: nothing was checked).
#pragma once

#include <stdexcept>
#include <string>

namespace rseqcheck::cli {

/// A command or option that needs a layer this build does not have. main() prints
/// `rseqcheck: error: <what>` and exits 3. Never used for bad input.
class UnavailableError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace rseqcheck::cli
