/// \file
/// What the distributed search (checker/distributed/distributed_bfs.h) measured, as plain
/// data without MPI: per rank, what it stored and sent; per BFS level, how long the level
/// took and how much of that was spent in MPI calls.
#pragma once

#include <cstdint>
#include <vector>

namespace rseqcheck::checker {

struct DistributedRankFigures {
    std::uint64_t states = 0;         ///< the states this rank owns
    double bytes_per_state = 0;       ///< its store (states, links, ids, table) per state
    std::uint64_t messages_sent = 0;  ///< non-empty buffers sent to other ranks
    std::uint64_t bytes_sent = 0;     ///< their bytes
    double comm_seconds = 0;          ///< time in MPI calls (waiting for other ranks included)
    std::uint64_t peak_rss_bytes = 0;
    /// Properties whose first violation on this rank this rank found (before the ranks
    /// agree which is the first of all).
    std::uint64_t violations_found = 0;
};

struct DistributedLevelFigures {
    std::uint32_t depth = 0;   ///< the level expanded
    std::uint64_t states = 0;  ///< the states of that level, over all ranks
    double seconds = 0;        ///< wall time of the round on rank 0
    double comm_seconds = 0;   ///< the most any rank spent in MPI calls in it
};

struct DistributedFigures {
    int ranks = 1;
    std::vector<DistributedRankFigures> per_rank;
    std::vector<DistributedLevelFigures> levels;
    /// Time in MPI calls over all ranks, divided by ranks times the search's wall time.
    double comm_share = 0;
    /// Whether the states were gathered to rank 0 for the leads-to checks.
    bool gathered = false;
};

}  // namespace rseqcheck::checker
