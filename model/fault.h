/// \file
/// Page faults on the rseq area: which outcomes a faultable user access may have within the
/// task's fault budget. Kernel: arch/x86/mm/fault.c (handle_mm_fault() may sleep),
/// uaccess with page faults enabled or disabled. Spec: kernel-model-spec.md 3.18.
#pragma once

#include "model/action.h"
#include "model/state.h"

namespace rseqcheck::fault {

/// Calls f(Fault) for each outcome of one user access of task `t`: success always; with
/// faults left, a resolved fault (the handler slept) and, when `can_fail`, an unresolvable
/// one. With page faults disabled (the IRQ-OFF fast path) pass `can_sleep = false`: a
/// fault then only fails the access.
template <class F>
void for_each_outcome(const Task& t, bool can_sleep, F&& f) {
    f(Fault::None);
    if (t.faults_left == 0)
        return;
    if (can_sleep)
        f(Fault::Resolved);
    f(Fault::Unresolvable);
}

/// Calls f(Fault) for each outcome of one access of task `t` to its own rseq area: as
/// for_each_outcome(), except that an unregistered task has no area (rseq.usrptr is NULL
/// after rseq_reset()), so every access fails, without spending the fault budget
/// (model-part2.md 4.2).
template <class F>
void for_each_rseq_outcome(const Task& t, bool can_sleep, F&& f) {
    if (!t.has_rseq) {
        f(Fault::Unresolvable);
        return;
    }
    for_each_outcome(t, can_sleep, f);
}

/// Spends one fault of the budget (none left: an access to an absent rseq area, which the
/// budget does not pay for).
inline void consume(Task& t) {
    if (t.faults_left != 0)
        t.faults_left = (t.faults_left - 1U) & 0x3U;
}

/// force_sig(SIGSEGV): the task dies at its next signal delivery.
inline void force_sigsegv(Task& t) {
    t.sigsegv = 1;
    t.set_tif(kabi::TIF_SIGPENDING);
}

}  // namespace rseqcheck::fault
