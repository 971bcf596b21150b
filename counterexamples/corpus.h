/// \file
/// The counterexample corpus (counterexamples/corpus/): for each variant of the catalogue,
/// the minimised trace of the bug it puts back, on the preset the catalogue names. The
/// generator (counterexamples/corpus/generate.cpp) writes it, and a test checks that the
/// committed files are what it writes today.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "counterexamples/trace.h"
#include "model/variant.h"

namespace rseqcheck::cex {

struct CorpusEntry {
    std::string stem;  ///< file name without extension: "7ee58f98-no-stale-grant-after-switch"
    Trace trace;       ///< minimised
    double minimise_ms = 0;
};

/// "pre_7ee58f98" -> "7ee58f98"; "mut_grant_ignores_deny" -> "mut-grant-ignores-deny".
std::string corpus_variant_stem(std::string_view variant);

/// The variant's entry: the shortest trace to a safety property it violates on its preset
/// (those the catalogue says catch it first), minimised; nothing when it violates no safety
/// property there (its lasso then comes from `rseqcheck check --trace-out`).
std::optional<CorpusEntry> corpus_entry(const VariantInfo& info);

}  // namespace rseqcheck::cex
