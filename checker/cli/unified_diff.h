/// \file
/// The files and functions a kernel patch changes, read from a unified diff as `git diff`
/// and `git format-patch` write it (mail headers and the diffstat before the first file are
/// skipped). A changed line belongs to the last function definition the hunk shows above
/// it, or else to the function git names in the hunk header (`@@ ... @@ void f(...)`).
#pragma once

#include <string>
#include <vector>

namespace rseqcheck::cli {

struct ChangedFunction {
    std::string file;      ///< path in the tree, e.g. "kernel/rseq.c"
    std::string function;  ///< "" when a change is outside any function (a struct, a macro)
    int first_line = 0;    ///< line in the patch file of the first change, for messages
    bool operator==(const ChangedFunction& o) const {
        return file == o.file && function == o.function;
    }
};

/// Parses the patch at `path`. Throws InputError (with file:line:col) when it cannot be
/// read, holds no file diff, or has a malformed hunk header.
std::vector<ChangedFunction> read_unified_diff(const std::string& path);

}  // namespace rseqcheck::cli
