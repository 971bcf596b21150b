#include "checker/cli/compare_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "checker/cli/check_search.h"
#include "checker/cli/compare_report.h"
#include "checker/cli/patch_divergence.h"
#include "model/input_error.h"
#include "model/variant.h"
#include "properties/property.h"
#include "util/output_file.h"
#include "util/text.h"

namespace rseqcheck::cli {

namespace {

const VariantInfo& known_variant(const std::string& name) {
    const VariantInfo* info = find_variant(name);
    if (info == nullptr) {
        throw InputError({},
                         "unknown variant '" + name + "' (valid: " + join(variant_names()) + ")");
    }
    return *info;
}

/// The check arguments of one side: every property of the catalogue, all verdicts (no stop
/// at the first violation).
CheckArgs side_args(const CompareArgs& args, const std::vector<std::string>& variants) {
    CheckArgs c;
    c.variants = variants;
    c.threads = args.threads;
    c.memory_limit = args.memory_limit;
    c.all = true;
    for (const std::string& name : properties::property_names())
        c.properties.push_back(name);
    return c;
}

CheckPlan plan_on(CheckArgs c, const std::string& input, bool is_file) {
    if (is_file) {
        c.scenario_file = input;
    } else {
        c.preset = input;
    }
    CheckPlan plan = plan_check(c);
    plan.check_deadlock = true;
    return plan;
}

/// A scenario file names its own variants; compare sets the two sides itself.
void reject_file_variant(const CheckPlan& plan, const std::string& file) {
    if (!plan.scenario.variant.fixed()) {
        throw InputError({}, "scenario file '" + file + "' names variant " +
                                 plan.scenario.variant.name() +
                                 ": compare applies the patch and --against itself; remove it");
    }
}

VerdictChange change_of(const ComparedProperty& p) {
    const bool was = p.before == PropertyStatus::Violated;
    const bool is = p.after == PropertyStatus::Violated;
    if (was && is)
        return p.target ? VerdictChange::StillViolated : VerdictChange::Same;
    if (was && !is) {
        return p.after == PropertyStatus::Holds || p.after == PropertyStatus::Vacuous
                   ? VerdictChange::Fixed
                   : VerdictChange::Other;
    }
    if (is) {
        return p.before == PropertyStatus::Holds || p.before == PropertyStatus::Vacuous
                   ? VerdictChange::Broken
                   : VerdictChange::Other;
    }
    return p.before == p.after ? VerdictChange::Same : VerdictChange::Other;
}

ComparedInput compare_on(const CompareArgs& args, const CompareReport& r,
                         const std::vector<std::string>& patch,
                         const std::vector<std::string>& against, const std::string& input,
                         bool is_file) {
    const CheckArgs before_args = side_args(args, against);
    const CheckArgs after_args = side_args(args, patch);
    const CheckPlan before_plan = plan_on(before_args, input, is_file);
    const CheckPlan after_plan = plan_on(after_args, input, is_file);
    if (is_file)
        reject_file_variant(plan_on(side_args(args, {}), input, true), input);
    const CheckReport before = search(before_args, before_plan);
    const CheckReport after = search(after_args, after_plan);
    ComparedInput in;
    in.name = input;
    in.bounds = before.bounds;
    in.states_before = before.states;
    in.states_after = after.states;
    in.transitions_before = before.transitions;
    in.transitions_after = after.transitions;
    in.depth_before = before.depth;
    in.depth_after = after.depth;
    in.verdict_before = before.verdict;
    in.verdict_after = after.verdict;
    const Divergence d =
        first_divergence(before_plan.scenario, after_plan.scenario, after_plan.memory_limit);
    in.divergence_complete = d.complete;
    in.takes_effect = d.found;
    in.first_effect_depth = d.depth;
    if (d.found) {
        in.first_effect_step =
            d.step +
            (d.only_in == "patch" ? "" : " (a step only the model " + r.against + " takes)");
    }
    in.first_effect_path = d.path_text;
    for (const PropertyReport& b : before.properties) {
        const auto a = std::find_if(after.properties.begin(), after.properties.end(),
                                    [&](const PropertyReport& p) { return p.name == b.name; });
        if (a == after.properties.end())
            continue;
        ComparedProperty p;
        p.name = b.name;
        p.spec_id = b.spec_id;
        p.target = std::find(r.targets.begin(), r.targets.end(), b.name) != r.targets.end();
        p.before = b.status;
        p.after = a->status;
        p.premise_before = b.premise_count;
        p.premise_after = a->premise_count;
        p.change = change_of(p);
        // The trace that shows the change: the patch's when it violates, else the other's.
        const PropertyReport& shown = a->status == PropertyStatus::Violated ? *a : b;
        if (p.change != VerdictChange::Same && shown.status == PropertyStatus::Violated) {
            p.trace_text = shown.kernel_trace_text;
            p.replay_json = shown.replay_json;
            p.trace_side = &shown == &*a ? "patch" : "against";
        }
        in.properties.push_back(p);
    }
    return in;
}

}  // namespace

int compare(const CompareArgs& args) {
    if (args.format != "text" && args.format != "json" && args.format != "markdown") {
        throw InputError({}, "unknown format '" + args.format + "' (valid: text, json, markdown)");
    }
    if (args.variants.empty())
        throw InputError({}, "compare needs the patch: --variant fix_<name>");
    CompareReport r;
    for (const std::string& name : args.variants) {
        const VariantInfo& info = known_variant(name);
        if (info.kind != VariantKind::Patch) {
            std::string message = "variant '" + name;
            message += "' is a bug, not a patch: compare takes a fix_ variant (`rseqcheck check "
                       "--variant ";
            message += name + "` shows the bug)";
            throw InputError({}, message);
        }
        r.patch += (r.patch.empty() ? "" : "+") + name;
        r.description += (r.description.empty() ? "" : "; ") + std::string(info.description);
        r.finding += (r.finding.empty() ? "" : ", ") + std::string(info.finding);
        for (const std::string& t : patch_targets(info)) {
            if (std::find(r.targets.begin(), r.targets.end(), t) == r.targets.end())
                r.targets.push_back(t);
        }
    }
    std::vector<std::string> against;
    if (args.against != "fixed") {
        known_variant(args.against);
        if (std::find(args.variants.begin(), args.variants.end(), args.against) !=
            args.variants.end())
            throw InputError({}, "--against " + args.against + " is the patch itself");
        against.push_back(args.against);
    }
    r.against = args.against;
    std::vector<std::pair<std::string, bool>> inputs;  // name, is a file
    for (const std::string& p : args.presets)
        inputs.emplace_back(p, false);
    for (const std::string& f : args.scenario_files)
        inputs.emplace_back(f, true);
    if (inputs.empty()) {
        for (const PresetInfo& p : preset_catalog()) {
            if (!p.nightly_size)  // deep, nightly: name them with --preset
                inputs.emplace_back(std::string(p.name), false);
        }
    }
    // Every input and name is checked before the first search and before any output.
    for (const auto& [name, is_file] : inputs) {
        plan_on(side_args(args, args.variants), name, is_file);
        plan_on(side_args(args, against), name, is_file);
        if (is_file)
            reject_file_variant(plan_on(side_args(args, {}), name, true), name);
    }
    if (!args.output.empty())
        check_output_path(args.output);
    std::vector<std::string> patch = args.variants;
    for (const auto& [name, is_file] : inputs)
        r.inputs.push_back(compare_on(args, r, patch, against, name, is_file));
    const std::string document = args.format == "json"       ? render_json(r)
                                 : args.format == "markdown" ? render_markdown(r)
                                                             : render_text(r);
    if (args.output.empty()) {
        std::cout << document;
        std::cout.flush();
    } else {
        write_file_atomically(args.output, document);
    }
    return exit_status(r);
}

}  // namespace rseqcheck::cli
