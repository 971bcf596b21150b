/// \file
/// A difference bound matrix over the timing layer's clocks: the zone of clock valuations
/// a symbolic state admits, as in timed-automata checkers (UPPAAL, Kronos). Integer
/// nanoseconds, non-strict bounds (a strict `<` is `<= c - 1` on integer time). Entry
/// (i, j) bounds clock_i - clock_j from above; index 0 is the constant zero.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace rseqcheck::timing {

/// The clocks. T measures the query's objective (time since its start event); X the time
/// the observed CPU has spent in its current code segment; K the time a reschedule IPI has
/// been pending there; F the time the CPU's slice timer has been due; G the time since the
/// last grant on the CPU read the clock (G6); S the time a fair task has waited on the CPU
/// with no reschedule pending (the tick that ends the current slice, TickPreemptFair).
enum class Clock : std::uint8_t { T = 1, X, K, F, G, S };
inline constexpr std::size_t dbm_dim = 7;
inline constexpr std::int64_t dbm_inf = std::numeric_limits<std::int64_t>::max() / 4;

inline std::size_t ix(Clock c) {
    return static_cast<std::size_t>(c);
}

class Dbm {
public:
    /// Every clock >= 0, otherwise unconstrained (nothing is known of their history).
    static Dbm unconstrained() {
        Dbm d;
        for (std::size_t i = 0; i < dbm_dim; ++i) {
            for (std::size_t j = 0; j < dbm_dim; ++j)
                d.m_[i][j] = (i == j || i == 0) ? 0 : dbm_inf;
        }
        return d;
    }

    std::int64_t at(std::size_t i, std::size_t j) const { return m_[i][j]; }
    /// The largest value clock c can take (dbm_inf when unbounded).
    std::int64_t upper(Clock c) const { return m_[ix(c)][0]; }
    std::int64_t lower(Clock c) const { return -m_[0][ix(c)]; }
    bool empty() const { return m_[0][0] < 0; }

    /// clock_i - clock_j <= c, keeping the matrix closed (shortest paths).
    void constrain(std::size_t i, std::size_t j, std::int64_t c) {
        if (c >= m_[i][j])
            return;
        m_[i][j] = c;
        if (c + m_[j][i] < 0) {
            m_[0][0] = -1;
            return;
        }
        for (std::size_t a = 0; a < dbm_dim; ++a) {
            const std::int64_t ai = m_[a][i];
            if (ai >= dbm_inf)
                continue;
            for (std::size_t b = 0; b < dbm_dim; ++b) {
                const std::int64_t jb = m_[j][b];
                if (jb >= dbm_inf)
                    continue;
                m_[a][b] = std::min(m_[a][b], ai + c + jb);
            }
        }
        for (std::size_t a = 0; a < dbm_dim; ++a) {
            if (m_[a][a] < 0) {
                m_[0][0] = -1;
                return;
            }
        }
    }
    void at_most(Clock c, std::int64_t v) { constrain(ix(c), 0, v); }
    void at_least(Clock c, std::int64_t v) { constrain(0, ix(c), -v); }

    /// Time passes: every clock grows by the same amount, without bound.
    void delay() {
        for (std::size_t i = 1; i < dbm_dim; ++i)
            m_[i][0] = dbm_inf;
    }
    /// clock c := 0.
    void reset(Clock c) {
        const std::size_t k = ix(c);
        for (std::size_t j = 0; j < dbm_dim; ++j) {
            m_[k][j] = m_[0][j];
            m_[j][k] = m_[j][0];
        }
        m_[k][k] = 0;
    }
    /// Forget clock c (any value >= 0).
    void release(Clock c) {
        const std::size_t k = ix(c);
        for (std::size_t j = 0; j < dbm_dim; ++j) {
            m_[k][j] = dbm_inf;
            m_[j][k] = m_[j][0];
        }
        m_[k][k] = 0;
        m_[0][k] = 0;
    }
    /// Every valuation of `o` is one of this zone.
    bool includes(const Dbm& o) const {
        for (std::size_t i = 0; i < dbm_dim; ++i) {
            for (std::size_t j = 0; j < dbm_dim; ++j) {
                if (o.m_[i][j] > m_[i][j])
                    return false;
            }
        }
        return true;
    }

private:
    std::array<std::array<std::int64_t, dbm_dim>, dbm_dim> m_{};
};

}  // namespace rseqcheck::timing
