#include "checker/cli/compare_report.h"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/text.h"

namespace rseqcheck::cli {

std::string_view to_string(VerdictChange c) {
    switch (c) {
    case VerdictChange::Same:
        return "same";
    case VerdictChange::Fixed:
        return "fixed";
    case VerdictChange::Broken:
        return "broken";
    case VerdictChange::StillViolated:
        return "still violated";
    case VerdictChange::Other:
        return "changed";
    }
    return "?";
}

namespace {

bool any_change(const CompareReport& r, VerdictChange c) {
    for (const ComparedInput& in : r.inputs) {
        for (const ComparedProperty& p : in.properties) {
            if (p.change == c)
                return true;
        }
    }
    return false;
}

bool any_incomplete(const CompareReport& r) {
    for (const ComparedInput& in : r.inputs) {
        if (in.verdict_before == Verdict::Incomplete || in.verdict_after == Verdict::Incomplete ||
            !in.divergence_complete)
            return true;
    }
    return false;
}

/// "a, b" of the inputs where some property of that name moved by `c`.
std::vector<std::pair<std::string, std::string>> moves(const CompareReport& r, VerdictChange c) {
    std::vector<std::pair<std::string, std::string>> out;  // property, inputs
    for (const ComparedInput& in : r.inputs) {
        for (const ComparedProperty& p : in.properties) {
            if (p.change != c)
                continue;
            auto at = std::find_if(out.begin(), out.end(),
                                   [&](const auto& e) { return e.first == p.name; });
            if (at == out.end()) {
                out.emplace_back(p.name, in.name);
            } else {
                at->second += ", " + in.name;
            }
        }
    }
    return out;
}

std::string cell(PropertyStatus s, std::uint64_t premise) {
    return fmt::format("{} ({})", to_string(s), premise);
}

std::string indent(const std::string& text, const std::string& by) {
    std::string out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        out += line.empty() ? "\n" : by + line + "\n";
    return out;
}

std::string effect_line(const ComparedInput& in) {
    if (!in.divergence_complete)
        return "the state-by-state comparison did not finish";
    if (!in.takes_effect) {
        return fmt::format("the patch changes nothing reachable here: the same state graph "
                           "({} states compared step by step), so no verdict can differ",
                           in.states_after);
    }
    return fmt::format("the patch takes effect, first at step {}: {}", in.first_effect_depth + 1,
                       in.first_effect_step);
}

}  // namespace

int exit_status(const CompareReport& r) {
    if (any_change(r, VerdictChange::Broken) || any_change(r, VerdictChange::StillViolated))
        return 1;
    return any_incomplete(r) ? 3 : 0;
}

std::string conclusion(const CompareReport& r) {
    std::vector<std::string> parts;
    for (const auto& [name, where] : moves(r, VerdictChange::Fixed))
        parts.push_back(fmt::format("fixes {} on {}", name, where));
    for (const auto& [name, where] : moves(r, VerdictChange::StillViolated))
        parts.push_back(fmt::format("does not fix {} on {}", name, where));
    const auto broken = moves(r, VerdictChange::Broken);
    for (const auto& [name, where] : broken)
        parts.push_back(fmt::format("BREAKS {} on {}", name, where));
    if (broken.empty())
        parts.emplace_back("breaks nothing that held");
    std::string idle;
    for (const ComparedInput& in : r.inputs) {
        if (in.divergence_complete && !in.takes_effect)
            idle += (idle.empty() ? "" : ", ") + in.name;
    }
    if (!idle.empty())
        parts.push_back("takes no effect on " + idle);
    if (any_incomplete(r))
        parts.emplace_back("some search was incomplete");
    return join(parts, "; ");
}

std::string render_text(const CompareReport& r) {
    std::string out = fmt::format(
        "rseqcheck compare: {} against {}\n  patch:   {}\n  finding: {}   names: ", r.patch,
        r.against, r.description, r.finding.empty() ? "-" : r.finding);
    for (std::size_t i = 0; i < r.targets.size(); ++i)
        out += (i == 0 ? "" : ", ") + r.targets[i];
    out += "\n";
    for (const ComparedInput& in : r.inputs) {
        out += fmt::format("\n{} ({})\n  {}\n", in.name, in.bounds, effect_line(in));
        out += fmt::format("  states {} -> {}   transitions {} -> {}   depth {} -> {}\n",
                           in.states_before, in.states_after, in.transitions_before,
                           in.transitions_after, in.depth_before, in.depth_after);
        // A long --against name widens its column rather than running into the next.
        const std::size_t width = std::max<std::size_t>(22, r.against.size() + 1);
        out += fmt::format("  {:<34} {:<{}} {:<22}\n", "property (premise)", r.against, width,
                           "patch");
        for (const ComparedProperty& p : in.properties) {
            out += fmt::format(
                "  {:<34} {:<{}} {:<22}{}\n", p.name + (p.target ? " *" : ""),
                cell(p.before, p.premise_before), width, cell(p.after, p.premise_after),
                p.change == VerdictChange::Same ? "" : std::string(to_string(p.change)));
        }
    }
    out += "\n  * named by the patch\n";
    bool header = false;
    for (const ComparedInput& in : r.inputs) {
        for (const ComparedProperty& p : in.properties) {
            if (p.change == VerdictChange::Same || p.trace_text.empty())
                continue;
            if (!header)
                out += "\nVerdicts that changed, or that the patch names and did not fix\n";
            header = true;
            out += fmt::format("\n{}: {} ({}): {} -> {} ({}); the trace on {}:\n", in.name, p.name,
                               p.spec_id, to_string(p.before), to_string(p.after),
                               to_string(p.change), p.trace_side == "patch" ? r.patch : r.against);
            out += indent(p.trace_text, "    ");
        }
    }
    for (const ComparedInput& in : r.inputs) {
        if (!in.takes_effect || in.first_effect_path.empty())
            continue;
        out += fmt::format("\nWhere the patch first takes effect on {}:\n{}", in.name,
                           in.first_effect_path);
    }
    out += fmt::format("\nConclusion: {} (exit {})\n", conclusion(r), exit_status(r));
    return out;
}

std::string render_json(const CompareReport& r) {
    nlohmann::ordered_json j;
    j["format"] = "rseqcheck-compare";
    j["version"] = 1;
    j["patch"] = r.patch;
    j["description"] = r.description;
    j["finding"] = r.finding;
    j["targets"] = r.targets;
    j["against"] = r.against;
    nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
    for (const ComparedInput& in : r.inputs) {
        nlohmann::ordered_json ji;
        ji["name"] = in.name;
        ji["bounds"] = in.bounds;
        ji["states"] = {{"against", in.states_before}, {"patch", in.states_after}};
        ji["transitions"] = {{"against", in.transitions_before}, {"patch", in.transitions_after}};
        ji["depth"] = {{"against", in.depth_before}, {"patch", in.depth_after}};
        ji["verdict"] = {{"against", to_string(in.verdict_before)},
                         {"patch", to_string(in.verdict_after)}};
        ji["takes_effect"] = in.takes_effect;
        ji["comparison_complete"] = in.divergence_complete;
        if (in.takes_effect) {
            ji["first_effect"] = {{"step", in.first_effect_depth + 1},
                                  {"action", in.first_effect_step},
                                  {"path", in.first_effect_path}};
        }
        nlohmann::ordered_json props = nlohmann::ordered_json::array();
        for (const ComparedProperty& p : in.properties) {
            nlohmann::ordered_json jp;
            jp["name"] = p.name;
            jp["spec_id"] = p.spec_id;
            jp["target"] = p.target;
            jp["against"] = {{"status", to_string(p.before)}, {"premise", p.premise_before}};
            jp["patch"] = {{"status", to_string(p.after)}, {"premise", p.premise_after}};
            jp["change"] = to_string(p.change);
            if (!p.trace_text.empty()) {
                jp["trace"] = {{"side", p.trace_side},
                               {"text", p.trace_text},
                               {"replay", nlohmann::ordered_json::parse(p.replay_json)}};
            }
            props.push_back(jp);
        }
        ji["properties"] = props;
        inputs.push_back(ji);
    }
    j["inputs"] = inputs;
    j["conclusion"] = conclusion(r);
    j["exit_status"] = exit_status(r);
    return j.dump(2) + "\n";
}

std::string render_markdown(const CompareReport& r) {
    std::string out = fmt::format("### rseqcheck compare: `{}` against `{}`\n\n{}\n\n", r.patch,
                                  r.against, r.description);
    out += fmt::format("Finding: {}. Named properties: ", r.finding.empty() ? "-" : r.finding);
    for (std::size_t i = 0; i < r.targets.size(); ++i)
        out += (i == 0 ? "`" : ", `") + r.targets[i] + "`";
    out += ".\n\n| input | states | transitions | takes effect | changed verdicts |\n"
           "|---|---|---|---|---|\n";
    for (const ComparedInput& in : r.inputs) {
        std::string changed;
        for (const ComparedProperty& p : in.properties) {
            if (p.change != VerdictChange::Same) {
                changed +=
                    fmt::format("{}`{}`: {} → {} ({})", changed.empty() ? "" : "<br>", p.name,
                                to_string(p.before), to_string(p.after), to_string(p.change));
            }
        }
        out += fmt::format(
            "| {} | {} → {} | {} → {} | {} | {} |\n", in.name, in.states_before, in.states_after,
            in.transitions_before, in.transitions_after,
            !in.divergence_complete ? "unknown"
            : in.takes_effect
                ? fmt::format("yes, step {}: `{}`", in.first_effect_depth + 1, in.first_effect_step)
                : "no (same state graph)",
            changed.empty() ? "none" : changed);
    }
    for (const ComparedInput& in : r.inputs) {
        for (const ComparedProperty& p : in.properties) {
            if (p.change == VerdictChange::Same || p.trace_text.empty())
                continue;
            out += fmt::format("\n<details><summary>{}: <code>{}</code> {} → {}, the trace on "
                               "{}</summary>\n\n```\n{}```\n</details>\n",
                               in.name, p.name, to_string(p.before), to_string(p.after),
                               p.trace_side == "patch" ? r.patch : r.against, p.trace_text);
        }
    }
    out += fmt::format("\n**{}** (exit {})\n", conclusion(r), exit_status(r));
    return out;
}

}  // namespace rseqcheck::cli
