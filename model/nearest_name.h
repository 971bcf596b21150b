/// \file
/// "Did you mean" for bad input: the valid name nearest to a misspelt one. The scenario
/// parser (keys, variant names) and the property catalogue (property names) both use it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rseqcheck {

/// Levenshtein distance: the fewest single-character insertions, deletions and
/// substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// A suggestion and how far it is from what was written.
struct NearestName {
    std::string name;
    std::size_t distance = 0;
};

/// The name in `names` nearest to `name` by edit distance (the first of equals), with its
/// distance; an empty name when `names` is empty.
template <class Names>
NearestName nearest_name(std::string_view name, const Names& names) {
    NearestName best;
    bool any = false;
    for (const auto& candidate : names) {
        const std::size_t d = edit_distance(name, candidate);
        if (!any || d < best.distance) {
            best = NearestName{std::string(candidate), d};
            any = true;
        }
    }
    return best;
}

}  // namespace rseqcheck
