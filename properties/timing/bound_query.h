/// \file
/// `rseqcheck bound QUERY`: the zone search over the model's state graph gives the bound
/// (or shows none exists), Z3 times the witness along its whole path, proves that no timing
/// of it exceeds the bound, and reads the bound as a formula in the parameters.
/// Spec: kernel-model-spec.md 5.2 (the waiter's view; the cross-check of cases A/B).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "properties/timing/path_encoding.h"
#include "properties/timing/timing_params.h"
#include "properties/timing/zone_search.h"

namespace rseqcheck::timing {

/// The query of that name; nullopt when unknown.
std::optional<Query> parse_query(std::string_view name);
/// "waiter-delay, extension-bound".
std::string query_names();

struct BoundResult {
    Query query = Query::WaiterDelay;
    Params params;
    ZoneSearchResult search;   ///< bound over every path, and the witness path
    TimedPath witness_timing;  ///< Z3 on the witness path
    Formula formula;           ///< when bounded
    /// The hand formula of spec 5.2 (waiter-delay, cases A/B) with the model's segments:
    /// d_ipi + d_pre + E + eps_hw + eps_off + d_exit, where d_ipi is 0 on one CPU (the
    /// wakeup is local, inside the interrupt), d_pre = irq_entry + exit_loop + 2*grant
    /// (entry, the loop's reschedule test, G2-G5, up to the G6 clock read) and d_exit =
    /// irq_entry + exit_loop + grant (timer interrupt, the reschedule test, G3's revoke,
    /// then schedule()).
    std::int64_t spec_formula_ns = 0;
    double z3_seconds = 0;
    /// For an unbounded query: the witness is timed so the delay exceeds this.
    std::int64_t exceed_ns = 0;
};

/// The hand formula of spec 5.2 cases A/B for these parameters.
std::int64_t spec_case_ab_ns(const Scenario& sc, const Params& p);

BoundResult run_bound(const Scenario& sc, const Params& p, Query q,
                      std::int64_t exceed_ns = 1'000'000'000);

}  // namespace rseqcheck::timing
