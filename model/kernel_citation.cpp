#include "model/kernel_citation.h"

#include <algorithm>
#include <cctype>

namespace rseqcheck {

namespace {

bool is_ident(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool is_path(char c) {
    return is_ident(c) || c == '/' || c == '.' || c == '-';
}

}  // namespace

std::vector<CitedFunction> cited_functions(std::string_view citation) {
    std::vector<CitedFunction> out;
    for (std::size_t at = citation.find("()"); at != std::string_view::npos;
         at = citation.find("()", at + 2)) {
        std::size_t begin = at;
        while (begin > 0 && is_ident(citation[begin - 1]))
            --begin;
        if (begin == at)
            continue;
        CitedFunction f{"", std::string(citation.substr(begin, at - begin))};
        // `path:name()`: the path ends with a source file name, `.c` or `.h`.
        if (begin > 1 && citation[begin - 1] == ':') {
            std::size_t path_begin = begin - 1;
            while (path_begin > 0 && is_path(citation[path_begin - 1]))
                --path_begin;
            const std::string_view path = citation.substr(path_begin, begin - 1 - path_begin);
            if (path.ends_with(".c") || path.ends_with(".h"))
                f.file = std::string(path);
        }
        if (std::find(out.begin(), out.end(), f) == out.end())
            out.push_back(f);
    }
    return out;
}

}  // namespace rseqcheck
