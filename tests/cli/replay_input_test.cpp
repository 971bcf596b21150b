// `rseqcheck replay` on input that is not a trace file: a directory is named as one (exit 2)
// rather than read as empty JSON.
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

TEST(ReplayInput, ADirectoryIsNotATraceFile) {
    const TempDir dir;
    const RunResult r = run_rseqcheck("replay " + dir.str());
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(first_line(r.err),
              dir.str() + ": error: cannot open the trace file: it is a directory");
}

}  // namespace
}  // namespace rseqcheck::test
