/// \file
/// The leads-to guarantees of spec section 4 and 5.2: their predicates and catalogue entries
/// live in liveness.cpp, side by side.
/// Spec: kernel-model-spec.md 4 (I11, I12, I14), 5.2.
#pragma once

#include <span>

#include "properties/property.h"

namespace rseqcheck::properties {

/// The leads-to properties of liveness.cpp, in catalogue order (catalog() lists the
/// default-set ones first, the probes of findings last).
std::span<const Property> leads_to_properties();

}  // namespace rseqcheck::properties
