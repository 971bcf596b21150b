/// \file
/// State predicates of the leads-to properties (spec 4 I11, I12, 5.2).
#pragma once

#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck::properties {

bool some_grant_live(const Scenario& sc, const State& s);
bool no_grant_live(const Scenario& sc, const State& s);
bool some_erased_resched_pending(const Scenario& sc, const State& s);
bool no_erased_resched_pending(const Scenario& sc, const State& s);
bool some_erased_resched_unrevoked(const Scenario& sc, const State& s);
bool no_erased_resched_unrevoked(const Scenario& sc, const State& s);
bool some_task_yielding(const Scenario& sc, const State& s);
bool no_task_yielding(const Scenario& sc, const State& s);

}  // namespace rseqcheck::properties
