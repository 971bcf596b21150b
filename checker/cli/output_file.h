/// \file
/// Output files written whole or not at all (STYLE.md section 7): the content goes to
/// `<path>.partial` in the same directory, which is renamed over `path` on success and
/// removed on failure.
#pragma once

#include <string>

namespace rseqcheck::cli {

/// Throws InputError when `path` cannot be an output file (its directory is missing or not
/// a directory, or `path` is a directory). Opens nothing: call it while validating input.
void check_output_path(const std::string& path);

/// Writes `content` to `path` atomically. Throws InputError if the file cannot be written;
/// leaves neither `path` (unless it existed before) nor `<path>.partial` behind on failure.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace rseqcheck::cli
