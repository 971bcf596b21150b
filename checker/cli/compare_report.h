/// \file
/// What `rseqcheck compare` found: a patch (a fix_ variant) and the model it is compared
/// against, checked on the same inputs (presets or scenario files), each property's two
/// verdicts and premise counts side by side, the verdicts that changed with the trace that
/// shows each, the state counts, and where the patch first takes effect. Renderers are
/// pure, as report.h's: text for a terminal, JSON (docs/json-schema.md), and Markdown for a
/// patch thread or a pull request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/cli/report.h"

namespace rseqcheck::cli {

/// How one property's verdict moved from the model compared against to the patched one.
enum class VerdictChange {
    Same,           ///< the same verdict on both
    Fixed,          ///< violated before, holds with the patch
    Broken,         ///< held before, violated with the patch
    StillViolated,  ///< a property the patch means to fix, violated on both
    Other,          ///< another move (unknown, vacuous), reported as it is
};
std::string_view to_string(VerdictChange c);

struct ComparedProperty {
    std::string name;
    std::string spec_id;
    bool target = false;  ///< the patch names it (VariantInfo::targets)
    PropertyStatus before = PropertyStatus::Holds;
    PropertyStatus after = PropertyStatus::Holds;
    std::uint64_t premise_before = 0;
    std::uint64_t premise_after = 0;
    VerdictChange change = VerdictChange::Same;
    /// When violated on one side: that side's trace, as the kernel-style text and as the
    /// replayable JSON (rseqcheck replay).
    std::string trace_text;
    std::string replay_json;
    std::string trace_side;  ///< "against" or "patch": whose trace it is
};

struct ComparedInput {
    std::string name;    ///< the preset, or the scenario file's path
    std::string bounds;  ///< describe_bounds()
    std::uint64_t states_before = 0, states_after = 0;
    std::uint64_t transitions_before = 0, transitions_after = 0;
    std::uint32_t depth_before = 0, depth_after = 0;
    Verdict verdict_before = Verdict::Holds;
    Verdict verdict_after = Verdict::Holds;
    /// Whether the patch changes anything reachable here, decided state by state
    /// (checker/cli/patch_divergence.h), and if so the first step it changes.
    bool takes_effect = false;
    bool divergence_complete = true;
    std::size_t first_effect_depth = 0;
    std::string first_effect_step;
    std::string first_effect_path;
    std::vector<ComparedProperty> properties;
};

struct CompareReport {
    std::string patch;        ///< the variant name(s) compared, e.g. "fix_revoke_reraises_resched"
    std::string description;  ///< the patch's one-line descriptions
    std::string finding;      ///< "F1, F4"
    std::vector<std::string> targets;
    std::string against = "fixed";
    std::vector<ComparedInput> inputs;
};

/// 0: the patch breaks nothing that held and leaves no property it names violated;
/// 1: it breaks a property that held, or one it names stays violated; 3: a search was
/// incomplete and nothing is broken.
int exit_status(const CompareReport& r);
/// The one-line conclusion, e.g. "fixes erased-resched-honoured-strict on membarrier;
/// breaks nothing".
std::string conclusion(const CompareReport& r);

std::string render_text(const CompareReport& r);
std::string render_json(const CompareReport& r);
std::string render_markdown(const CompareReport& r);

}  // namespace rseqcheck::cli
