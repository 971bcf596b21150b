// The property catalogue, in `rseqcheck list properties` order: the safety properties of
// properties/slice.cpp and the leads-to properties of properties/liveness.cpp, each beside
// its predicates, so that adding a property touches that file and its twin only. Explicit
// lists, no self-registering statics (STYLE.md 2). docs/properties.md documents each entry.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "model/nearest_name.h"
#include "properties/liveness.h"
#include "properties/property.h"
#include "properties/registration.h"
#include "properties/slice.h"
#include "util/text.h"

namespace rseqcheck::properties {

std::vector<std::string> describe_facts(const Scenario& sc, ScenarioFacts facts) {
    std::vector<std::string> out;
    const bool per_task = has(facts, ScenarioFact::Role) ||
                          has(facts, ScenarioFact::SliceEnabled) || has(facts, ScenarioFact::Rt);
    for (TaskId t = 0; per_task && t < sc.task_count(); ++t) {
        const TaskConfig& cfg = sc.tasks[t];
        const bool user = cfg.role == TaskRole::SliceUser;
        std::string item = "T" + std::to_string(t) +
                           (user                              ? " slice user"
                            : cfg.role == TaskRole::ForkChild ? " fork-child slot"
                                                              : " waiter");
        if (user && has(facts, ScenarioFact::SliceEnabled))
            item += cfg.slice_enabled ? ", extension enabled" : ", extension NOT enabled";
        if (has(facts, ScenarioFact::Rt))
            item += cfg.rt ? ", RT" : ", fair";
        out.push_back(item);
    }
    if (has(facts, ScenarioFact::Preempt)) {
        std::string name(to_string(sc.preempt));
        for (char& c : name)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.push_back("PREEMPT_" + name);
    }
    if (has(facts, ScenarioFact::SliceKey))
        out.push_back(std::string("rseq_slice_extension_key ") + (sc.slice_key ? "on" : "OFF"));
    if (has(facts, ScenarioFact::DebugKey))
        out.push_back(std::string("rseq_debug_enabled ") + (sc.debug_key ? "on" : "off"));
    if (has(facts, ScenarioFact::Adversarial)) {
        out.push_back(sc.adversarial ? "user space writes any slice_ctrl value"
                                     : "user space follows rseq.rst");
    }
    return out;
}

std::span<const Property> catalog() {
    // The order `rseqcheck list properties` and every report use (property.h).
    static const std::vector<Property> all = [] {
        std::vector<Property> out;
        const auto add = [&out](std::span<const Property> from, bool default_set) {
            for (const Property& p : from) {
                if (p.in_default_set == default_set)
                    out.push_back(p);
            }
        };
        add(slice_properties(), true);
        add(registration_properties(), true);
        add(leads_to_properties(), true);
        add(leads_to_properties(), false);
        add(slice_properties(), false);
        return out;
    }();
    return all;
}

const Property* find_property(std::string_view name) {
    for (const Property& p : catalog()) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

int property_index(std::string_view name) {
    const auto all = catalog();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

std::vector<std::string> property_names() {
    std::vector<std::string> names;
    names.reserve(catalog().size());
    for (const Property& p : catalog())
        names.emplace_back(p.name);
    return names;
}

std::string nearest_property(std::string_view name) {
    const NearestName best = nearest_name(name, property_names());
    // A name far from every property ("nosuch") gets no suggestion: any would mislead.
    return best.distance <= std::max<std::size_t>(2, name.size() / 3) ? best.name : "";
}

std::string unknown_property_message(std::string_view name) {
    const std::string quoted = "'" + std::string(name) + "'";
    if (name == "deadlock-free") {
        return "property " + quoted +
               " is the built-in deadlock check: it runs when no property is selected, and "
               "cannot be selected itself";
    }
    const std::string near = nearest_property(name);
    if (!near.empty())
        return "unknown property " + quoted + " (did you mean '" + near + "'?)";
    const std::string valid = join(catalog(), ", ", [](const Property& p) { return p.name; });
    return "unknown property " + quoted + " (valid: " + valid + ")";
}

}  // namespace rseqcheck::properties
