// DOT with one lane per CPU, and SVG through graphviz `dot` when it is installed.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "counterexamples/render.h"
#include "model/transitions.h"

namespace rseqcheck::cex {

namespace {

std::string escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

/// Changed fields one per line, for a DOT label.
std::string label_lines(const std::string& changed) {
    std::string out;
    std::string line;
    for (std::size_t at = 0; at < changed.size();) {
        const std::size_t next = changed.find(' ', at + 1);
        const std::string part =
            changed.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
        if (part.find('=') != std::string::npos && !line.empty()) {
            out += escape(line) + "\\l";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + part;
        at = next == std::string::npos ? changed.size() : next;
    }
    if (!line.empty())
        out += escape(line) + "\\l";
    return out;
}

}  // namespace

std::string render_dot(const Trace& trace) {
    const Scenario& sc = trace.scenario;
    std::string out = "digraph trace {\n  rankdir=TB;\n  newrank=true;\n"
                      "  node [shape=box, fontname=\"monospace\", fontsize=10];\n";
    out += fmt::format("  label=\"{}\";\n  labelloc=t;\n", escape(verdict_line(trace)));
    for (CpuId c = 0; c < sc.cpus; ++c) {
        out += fmt::format("  subgraph cluster_cpu{} {{\n    label=\"CPU{}\";\n    style=dashed;\n",
                           c, c);
        for (std::size_t k = 0; k < trace.steps.size(); ++k) {
            const TraceStep& s = trace.steps[k];
            if (s.action.cpu != c)
                continue;
            const bool last = k + 1 == trace.steps.size();
            const std::string changed =
                changed_fields(sc, trace.before(k), s.state, s.action.task, s.action.cpu);
            out += fmt::format(
                "    s{} [label=\"{}. {} {}\\l{}\"{}{}];\n", k + 1, k + 1,
                s.action.task == no_task ? std::string("-") : fmt::format("T{}", s.action.task),
                action_name(s.action.kind), label_lines(changed),
                last ? ", color=red, penwidth=2" : "",
                is_environment(s.action) ? ", style=filled, fillcolor=\"#fff3cd\"" : "");
        }
        out += "  }\n";
    }
    for (std::size_t k = 1; k < trace.steps.size(); ++k)
        out += fmt::format("  s{} -> s{};\n", k, k + 1);
    out += "}\n";
    return out;
}

bool dot_available() {
    return std::system("command -v dot >/dev/null 2>&1") == 0;
}

std::optional<std::string> render_svg(const Trace& trace) {
    if (!dot_available())
        return std::nullopt;
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path();
    const std::string stem =
        fmt::format("rseqcheck-{}-{}", static_cast<const void*>(&trace), std::rand());
    const fs::path in = dir / (stem + ".dot");
    const fs::path out = dir / (stem + ".svg");
    {
        std::ofstream f(in);
        f << render_dot(trace);
    }
    const std::string cmd =
        fmt::format("dot -Tsvg '{}' -o '{}' 2>/dev/null", in.string(), out.string());
    const int rc = std::system(cmd.c_str());
    std::optional<std::string> svg;
    if (rc == 0) {
        std::ifstream f(out);
        std::ostringstream text;
        text << f.rdbuf();
        svg = text.str();
    }
    std::error_code ec;
    fs::remove(in, ec);
    fs::remove(out, ec);
    return svg;
}

}  // namespace rseqcheck::cex
