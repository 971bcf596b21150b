/// \file
/// The slice extension and rseq exit guarantees of spec section 4: their predicates and
/// catalogue entries live in slice.cpp, side by side.
/// Kernel: include/linux/rseq_entry.h, kernel/rseq.c, kernel/entry/common.c.
/// Spec: kernel-model-spec.md 4 (I1-I7, I9, I11, I13-I17).
#pragma once

#include <span>

#include "properties/property.h"

namespace rseqcheck::properties {

/// The invariants and transition properties of slice.cpp, in catalogue order (catalog()
/// lists the default-set ones first, the probes of findings last).
std::span<const Property> slice_properties();

}  // namespace rseqcheck::properties
