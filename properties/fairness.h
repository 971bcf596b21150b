/// \file
/// What the leads-to properties assume fair (docs/properties.md "Fairness"): weak fairness of
/// each kernel step per task (exit path, grant, syscall work, slow path, scheduler IPIs and
/// the idle loop), of the slice hrtimer and of the passing of time. User-mode steps and
/// environment events (interrupts, wakeups, signals, migrations, membarrier) are not fair:
/// user space may stop, and the scenario bounds the environment.
///
/// The tick that ends a used-up slice (TickPreemptFair) is EEVDF's fairness: the kernel does
/// guarantee that a waiting fair task gets the CPU. On the task that owes what a leads-to
/// property asks for, though, it is the scheduler's backstop: it would "honour" that
/// obligation eventually whatever the slice-extension code does (it would answer F1's dropped
/// request, for one), so that property's check leaves the tick out of the graph there. Its
/// delay is the timing layer's business (rseqcheck bound). On a task that owes the property
/// nothing (a fork child running while its parent waits with a grant) the tick stays in,
/// weakly fair like a kernel step.
#pragma once

#include <cstdint>

#include "checker/liveness.h"
#include "model/action.h"
#include "model/state.h"

namespace rseqcheck::properties {

/// What a task owes a leads-to property (a bit each): the premise of that property, as far
/// as it is about the task or its CPU. A schedule() clears a CPU's ghosts, so a CPU's
/// obligations belong to its current task.
inline constexpr std::uint8_t owes_grant_end = 1U << 0;  ///< a live grant (grant-ends)
/// CPU ghost "erased, grant not revoked" (erased-resched-honoured, I12)
inline constexpr std::uint8_t owes_unrevoked_resched = 1U << 1;
/// CPU ghost "reschedule erased by grant" (erased-resched-honoured-strict, I12)
inline constexpr std::uint8_t owes_erased_resched = 1U << 2;
/// CPU ghost "yield not yet scheduled" (yield-schedules, I14)
inline constexpr std::uint8_t owes_yield_schedule = 1U << 3;
inline constexpr unsigned obligation_bits = 4;

/// The obligations that task `t`, running on CPU `c`, holds in `s`.
std::uint8_t obligations_of(const State& s, TaskId t, CpuId c);

/// The label of the graph edge for action `a` taken from `source`: 0 for an unfair action;
/// for the used-up-slice tick, a label above every fairness class naming the ticked task
/// and its obligations; otherwise the weak-fairness class of the action, its kind and the
/// task it runs for.
std::uint8_t edge_label(const State& source, const Action& a);

/// How a leads-to check whose premise is `obligation` reads edge_label()'s labels: the tick
/// on a task holding that obligation is left out (checker::omitted_edge), any other tick is
/// the weakly fair class of the tick on its task, and every other label is its own class.
/// `obligation` 0 leaves every tick in.
checker::EdgeClasses leads_to_classes(std::uint8_t obligation);

/// Whether the check whose premise is `obligation` leaves action `a`, taken from `source`,
/// out of the graph (the tick on a task that holds it).
bool is_backstop(const State& source, const Action& a, std::uint8_t obligation);

/// Whether the action kind is weakly fair (the tick is, where it is not left out).
bool is_fair(ActionKind k);

}  // namespace rseqcheck::properties
