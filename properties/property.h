/// \file
/// The three kinds of property (DESIGN.md "Properties"): an invariant over one state, a
/// transition property over (state, action, next state), and a leads-to pair "P leads to Q"
/// under stated fairness. Each names its premise, so that a run can report how often the
/// property was actually exercised (vacuity).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck::properties {

enum class PropertyKind : std::uint8_t { Invariant, Transition, LeadsTo };

/// The scenario facts (model/scenario.h) a property's premise or claim depends on, one bit
/// each: a trace shows them in its header, since they are often what makes a step a bug
/// (a store to slice_ctrl is one only for a task that did not enable the extension).
enum class ScenarioFact : std::uint8_t {
    Role = 1U << 0,          ///< TaskConfig::role: which tasks are slice users
    SliceEnabled = 1U << 1,  ///< TaskConfig::slice_enabled: prctl(PR_RSEQ_SLICE_EXTENSION_SET)
    Rt = 1U << 2,            ///< TaskConfig::rt
    Preempt = 1U << 3,       ///< Scenario::preempt (CONFIG_PREEMPT_*)
    SliceKey = 1U << 4,      ///< rseq_slice_extension_key
    DebugKey = 1U << 5,      ///< rseq_debug_enabled
    Adversarial = 1U << 6,   ///< user space may write any value to slice_ctrl
};
using ScenarioFacts = std::uint8_t;
constexpr ScenarioFacts operator|(ScenarioFact a, ScenarioFact b) {
    return static_cast<ScenarioFacts>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr ScenarioFacts operator|(ScenarioFacts a, ScenarioFact b) {
    return static_cast<ScenarioFacts>(a | static_cast<unsigned>(b));
}
constexpr bool has(ScenarioFacts facts, ScenarioFact f) {
    return (facts & static_cast<unsigned>(f)) != 0;
}

/// The facts of `sc` that `facts` selects, as a trace header prints them: one item per task
/// ("T0 slice user, extension enabled", "T1 waiter") and per scenario-wide fact
/// ("PREEMPT_FULL", "rseq_slice_extension_key on").
std::vector<std::string> describe_facts(const Scenario& sc, ScenarioFacts facts);

/// Whether a scenario can exercise a property at all (a kernel or a setting it needs).
using ScenarioPredicate = bool (*)(const Scenario&);
using StatePredicate = bool (*)(const Scenario&, const State&);
using TransitionPredicate = bool (*)(const Scenario&, const State&, const Action&, const State&);

/// One catalogue entry. Exactly the members of its kind are set.
struct Property {
    std::string_view name;         ///< kebab-case claim, stable: CLI and JSON use it
    std::string_view spec_id;      ///< "I3", or "I1+I6" when one check covers two
    std::string_view summary;      ///< one line, in the kernel's words
    std::string_view promised_by;  ///< the commit or document that promises it
    PropertyKind kind = PropertyKind::Invariant;
    // Invariant: holds(s); premise(s) says the state is one the claim constrains.
    StatePredicate holds = nullptr;
    StatePredicate premise = nullptr;
    // Transition: holds_on(s, a, t); premise_on(s, a, t).
    TransitionPredicate holds_on = nullptr;
    TransitionPredicate premise_on = nullptr;
    // LeadsTo: every state where `from` holds is followed on every fair path by one where
    // `to` holds. `fairness` names what is assumed fair (docs/properties.md).
    StatePredicate from = nullptr;
    StatePredicate to = nullptr;
    std::string_view fairness;
    /// LeadsTo: what the premise owes, as a properties/fairness.h `owes_*` bit: on a task
    /// that holds it the used-up-slice tick is the scheduler's backstop, which this check
    /// leaves out of the graph (it would honour the obligation whatever the slice code does).
    std::uint8_t backstop_obligation = 0;
    /// Checked when no --property is given. False only for a probe that records a known
    /// finding (docs/findings.md): it fails on the fixed model by design, so a run must ask
    /// for it by name, and a test pins that it still fails.
    bool in_default_set = true;
    /// The state fields (state_fields() names) its claim and premise read, of any task or
    /// CPU: a trace marks them at the violating step. tests/properties/property_reads_test.cpp
    /// checks each name, and by perturbation that no field left out changes the verdict.
    std::span<const std::string_view> reads;
    /// The scenario facts its claim and premise depend on: a trace shows them in its header.
    ScenarioFacts facts = 0;
    /// Whether it applies to a scenario: nullptr for every scenario. A property that does not
    /// apply checks what the scenario cannot do (the 7.1 hrtimer rearm on a 7.0 kernel, an
    /// rseq critical section where no task enters one): a run leaves it out of the default
    /// set and reports it `skipped`, so that `--strict` fails only on properties a scenario
    /// could have exercised and did not. Decided from the scenario alone, before the search.
    ScenarioPredicate applies = nullptr;
    /// What it needs, for the skipped note: "kernel 7.1", "a task that enters rseq critical
    /// sections".
    std::string_view applies_when;
};

/// Whether `p` applies to `sc` (Property::applies).
inline bool applies_to(const Property& p, const Scenario& sc) {
    return p.applies == nullptr || p.applies(sc);
}

// Builders for catalogue entries (properties/slice.cpp, properties/catalog.cpp).

/// An invariant: `holds(s)` on every state where `premise(s)` says the claim is about.
constexpr Property invariant(std::string_view name, std::string_view spec_id,
                             std::string_view summary, std::string_view promised_by,
                             StatePredicate holds, StatePredicate premise) {
    Property p{};
    p.name = name;
    p.spec_id = spec_id;
    p.summary = summary;
    p.promised_by = promised_by;
    p.kind = PropertyKind::Invariant;
    p.holds = holds;
    p.premise = premise;
    return p;
}

/// A transition property: `holds(s, a, t)` on every step where `premise(s, a, t)`.
constexpr Property transition(std::string_view name, std::string_view spec_id,
                              std::string_view summary, std::string_view promised_by,
                              TransitionPredicate holds, TransitionPredicate premise) {
    Property p{};
    p.name = name;
    p.spec_id = spec_id;
    p.summary = summary;
    p.promised_by = promised_by;
    p.kind = PropertyKind::Transition;
    p.holds_on = holds;
    p.premise_on = premise;
    return p;
}

/// A leads-to property `from ~> to` under `fairness`; `obligation` is what its premise owes
/// (Property::backstop_obligation).
constexpr Property leads_to(std::string_view name, std::string_view spec_id,
                            std::string_view summary, std::string_view promised_by,
                            StatePredicate from, StatePredicate to, std::string_view fairness,
                            std::uint8_t obligation) {
    Property p{};
    p.name = name;
    p.spec_id = spec_id;
    p.summary = summary;
    p.promised_by = promised_by;
    p.kind = PropertyKind::LeadsTo;
    p.from = from;
    p.to = to;
    p.fairness = fairness;
    p.backstop_obligation = obligation;
    return p;
}

/// `p` as a probe of a known finding: left out of the default set (docs/findings.md).
constexpr Property finding(Property p) {
    p.in_default_set = false;
    return p;
}

/// `p` with the state fields it reads and the scenario facts it depends on.
constexpr Property reading(Property p, std::span<const std::string_view> reads,
                           ScenarioFacts facts = 0) {
    p.reads = reads;
    p.facts = facts;
    return p;
}

/// `p`, applying only to scenarios where `applies(sc)` holds; `when` says what that needs.
constexpr Property applying(Property p, ScenarioPredicate applies, std::string_view when) {
    p.applies = applies;
    p.applies_when = when;
    return p;
}

/// Every property, in `rseqcheck list properties` order: the default set's safety properties
/// (properties/slice.cpp, in its order), its leads-to properties (catalog.cpp), then the
/// probes of known findings outside the default set, leads-to before safety.
std::span<const Property> catalog();
/// The entry of that name, or nullptr.
const Property* find_property(std::string_view name);
/// The index of that name in catalog(), or -1.
int property_index(std::string_view name);
std::vector<std::string> property_names();
/// The valid name nearest to `name` (edit distance), for "did you mean" messages, or "" when
/// none is close (more than a third of the name, and more than 2 edits, away).
std::string nearest_property(std::string_view name);
/// "unknown property 'NAME'" with the nearest valid name, or the list of valid names when
/// none is close; for "deadlock-free", that it is the built-in check and not selectable.
std::string unknown_property_message(std::string_view name);

}  // namespace rseqcheck::properties
