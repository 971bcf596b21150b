// `check --distributed` runs as rseqcheck-mpi, the binary built beside rseqcheck when CMake
// finds MPI (docs/distributed.md). Without it, the option is bad input that says how to get
// it. Runs in every build, with MPI or without (tests/distributed/ covers the runs).
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

namespace fs = std::filesystem;

TEST(DistributedOption, WithoutRseqcheckMpiBesideItSaysHowToGetItAndExitsTwo) {
    // A link to rseqcheck in a directory of its own: no rseqcheck-mpi beside it there.
    const fs::path binary(RSEQCHECK_BINARY);
    const fs::path dir = binary.parent_path() / "distributed-option-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path alone = dir / "rseqcheck";
    std::error_code ec;
    fs::create_hard_link(binary, alone, ec);
    if (ec)
        fs::copy_file(binary, alone);
    const std::string out = (dir / "stdout").string();
    const std::string err = (dir / "stderr").string();
    const std::string cmd = std::string("cd '") + RSEQCHECK_SOURCE_DIR + "' && '" + alone.string() +
                            "' check --preset tiny --distributed >'" + out + "' 2>'" + err + "'";
    const int raw = std::system(cmd.c_str());
    const int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    const std::string printed = read_text(out);
    const std::string message = read_text(err);
    fs::remove_all(dir);
    EXPECT_EQ(status, 2) << message;
    EXPECT_TRUE(printed.empty()) << printed;
    EXPECT_EQ(first_line(message),
              "rseqcheck: error: --distributed needs rseqcheck-mpi, built beside rseqcheck when "
              "CMake finds MPI: apt-get install libopenmpi-dev openmpi-bin, configure again "
              "(scripts/test) and run it under mpirun");
}

}  // namespace
}  // namespace rseqcheck::test
