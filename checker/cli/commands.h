/// \file
/// The rseqcheck commands: check, list, replay, graph, compare, impact, bound. run() parses
/// the command line and returns the exit status. Bad input throws rseqcheck::InputError;
/// main() maps it (and internal errors) to exit codes.
#pragma once

#include <cstddef>
#include <string_view>

namespace rseqcheck::cli {

int run(int argc, char** argv);

/// Parses a --memory-limit value: a byte count with an optional K, M, G or T suffix
/// (powers of 1024). Throws InputError on anything else, including 0 and overflow.
std::size_t parse_memory_size(std::string_view text);

}  // namespace rseqcheck::cli
