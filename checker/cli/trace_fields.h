/// \file
/// The fields a kernel developer reads in a slice trace, named as in the kernel, for the
/// "what changed" part of each trace step.
#pragma once

#include <string>

#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck::cli {

/// " name=value" for each field that differs between `before` and `after`.
std::string changed_fields(const Scenario& sc, const State& before, const State& after);

}  // namespace rseqcheck::cli
