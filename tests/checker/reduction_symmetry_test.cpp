// Task symmetry (model/symmetry.h): the group keeps the scenario's configuration, each
// permutation is an automorphism of the transition relation (successors of a permuted
// state are the permuted successors, actions remapped), and the canonical form is the
// same for every state of an orbit. Checked on the two-waiter presets and on a scenario
// with two slice users alike, where the timer cookie and curr must be remapped.
#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "model/symmetry.h"
#include "tests/checker/reduction_support.h"

namespace rseqcheck::checker {
namespace {

/// One CPU, two slice users and a waiter: the slice users are alike, the waiter is not.
Scenario two_slice_users() {
    Scenario sc = make_preset("grant");
    sc.name = "two-slice-users";
    sc.tasks = {sc.tasks[0], sc.tasks[0], sc.tasks[1]};
    sc.bounds.wakeups = 1;
    return sc;
}

std::vector<Scenario> symmetric_scenarios() {
    return {make_preset("grant-race"), make_preset("preempt-full"), two_slice_users()};
}

using Edge = std::tuple<std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t, std::uint8_t,
                        std::uint8_t, std::vector<std::uint8_t>>;

Edge edge(const Action& a, const State& s) {
    std::vector<std::uint8_t> bytes(sizeof(State));
    std::memcpy(bytes.data(), &s, sizeof(State));
    return {static_cast<std::uint8_t>(a.kind),  a.cpu, a.task, a.arg, a.next,
            static_cast<std::uint8_t>(a.fault), bytes};
}

TEST(ReductionSymmetry, GroupsKeepTheConfiguration) {
    EXPECT_TRUE(TaskSymmetry(make_preset("default")).trivial());
    EXPECT_TRUE(TaskSymmetry(make_preset("tiny")).trivial());
    const TaskSymmetry race(make_preset("grant-race"));
    ASSERT_EQ(race.group().size(), 2U);
    EXPECT_EQ(race.group()[1], (TaskPermutation{0, 2, 1}));  // the waiters swap
    const TaskSymmetry users(two_slice_users());
    ASSERT_EQ(users.group().size(), 2U);
    EXPECT_EQ(users.group()[1], (TaskPermutation{1, 0, 2}));  // the slice users swap
}

TEST(ReductionSymmetry, EveryPermutationIsAnAutomorphismOfTheTransitions) {
    for (const Scenario& sc : symmetric_scenarios()) {
        const RseqModel model(sc);
        const TaskSymmetry sym(sc);
        std::size_t moved = 0;
        for (const State& s : testing::sample_states(sc, 3000)) {
            for (const TaskPermutation& p : sym.group()) {
                const State ps = TaskSymmetry::apply(p, s);
                moved += ps == s ? 0U : 1U;
                std::vector<Edge> expected;
                model.for_each_successor(s, [&](const Action& a, const State& n) {
                    expected.push_back(edge(TaskSymmetry::apply(p, a), TaskSymmetry::apply(p, n)));
                });
                std::vector<Edge> actual;
                model.for_each_successor(
                    ps, [&](const Action& a, const State& n) { actual.push_back(edge(a, n)); });
                std::sort(expected.begin(), expected.end());
                std::sort(actual.begin(), actual.end());
                ASSERT_EQ(actual, expected) << sc.name;
                EXPECT_EQ(model.is_valid_end(ps), model.is_valid_end(s)) << sc.name;
            }
        }
        EXPECT_GT(moved, 100U) << sc.name;  // the permutations moved many states
    }
}

TEST(ReductionSymmetry, CanonicalFormIsOneStatePerOrbit) {
    for (const Scenario& sc : symmetric_scenarios()) {
        const TaskSymmetry sym(sc);
        for (const State& s : testing::sample_states(sc, 2000)) {
            const State c = sym.canonical(s);
            EXPECT_EQ(sym.canonical(c), c) << sc.name;
            TaskPermutation used{};
            EXPECT_EQ(sym.canonical(s, used), c) << sc.name;
            EXPECT_EQ(TaskSymmetry::apply(used, s), c) << sc.name;
            EXPECT_EQ(TaskSymmetry::apply(TaskSymmetry::inverse(used), c), s) << sc.name;
            for (const TaskPermutation& p : sym.group())
                EXPECT_EQ(sym.canonical(TaskSymmetry::apply(p, s)), c) << sc.name;
        }
    }
}

// The two slice users are alike, but the initial state is not symmetric: task 0 runs and
// task 1 waits runnable in user mode, a state no later step recreates for task 0 (a
// descheduled task waits in the kernel). No reachable state's twin is reachable, so the
// reduction cannot merge anything here: the verdicts agree and the count does not grow.
// The remapping of curr and the timer cookie is checked by the two tests above.
TEST(ReductionSymmetry, TwoSliceUsersAgreeWhereNoStateCanMerge) {
    const Scenario sc = two_slice_users();
    const testing::ModeResult full = testing::run_mode(sc, testing::Mode::Full);
    for (const testing::Mode m : {testing::Mode::Symmetry}) {
        const testing::ModeResult r = testing::run_mode(sc, m);
        EXPECT_EQ(r.verdict, full.verdict) << testing::mode_name(m);
        EXPECT_EQ(r.violated, full.violated) << testing::mode_name(m);
        EXPECT_LE(r.states, full.states) << testing::mode_name(m);
    }
}

}  // namespace
}  // namespace rseqcheck::checker
