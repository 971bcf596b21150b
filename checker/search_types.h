/// \file
/// What a search reports: verdict, violations with the store index of their state, and
/// statistics. Shared by every search mode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rseqcheck::checker {

enum class Verdict { Holds, Violated, Incomplete };
enum class ViolationKind { Invariant, Transition, Deadlock };

struct Violation {
    ViolationKind kind = ViolationKind::Invariant;
    int property = -1;             ///< catalogue index; -1 for a deadlock
    std::uint64_t state = 0;       ///< the violating state (post-state of a transition)
    std::uint64_t from_state = 0;  ///< the pre-state of a transition property
    std::uint32_t depth = 0;
};

struct SearchStats {
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;
    std::uint32_t depth = 0;
    double seconds = 0;
    double states_per_second = 0;
    double bytes_per_state = 0;
    std::size_t store_bytes = 0;
    std::size_t peak_rss_bytes = 0;
    /// The most the search's memory budget counted at once (checker/memory_budget.h): what
    /// --memory-limit is held to.
    std::size_t charged_peak_bytes = 0;
};

struct SearchOptions {
    unsigned threads = 1;
    bool stop_at_first = true;
    bool check_deadlock = true;
    /// The most the search may allocate (checker/memory_budget.h); 0 for no limit.
    std::size_t memory_limit_bytes = 0;
    /// Of that limit, what is kept for the rest of the program (charged before the search
    /// starts; `check` keeps checker::program_allowance_bytes).
    std::size_t memory_kept_bytes = 0;
    /// ParallelBfs: a phase of a level with fewer items than this (states or successors)
    /// runs its parts one after another on the calling thread, where starting threads
    /// would cost more than the work. Same results either way; tests set 0 so that every
    /// phase of a small search really runs on several threads.
    std::uint64_t parallel_min_items = 4096;
    /// The largest table (slots, a power of two) whose doublings place slots from their tags
    /// alone; larger ones hash the states again (checker/slot_table.h). Tests lower it so that
    /// small searches take that path too; the results are the same either way.
    std::size_t tag_home_limit = std::size_t{1} << 27U;
    /// The table's first size (slots, a power of two); 0 for the engine's own (2^16 in
    /// SequentialBfs, 2^12 in ParallelBfs). Tests make it small so that small searches grow it.
    std::size_t initial_slots = 0;
    /// SequentialBfs: states at this depth or deeper are stored and have their invariants
    /// checked, but are not expanded, and the search ends incomplete there. ParallelBfs's
    /// error replay sets it to stop after the level its workers failed in.
    std::uint32_t expand_below_depth = 0xFFFFFFFFU;
};

struct SearchResult {
    Verdict verdict = Verdict::Holds;
    std::vector<Violation> violations;
    SearchStats stats;
    std::string incomplete_reason;
};

/// A search stopped where its numbering ends (a state index past what a slot names, a
/// breadth-first level wider than a parent link reaches): the search is incomplete, and
/// what() says why.
class NumberingFull : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Peak resident set size of this process (VmHWM), in bytes; 0 if unknown.
std::size_t peak_rss_bytes();

}  // namespace rseqcheck::checker
