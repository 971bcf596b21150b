/// \file
/// The two failure kinds of STYLE.md section 7: bad input (InputError, exit 2) and
/// internal bugs (RSEQCHECK_CHECK, exit 4). Both are caught once, in checker/cli/main.cpp.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace rseqcheck {

/// Where a piece of input came from. An empty file means a command-line value;
/// line and column are 1-based, 0 when unknown.
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
};

/// Bad input: a malformed file, an unknown name, an impossible bound. Never an internal bug.
class InputError : public std::runtime_error {
public:
    InputError(SourceLocation where, const std::string& what)
        : std::runtime_error(what), where_(std::move(where)) {}
    const SourceLocation& where() const { return where_; }

private:
    SourceLocation where_;
};

/// An internal bug: the model reached a state the kernel cannot reach, or the engine
/// lost track of its own data. Always on, not tied to NDEBUG.
class InternalError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

[[noreturn]] void internal_check_failed(const char* file, int line, const char* what);

}  // namespace rseqcheck

#define RSEQCHECK_CHECK(cond, msg)                                                                 \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::rseqcheck::internal_check_failed(__FILE__, __LINE__, msg);                           \
    } while (false)
