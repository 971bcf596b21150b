/// \file
/// What the property catalogue (properties/) can observe of a task while it is inside the
/// kernel (pc neither User nor Dead), for the visibility condition of partial-order
/// reduction. The invariants of properties/slice.cpp look at a task's fields only while it
/// runs in user mode (the premise "a slice user in user mode"), except need-resched-folded
/// (the current task's TIF word) and the scans of the transition properties (every task's
/// rseq.slice.state.granted, every CPU's timer). A step of a task that stays in the kernel
/// and writes none of the fields below, on a kind no transition property names, cannot
/// change any property's value on any state or transition: it is invisible.
/// tests/checker/reduction_footprint_test.cpp checks this table by perturbation
/// (ReductionFootprint.InvisibleFieldsOfATaskInTheKernelChangeNoProperty, on sampled states).
#pragma once

#include <cstdint>

#include "model/action.h"
#include "model/footprint.h"

namespace rseqcheck::checker {

/// Task fields a property reads of a task inside the kernel (its pc is visible only as
/// "in user mode" and "dead"; a kernel-to-kernel pc change is not).
inline constexpr FieldMask visible_kernel_task_fields =
    bit(TaskField::Run) | bit(TaskField::Cpu) | bit(TaskField::Tif) | bit(TaskField::SliceGranted) |
    bit(TaskField::HasRseq);
/// Every CPU field is read by some property (need-resched-folded, timer-hygiene, the
/// leads-to ghosts).
inline constexpr FieldMask visible_cpu_fields = all_cpu_fields;

/// The kinds a transition property of the catalogue tests by name (properties/slice.cpp).
constexpr bool named_by_transition_property(ActionKind k) {
    switch (k) {
    case ActionKind::GrantUserAccess:     // revoke-on-pending-work
    case ActionKind::GrantCommit:         // grant-only-on-irq-return, revoke-on-pending-work
    case ActionKind::GrantClearResched:   // grant-clears-resched
    case ActionKind::GrantClearFolded:    // grant-clears-resched
    case ActionKind::ExitRestart:         // slice-reset-on-id-update, timer-hygiene
    case ActionKind::SlowpathUpdate:      // slice-reset-on-id-update
    case ActionKind::SliceTimerFires:     // timer-hygiene
    case ActionKind::SyscallSliceRevoke:  // timer-hygiene
    case ActionKind::SyscallBody:         // syscall-revokes-grant, yield-result-honest
        return true;
    default:
        return false;
    }
}

}  // namespace rseqcheck::checker
