#include "properties/catalog_checker.h"

#include <cstddef>
#include <utility>

namespace rseqcheck::properties {

namespace {
thread_local std::vector<int> last_violated;  // what the last check on this thread found violated

// Premise counters are striped per thread (rows padded to whole cache lines), so search
// threads do not contend on one counter.
constexpr std::size_t stripes = 8;
std::atomic<unsigned> next_stripe{0};
std::size_t my_stripe() {
    thread_local const std::size_t stripe =
        next_stripe.fetch_add(1, std::memory_order_relaxed) % stripes;
    return stripe;
}
std::size_t row_length(std::size_t properties) {
    return (properties + 7) / 8 * 8;  // 8 counters = 64 bytes
}
}  // namespace

const std::vector<int>& CatalogChecker::last_violations() const {
    return last_violated;
}

CatalogChecker::CatalogChecker(const Scenario& sc, std::vector<int> selected)
    : sc_(&sc), selected_(std::move(selected)) {
    const auto all = catalog();
    if (selected_.empty()) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].in_default_set)
                selected_.push_back(static_cast<int>(i));
        }
    }
    const auto applies = [&](int i) {
        return applies_to(all[static_cast<std::size_t>(i)], sc);
    };
    requested_ = selected_;
    for (const int i : selected_) {
        if (!applies(i))
            not_applicable_.push_back(i);
    }
    std::erase_if(selected_, [&](int i) { return !applies(i); });
    for (const int i : selected_) {
        const Property& p = all[static_cast<std::size_t>(i)];
        if (p.kind == PropertyKind::Invariant) {
            invariants_.push_back(i);
        } else if (p.kind == PropertyKind::Transition) {
            transitions_.push_back(i);
        }
    }
    premise_ = std::make_unique<std::atomic<std::uint64_t>[]>(stripes * row_length(all.size()));
    for (std::size_t i = 0; i < stripes * row_length(all.size()); ++i)
        premise_[i].store(0, std::memory_order_relaxed);
}

int CatalogChecker::check_state(const State& s) {
    const auto all = catalog();
    last_violated.clear();
    const std::size_t row = my_stripe() * row_length(all.size());
    for (const int i : invariants_) {
        const Property& p = all[static_cast<std::size_t>(i)];
        if (p.premise(*sc_, s))
            premise_[row + static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
        if (!p.holds(*sc_, s))
            last_violated.push_back(i);
    }
    return last_violated.empty() ? -1 : last_violated.front();
}

int CatalogChecker::check_transition(const State& s, const Action& a, const State& t) {
    const auto all = catalog();
    last_violated.clear();
    const std::size_t row = my_stripe() * row_length(all.size());
    for (const int i : transitions_) {
        const Property& p = all[static_cast<std::size_t>(i)];
        if (p.premise_on(*sc_, s, a, t))
            premise_[row + static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
        if (!p.holds_on(*sc_, s, a, t))
            last_violated.push_back(i);
    }
    return last_violated.empty() ? -1 : last_violated.front();
}

std::uint64_t CatalogChecker::premise_count(int catalog_index) const {
    std::uint64_t sum = 0;
    const std::size_t n = row_length(catalog().size());
    for (std::size_t k = 0; k < stripes; ++k) {
        sum += premise_[k * n + static_cast<std::size_t>(catalog_index)].load(
            std::memory_order_relaxed);
    }
    return sum;
}

void CatalogChecker::add_premise_count(int catalog_index, std::uint64_t n) {
    premise_[static_cast<std::size_t>(catalog_index)].fetch_add(n, std::memory_order_relaxed);
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
