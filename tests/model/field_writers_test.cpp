// model/field_writers.h: the per-kind table of which kernel function writes which field.
// Every entry names a real field and a function that the kind's citation or the model code
// implementing it names; and on reachable steps of the small presets and every variant's
// preset, every field a step changes gets a function so named.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "model/field_writers.h"
#include "model/model.h"
#include "model/state_fields.h"
#include "model/transitions.h"
#include "model/variant.h"
#include "tests/checker/reduction_support.h"

namespace rseqcheck {
namespace {

/// The model's headers, concatenated: where a transition's code names the kernel functions
/// it models (in its comments) beyond the one-line citation.
const std::string& model_sources() {
    static const std::string text = [] {
        std::string out;
        for (const auto& e : std::filesystem::directory_iterator(
                 std::filesystem::path(RSEQCHECK_SOURCE_DIR) / "model")) {
            if (e.path().extension() != ".h")
                continue;
            std::ifstream in(e.path());
            std::stringstream ss;
            ss << in.rdbuf();
            out += ss.str();
        }
        return out;
    }();
    return text;
}

/// "rseq_exit_user_update()" -> "rseq_exit_user_update"
std::string bare(std::string_view function) {
    return std::string(function.substr(0, function.find('(')));
}

bool named_for(ActionKind k, std::string_view function) {
    if (function == "user space")
        return action_kernel(k).starts_with("user space:");
    if (!function.ends_with("()"))
        return false;
    return action_kernel(k).find(bare(function)) != std::string_view::npos ||
           model_sources().find(bare(function) + "(") != std::string::npos;
}

TEST(FieldWriters, EveryEntryNamesARealFieldAndAFunctionOfItsKind) {
    std::set<std::string_view> names;
    for (const StateField& f : state_fields())
        names.insert(f.name);
    std::set<std::pair<ActionKind, std::string_view>> seen;
    for (const FieldWriter& w : field_writers()) {
        EXPECT_TRUE(names.contains(w.field)) << action_name(w.kind) << ": '" << w.field << "'";
        EXPECT_TRUE(seen.insert({w.kind, w.field}).second)
            << action_name(w.kind) << " lists '" << w.field << "' twice";
        EXPECT_TRUE(named_for(w.kind, w.function))
            << action_name(w.kind) << ": " << w.function << " is named neither in its citation ("
            << action_kernel(w.kind) << ") nor in model/*.h";
    }
}

TEST(FieldWriters, EveryKindHasADefaultFunction) {
    for (const auto& info : AllTransitions::infos) {
        const std::string f = first_function(info.kernel);
        EXPECT_TRUE(f == "user space" || f.ends_with("()")) << info.name << ": " << f;
    }
    EXPECT_EQ(first_function("include/linux/rseq_entry.h:rseq_exit_to_user_mode_restart() + "
                             "rseq_arm_slice_extension_timer() (spec 3.6, 3.7)"),
              "rseq_exit_to_user_mode_restart()");
}

TEST(FieldWriters, EveryChangeOfAReachableStepCitesAFunction) {
    const std::vector<std::pair<std::string, Scenario>> cases = checker::testing::small_scenarios();
    std::set<std::pair<ActionKind, std::string>> used;
    for (const auto& c : cases) {
        // Named copies: a lambda may not capture a structured binding before C++20's P1091
        // (clang 14, which runs clang-tidy, rejects it).
        const std::string& label = c.first;
        const Scenario& sc = c.second;
        const RseqModel model(sc);
        for (const State& s : checker::testing::sample_states(sc, 400)) {
            model.for_each_successor(s, [&](const Action& a, const State& n) {
                for (const StateField& f : state_fields()) {
                    const std::size_t owners = f.scope == FieldScope::Task  ? sc.task_count()
                                               : f.scope == FieldScope::Cpu ? sc.cpus
                                                                            : 1;
                    for (std::size_t o = 0; o < owners; ++o) {
                        if (f.kind == FieldKind::Budget || f.get(s, o) == f.get(n, o))
                            continue;
                        FieldOwner owner = FieldOwner::Other;
                        if (f.scope == FieldScope::Global ||
                            (f.scope == FieldScope::Cpu && o == a.cpu) ||
                            (f.scope == FieldScope::Task && o == a.task)) {
                            owner = FieldOwner::Actor;
                        } else if (f.scope == FieldScope::Task && o == a.next) {
                            owner = FieldOwner::Next;
                        }
                        const std::string by = field_writer(a, f.name, owner);
                        EXPECT_TRUE(named_for(a.kind, by))
                            << label << " " << action_name(a.kind) << " " << f.name << ": " << by;
                        used.insert({a.kind, std::string(f.name)});
                    }
                }
            });
        }
    }
    // The table is not stale: most of its entries are exercised by these walks.
    std::size_t exercised = 0;
    for (const FieldWriter& w : field_writers())
        exercised += used.contains({w.kind, std::string(w.field)}) ? 1U : 0U;
    EXPECT_GT(exercised * 2, field_writers().size());
}

}  // namespace
}  // namespace rseqcheck
