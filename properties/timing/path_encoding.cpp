#include "properties/timing/path_encoding.h"

#include <array>

#include <z3++.h>

#include "properties/timing/timed_rules.h"

namespace rseqcheck::timing {

namespace {

/// The constraints of one path, built once per parameter valuation.
struct Encoding {
    z3::context& ctx;
    std::vector<z3::expr> constraints;
    std::vector<z3::expr> tau;  ///< tau[0] = the initial instant; tau[i] = step i (1-based)
    z3::expr objective;

    explicit Encoding(z3::context& c) : ctx(c), objective(c.real_val(0)) {}
};

z3::expr ns(z3::context& ctx, std::int64_t v) {
    return ctx.real_val(static_cast<std::int64_t>(v));
}

Encoding encode(z3::context& ctx, const Scenario& sc, const Params& p, const PathSpec& spec) {
    Encoding e(ctx);
    const TimedRules rules(sc, p);
    const std::vector<PathStep>& steps = *spec.steps;
    const std::size_t n = steps.size();
    for (std::size_t i = 0; i <= n + 1; ++i)
        e.tau.push_back(ctx.real_const(("tau_" + std::to_string(i)).c_str()));
    e.constraints.push_back(e.tau[0] == ns(ctx, 0));
    // the instant each clock was last reset; a clock never reset has an unknown past
    std::vector<z3::expr> reset;
    int fresh = 0;
    auto past = [&](const z3::expr& before) {
        z3::expr v = ctx.real_const(("past_" + std::to_string(fresh++)).c_str());
        e.constraints.push_back(v <= before);
        return v;
    };
    for (std::size_t c = 0; c < dbm_dim; ++c)
        reset.push_back(past(e.tau[0]));
    auto value = [&](Clock c, const z3::expr& at) {
        return at - reset[ix(c)];
    };
    auto bound = [&](const ClockBound& b, const z3::expr& at) {
        e.constraints.push_back(b.upper ? value(b.clock, at) <= ns(ctx, b.value)
                                        : value(b.clock, at) >= ns(ctx, b.value));
    };
    std::vector<ClockBound> inv;
    State s = spec.initial;
    for (std::size_t i = 1; i <= n; ++i) {
        const PathStep& step = steps[i - 1];
        const CpuId c = static_cast<CpuId>(s.task(spec.subject).cpu);
        const CpuId c_next = static_cast<CpuId>(step.state.task(spec.subject).cpu);
        e.constraints.push_back(e.tau[i] >= e.tau[i - 1]);
        inv.clear();
        rules.invariant(s, c, inv);  // held through the dwell, so at its end
        for (const ClockBound& b : inv)
            bound(b, e.tau[i]);
        const StepEffect eff = rules.step(s, step.action, step.state, c, c_next);
        for (const ClockBound& b : eff.guards)
            bound(b, e.tau[i]);
        for (const Clock r : eff.releases)
            reset[ix(r)] = past(e.tau[i]);
        for (const Clock r : eff.resets)
            reset[ix(r)] = e.tau[i];
        if (i == spec.start_step + 1)
            reset[ix(Clock::T)] = e.tau[i];
        s = step.state;
    }
    const CpuId c = static_cast<CpuId>(s.task(spec.subject).cpu);
    e.constraints.push_back(e.tau[n + 1] >= e.tau[n]);
    inv.clear();
    rules.invariant(s, c, inv);
    for (const ClockBound& b : inv)
        bound(b, e.tau[n + 1]);
    if (spec.query == Query::WaiterDelay) {
        const z3::expr& end = spec.ends_with_step ? e.tau[n] : e.tau[n + 1];
        e.objective = end - reset[ix(Clock::T)];
    } else {
        e.objective = e.tau[n + 1] - reset[ix(Clock::G)] - ns(ctx, p.slice_ext_nsecs());
    }
    return e;
}

/// Every Z3 call is bounded: a path of a few dozen steps solves in milliseconds, so a
/// minute means something is wrong; Z3 then answers unknown, reported with exit 3.
z3::params solver_params(z3::context& ctx) {
    z3::params p(ctx);
    p.set("timeout", 60000U);
    return p;
}

std::int64_t to_ns(const z3::expr& v) {
    // every constant is an integer and the constraints are differences: the optimum and
    // the model's values are integers
    std::int64_t num = 0;
    std::int64_t den = 1;
    if (v.is_numeral() && v.numerator().is_numeral_i64(num) &&
        v.denominator().is_numeral_i64(den) && den != 0)
        return num / den;
    throw TimingError("Z3 returned a non-numeric time: " + v.to_string());
}

struct Optimum {
    bool feasible = false;
    bool bounded = true;
    std::int64_t max_ns = 0;
};

Optimum maximise(const Scenario& sc, const Params& p, const PathSpec& spec,
                 std::vector<std::int64_t>* times) {
    z3::context ctx;
    Encoding e = encode(ctx, sc, p, spec);
    z3::optimize opt(ctx);
    opt.set(solver_params(ctx));
    for (const z3::expr& c : e.constraints)
        opt.add(c);
    const z3::optimize::handle h = opt.maximize(e.objective);
    Optimum o;
    const z3::check_result r = opt.check();
    if (r == z3::unknown)
        throw TimingError("Z3 answered unknown (timeout or incompleteness) maximising the delay");
    if (r == z3::unsat)
        return o;
    o.feasible = true;
    const z3::expr upper = opt.upper(h);
    if (!upper.is_numeral()) {
        o.bounded = false;
        return o;
    }
    o.max_ns = to_ns(upper);
    if (times != nullptr) {
        const z3::model m = opt.get_model();
        times->clear();
        for (std::size_t i = 1; i < e.tau.size(); ++i)
            times->push_back(to_ns(m.eval(e.tau[i], true)));
    }
    return o;
}

}  // namespace

TimedPath time_path(const Scenario& sc, const Params& p, const PathSpec& spec,
                    std::optional<std::int64_t> exceed) {
    try {
        TimedPath out;
        const Optimum o = maximise(sc, p, spec, &out.times_ns);
        out.feasible = o.feasible;
        out.bounded = o.bounded;
        out.max_ns = o.max_ns;
        if (!o.feasible)
            return out;
        z3::context ctx;
        Encoding e = encode(ctx, sc, p, spec);
        z3::solver solver(ctx);
        solver.set(solver_params(ctx));
        for (const z3::expr& c : e.constraints)
            solver.add(c);
        if (o.bounded) {
            solver.add(e.objective > ns(ctx, o.max_ns));
            const z3::check_result r = solver.check();
            if (r == z3::unknown)
                throw TimingError("Z3 answered unknown: " + solver.reason_unknown());
            out.proven = r == z3::unsat;
            return out;
        }
        if (exceed) {
            solver.add(e.objective > ns(ctx, *exceed));
            if (solver.check() != z3::sat) {
                throw TimingError("Z3 found no timing beyond the requested delay on a path "
                                  "whose delay it reported unbounded");
            }
            const z3::model m = solver.get_model();
            out.times_ns.clear();
            for (std::size_t i = 1; i < e.tau.size(); ++i)
                out.times_ns.push_back(to_ns(m.eval(e.tau[i], true)));
        }
        return out;
    } catch (const z3::exception& ex) {
        throw TimingError(std::string("Z3: ") + ex.msg());
    }
}

std::optional<std::vector<std::int64_t>> schedule_path(const Scenario& sc, const Params& p,
                                                       const State& initial,
                                                       const std::vector<PathStep>& steps) {
    try {
        z3::context ctx;
        z3::optimize opt(ctx);
        opt.set(solver_params(ctx));
        const TimedRules rules(sc, p);
        const std::size_t n = steps.size();
        std::vector<z3::expr> tau;
        for (std::size_t i = 0; i <= n; ++i)
            tau.push_back(ctx.real_const(("tau_" + std::to_string(i)).c_str()));
        opt.add(tau[0] == ns(ctx, 0));
        int fresh = 0;
        auto past = [&]() {
            z3::expr v = ctx.real_const(("past_" + std::to_string(fresh++)).c_str());
            opt.add(v <= tau[0]);
            return v;
        };
        // one set of clocks per CPU, each observed under its own rules
        std::vector<std::vector<z3::expr>> reset(sc.cpus);
        for (CpuId c = 0; c < sc.cpus; ++c) {
            for (std::size_t k = 0; k < dbm_dim; ++k)
                reset[c].push_back(past());
        }
        std::vector<ClockBound> inv;
        State s = initial;
        z3::expr kernel_time = ns(ctx, 0);
        for (std::size_t i = 1; i <= n; ++i) {
            const PathStep& step = steps[i - 1];
            opt.add(tau[i] >= tau[i - 1]);
            bool in_kernel = false;
            for (CpuId c = 0; c < sc.cpus; ++c) {
                const TaskId curr = static_cast<TaskId>(s.cpu(c).curr);
                in_kernel = in_kernel || (curr != idle_task && !s.task(curr).in_user() &&
                                          s.task(curr).get_pc() != Pc::Dead);
            }
            if (in_kernel)
                kernel_time = kernel_time + (tau[i] - tau[i - 1]);
            for (CpuId c = 0; c < sc.cpus; ++c) {
                auto bound = [&](const ClockBound& b) {
                    const z3::expr v = tau[i] - reset[c][ix(b.clock)];
                    opt.add(b.upper ? v <= ns(ctx, b.value) : v >= ns(ctx, b.value));
                };
                inv.clear();
                rules.invariant(s, c, inv);
                for (const ClockBound& b : inv)
                    bound(b);
                const StepEffect eff = rules.step(s, step.action, step.state, c, c);
                for (const ClockBound& b : eff.guards)
                    bound(b);
                for (const Clock r : eff.resets)
                    reset[c][ix(r)] = tau[i];
            }
            s = step.state;
        }
        // Each kernel segment as long as its bound allows (a slow kernel), then every other
        // wait as short as the rules allow: lexicographic objectives.
        opt.maximize(kernel_time);
        opt.minimize(tau[n]);
        const z3::check_result r = opt.check();
        if (r == z3::unknown)
            throw TimingError("Z3 answered unknown (timeout or incompleteness) timing a trace");
        if (r == z3::unsat)
            return std::nullopt;
        const z3::model m = opt.get_model();
        std::vector<std::int64_t> out;
        for (std::size_t i = 1; i <= n; ++i)
            out.push_back(to_ns(m.eval(tau[i], true)));
        return out;
    } catch (const z3::exception& ex) {
        throw TimingError(std::string("Z3: ") + ex.msg());
    }
}

Formula formula_of(const Scenario& sc, const Params& p, const PathSpec& spec, std::int64_t max_ns) {
    Formula f;
    std::int64_t rest = max_ns;
    try {
        for (std::size_t i = 0; i < param_count; ++i) {
            const auto param = static_cast<Param>(i);
            Params q = p;
            q.set(param, p.get(param) + 1);
            const Optimum o = maximise(sc, q, spec, nullptr);
            if (!o.feasible || !o.bounded)
                continue;
            const std::int64_t coef = o.max_ns - max_ns;
            if (coef != 0) {
                f.terms.emplace_back(param, coef);
                rest -= coef * p.get(param);
            }
        }
    } catch (const z3::exception& ex) {
        throw TimingError(std::string("Z3: ") + ex.msg());
    }
    f.constant = rest;
    return f;
}

std::string Formula::text() const {
    std::string out;
    for (const auto& [param, coef] : terms) {
        if (!out.empty()) {
            out += coef < 0 ? " - " : " + ";
        } else if (coef < 0) {
            out += "-";
        }
        const std::int64_t mag = coef < 0 ? -coef : coef;
        if (mag != 1)
            out += std::to_string(mag) + "*";
        out += info(param).name;
    }
    if (constant != 0 || out.empty()) {
        if (!out.empty())
            out += constant < 0 ? " - " : " + ";
        out += std::to_string(constant < 0 && !out.empty() ? -constant : constant);
    }
    return out;
}

}  // namespace rseqcheck::timing
