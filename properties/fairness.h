/// \file
/// What the leads-to properties assume fair (docs/properties.md "Fairness"): weak fairness of
/// each kernel step per task (exit path, grant, syscall work, slow path, scheduler IPIs and
/// the idle loop), of the slice hrtimer and of the passing of time. User-mode steps and
/// environment events (interrupts, wakeups, signals, migrations, membarrier) are not fair:
/// user space may stop, and the scenario bounds the environment.
#pragma once

#include <cstdint>

#include "model/action.h"

namespace rseqcheck::properties {

/// 0 for an unfair action; otherwise the weak-fairness class of the action: its kind and
/// the task it runs for (1..255).
std::uint8_t fairness_class(const Action& a);

/// Whether the action kind is weakly fair.
bool is_fair(ActionKind k);

}  // namespace rseqcheck::properties
