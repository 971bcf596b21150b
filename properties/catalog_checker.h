/// \file
/// The catalogue as the engine's PropertyChecker (checker/model_concept.h): evaluates the
/// selected invariants on every new state and transition properties on every transition,
/// and counts how often each premise held (the vacuity report). Leads-to properties are
/// checked afterwards on the state graph (properties/liveness.h). Thread-safe: the counters
/// are relaxed atomics, the predicates pure.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/model.h"
#include "properties/property.h"

namespace rseqcheck::properties {

class CatalogChecker {
public:
    /// `selected`: catalogue indices; empty selects the default set. Of these, the ones that
    /// do not apply to `sc` (Property::applies) are not checked: not_applicable() lists them.
    CatalogChecker(const Scenario& sc, std::vector<int> selected);

    /// The catalogue index of the first violated selected invariant, or -1.
    int check_state(const State& s);
    /// The catalogue index of the first violated selected transition property, or -1.
    int check_transition(const State& s, const Action& a, const State& t);

    std::uint64_t premise_count(int catalog_index) const;
    /// Adds n to a premise count: the distributed search sums the other ranks' counts into
    /// rank 0's checker.
    void add_premise_count(int catalog_index, std::uint64_t n);
    const std::vector<int>& selected() const { return selected_; }
    /// The selected properties left out because they do not apply to the scenario, in the
    /// order they were selected.
    const std::vector<int>& not_applicable() const { return not_applicable_; }
    /// Everything selected, checked or not, in the order selected (a report lists these).
    const std::vector<int>& requested() const { return requested_; }
    /// The selected leads-to properties (checked on the graph, not here).
    std::vector<int> selected_leads_to() const;

    /// Every property the last check_state() or check_transition() found violated, in
    /// catalogue order (the return value is the first). The engine reports each once, so
    /// that --all names a property even when its violations always come with another's.
    /// Per thread: the engine may check from several threads at once.
    const std::vector<int>& last_violations() const;

private:
    const Scenario* sc_;
    std::vector<int> selected_;
    std::vector<int> not_applicable_;
    std::vector<int> requested_;
    std::vector<int> invariants_;
    std::vector<int> transitions_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> premise_;
};

}  // namespace rseqcheck::properties
