/// \file
/// The sys_rseq() registration life cycle's guarantees (model-part2.md 4.4): their predicates
/// and catalogue entries live in registration.cpp, side by side.
/// Kernel: kernel/rseq.c (sys_rseq(), rseq_reset_ids()), include/linux/rseq.h (rseq_reset()).
/// Spec: kernel-model-spec.md 4 (I18, I19), 6.5 (2cb68e45, e9766e6f, 010b7723).
#pragma once

#include <span>

#include "properties/property.h"

namespace rseqcheck::properties {

/// The invariants and transition properties of registration.cpp, in catalogue order.
std::span<const Property> registration_properties();

}  // namespace rseqcheck::properties
