// DOT with one lane per CPU, and SVG through graphviz `dot` when it is installed.
#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

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
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "";
    while (true) {
        const std::size_t colon = dirs.find(':');
        const std::string_view dir = dirs.substr(0, colon);
        const std::string file = (dir.empty() ? std::string(".") : std::string(dir)) + "/dot";
        if (access(file.c_str(), X_OK) == 0)
            return true;
        if (colon == std::string_view::npos)
            return false;
        dirs.remove_prefix(colon + 1);
    }
}

namespace {

/// Runs `dot -Tsvg IN -o OUT` with no shell, its stderr on /dev/null; true when it exits 0.
bool run_dot(const std::string& in, const std::string& out) {
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0)
        return false;
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::array<std::string, 5> args{"dot", "-Tsvg", in, "-o", out};
    std::array<char*, 6> argv{args[0].data(), args[1].data(), args[2].data(),
                              args[3].data(), args[4].data(), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return false;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::optional<std::string> render_svg(const Trace& trace) {
    namespace fs = std::filesystem;
    // A fresh private directory (mkdtemp, mode 0700) holds the two files: no name another
    // process can guess or pre-create.
    std::string dir = (fs::temp_directory_path() / "rseqcheck-svg-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr)
        return std::nullopt;
    const std::string in = dir + "/trace.dot";
    const std::string out = dir + "/trace.svg";
    std::optional<std::string> svg;
    {
        std::ofstream f(in);
        f << render_dot(trace);
    }
    if (run_dot(in, out)) {
        std::ifstream f(out);
        std::ostringstream text;
        text << f.rdbuf();
        svg = text.str();
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return svg;
}

}  // namespace rseqcheck::cex
