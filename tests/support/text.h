/// \file
/// Small text helpers for tests that inspect rendered output (DOT, HTML, reports).
#pragma once

#include <cstddef>
#include <string>

namespace rseqcheck::test {

/// How many times `what` occurs in `text`, overlapping occurrences included.
inline std::size_t count_occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

}  // namespace rseqcheck::test
