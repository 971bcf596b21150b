// util/output_file.cpp: an output replaces a regular file whole, follows symlinks to
// their target, writes devices in place (an error such as /dev/full's ENOSPC is exit 2) and
// open descriptors (/dev/stdout, /dev/fd/N) through themselves, and never touches a file it
// did not create, `<path>.partial` included.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include "model/input_error.h"
#include "tests/cli/cli_process.h"
#include "util/output_file.h"

namespace rseqcheck::test {
namespace {

namespace fs = std::filesystem;
using rseqcheck::check_output_path;
using rseqcheck::write_file_atomically;

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

/// The names in `dir`, sorted, joined by spaces: what a test expects to find there.
std::string listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : " ") + n;
    return out;
}

std::string error_of(const std::string& path, const std::string& content) {
    try {
        write_file_atomically(path, content);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(OutputFile, SymlinkChainIsKeptAndItsTargetUpdated) {
    const TempDir dir;
    write_text(dir.path() / "target.txt", "old\n");
    fs::create_symlink("target.txt", dir.path() / "link.txt");
    fs::create_symlink(dir.path() / "link.txt", dir.path() / "outer.txt");
    write_file_atomically((dir.path() / "outer.txt").string(), "new\n");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "outer.txt"));
    EXPECT_TRUE(fs::is_symlink(dir.path() / "link.txt"));
    EXPECT_EQ(read_text(dir.path() / "target.txt"), "new\n");
    EXPECT_EQ(listing(dir.path()), "link.txt outer.txt target.txt");
}

TEST(OutputFile, DanglingSymlinkCreatesItsTarget) {
    const TempDir dir;
    fs::create_directory(dir.path() / "sub");
    fs::create_symlink("sub/made.txt", dir.path() / "link.txt");
    write_file_atomically((dir.path() / "link.txt").string(), "made\n");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "link.txt"));
    EXPECT_EQ(read_text(dir.path() / "sub/made.txt"), "made\n");
}

/// A link to `device` in a fresh directory, written first: code that replaces what it is
/// given instead of writing the device replaces only this private link, and the ASSERT
/// stops the test before the shared device (which root could replace) is touched.
class PrivateLink {
public:
    explicit PrivateLink(const std::string& device) : link_(dir_.path() / "out") {
        fs::create_symlink(device, link_);
    }
    std::string str() const { return link_.string(); }
    bool intact() const { return fs::is_symlink(link_) && listing(dir_.path()) == "out"; }

private:
    TempDir dir_;
    fs::path link_;
};

TEST(OutputFile, DevNullIsWrittenInPlaceAndStaysACharacterDevice) {
    const PrivateLink link("/dev/null");
    const RunResult through_link = run_rseqcheck("check --preset tiny --output " + link.str());
    EXPECT_EQ(through_link.status, 0) << through_link.err;
    ASSERT_TRUE(link.intact()) << "the link to /dev/null was replaced";
    const RunResult r = run_rseqcheck("check --preset tiny --output /dev/null");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NO_THROW(write_file_atomically("/dev/null", "x"));
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
    const fs::perms writable =
        fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
    EXPECT_EQ(fs::status("/dev/null").permissions() & writable, writable);
}

