#include "checker/cli/graph_command.h"

#include <iostream>
#include <sstream>

#include "checker/sequential_bfs.h"
#include "checker/state_graph.h"
#include "model/input_error.h"
#include "model/model.h"
#include "model/transitions.h"
#include "util/output_file.h"

namespace rseqcheck::cli {

namespace {

struct NoChecks {
    int check_state(const State&) { return -1; }
    int check_transition(const State&, const Action&, const State&) { return -1; }
};

}  // namespace

int graph(const Scenario& sc, const GraphArgs& args) {
    if (args.format != "dot")
        throw InputError({}, "unknown graph format '" + args.format + "' (valid: dot)");
    if (!args.output.empty())
        check_output_path(args.output);
    const RseqModel model(sc);
    checker::SearchOptions options;
    // Stop early on big scenarios: the store of max_states states is far below this.
    options.memory_limit_bytes = static_cast<std::size_t>(args.max_states) * 512U + (1U << 20U);
    checker::SequentialBfs<RseqModel> search(model, options);
    NoChecks none;
    const checker::SearchResult r = search.run(none);
    if (r.verdict == checker::Verdict::Incomplete || search.size() > args.max_states) {
        throw InputError({}, "scenario '" + sc.name + "' has more than " +
                                 std::to_string(args.max_states) +
                                 " states; DOT is for small scenarios (raise --max-states)");
    }
    std::ostringstream out;
    out << "digraph \"" << sc.name << " " << sc.variant.name() << "\" {\n"
        << "  node [shape=box, fontname=\"monospace\", fontsize=9];\n"
        << "  edge [fontname=\"monospace\", fontsize=8];\n";
    for (std::uint64_t i = 0; i < search.size(); ++i) {
        out << "  s" << i << " [label=\"" << i << " (depth " << search.depth_of(i) << ")\""
            << (i == 0 ? ", style=bold" : "") << "];\n";
    }
    for (std::uint64_t i = 0; i < search.size(); ++i) {
        model.for_each_successor(search.state_at(i), [&](const Action& a, const State& t) {
            const auto j = search.find(t);
            out << "  s" << i << " -> s" << *j << " [label=\"" << action_name(a.kind) << " CPU"
                << int{a.cpu};
            if (a.task != no_task)
                out << " T" << int{a.task};
            out << "\"];\n";
        });
    }
    out << "}\n";
    if (args.output.empty()) {
        std::cout << out.str();
    } else {
        write_file_atomically(args.output, out.str());
    }
    return 0;
}

}  // namespace rseqcheck::cli
