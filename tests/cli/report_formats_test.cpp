// The CI formats, each checked by a reader written to its own specification: JUnit XML by
// python3's xml.etree (a real XML parser), SARIF against the properties 2.1.0 requires, and
// KTAP by a parser written to the kernel's Documentation/dev-tools/ktap.rst (version 1).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/cli/report.h"
#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

using nlohmann::json;

// --- KTAP version 1 -----------------------------------------------------------------------

struct KtapResult {
    bool ok = false;
    int number = 0;
    std::string description;
    std::string directive;                 ///< "SKIP ..." etc., "" when none
    std::vector<std::string> diagnostics;  ///< "# " lines since the previous result
};

struct KtapDocument {
    int plan = -1;
    std::vector<KtapResult> results;
};

/// "1..N" -> N; nullopt for anything else.
std::optional<int> parse_plan(const std::string& line) {
    if (line.rfind("1..", 0) != 0 || line.size() == 3)
        return std::nullopt;
    int n = 0;
    for (std::size_t i = 3; i < line.size(); ++i) {
        if (line[i] < '0' || line[i] > '9')
            return std::nullopt;
        n = n * 10 + (line[i] - '0');
    }
    return n;
}

/// "ok|not ok <number>[ <description>][ # <directive>]"; nullopt for anything else. The
/// description holds no '#' and ends in neither '#' nor a space (KTAP v1 result line).
/// Written by hand: GCC 12's <regex> trips -Wmaybe-uninitialized under the sanitizers.
std::optional<KtapResult> parse_result(const std::string& line) {
    KtapResult r;
    std::size_t pos = 0;
    if (line.rfind("ok ", 0) == 0) {
        r.ok = true;
        pos = 3;
    } else if (line.rfind("not ok ", 0) == 0) {
        pos = 7;
    } else {
        return std::nullopt;
    }
    const std::size_t digits = pos;
    while (pos < line.size() && line[pos] >= '0' && line[pos] <= '9')
        r.number = r.number * 10 + (line[pos++] - '0');
    if (pos == digits)
        return std::nullopt;
    std::string rest = line.substr(pos);
    const std::size_t hash = rest.find(" #");
    if (hash != std::string::npos) {
        r.directive = rest.substr(hash + 2);
        if (!r.directive.empty() && r.directive.front() == ' ')
            r.directive.erase(0, 1);
        rest.resize(hash);
    }
    if (rest.empty())
        return r;
    if (rest.front() != ' ' || rest.size() == 1 || rest.find('#') != std::string::npos ||
        rest.back() == ' ')
        return std::nullopt;
    r.description = rest.substr(1);
    return r;
}

/// Parses a flat KTAP v1 document; nullopt on any line the spec does not allow here.
std::optional<KtapDocument> parse_ktap(const std::string& text, std::string& why) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != "KTAP version 1") {
        why = "first line is not 'KTAP version 1'";
        return std::nullopt;
    }
    KtapDocument doc;
    std::vector<std::string> pending;
    while (std::getline(in, line)) {
        if (line.rfind("# ", 0) == 0 || line == "#") {
            pending.push_back(line.size() > 2 ? line.substr(2) : "");
        } else if (const auto plan = parse_plan(line)) {
            if (doc.plan >= 0 || !doc.results.empty()) {
                why = "plan after results or twice: " + line;
                return std::nullopt;
            }
            doc.plan = *plan;
        } else if (auto r = parse_result(line)) {
            r->diagnostics = pending;
            pending.clear();
            if (r->number != static_cast<int>(doc.results.size()) + 1) {
                why = "test number out of sequence: " + line;
                return std::nullopt;
            }
            doc.results.push_back(*r);
        } else {
            why = "unexpected line: " + line;
            return std::nullopt;
        }
    }
    if (doc.plan != static_cast<int>(doc.results.size())) {
        why = "plan does not match the number of results";
        return std::nullopt;
    }
    return doc;
}

TEST(KtapFormat, ParsesAsKtapOnePerPropertyWithTheTraceAsDiagnostics) {
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --all --format ktap");
    ASSERT_EQ(r.status, 1) << r.err;
    std::string why;
    const auto doc = parse_ktap(r.out, why);
    ASSERT_TRUE(doc.has_value()) << why << "\n" << r.out;
    int failed = 0;
    for (const KtapResult& t : doc->results) {
        if (t.ok)
            continue;
        ++failed;
        ASSERT_FALSE(t.diagnostics.empty()) << t.description;
        EXPECT_NE(t.diagnostics.back().find("violated " + t.description), std::string::npos);
        bool first_step = false;
        for (const std::string& d : t.diagnostics)
            first_step = first_step || d.rfind("1. CPU0", 0) == 0;
        EXPECT_TRUE(first_step) << t.description;
    }
    EXPECT_EQ(failed, 2);
}

