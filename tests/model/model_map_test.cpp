// docs/model-map.md names every transition of AllTransitions, and nothing else.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "model/model.h"
#include "model/transitions.h"

namespace rseqcheck {
namespace {

TEST(ModelMap, EveryTransitionIsMappedAndEveryRowExists) {
    std::ifstream in(std::string(RSEQCHECK_SOURCE_DIR) + "/docs/model-map.md");
    ASSERT_TRUE(in) << "docs/model-map.md is missing";
    std::set<std::string> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("| ", 0) != 0)
            continue;
        const std::string name = line.substr(2, line.find(" |", 2) - 2);
        if (name != "transition" && name.find("---") == std::string::npos)
            rows.insert(name);
    }
    std::set<std::string> names;
    for (const auto& info : AllTransitions::infos)
        names.insert(std::string(info.name));
    for (const std::string& n : names)
        EXPECT_TRUE(rows.count(n)) << n << " is missing from docs/model-map.md";
    for (const std::string& r : rows)
        EXPECT_TRUE(names.count(r)) << "docs/model-map.md names '" << r << "', no transition";
}

TEST(Model, ImpossibleStateIsReported) {
    Scenario sc = make_preset("tiny");
    RseqModel m(sc);
    State s = m.initial_state();
    EXPECT_EQ(impossible_state_reason(sc, s), "");
    s.cpu(0).curr = 1;  // the waiter, which sleeps, made current
    EXPECT_NE(impossible_state_reason(sc, s), "");
}

}  // namespace
}  // namespace rseqcheck
