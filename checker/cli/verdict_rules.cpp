#include "checker/cli/verdict_rules.h"

namespace rseqcheck::cli {

PropertyStatus unviolated_status(std::uint64_t premise_count) {
    return premise_count == 0 ? PropertyStatus::Vacuous : PropertyStatus::Holds;
}

std::optional<Undecided> undecided(const Coverage& c) {
    if (c.incomplete)
        return Undecided{"search incomplete: " + c.incomplete_reason};
    if (c.stopped_at_first)
        return Undecided{"search stopped at the first violation (use --all)"};
    return std::nullopt;
}

Verdict run_verdict(const std::vector<PropertyReport>& properties, bool incomplete, bool unchecked,
                    bool strict) {
    bool violated = false;
    bool vacuous = false;
    for (const PropertyReport& p : properties) {
        violated = violated || p.status == PropertyStatus::Violated;
        vacuous = vacuous || p.status == PropertyStatus::Vacuous;
    }
    if (violated)
        return Verdict::Violated;
    if (incomplete || unchecked)
        return Verdict::Incomplete;
    if (strict && vacuous)
        return Verdict::Vacuous;
    return Verdict::Holds;
}

}  // namespace rseqcheck::cli