TEST(KtapFormat, LeadsToPropertiesAreCheckedResultsNotSkips) {
    const RunResult r = run_rseqcheck("check --preset tiny --format ktap");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string why;
    const auto doc = parse_ktap(r.out, why);
    ASSERT_TRUE(doc.has_value()) << why;
    int leads_to = 0;
    for (const KtapResult& t : doc->results) {
        EXPECT_TRUE(t.ok) << t.description;
        if (t.description == "grant-ends" || t.description == "erased-resched-honoured" ||
            t.description == "yield-schedules") {
            ++leads_to;
            EXPECT_EQ(t.directive, "") << t.description;
        }
    }
    EXPECT_EQ(leads_to, 3);
}

TEST(KtapFormat, ALeadsToViolationIsNotOkWithItsLasso) {
    const RunResult r = run_rseqcheck("check --variant mut_yield_no_resched --format ktap");
    ASSERT_EQ(r.status, 1) << r.err;
    std::string why;
    const auto doc = parse_ktap(r.out, why);
    ASSERT_TRUE(doc.has_value()) << why;
    bool found = false;
    for (const KtapResult& t : doc->results) {
        if (t.description != "yield-schedules")
            continue;
        found = true;
        EXPECT_FALSE(t.ok);
        EXPECT_FALSE(t.diagnostics.empty());
    }
    EXPECT_TRUE(found);
}

TEST(KtapFormat, RejectsMalformedDocuments) {
    std::string why;
    EXPECT_FALSE(parse_ktap("TAP version 13\n1..0\n", why).has_value());
    EXPECT_FALSE(parse_ktap("KTAP version 1\n1..2\nok 1 a\n", why).has_value());
    EXPECT_FALSE(parse_ktap("KTAP version 1\n1..1\nok 2 a\n", why).has_value());
    EXPECT_TRUE(parse_ktap("KTAP version 1\n1..1\n# d\nnot ok 1 a\n", why).has_value());
    EXPECT_FALSE(parse_ktap("KTAP version 1\n1..1\nok 1 a \n", why).has_value());
    EXPECT_FALSE(parse_ktap("KTAP version 1\n1..x\n", why).has_value());
    const auto skip = parse_ktap("KTAP version 1\n1..1\nok 1 leads-to # SKIP why\n", why);
    ASSERT_TRUE(skip.has_value()) << why;
    EXPECT_EQ(skip->results[0].description, "leads-to");
    EXPECT_EQ(skip->results[0].directive, "SKIP why");
}

// --- JUnit XML --------------------------------------------------------------------------

/// Runs python3's XML parser on the file; returns "tests failures skipped testcases" or "".
std::string junit_summary(const std::string& file) {
    TempDir dir;
    const std::string out = (dir.path() / "summary").string();
    const std::string script = "import sys, xml.etree.ElementTree as ET\n"
                               "root = ET.parse(sys.argv[1]).getroot()\n"
                               "assert root.tag == 'testsuites', root.tag\n"
                               "suite = root.find('testsuite')\n"
                               "cases = suite.findall('testcase')\n"
                               "for c in cases:\n"
                               "    assert c.get('name') and c.get('classname')\n"
                               "fails = sum(1 for c in cases if c.find('failure') is not None)\n"
                               "skips = sum(1 for c in cases if c.find('skipped') is not None)\n"
                               "assert int(suite.get('failures')) == fails\n"
                               "assert int(suite.get('skipped')) == skips\n"
                               "print(suite.get('tests'), fails, skips, len(cases))\n";
    const std::string py = (dir.path() / "check.py").string();
    std::ofstream(py) << script;
    const std::string cmd = "python3 '" + py + "' '" + file + "' > '" + out + "'";
    if (std::system(cmd.c_str()) != 0)
        return "";
    return first_line(read_text(out));
}

