/// \file
/// The slice extension and rseq exit guarantees of spec section 4 as predicates.
/// Kernel: include/linux/rseq_entry.h, kernel/rseq.c, kernel/entry/common.c.
/// Spec: kernel-model-spec.md 4 (I1-I7, I9, I11, I13-I17).
#pragma once

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck::properties {

// Premises shared by the user-mode invariants.
bool some_slice_user_in_user_mode(const Scenario& sc, const State& s);
bool some_grant_in_user_mode(const Scenario& sc, const State& s);
bool some_expired_grant_in_user_mode(const Scenario& sc, const State& s);

bool no_stale_grant_after_switch(const Scenario& sc, const State& s);  // I1
bool views_agree_in_user_mode(const Scenario& sc, const State& s);     // I2
bool timer_armed_on_grant(const Scenario& sc, const State& s);         // I3
bool ids_correct_in_user_mode(const Scenario& sc, const State& s);     // I7
bool no_rseq_work_in_user_mode(const Scenario& sc, const State& s);    // I9
bool expired_grant_has_timer(const Scenario& sc, const State& s);      // I11
bool need_resched_folded(const Scenario& sc, const State& s);          // I16
bool some_task_needs_resched(const Scenario& sc, const State& s);
bool events_clear_in_user_mode(const Scenario& sc, const State& s);  // I17

bool grant_only_on_irq_return(const Scenario&, const State&, const Action&, const State&);  // I4
bool grant_sets(const Scenario&, const State&, const Action&, const State&);
bool revoke_on_pending_work(const Scenario&, const State&, const Action&, const State&);  // I5
bool grant_decision_with_resched(const Scenario&, const State&, const Action&, const State&);
bool slice_reset_on_id_update(const Scenario&, const State&, const Action&, const State&);  // I6
bool id_update_ran(const Scenario&, const State&, const Action&, const State&);
bool timer_hygiene(const Scenario&, const State&, const Action&, const State&);  // I13
bool timer_changes(const Scenario&, const State&, const Action&, const State&);
bool syscall_revokes_grant(const Scenario&, const State&, const Action&, const State&);  // I14
bool syscall_body_after_grant(const Scenario&, const State&, const Action&, const State&);
bool yield_result_honest(const Scenario&, const State&, const Action&, const State&);  // I15
bool yield_returns(const Scenario&, const State&, const Action&, const State&);
bool yield_after_switch_returns_zero(const Scenario&, const State&, const Action&,
                                     const State&);  // I15 (comment, F2)
bool yield_branch_taken(const Scenario&, const State&, const Action&, const State&);
bool grant_clears_resched(const Scenario&, const State&, const Action&, const State&);  // I16
bool grant_completes(const Scenario&, const State&, const Action&, const State&);

}  // namespace rseqcheck::properties
