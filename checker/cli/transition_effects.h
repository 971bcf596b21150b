/// \file
/// What each transition of the model does to the properties, the presets and the variants,
/// measured on the reachable states rather than kept by hand: a transition *feeds* a
/// property when one of its steps, on some small preset, changes the property's premise or
/// claim (an invariant's or a leads-to pair's value before and after the step; a transition
/// property's premise on the step, or a field it reads that the step changes); it *fires on* the
/// presets where one of its steps is reachable; a variant *changes* it when, in a state the variant
/// reaches on its preset, the variant and the fixed model take different steps of that transition,
/// or the transition fires under one of the two models only. `rseqcheck impact` reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/action.h"
#include "model/variant.h"

namespace rseqcheck::cli {

struct TransitionEffects {
    /// Per ActionKind: bit p set when the kind feeds catalogue property p.
    std::vector<std::uint64_t> feeds;
    /// Per ActionKind: the presets (every preset but default and deep) where it fires.
    std::vector<std::vector<std::string>> fires_on;
};

/// Over every small preset on the fixed model (a few seconds at most).
TransitionEffects measure_transition_effects();
/// Bit k set when the variant changes the steps of ActionKind k on its preset.
std::uint64_t kinds_changed_by(const VariantInfo& variant);

}  // namespace rseqcheck::cli
