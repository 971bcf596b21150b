#include "util/output_file.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

#include "util/input_error.h"

namespace rseqcheck {

namespace {

namespace fs = std::filesystem;

/// Linux follows at most this many symlinks in one lookup (SYMLOOP_MAX); more is a loop.
constexpr int max_link_hops = 40;

[[noreturn]] void cannot_write(const std::string& path, int error) {
    throw InputError({}, "cannot write '" + path + "': " + std::strerror(error));
}

/// The name the symlink `file` points at, resolved against the link's directory; nothing
/// when `file` is not a symlink (or cannot be looked at). `ec` is set only when `file` is a
/// symlink that cannot be read.
std::optional<std::string> follow_link(const std::string& file, std::error_code& ec) {
    ec.clear();
    std::error_code status_error;
    if (!fs::is_symlink(fs::symlink_status(file, status_error)))
        return std::nullopt;
    const fs::path link = fs::read_symlink(file, ec);
    if (ec)
        return std::nullopt;
    return link.is_absolute() ? link.string() : (fs::path(file).parent_path() / link).string();
}

/// `path` with its chain of symlinks followed to the name of the file it reaches, so that
/// the rename replaces that file and the links stay links (as `cp` does). A dangling link
/// gives the name the write creates.
std::string final_target(const std::string& path) {
    std::string file = path;
    for (int hops = 0; hops <= max_link_hops; ++hops) {
        std::error_code ec;
        std::optional<std::string> next = follow_link(file, ec);
        if (ec)
            cannot_write(path, ec.value());
        if (!next)
            return file;
        file = std::move(*next);
    }
    cannot_write(path, ELOOP);
}

/// N when `file` is /proc/self/fd/N, /dev/fd/N or /proc/<this pid>/fd/N; -1 otherwise.
int descriptor_number(const std::string& file) {
    const std::string own = "/proc/" + std::to_string(::getpid()) + "/fd/";
    for (const std::string& dir : {std::string("/proc/self/fd/"), std::string("/dev/fd/"), own}) {
        if (file.size() <= dir.size() || file.compare(0, dir.size(), dir) != 0)
            continue;
        const std::string digits = file.substr(dir.size());
        if (digits.size() <= 9 && digits.find_first_not_of("0123456789") == std::string::npos)
            return std::stoi(digits);
    }
    return -1;
}

/// The descriptor that `path` names if it is one of this process's open ones, reached by
/// a name such as /dev/stdout, /dev/fd/N or /proc/self/fd/N (directly or through symlinks),
/// and open for writing; -1 otherwise. Such a path is where a shell redirection sends the
/// output (`--output /dev/stdout >> log`), so it is written through that descriptor, at its
/// offset and with its O_APPEND, and never replaced or truncated.
int open_descriptor(const std::string& path) {
    std::string file = path;
    for (int hops = 0; hops <= max_link_hops; ++hops) {
        if (const int fd = descriptor_number(file); fd >= 0) {
            const int flags = ::fcntl(fd, F_GETFL);
            return flags < 0 || (flags & O_ACCMODE) == O_RDONLY ? -1 : fd;
        }
        std::error_code ec;
        std::optional<std::string> next = follow_link(file, ec);
        if (!next)
            return -1;
        file = std::move(*next);
    }
    return -1;
}

/// How an output path is written.
struct OutputTarget {
    int descriptor = -1;    ///< one of this process's open descriptors: write through it
    bool in_place = false;  ///< a device, FIFO or socket: open `path` itself and write
    std::string file;       ///< otherwise: the regular (or new) file the rename replaces
    bool exists = false;    ///< `file` exists; the new file then takes `mode`
    mode_t mode = 0;
};

OutputTarget output_target(const std::string& path) {
    OutputTarget t;
    t.descriptor = open_descriptor(path);
    if (t.descriptor >= 0)
        return t;
    struct stat opened {};
    if (::stat(path.c_str(), &opened) != 0) {
        t.file = final_target(path);
        return t;
    }
    if (!S_ISREG(opened.st_mode)) {
        t.in_place = true;
        return t;
    }
    t.file = final_target(path);
    // A magic link such as /dev/stdout -> /proc/self/fd/1 may name no file that a rename
    // could replace (a deleted file's "/x (deleted)"): then write where the link leads.
    struct stat named {};
    if (::lstat(t.file.c_str(), &named) != 0 || named.st_dev != opened.st_dev ||
        named.st_ino != opened.st_ino) {
        t.in_place = true;
        return t;
    }
    t.exists = true;
    t.mode = opened.st_mode & 0777;
    return t;
}

/// write(2) until all of `content` is out; false with errno set otherwise.
bool write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Creates a file beside `file` under a name that nothing had (O_EXCL), so that no file of
/// the user's, `<file>.partial` included, is overwritten. Mode 0666 & ~umask, as for any
/// new file (mkstemp() would give 0600).
int create_partial(const std::string& path, const std::string& file, std::string& partial) {
    static std::atomic<unsigned> serial{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
        partial = file + ".partial." + std::to_string(::getpid()) + "." + std::to_string(serial++);
        const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            cannot_write(path, errno);
    }
    cannot_write(path, EEXIST);
}

void write_by_rename(const std::string& path, const OutputTarget& t, const std::string& content) {
    std::string partial;
    const int fd = create_partial(path, t.file, partial);
    int error = 0;
    if (t.exists && ::fchmod(fd, t.mode) != 0)
        error = errno;
    if (error == 0 && !write_all(fd, content))
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error == 0 && ::rename(partial.c_str(), t.file.c_str()) != 0)
        error = errno;
    if (error != 0) {
        ::unlink(partial.c_str());
        cannot_write(path, error);
    }
}

/// An open descriptor of this process: written where it stands, left open. What stdio
/// holds for stdout goes first, so that the output keeps its order.
void write_to_descriptor(const std::string& path, int fd, const std::string& content) {
    if (fd == STDOUT_FILENO)
        std::fflush(stdout);
    if (!write_all(fd, content))
        cannot_write(path, errno);
}

/// A device or FIFO has no directory entry to replace; ENOSPC from /dev/full and the like
/// still fail the write.
void write_in_place(const std::string& path, const std::string& content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        cannot_write(path, errno);
    int error = write_all(fd, content) ? 0 : errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error != 0)
        cannot_write(path, error);
}

}  // namespace

void check_output_path(const std::string& path) {
    if (path.empty())
        throw InputError({}, "empty output path");
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw InputError({}, "output path '" + path + "' is a directory");
    const OutputTarget t = output_target(path);
    if (t.descriptor >= 0 || t.in_place)
        return;
    const fs::path file(t.file);
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    const fs::file_status s = fs::status(dir, ec);
    if (fs::is_directory(s))
        return;
    if (fs::exists(s) || ec == std::errc::not_a_directory) {
        throw InputError({},
                         "cannot write '" + path + "': '" + dir.string() + "' is not a directory");
    }
    throw InputError({}, "cannot write '" + path + "': directory '" + dir.string() +
                             "' does not exist");
}

void write_file_atomically(const std::string& path, const std::string& content) {
    check_output_path(path);
    const OutputTarget t = output_target(path);
    if (t.descriptor >= 0) {
        write_to_descriptor(path, t.descriptor, content);
    } else if (t.in_place) {
        write_in_place(path, content);
    } else {
        write_by_rename(path, t, content);
    }
}

}  // namespace rseqcheck
