#include "counterexamples/corpus.h"

#include <chrono>

#include "counterexamples/minimise.h"
#include "counterexamples/shortest_path.h"

namespace rseqcheck::cex {

std::string corpus_variant_stem(std::string_view variant) {
    std::string out(variant.substr(0, 4) == "pre_" ? variant.substr(4) : variant);
    for (char& c : out) {
        if (c == '_')
            c = '-';
    }
    return out;
}

std::optional<CorpusEntry> corpus_entry(const VariantInfo& info) {
    Scenario sc = make_preset(info.preset);
    sc.variant.add(info.id);
    const std::optional<Trace> found = find_trace(sc, info.catches);
    if (!found)
        return std::nullopt;
    const RseqModel model(sc);
    const auto start = std::chrono::steady_clock::now();
    CorpusEntry entry;
    entry.trace = minimise(model, *found);
    entry.minimise_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    entry.stem = corpus_variant_stem(info.name) + "-" + entry.trace.property.name;
    return entry;
}

}  // namespace rseqcheck::cex
