#include "properties/timing/bound_query.h"

#include <chrono>

namespace rseqcheck::timing {

std::optional<Query> parse_query(std::string_view name) {
    for (const Query q : {Query::WaiterDelay, Query::ExtensionBound}) {
        if (name == query_name(q))
            return q;
    }
    return std::nullopt;
}

std::string query_names() {
    return std::string(query_name(Query::WaiterDelay)) + ", " + query_name(Query::ExtensionBound);
}

std::int64_t spec_case_ab_ns(const Scenario& sc, const Params& p) {
    const std::int64_t d_ipi = sc.cpus > 1 ? p.get(Param::Ipi) : 0;
    const std::int64_t d_pre =
        p.get(Param::IrqEntry) + p.get(Param::ExitLoop) + 2 * p.get(Param::Grant);
    const std::int64_t d_exit =
        p.get(Param::IrqEntry) + p.get(Param::ExitLoop) + p.get(Param::Grant);
    return d_ipi + d_pre + p.slice_ext_nsecs() + p.get(Param::EpsHw) + p.get(Param::EpsOff) +
           d_exit;
}

BoundResult run_bound(const Scenario& sc, const Params& p, Query q, std::int64_t exceed_ns) {
    BoundResult r;
    r.query = q;
    r.params = p;
    r.exceed_ns = exceed_ns;
    r.spec_formula_ns = spec_case_ab_ns(sc, p);
    r.search = zone_search(sc, p, q);
    if (r.search.steps.empty())
        return r;  // no start event in the scenario, or the search was cut short
    const auto t0 = std::chrono::steady_clock::now();
    PathSpec spec;
    spec.query = q;
    spec.initial = r.search.initial;
    spec.steps = &r.search.steps;
    spec.start_step = r.search.start_step;
    spec.subject = r.search.subject;
    spec.ends_with_step = q == Query::WaiterDelay && r.search.bounded;
    r.witness_timing =
        time_path(sc, p, spec, r.search.bounded ? std::nullopt : std::optional(exceed_ns));
    if (r.search.bounded && r.witness_timing.feasible && r.witness_timing.bounded)
        r.formula = formula_of(sc, p, spec, r.witness_timing.max_ns);
    r.z3_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace rseqcheck::timing
