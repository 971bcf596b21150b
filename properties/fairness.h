/// \file
/// What the leads-to properties assume fair (docs/properties.md "Fairness"): weak fairness of
/// each kernel step per task (exit path, grant, syscall work, slow path, scheduler IPIs and
/// the idle loop), of the slice hrtimer and of the passing of time. User-mode steps and
/// environment events (interrupts, wakeups, signals, migrations, membarrier) are not fair:
/// user space may stop, and the scenario bounds the environment. The tick that ends a
/// used-up slice is not part of the leads-to graph at all (backstop_class).
#pragma once

#include <cstdint>

#include "model/action.h"

namespace rseqcheck::properties {

/// The class of an action that the leads-to properties leave out of the state graph: the
/// tick that ends a used-up slice (TickPreemptFair). A leads-to property asks whether the
/// kernel's slice-extension code honours its promise on its own; this tick is the
/// scheduler's backstop for any task, and it would "honour" every obligation eventually.
/// Its delay is the timing layer's business (rseqcheck bound). Equal to
/// checker::omitted_edge.
inline constexpr std::uint8_t backstop_class = 0xFF;

/// 0 for an unfair action; backstop_class for the backstop tick; otherwise the
/// weak-fairness class of the action: its kind and the task it runs for (1..254).
std::uint8_t fairness_class(const Action& a);

/// Whether the leads-to properties leave the action out (see backstop_class).
bool is_backstop(ActionKind k);

/// Whether the action kind is weakly fair.
bool is_fair(ActionKind k);

}  // namespace rseqcheck::properties
