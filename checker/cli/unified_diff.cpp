#include "checker/cli/unified_diff.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>

#include "model/input_error.h"

namespace rseqcheck::cli {

namespace {

bool is_ident(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// The identifier just before the first '(' of `text` (blanks between allowed), with the
/// offset where it begins; "" when there is no '('.
std::pair<std::string, std::size_t> identifier_before_paren(std::string_view text) {
    const std::size_t paren = text.find('(');
    if (paren == std::string_view::npos)
        return {"", 0};
    std::size_t end = paren;
    while (end > 0 && text[end - 1] == ' ')
        --end;
    std::size_t begin = end;
    while (begin > 0 && is_ident(text[begin - 1]))
        --begin;
    return {std::string(text.substr(begin, end - begin)), begin};
}

/// The function a C definition line starts (`static bool f(int x)`, `void f(void)`), or "".
/// A definition starts in column 0 with an identifier and has no ';' (a prototype or a call
/// statement has one, or is indented).
std::string defined_function(std::string_view text) {
    if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) != 0 || text[0] == '_'))
        return "";
    if (text.find(';') != std::string_view::npos)
        return "";
    const auto [name, begin] = identifier_before_paren(text);
    if (name.empty())
        return "";
    static const char* const not_functions[] = {"if",     "for",    "while",  "switch",
                                                "return", "sizeof", "defined"};
    for (const char* k : not_functions) {
        if (name == k)
            return "";
    }
    // A definition has a return type before the name (`void f(`), a macro use has not.
    return begin == 0 ? "" : name;
}

/// The function git names after a hunk header's second "@@", or "".
std::string header_function(std::string_view context) {
    return identifier_before_paren(context).first;
}

/// Checks `@@ -A[,B] +C[,D] @@`; returns the column (1-based) of the first fault, or 0.
int malformed_hunk_header(std::string_view line) {
    std::size_t at = 2;
    auto range = [&](char sign) {
        if (at >= line.size() || line[at] != ' ')
            return false;
        ++at;
        if (at >= line.size() || line[at] != sign)
            return false;
        ++at;
        const std::size_t digits = at;
        while (at < line.size() && std::isdigit(static_cast<unsigned char>(line[at])) != 0)
            ++at;
        if (at == digits)
            return false;
        if (at < line.size() && line[at] == ',') {
            ++at;
            const std::size_t more = at;
            while (at < line.size() && std::isdigit(static_cast<unsigned char>(line[at])) != 0)
                ++at;
            if (at == more)
                return false;
        }
        return true;
    };
    if (!range('-') || !range('+'))
        return static_cast<int>(at) + 1;
    if (line.substr(at, 3) != " @@")
        return static_cast<int>(at) + 1;
    return 0;
}

std::string strip_prefix(std::string path) {
    if (path.rfind("a/", 0) == 0 || path.rfind("b/", 0) == 0)
        path = path.substr(2);
    const std::size_t tab = path.find('\t');
    return tab == std::string::npos ? path : path.substr(0, tab);
}

}  // namespace

std::vector<ChangedFunction> read_unified_diff(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError({path, 0, 0}, "is a directory, not a patch");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError({path, 0, 0}, "cannot read the patch");
    std::vector<ChangedFunction> out;
    std::string file;
    std::string old_file;
    std::string in_hunk_function;  // the last definition seen in this hunk
    std::string header_named;      // the hunk header's function
    bool in_hunk = false;
    bool any_file = false;
    int number = 0;
    std::string line;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.rfind("diff --git ", 0) == 0) {
            in_hunk = false;
            const std::size_t b = line.rfind(" b/");
            file = b == std::string::npos ? "" : line.substr(b + 3);
            any_file = true;
            continue;
        }
        if (line.rfind("--- ", 0) == 0 && !in_hunk) {
            old_file = strip_prefix(line.substr(4));
            continue;
        }
        if (line.rfind("+++ ", 0) == 0 && !in_hunk) {
            const std::string now = strip_prefix(line.substr(4));
            file = now == "/dev/null" ? old_file : now;
            any_file = true;
            continue;
        }
        if (line.rfind("@@", 0) == 0) {
            if (file.empty())
                throw InputError({path, number, 1}, "hunk before any file header (+++ b/PATH)");
            if (const int col = malformed_hunk_header(line); col != 0) {
                throw InputError({path, number, col},
                                 "malformed hunk header (expected '@@ -A,B +C,D @@')");
            }
            in_hunk = true;
            in_hunk_function.clear();
            const std::size_t close = line.find("@@", 2);
            header_named = header_function(std::string_view(line).substr(close + 2));
            continue;
        }
        if (!in_hunk || line.empty())
            continue;
        const char kind = line[0];
        if (kind != ' ' && kind != '+' && kind != '-') {
            if (kind != '\\')  // "\ No newline at end of file"
                in_hunk = false;
            continue;
        }
        const std::string text = line.substr(1);
        if (const std::string defined = defined_function(text); !defined.empty())
            in_hunk_function = defined;
        if (kind == ' ')
            continue;
        ChangedFunction f{file, in_hunk_function.empty() ? header_named : in_hunk_function, number};
        if (std::find(out.begin(), out.end(), f) == out.end())
            out.push_back(f);
    }
    if (!any_file) {
        throw InputError({path, 1, 1}, "not a unified diff: no 'diff --git' or '+++' file "
                                       "header (git diff or git format-patch output)");
    }
    return out;
}

}  // namespace rseqcheck::cli
