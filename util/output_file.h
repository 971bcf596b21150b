/// \file
/// Output files written whole or not at all (STYLE.md section 7). A regular file (or a new
/// one) is written to a fresh `<name>.partial.<pid>.<n>` created beside it with O_EXCL, then
/// renamed over it; a symlink is followed to its final target, so the link stays a link. A
/// device, FIFO or socket cannot be replaced, so it is written in place. A name of one of
/// this process's open descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is written
/// through that descriptor, as the shell set it up: `--output /dev/stdout >> log` appends.
#pragma once

#include <string>

namespace rseqcheck {

/// Throws InputError when `path` cannot be an output file (it is a directory, its directory
/// is missing or not a directory, or its symlinks loop). Opens nothing: call it while
/// validating input.
void check_output_path(const std::string& path);

/// Writes `content` to `path`: atomically for a regular or new file (keeping an existing
/// file's permission bits; a new file gets 0666 & ~umask), in place for a device or FIFO,
/// through the descriptor for a name of an open one.
/// Throws InputError if the file cannot be written (a full disk or /dev/full included); on
/// failure removes the temporary file it created and nothing else.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace rseqcheck
