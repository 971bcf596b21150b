// Every file in tests/data/bad/ is a malformed scenario file (*.toml) or command line (*.cmd)
// whose first two lines give the expected exit status and the exact first line of stderr.
// One driver runs them all through the built binary and checks that no output was left.
// In the expected line, {variants} and {properties} stand for the catalogues' name lists, so
// that adding a variant or a property changes no file here.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/variant.h"
#include "properties/property.h"
#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

namespace fs = std::filesystem;

struct BadCase {
    std::string path;  ///< relative to the source directory
    int status = -1;
    std::string stderr_line;
    std::string args;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::vector<BadCase> bad_cases() {
    std::vector<BadCase> cases;
    const fs::path dir = fs::path(RSEQCHECK_SOURCE_DIR) / "tests/data/bad";
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        BadCase c;
        c.path = "tests/data/bad/" + name;
        const std::string text = read_text(e.path());
        std::istringstream lines(text);
        std::string exit_line;
        std::getline(lines, exit_line);
        std::getline(lines, c.stderr_line);
        EXPECT_EQ(exit_line.rfind("# exit: ", 0), 0U) << c.path;
        EXPECT_EQ(c.stderr_line.rfind("# stderr: ", 0), 0U) << c.path;
        c.status = std::stoi(exit_line.substr(8));
        c.stderr_line =
            replace_all(replace_all(c.stderr_line.substr(10), "{variants}", join(variant_names())),
                        "{properties}", join(properties::property_names()));
        if (e.path().extension() == ".cmd") {
            std::getline(lines, c.args);
        } else {
            c.args = "check --scenario " + c.path + " --output {out}/report";
        }
        cases.push_back(c);
    }
    std::sort(cases.begin(), cases.end(),
              [](const BadCase& a, const BadCase& b) { return a.path < b.path; });
    return cases;
}

TEST(BadInput, HasAtLeastFortyCases) {
    EXPECT_GE(bad_cases().size(), 40U);
}

TEST(BadInput, EachCaseExitsWithItsStatusAndFirstStderrLineAndLeavesNoOutput) {
    for (const BadCase& c : bad_cases()) {
        TempDir out;
        const std::string args =
            replace_all(replace_all(c.args, "{out}", out.str()), "{bad}", "tests/data/bad");
        const RunResult r = run_rseqcheck(args);
        EXPECT_EQ(r.status, c.status) << c.path << "\n" << r.err;
        EXPECT_EQ(replace_all(first_line(r.err), out.str(), "{out}"), c.stderr_line) << c.path;
        EXPECT_TRUE(r.out.empty()) << c.path << " wrote to stdout:\n" << r.out;
        EXPECT_TRUE(out.empty()) << c.path << " left a file in the output directory";
    }
}

TEST(BadInput, ScenarioErrorsShowTheLineAndACaret) {
    const RunResult r = run_rseqcheck("check --scenario tests/data/bad/unknown-top-key.toml");
    ASSERT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("\n  cpu = 1\n  ^\n"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rseqcheck::test
