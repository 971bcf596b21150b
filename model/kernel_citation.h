/// \file
/// The kernel functions a transition cites, read from its one citation string (each
/// transition's `kernel`, model/transitions.h action_kernel()), so that tools which match
/// kernel changes to the model (`rseqcheck impact`) and docs/model-map.md use the same
/// text the traces print. A citation names functions as `name()`, the first of a file with
/// its path, `path:name()`; a function written without a path may live in any file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rseqcheck {

struct CitedFunction {
    std::string file;      ///< "kernel/rseq.c", or "" when the citation gives no path
    std::string function;  ///< "rseq_syscall_enter_work"
    bool operator==(const CitedFunction&) const = default;
};

/// Every `path:name()` and `name()` of a citation, in order, each once.
std::vector<CitedFunction> cited_functions(std::string_view citation);

}  // namespace rseqcheck
