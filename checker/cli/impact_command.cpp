#include "checker/cli/impact_command.h"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "checker/cli/transition_effects.h"
#include "checker/cli/unified_diff.h"
#include "model/input_error.h"
#include "model/kernel_citation.h"
#include "model/transitions.h"
#include "properties/property.h"

namespace rseqcheck::cli {

namespace {

struct TouchedTransition {
    ActionKind kind;
    std::vector<std::string> because;  ///< "kernel/rseq.c:rseq_syscall_enter_work()"
};

struct Impact {
    std::vector<ChangedFunction> changed;
    std::vector<TouchedTransition> transitions;
    /// Changed files some transition cites, where no cited function changed.
    std::vector<std::string> cited_files_only;
    std::vector<std::string> properties;
    std::vector<std::string> variants;  ///< "name (preset P)"
    std::vector<std::string> presets;
};

bool matches(const CitedFunction& cited, const ChangedFunction& changed) {
    return !changed.function.empty() && cited.function == changed.function &&
           (cited.file.empty() || cited.file == changed.file);
}

template <class T>
void add_once(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end())
        v.push_back(x);
}

Impact analyse(const std::vector<ChangedFunction>& changed) {
    Impact im;
    im.changed = changed;
    std::uint64_t touched = 0;
    for (const auto& info : AllTransitions::infos) {
        TouchedTransition t{info.kind, {}};
        for (const CitedFunction& cited : cited_functions(info.kernel)) {
            for (const ChangedFunction& c : changed) {
                if (matches(cited, c))
                    add_once(t.because, c.file + ":" + c.function + "()");
            }
        }
        if (!t.because.empty()) {
            im.transitions.push_back(t);
            touched |= std::uint64_t{1} << static_cast<unsigned>(info.kind);
        }
    }
    for (const ChangedFunction& c : changed) {
        bool cited_file = false;
        for (const auto& info : AllTransitions::infos) {
            for (const CitedFunction& cited : cited_functions(info.kernel))
                cited_file = cited_file || cited.file == c.file;
        }
        const bool matched = std::any_of(
            im.transitions.begin(), im.transitions.end(), [&](const TouchedTransition& t) {
                return std::find(t.because.begin(), t.because.end(),
                                 c.file + ":" + c.function + "()") != t.because.end();
            });
        if (cited_file && !matched)
            add_once(im.cited_files_only, c.file);
    }
    if (touched == 0)
        return im;
    const TransitionEffects effects = measure_transition_effects();
    const auto catalog = properties::catalog();
    for (const TouchedTransition& t : im.transitions) {
        const auto k = static_cast<std::size_t>(t.kind);
        for (std::size_t p = 0; p < catalog.size(); ++p) {
            if ((effects.feeds[k] >> p & 1U) != 0)
                add_once(im.properties, std::string(catalog[p].name));
        }
        for (const std::string& preset : effects.fires_on[k])
            add_once(im.presets, preset);
    }
    for (const VariantInfo& v : variant_catalog()) {
        if ((kinds_changed_by(v) & touched) != 0) {
            im.variants.push_back(std::string(v.name) + " (" +
                                  (v.kind == VariantKind::Patch ? "patch" : "bug") + ", preset " +
                                  std::string(v.preset) + ")");
        }
    }
    // The catalogue's order for properties, so that reports are stable.
    std::sort(im.properties.begin(), im.properties.end(), [](const auto& a, const auto& b) {
        return properties::property_index(a) < properties::property_index(b);
    });
    return im;
}

std::string render_text(const Impact& im, const std::string& patch) {
    std::string out = fmt::format("rseqcheck impact: {}\n\nThe patch changes:\n", patch);
    for (const ChangedFunction& c : im.changed) {
        out += fmt::format("  {}:{}\n", c.file,
                           c.function.empty() ? " (outside any function)" : c.function + "()");
    }
    if (im.transitions.empty()) {
        out += "\nIt touches nothing modelled: no transition cites these functions";
        if (!im.cited_files_only.empty()) {
            out += " (the model cites other functions of ";
            for (std::size_t i = 0; i < im.cited_files_only.size(); ++i)
                out += (i == 0 ? "" : ", ") + im.cited_files_only[i];
            out += ")";
        }
        out += ".\n";
        return out;
    }
    out += "\nTransitions that cite them (docs/model-map.md):\n";
    for (const TouchedTransition& t : im.transitions) {
        std::string why;
        for (const std::string& b : t.because)
            why += (why.empty() ? "" : ", ") + b;
        out += fmt::format("  {:<34} via {}\n", action_name(t.kind), why);
    }
    out += "\nProperties they feed (on a small preset, a step of theirs changes the property's "
           "premise or claim, or a field it reads):\n";
    for (const std::string& p : im.properties) {
        out += fmt::format("  {} ({})\n", p, properties::find_property(p)->spec_id);
    }
    out += "\nVariants that change these transitions (run them):\n";
    if (im.variants.empty())
        out += "  none\n";
    for (const std::string& v : im.variants)
        out += "  " + v + "\n";
    out += "\nPresets where they fire (and default, deep: every transition fires there):\n  ";
    for (std::size_t i = 0; i < im.presets.size(); ++i)
        out += (i == 0 ? "" : ", ") + im.presets[i];
    out += "\n";
    if (!im.cited_files_only.empty()) {
        out += "\nAlso changed: functions the model does not cite, in files it cites: ";
        for (std::size_t i = 0; i < im.cited_files_only.size(); ++i)
            out += (i == 0 ? "" : ", ") + im.cited_files_only[i];
        out += "\n";
    }
    return out;
}

std::string render_json(const Impact& im, const std::string& patch) {
    nlohmann::ordered_json j;
    j["format"] = "rseqcheck-impact";
    j["version"] = 1;
    j["patch"] = patch;
    nlohmann::ordered_json changed = nlohmann::ordered_json::array();
    for (const ChangedFunction& c : im.changed)
        changed.push_back({{"file", c.file}, {"function", c.function}});
    j["changed"] = changed;
    j["touches_model"] = !im.transitions.empty();
    nlohmann::ordered_json transitions = nlohmann::ordered_json::array();
    for (const TouchedTransition& t : im.transitions) {
        transitions.push_back(
            {{"name", action_name(t.kind)}, {"kernel", action_kernel(t.kind)}, {"via", t.because}});
    }
    j["transitions"] = transitions;
    j["properties"] = im.properties;
    j["variants"] = im.variants;
    j["presets"] = im.presets;
    j["cited_files_only"] = im.cited_files_only;
    return j.dump(2) + "\n";
}

}  // namespace

int impact(const ImpactArgs& args) {
    if (args.format != "text" && args.format != "json")
        throw InputError({}, "unknown format '" + args.format + "' (valid: text, json)");
    const Impact im = analyse(read_unified_diff(args.patch));
    std::cout << (args.format == "json" ? render_json(im, args.patch)
                                        : render_text(im, args.patch));
    std::cout.flush();
    return 0;
}

}  // namespace rseqcheck::cli
