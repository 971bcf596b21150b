#include "properties/catalog_checker.h"

#include <cstddef>
#include <utility>

namespace rseqcheck::properties {

CatalogChecker::CatalogChecker(const Scenario& sc, std::vector<int> selected)
    : sc_(&sc), selected_(std::move(selected)) {
    const auto all = catalog();
    if (selected_.empty()) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].in_default_set)
                selected_.push_back(static_cast<int>(i));
        }
    }
    for (const int i : selected_) {
        const Property& p = all[static_cast<std::size_t>(i)];
        if (p.kind == PropertyKind::Invariant) {
            invariants_.push_back(i);
        } else if (p.kind == PropertyKind::Transition) {
            transitions_.push_back(i);
        }
    }
    premise_ = std::make_unique<std::atomic<std::uint64_t>[]>(all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        premise_[i].store(0, std::memory_order_relaxed);
}

int CatalogChecker::check_state(const State& s) {
    const auto all = catalog();
    last_.clear();
    for (const int i : invariants_) {
        const Property& p = all[static_cast<std::size_t>(i)];
        if (p.premise(*sc_, s))
            premise_[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
        if (!p.holds(*sc_, s))
            last_.push_back(i);
    }
    return last_.empty() ? -1 : last_.front();
}

int CatalogChecker::check_transition(const State& s, const Action& a, const State& t) {
    const auto all = catalog();
    last_.clear();
    for (const int i : transitions_) {
        const Property& p = all[static_cast<std::size_t>(i)];
        if (p.premise_on(*sc_, s, a, t))
            premise_[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
        if (!p.holds_on(*sc_, s, a, t))
            last_.push_back(i);
    }
    return last_.empty() ? -1 : last_.front();
}

std::uint64_t CatalogChecker::premise_count(int catalog_index) const {
    return premise_[static_cast<std::size_t>(catalog_index)].load(std::memory_order_relaxed);
}

std::vector<int> CatalogChecker::selected_leads_to() const {
    std::vector<int> out;
    const auto all = catalog();
    for (const int i : selected_) {
        if (all[static_cast<std::size_t>(i)].kind == PropertyKind::LeadsTo)
            out.push_back(i);
    }
    return out;
}

}  // namespace rseqcheck::properties
