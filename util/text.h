/// \file
/// Text helpers every module may use: the one list join and the one markup escaper.
/// Header-only; util/ includes nothing of the other modules (.ci/run checks it).
#pragma once

#include <string>
#include <string_view>

namespace rseqcheck {

/// The items as text, `separator` between two ("a, b, c"); `text(item)` gives an item's text.
template <class Range, class Text>
std::string join(const Range& items, std::string_view separator, Text text) {
    std::string out;
    bool first = true;
    for (const auto& item : items) {
        if (!first)
            out += separator;
        first = false;
        out += std::string_view(text(item));
    }
    return out;
}

/// The items (strings or string views) as text, `separator` between two.
template <class Range>
std::string join(const Range& items, std::string_view separator = ", ") {
    return join(items, separator, [](const auto& item) -> std::string_view { return item; });
}

/// Which quotes markup_escape() replaces besides & < >.
enum class Quotes : unsigned char {
    Double,  ///< `"` only: HTML text and double-quoted attributes (the HTML trace page)
    Both,    ///< `"` and `'`: XML 1.0 text and attributes (JUnit)
};

/// `s` with & < > and the chosen quotes replaced by entities, for XML or HTML text and
/// attribute values.
inline std::string markup_escape(std::string_view s, Quotes quotes) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += quotes == Quotes::Both ? "&apos;" : "'";
            break;
        default:
            out += c;
        }
    }
    return out;
}

}  // namespace rseqcheck