TEST(JunitFormat, IsWellFormedXmlWithOneTestcasePerProperty) {
    if (std::system("python3 -c 'import xml.etree.ElementTree' 2>/dev/null") != 0)
        GTEST_SKIP() << "python3 is not installed";
    TempDir dir;
    const std::string file = (dir.path() / "junit.xml").string();
    const RunResult r =
        run_rseqcheck("check --variant pre_7ee58f98 --all --format junit --output " + file);
    ASSERT_EQ(r.status, 1) << r.err;
    const RunResult j = run_rseqcheck("check --variant pre_7ee58f98 --all --format json");
    const json report = json::parse(j.out);
    const std::string n = std::to_string(report["properties"].size());
    // pre_7ee58f98's preset (7.0, no critical section, no part-2 syscall) skips the
    // properties it cannot exercise: as many <skipped/> as the JSON says
    std::size_t skipped = 0;
    for (const json& p : report["properties"])
        skipped += p["status"] == "skipped" ? 1U : 0U;
    EXPECT_GE(skipped, 3U);
    EXPECT_EQ(junit_summary(file), n + " 2 " + std::to_string(skipped) + " " + n);
}

TEST(JunitFormat, EscapesMarkupInNamesAndMessages) {
    if (std::system("python3 -c 'import xml.etree.ElementTree' 2>/dev/null") != 0)
        GTEST_SKIP() << "python3 is not installed";
    cli::CheckReport report;
    report.scenario = "a<b>&\"c'";
    report.variant = "fixed";
    cli::PropertyReport p;
    p.name = "x<&>y";
    p.spec_id = "I\"1";
    p.status = cli::PropertyStatus::Violated;
    p.trace.push_back({1, "act<>", 0, 1, {}, "file.h:f() & <g>", " T0.x=1"});
    report.properties.push_back(p);
    report.verdict = cli::Verdict::Violated;
    TempDir dir;
    const std::string file = (dir.path() / "j.xml").string();
    std::ofstream(file) << cli::render_junit(report);
    EXPECT_EQ(junit_summary(file), "1 1 0 1");
}

// --- SARIF 2.1.0 --------------------------------------------------------------------------

/// The properties the SARIF 2.1.0 schema requires of what we emit.
void expect_valid_sarif(const json& s) {
    ASSERT_EQ(s["version"], "2.1.0");
    ASSERT_TRUE(s["runs"].is_array());
    for (const json& run : s["runs"]) {
        ASSERT_TRUE(run["tool"]["driver"]["name"].is_string());
        const json& rules = run["tool"]["driver"]["rules"];
        for (const json& rule : rules)
            EXPECT_TRUE(rule["id"].is_string());
        for (const json& result : run["results"]) {
            EXPECT_TRUE(result["message"]["text"].is_string());
            EXPECT_TRUE(result["ruleId"].is_string());
            const std::size_t index = result["ruleIndex"];
            ASSERT_LT(index, rules.size());
            EXPECT_EQ(rules[index]["id"], result["ruleId"]);
            EXPECT_TRUE(result["level"] == "error" || result["level"] == "warning" ||
                        result["level"] == "note" || result["level"] == "none");
            for (const json& flow : result["codeFlows"]) {
                ASSERT_FALSE(flow["threadFlows"].empty());
                for (const json& thread : flow["threadFlows"]) {
                    ASSERT_FALSE(thread["locations"].empty());  // minItems 1
                    for (const json& loc : thread["locations"])
                        EXPECT_TRUE(loc["location"]["message"]["text"].is_string());
                }
            }
        }
    }
}

TEST(SarifFormat, OneResultPerViolationWithThePropertyAsRule) {
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --all --format sarif");
    ASSERT_EQ(r.status, 1) << r.err;
    const json s = json::parse(r.out);
    expect_valid_sarif(s);
    const json& results = s["runs"][0]["results"];
    ASSERT_EQ(results.size(), 2U);
    EXPECT_EQ(results[0]["ruleId"], "no-stale-grant-after-switch");
    EXPECT_EQ(results[1]["ruleId"], "slice-reset-on-id-update");
}

TEST(SarifFormat, NoResultsWhenEverythingHolds) {
    const RunResult r = run_rseqcheck("check --preset tiny --format sarif");
    ASSERT_EQ(r.status, 0) << r.err;
    const json s = json::parse(r.out);
    expect_valid_sarif(s);
    EXPECT_TRUE(s["runs"][0]["results"].empty());
    EXPECT_FALSE(s["runs"][0]["tool"]["driver"]["rules"].empty());
}

}  // namespace
}  // namespace rseqcheck::test
