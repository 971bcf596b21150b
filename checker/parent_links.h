/// \file
/// Parent links for shortest paths, 4 bytes a state with state indices of 64 bits: the
/// engines number states level by level, and a state's parent lies in the level before
/// its own, so a link keeps the parent's offset from that level's first index. A level
/// wider than 2^32 states cannot be linked; the engines then stop incomplete
/// (NumberingFull) rather than widen every link for a level no search has come near
/// (the widest level of the three-CPU scenario, 569 M states in, was about 100 M).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "checker/reserved_array.h"
#include "checker/search_types.h"

namespace rseqcheck::checker {

using ParentLinks = ReservedArray<std::uint32_t>;

/// The link of a state whose parent is `parent`, in the level that starts at `level_start`.
inline std::uint32_t parent_link(std::uint64_t parent, std::uint64_t level_start) {
    const std::uint64_t offset = parent - level_start;
    if (offset > std::numeric_limits<std::uint32_t>::max()) {
        throw NumberingFull("a breadth-first level passed 2^32 states, more than a parent "
                            "link can reach");
    }
    return static_cast<std::uint32_t>(offset);
}

/// The depth of state i: the last level that starts at or before it.
inline std::uint32_t depth_in(const std::vector<std::uint64_t>& level_start, std::uint64_t i) {
    const auto above = std::upper_bound(level_start.begin(), level_start.end(), i);
    return static_cast<std::uint32_t>(above - level_start.begin() - 1);
}

/// The parent of state i (not the initial state) from its link.
inline std::uint64_t parent_of(const std::vector<std::uint64_t>& level_start,
                               const ParentLinks& links, std::uint64_t i) {
    return level_start[depth_in(level_start, i) - 1] + links[i];
}

}  // namespace rseqcheck::checker
