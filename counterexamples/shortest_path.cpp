#include "counterexamples/shortest_path.h"

namespace rseqcheck::cex {

namespace {

/// "I1+I6" against "I1, I6": does any id of `spec_id` appear as a whole word in `ids`?
bool listed(std::string_view spec_id, std::string_view ids) {
    std::size_t start = 0;
    while (start < spec_id.size()) {
        const std::size_t plus = std::min(spec_id.find('+', start), spec_id.size());
        const std::string_view one = spec_id.substr(start, plus - start);
        for (std::size_t at = ids.find(one); at != std::string_view::npos;
             at = ids.find(one, at + 1)) {
            const std::size_t end = at + one.size();
            const bool left = at == 0 || ids[at - 1] == ' ' || ids[at - 1] == ',';
            const bool right = end == ids.size() || ids[end] == ',' || ids[end] == ' ';
            if (left && right)
                return true;
        }
        start = plus + 1;
    }
    return false;
}

}  // namespace

std::optional<Trace> find_trace(const Scenario& sc, std::string_view prefer_spec_ids) {
    const RseqModel model(sc);
    properties::CatalogChecker checker(model.scenario(), {});
    checker::SearchOptions options;
    options.stop_at_first = false;
    checker::SequentialBfs<RseqModel> engine(model, options);
    const checker::SearchResult result = engine.run(checker);
    if (result.violations.empty())
        return std::nullopt;
    // The catalogue lists the ids it catches in order of importance: take the first that
    // is violated.
    const checker::Violation* chosen = &result.violations.front();
    bool done = false;
    for (std::size_t start = 0; start < prefer_spec_ids.size() && !done;) {
        const std::size_t comma =
            std::min(prefer_spec_ids.find(',', start), prefer_spec_ids.size());
        std::string_view id = prefer_spec_ids.substr(start, comma - start);
        while (!id.empty() && id.front() == ' ')
            id.remove_prefix(1);
        for (const checker::Violation& v : result.violations) {
            if (!done && v.property >= 0 && listed(PropertyRef::of(v.property).spec_id, id)) {
                chosen = &v;
                done = true;
            }
        }
        start = comma + 1;
    }
    return trace_of(model, checker, engine, *chosen);
}

}  // namespace rseqcheck::cex
