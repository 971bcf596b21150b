#include "checker/cli/patch_divergence.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/no_checks.h"
#include "checker/sequential_bfs.h"
#include "counterexamples/trace.h"
#include "model/model.h"

namespace rseqcheck::cli {

namespace {

using Step = std::pair<Action, State>;

std::vector<Step> steps_of(const RseqModel& model, const State& s) {
    std::vector<Step> out;
    model.for_each_successor(s, [&](const Action& a, const State& t) { out.emplace_back(a, t); });
    return out;
}

bool same(const Step& x, const Step& y) {
    return x.first == y.first && std::memcmp(&x.second, &y.second, sizeof(State)) == 0;
}

/// The first step of `a` that `b` lacks, if any.
const Step* missing_from(const std::vector<Step>& a, const std::vector<Step>& b) {
    for (const Step& x : a) {
        if (std::none_of(b.begin(), b.end(), [&](const Step& y) { return same(x, y); }))
            return &x;
    }
    return nullptr;
}

}  // namespace

Divergence first_divergence(const Scenario& against, const Scenario& patched,
                            std::size_t memory_limit) {
    const RseqModel before(against);
    const RseqModel after(patched);
    checker::SearchOptions options;
    options.stop_at_first = false;
    options.check_deadlock = false;
    options.memory_limit_bytes = memory_limit;
    options.memory_kept_bytes = memory_limit != 0 ? checker::program_allowance_bytes : 0;
    checker::SequentialBfs<RseqModel> engine(after, options);
    checker::NoChecks none;
    const checker::SearchResult result = engine.run(none);
    Divergence d;
    d.complete = result.verdict != checker::Verdict::Incomplete;
    // An incomplete search proves nothing about the states it did not reach.
    for (std::uint64_t i = 0; i < engine.size(); ++i) {
        ++d.states_compared;
        const State& s = engine.state_at(i);
        const std::vector<Step> with_patch = steps_of(after, s);
        const std::vector<Step> without = steps_of(before, s);
        const Step* only_patch = missing_from(with_patch, without);
        const Step* only_against =
            only_patch == nullptr ? missing_from(without, with_patch) : nullptr;
        if (only_patch == nullptr && only_against == nullptr)
            continue;
        const Step& first = only_patch != nullptr ? *only_patch : *only_against;
        d.found = true;
        d.only_in = only_patch != nullptr ? "patch" : "against";
        d.step = cex::action_label(first.first);
        const auto path = engine.path_to(i);
        d.depth = path.size() - 1;
        for (std::size_t k = 1; k < path.size(); ++k) {
            d.path_text += "  " + std::to_string(k) + ". " + cex::actor(path[k].action) + " " +
                           cex::action_label(path[k].action) + "\n";
        }
        d.path_text += "  " + std::to_string(path.size()) + ". " + cex::actor(first.first) + " " +
                       d.step + "   <- only with the " + d.only_in + "\n";
        return d;
    }
    return d;
}

}  // namespace rseqcheck::cli
