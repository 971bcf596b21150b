/// \file
/// The verdict rules of `check`, stated once: what status a property gets from what the
/// search covered, and the run's verdict from its properties. check_search.cpp applies them
/// to the three kinds of property (invariants and transition properties, leads-to
/// properties, deadlock-freedom); the exit status follows from the verdict (commands.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/cli/report.h"

namespace rseqcheck::cli {

/// How much of the state space the search covered.
struct Coverage {
    bool incomplete = false;        ///< stopped by a limit (memory, numbering)
    std::string incomplete_reason;  ///< why, when incomplete
    /// Stopped at the first violation (no --all): the rest of the space was not explored.
    bool stopped_at_first = false;
};

/// A property the search found no violation of, over every state reached: vacuous if its
/// premise never held, else holds.
PropertyStatus unviolated_status(std::uint64_t premise_count);

/// For a property the search found no violation of: `unknown` with its note when the search
/// did not cover every reachable state (incomplete, or stopped at another property's first
/// violation); nothing when it did.
struct Undecided {
    std::string note;
};
std::optional<Undecided> undecided(const Coverage& c);

/// The run's verdict: violated if any property is; else incomplete if the search was, or a
/// property could not be checked for want of resources (`unchecked`); else vacuous under
/// --strict if any property is vacuous; else holds.
Verdict run_verdict(const std::vector<PropertyReport>& properties, bool incomplete, bool unchecked,
                    bool strict);

}  // namespace rseqcheck::cli
