#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <string_view>
#include <unordered_set>

#include "model/model.h"

namespace rseqcheck {
namespace {

struct Hash {
    std::size_t operator()(const State& s) const {
        return std::hash<std::string_view>{}(
            std::string_view(reinterpret_cast<const char*>(&s), sizeof s));
    }
};

TEST(ModelSmoke, PresetsExploreFinitely) {
    for (const PresetInfo& p : preset_catalog()) {
        if (p.name == "default" || p.name == "deep")
            continue;  // large: explored by the engine's tests and bench/
        RseqModel m(make_preset(p.name));
        std::unordered_set<State, Hash> seen;
        std::deque<State> todo;
        todo.push_back(m.initial_state());
        seen.insert(todo.front());
        while (!todo.empty() && seen.size() < 3000000) {
            State s = todo.front();
            todo.pop_front();
            m.for_each_successor(s, [&](const Action&, const State& n) {
                if (seen.insert(n).second)
                    todo.push_back(n);
            });
        }
        std::printf("%s: %zu states\n", std::string(p.name).c_str(), seen.size());
        EXPECT_TRUE(todo.empty()) << p.name;
    }
}

}  // namespace
}  // namespace rseqcheck