TEST(OutputFile, DevFullIsAnInputErrorAndStaysACharacterDevice) {
    if (!fs::is_character_file("/dev/full"))
        GTEST_SKIP() << "no /dev/full here";
    const PrivateLink link("/dev/full");
    EXPECT_EQ(error_of(link.str(), "x"),
              "cannot write '" + link.str() + "': No space left on device");
    ASSERT_TRUE(link.intact()) << "the link to /dev/full was replaced";
    EXPECT_EQ(error_of("/dev/full", "x"), "cannot write '/dev/full': No space left on device");
    const RunResult r = run_rseqcheck("check --preset tiny --output /dev/full");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(first_line(r.err),
              "rseqcheck: error: cannot write '/dev/full': No space left on device");
    EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

TEST(OutputFile, DevStdoutStaysALinkAndTheReportReachesStdout) {
    if (!fs::is_symlink("/dev/stdout"))
        GTEST_SKIP() << "no /dev/stdout link here";
    // Through a pipe, /proc/self/fd/1 names no file: the report is written in place.
    const PrivateLink link("/proc/self/fd/1");
    const RunResult private_pipe =
        run_rseqcheck("check --preset tiny --output " + link.str() + " | cat");
    EXPECT_EQ(private_pipe.status, 0) << private_pipe.err;
    ASSERT_TRUE(link.intact()) << "the link to /proc/self/fd/1 was replaced";
    const RunResult piped = run_rseqcheck("check --preset tiny --output /dev/stdout | cat");
    EXPECT_EQ(piped.status, 0) << piped.err;
    EXPECT_NE(piped.out.find("scenario tiny"), std::string::npos) << piped.out;
    // Redirected to a file, the report goes through the descriptor into that file.
    const RunResult to_file = run_rseqcheck("check --preset tiny --output /dev/stdout");
    EXPECT_EQ(to_file.status, 0) << to_file.err;
    EXPECT_NE(to_file.out.find("scenario tiny"), std::string::npos) << to_file.out;
    EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
}

/// A name of an open descriptor is written through it, as the shell set it up: appending to
/// a log keeps what the log held (a rename would have replaced it), and the log stays the
/// file the shell opened.
TEST(OutputFile, DevStdoutAndDevFdAppendWhereTheShellRedirected) {
    if (!fs::is_symlink("/dev/stdout") || !fs::exists("/dev/fd/1"))
        GTEST_SKIP() << "no /dev/stdout or /dev/fd here";
    const TempDir dir;
    const std::string log = (dir.path() / "log").string();
    write_text(log, "first\n");
    const std::string to_stdout = "cd '" + dir.path().string() + "' && '" + RSEQCHECK_BINARY +
                                  "' check --preset tiny --output /dev/stdout >>'" + log + "'";
    ASSERT_EQ(std::system(to_stdout.c_str()), 0);
    std::string text = read_text(log);
    EXPECT_EQ(text.rfind("first\n", 0), 0U) << text;
    EXPECT_NE(text.find("scenario tiny"), std::string::npos) << text;
    // Through /dev/fd/3, opened for appending by the shell.
    const RunResult r = run_rseqcheck("check --preset tiny --output /dev/fd/3 3>>'" + log + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    const std::string again = read_text(log);
    EXPECT_EQ(again.rfind(text, 0), 0U) << again;
    EXPECT_NE(again.find("scenario tiny", text.size()), std::string::npos) << again;
    EXPECT_EQ(listing(dir.path()), "log");
}

TEST(OutputFile, ExistingPartialFileAndDirectorySurviveUntouched) {
    const TempDir dir;
    write_text(dir.path() / "out.txt.partial", "mine\n");
    fs::create_directory(dir.path() / "dir.txt.partial");
    write_file_atomically((dir.path() / "out.txt").string(), "report\n");
    write_file_atomically((dir.path() / "dir.txt").string(), "report\n");
    EXPECT_EQ(read_text(dir.path() / "out.txt"), "report\n");
    EXPECT_EQ(read_text(dir.path() / "dir.txt"), "report\n");
    EXPECT_EQ(read_text(dir.path() / "out.txt.partial"), "mine\n");
    EXPECT_TRUE(fs::is_directory(dir.path() / "dir.txt.partial"));
    EXPECT_EQ(listing(dir.path()), "dir.txt dir.txt.partial out.txt out.txt.partial");
}

/// A failed write (here EFBIG past RLIMIT_FSIZE, which root cannot bypass as it can a
/// read-only directory) removes the temporary file it made and nothing else.
TEST(OutputFile, FailedWriteLeavesNoTemporaryFileAndKeepsTheOldOnes) {
    const TempDir dir;
    write_text(dir.path() / "out.txt", "previous\n");
    write_text(dir.path() / "out.txt.partial", "mine\n");
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 16;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    const std::string what = error_of((dir.path() / "out.txt").string(), std::string(4096, 'x'));
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_EQ(what, "cannot write '" + (dir.path() / "out.txt").string() + "': File too large");
    EXPECT_EQ(read_text(dir.path() / "out.txt"), "previous\n");
    EXPECT_EQ(read_text(dir.path() / "out.txt.partial"), "mine\n");
    EXPECT_EQ(listing(dir.path()), "out.txt out.txt.partial");
}

TEST(OutputFile, SuccessLeavesOnlyTheOutput) {
    const TempDir dir;
    const RunResult r =
        run_rseqcheck("check --preset tiny --output " + (dir.path() / "report.txt").string());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(listing(dir.path()), "report.txt");
}

TEST(OutputFile, NewFileHonoursUmaskAndAnExistingFileKeepsItsMode) {
    const TempDir dir;
    const mode_t saved = umask(022);
    write_file_atomically((dir.path() / "new.txt").string(), "new\n");
    umask(saved);
    EXPECT_EQ(fs::status(dir.path() / "new.txt").permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                  fs::perms::others_read);
    write_text(dir.path() / "private.txt", "old\n");
    fs::permissions(dir.path() / "private.txt", fs::perms::owner_read | fs::perms::owner_write);
    write_file_atomically((dir.path() / "private.txt").string(), "new\n");
    EXPECT_EQ(fs::status(dir.path() / "private.txt").permissions(),
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(read_text(dir.path() / "private.txt"), "new\n");
}

TEST(OutputFile, AFileUsedAsADirectoryIsNotADirectory) {
    const TempDir dir;
    write_text(dir.path() / "keep.txt", "keep\n");
    const std::string path = (dir.path() / "keep.txt/x").string();
    try {
        check_output_path(path);
        ADD_FAILURE() << "accepted " << path;
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "cannot write '" + path + "': '" +
                                             (dir.path() / "keep.txt").string() +
                                             "' is not a directory");
    }
    EXPECT_EQ(read_text(dir.path() / "keep.txt"), "keep\n");
}

}  // namespace
}  // namespace rseqcheck::test
