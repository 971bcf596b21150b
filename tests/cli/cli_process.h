/// \file
/// Runs the built rseqcheck binary for the end-to-end CLI tests: exit status, stdout and
/// stderr, through /bin/sh. The only place process tests live (STYLE.md 12).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace rseqcheck::test {

struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
};

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "rseqcheck-cli-XXXXXX");
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string str() const { return path_.string(); }
    bool empty() const { return std::filesystem::is_empty(path_); }

private:
    std::filesystem::path path_;
};

/// Runs `RSEQCHECK_BINARY args` in the source directory (so relative data paths work).
inline RunResult run_rseqcheck(const std::string& args, const std::string& env = "") {
    static TempDir scratch;
    const std::string out = (scratch.path() / "stdout").string();
    const std::string err = (scratch.path() / "stderr").string();
    const std::string cmd = std::string("cd '") + RSEQCHECK_SOURCE_DIR + "' && " + env + " '" +
                            RSEQCHECK_BINARY + "' " + args + " >'" + out + "' 2>'" + err + "'";
    const int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

inline std::string first_line(const std::string& s) {
    return s.substr(0, s.find('\n'));
}

}  // namespace rseqcheck::test
