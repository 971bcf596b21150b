#include "checker/cli/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "model/input_error.h"
#include "util/text.h"

namespace rseqcheck::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string fixed(double value, int decimals) {
    return fmt::format("{:.{}f}", value, decimals);
}

std::string who(const TraceStep& s) {
    std::string out = "CPU" + std::to_string(s.cpu);
    if (s.task >= 0)
        out += " T" + std::to_string(s.task);
    return out;
}

std::string xml_escape(std::string_view s) {
    return markup_escape(s, Quotes::Both);
}

/// One line per step, the same in text, JUnit failure bodies and KTAP diagnostics.
std::vector<std::string> trace_lines(const PropertyReport& p) {
    std::vector<std::string> out;
    for (const TraceStep& s : p.trace) {
        out.push_back(std::to_string(s.step) + ". " + who(s) + "  " + s.action + "  [" + s.kernel +
                      "]");
        if (!s.changed.empty())
            out.push_back("     " + s.changed);
    }
    return out;
}

std::string violation_message(const CheckReport& r, const PropertyReport& p) {
    if (p.kind == "deadlock")
        return "deadlock on " + r.variant + " after " + std::to_string(p.trace.size()) + " steps";
    return "violated " + p.name + " (" + p.spec_id + ") on " + r.variant + " after " +
           std::to_string(p.trace.size()) + " steps";
}

/// The `distributed` object (docs/json-schema.md): per rank, what it stored and sent; per
/// level, the round's wall time and the most any rank spent in MPI calls.
Json distributed_json(const checker::DistributedFigures& d) {
    Json per_rank = Json::array();
    for (const checker::DistributedRankFigures& r : d.per_rank) {
        per_rank.push_back({{"states", r.states},
                            {"bytes_per_state", r.bytes_per_state},
                            {"messages_sent", r.messages_sent},
                            {"bytes_sent", r.bytes_sent},
                            {"comm_seconds", r.comm_seconds},
                            {"peak_rss_bytes", r.peak_rss_bytes},
                            {"violations_found", r.violations_found}});
    }
    Json levels = Json::array();
    for (const checker::DistributedLevelFigures& l : d.levels) {
        levels.push_back({{"depth", l.depth},
                          {"states", l.states},
                          {"seconds", l.seconds},
                          {"comm_seconds", l.comm_seconds}});
    }
    return {{"ranks", d.ranks},
            {"gathered", d.gathered},
            {"comm_share", d.comm_share},
            {"per_rank", per_rank},
            {"levels", levels}};
}

Json trace_json(const PropertyReport& p) {
    Json steps = Json::array();
    for (const TraceStep& s : p.trace) {
        Json step{{"step", s.step}, {"action", s.action}, {"cpu", s.cpu}};
        step["task"] = s.task >= 0 ? Json(s.task) : Json(nullptr);
        if (s.param.param != ActionParam::None) {
            const std::string param(s.param.name());
            switch (s.param.form) {  // as the version 3 trace file writes it
            case cex::ParamField::Form::String:
                step[param] = s.param.text;
                break;
            case cex::ParamField::Form::Number:
                step[param] = s.param.number;
                break;
            case cex::ParamField::Form::Boolean:
                step[param] = s.param.number != 0;
                break;
            }
        }
        step["kernel"] = s.kernel;
        step["changed"] = s.changed;
        steps.push_back(step);
    }
    return steps;
}

std::size_t count(const CheckReport& r, PropertyStatus s) {
    std::size_t n = 0;
    for (const PropertyReport& p : r.properties)
        n += p.status == s ? 1 : 0;
    return n;
}

}  // namespace

std::string_view to_string(PropertyStatus s) {
    switch (s) {
    case PropertyStatus::Holds:
        return "holds";
    case PropertyStatus::Violated:
        return "violated";
    case PropertyStatus::Vacuous:
        return "vacuous";
    case PropertyStatus::Unknown:
        return "unknown";
    case PropertyStatus::Skipped:
        return "skipped";
    }
    return "?";
}

std::string_view to_string(Verdict v) {
    switch (v) {
    case Verdict::Holds:
        return "holds";
    case Verdict::Violated:
        return "violated";
    case Verdict::Vacuous:
        return "vacuous";
    case Verdict::Incomplete:
        return "incomplete";
    }
    return "?";
}

int exit_status(const CheckReport& r) {
    switch (r.verdict) {
    case Verdict::Holds:
        return 0;
    case Verdict::Violated:
    case Verdict::Vacuous:
        return 1;
    case Verdict::Incomplete:
        return 3;
    }
    return 3;
}

Format parse_format(std::string_view name) {
    if (name == "text")
        return Format::Text;
    if (name == "json")
        return Format::Json;
    if (name == "junit")
        return Format::Junit;
    if (name == "sarif")
        return Format::Sarif;
    if (name == "ktap")
        return Format::Ktap;
    throw InputError({}, "unknown format '" + std::string(name) +
                             "' (valid: text, json, junit, sarif, ktap)");
}

std::string render_text(const CheckReport& r, bool colour) {
    auto paint = [colour](std::string_view code, std::string_view s) {
        return colour ? "\033[" + std::string(code) + "m" + std::string(s) + "\033[0m"
                      : std::string(s);
    };
    std::ostringstream out;
    out << "rseqcheck: scenario " << r.scenario << " (" << r.bounds << ")\n";
    out << "variant: " << r.variant << "\n";
    out << "kernel: " << r.kernel;
    if (!r.kernel_follows.empty())
        out << " (follows " << r.kernel_follows.front() << ")";
    out << "\n";
    for (const PropertyReport& p : r.properties) {
        std::string status(to_string(p.status));
        status.resize(9, ' ');
        const std::string_view code = p.status == PropertyStatus::Holds      ? "32"
                                      : p.status == PropertyStatus::Violated ? "1;31"
                                                                             : "33";
        out << "  " << paint(code, status) << p.name << " (" << p.spec_id << ")";
        if (p.status != PropertyStatus::Skipped)
            out << "  premise " << p.premise_count;
        if (!p.note.empty())
            out << "  [" << p.note << "]";
        out << "\n";
        if (p.status == PropertyStatus::Violated && !p.kernel_trace_text.empty()) {
            out << "\n";
            std::istringstream lines(p.kernel_trace_text);
            for (std::string line; std::getline(lines, line);)
                out << (line.empty() ? "" : "    ") << line << "\n";
            out << "\n";
        } else if (p.status == PropertyStatus::Violated) {
            out << "\n    trace (" << p.trace.size() << " steps):\n";
            for (const std::string& line : trace_lines(p))
                out << "    " << line << "\n";
            out << "    " << violation_message(r, p) << "\n\n";
        }
    }
    if (!r.never_fired.empty()) {
        out << (r.exhaustive ? "never fired in this scenario:"
                             : "never fired in the states searched (the search stopped early):");
        for (const std::string& a : r.never_fired)
            out << " " << a;
        out << "\n";
    }
    out << r.states << " states, " << r.transitions << " transitions, depth " << r.depth << ", "
        << fixed(r.seconds, 2) << " s, " << fixed(r.states_per_second, 0) << " states/s, "
        << fixed(r.bytes_per_state, 1) << " bytes/state\n";
    if (r.distributed) {
        std::uint64_t sent = 0;
        for (const checker::DistributedRankFigures& rank : r.distributed->per_rank)
            sent += rank.bytes_sent;
        out << "distributed over " << r.distributed->ranks << " ranks: " << sent << " bytes sent, "
            << fixed(100 * r.distributed->comm_share, 1) << "% of the search in MPI calls\n";
    }
    if (!r.reductions.empty()) {
        out << "reductions:";
        for (const std::string& name : r.reductions)
            out << " " << name;
        out << (r.reduction_note.empty() ? "" : " (" + r.reduction_note + ")") << "\n";
    }
    out << "verdict: "
        << paint(r.verdict == Verdict::Holds ? "1;32" : "1;31", to_string(r.verdict));
    const std::size_t checked = r.properties.size() - count(r, PropertyStatus::Skipped);
    switch (r.verdict) {
    case Verdict::Holds:
        out << (checked == 1 ? std::string(": the one checked property holds")
                             : ": all " + std::to_string(checked) + " checked properties hold")
            << " over the exhaustive search";
        break;
    case Verdict::Violated:
        out << ": " << count(r, PropertyStatus::Violated) << " of " << checked
            << (checked == 1 ? " checked property violated" : " checked properties violated");
        break;
    case Verdict::Vacuous:
        out << ": " << count(r, PropertyStatus::Vacuous)
            << " properties were never exercised (--strict)";
        break;
    case Verdict::Incomplete:
        out << ": " << r.incomplete_reason;
        break;
    }
    out << "\n";
    return out.str();
}

std::string render_json(const CheckReport& r) {
    Json j;
    j["schema_version"] = json_schema_version;
    j["tool"] = {{"name", "rseqcheck"},
                 {"version", RSEQCHECK_VERSION},
                 {"kernel_version", RSEQCHECK_KERNEL_VERSION}};
    j["scenario"] = {{"name", r.scenario}, {"source", r.source}, {"bounds", r.bounds}};
    j["variant"] = r.variant;
    j["kernel"] = {{"name", r.kernel}, {"follows", r.kernel_follows}};
    j["verdict"] = to_string(r.verdict);
    if (r.verdict == Verdict::Incomplete)
        j["incomplete_reason"] = r.incomplete_reason;
    j["strict"] = r.strict;
    j["states"] = r.states;
    j["transitions"] = r.transitions;
    j["depth"] = r.depth;
    j["never_fired"] = r.never_fired;
    Json props = Json::array();
    for (const PropertyReport& p : r.properties) {
        Json pj{{"name", p.name},
                {"spec_id", p.spec_id},
                {"kind", p.kind},
                {"status", to_string(p.status)},
                {"premise_count", p.premise_count}};
        if (!p.note.empty())
            pj["note"] = p.note;
        if (p.status == PropertyStatus::Violated)
            pj["trace"] = trace_json(p);
        if (p.loop_start)
            pj["loop_start"] = *p.loop_start + 1;
        props.push_back(pj);
    }
    j["properties"] = props;
    j["reductions"] = r.reductions;
    if (!r.reduction_note.empty())
        j["reduction_note"] = r.reduction_note;
    j["timing"] = {{"seconds", r.seconds},
                   {"states_per_second", r.states_per_second},
                   {"bytes_per_state", r.bytes_per_state},
                   {"peak_rss_bytes", r.peak_rss_bytes},
                   {"store_bytes", r.store_bytes},
                   {"threads", r.threads}};
    if (r.distributed)
        j["distributed"] = distributed_json(*r.distributed);
    return j.dump(2) + "\n";
}

std::string render_junit(const CheckReport& r) {
    const std::size_t failures =
        count(r, PropertyStatus::Violated) + (r.strict ? count(r, PropertyStatus::Vacuous) : 0);
    const std::size_t errors = count(r, PropertyStatus::Unknown);
    const std::size_t skipped = count(r, PropertyStatus::Skipped);
    const std::string suite = "rseqcheck." + r.scenario + "." + r.variant;
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"rseqcheck\" tests=\"" << r.properties.size() << "\" failures=\""
        << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
        << fixed(r.seconds, 3) << "\">\n";
    out << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << r.properties.size()
        << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
        << "\" time=\"" << fixed(r.seconds, 3) << "\">\n";
    out << "    <properties>\n";
    out << "      <property name=\"bounds\" value=\"" << xml_escape(r.bounds) << "\"/>\n";
    out << "      <property name=\"verdict\" value=\"" << to_string(r.verdict) << "\"/>\n";
    out << "      <property name=\"states\" value=\"" << r.states << "\"/>\n";
    out << "      <property name=\"transitions\" value=\"" << r.transitions << "\"/>\n";
    out << "    </properties>\n";
    for (const PropertyReport& p : r.properties) {
        out << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\""
            << xml_escape(p.name + " (" + p.spec_id + ")") << "\">\n";
        switch (p.status) {
        case PropertyStatus::Holds:
            break;
        case PropertyStatus::Vacuous:
            if (r.strict) {
                out << "      <failure type=\"vacuous\" message=\"premise never held\"/>\n";
            } else {
                out << "      <system-out>vacuous: premise never held</system-out>\n";
            }
            break;
        case PropertyStatus::Violated: {
            out << "      <failure type=\"violated\" message=\""
                << xml_escape(violation_message(r, p)) << "\">";
            for (const std::string& line : trace_lines(p))
                out << xml_escape(line) << "\n";
            out << "</failure>\n";
            break;
        }
        case PropertyStatus::Unknown:
            out << "      <error type=\"incomplete\" message=\"" << xml_escape(p.note) << "\"/>\n";
            break;
        case PropertyStatus::Skipped:
            out << "      <skipped message=\"" << xml_escape(p.note) << "\"/>\n";
            break;
        }
        out << "    </testcase>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
    return out.str();
}

std::string render_sarif(const CheckReport& r) {
    Json rules = Json::array();
    Json results = Json::array();
    for (std::size_t i = 0; i < r.properties.size(); ++i) {
        const PropertyReport& p = r.properties[i];
        rules.push_back({{"id", p.name},
                         {"name", p.name},
                         {"shortDescription", {{"text", p.summary}}},
                         {"properties", {{"spec_id", p.spec_id}, {"kind", p.kind}}}});
        if (p.status != PropertyStatus::Violated)
            continue;
        Json flow_locations = Json::array();
        for (const TraceStep& s : p.trace) {
            Json location{
                {"message",
                 {{"text", std::to_string(s.step) + ". " + who(s) + "  " + s.action + s.changed}}}};
            if (const std::size_t colon = s.kernel.find(':'); colon != std::string::npos) {
                location["physicalLocation"] = {
                    {"artifactLocation",
                     {{"uri", s.kernel.substr(0, colon)}, {"uriBaseId", "KERNEL_SRC"}}}};
                location["logicalLocations"] = Json::array(
                    {{{"fullyQualifiedName", s.kernel.substr(colon + 1)}, {"kind", "function"}}});
            }
            flow_locations.push_back({{"location", location}});
        }
        Json result{{"ruleId", p.name},
                    {"ruleIndex", i},
                    {"level", "error"},
                    {"message", {{"text", violation_message(r, p)}}}};
        if (!p.trace.empty() && !flow_locations.back()["location"].contains("physicalLocation")) {
            result["locations"] = Json::array();
        } else if (!p.trace.empty()) {
            result["locations"] = Json::array({flow_locations.back()["location"]});
        }
        result["codeFlows"] =
            Json::array({{{"threadFlows", Json::array({{{"locations", flow_locations}}})}}});
        result["properties"] = {
            {"scenario", r.scenario}, {"variant", r.variant}, {"bounds", r.bounds}};
        results.push_back(result);
    }
    Json run{
        {"tool",
         {{"driver",
           {{"name", "rseqcheck"},
            {"version", RSEQCHECK_VERSION},
            {"informationUri", "https://example.invalid/rseqcheck"},
            {"rules", rules}}}}},
        {"invocations", Json::array({{{"executionSuccessful", r.verdict != Verdict::Incomplete},
                                      {"exitCode", exit_status(r)}}})},
        {"results", results}};
    Json doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
             {"version", "2.1.0"},
             {"runs", Json::array({run})}};
    return doc.dump(2) + "\n";
}

std::string render_ktap(const CheckReport& r) {
    std::ostringstream out;
    out << "KTAP version 1\n";
    out << "# rseqcheck " << RSEQCHECK_VERSION << ": scenario " << r.scenario << " (" << r.bounds
        << "), variant " << r.variant << "\n";
    out << "1.." << r.properties.size() << "\n";
    for (std::size_t i = 0; i < r.properties.size(); ++i) {
        const PropertyReport& p = r.properties[i];
        const std::size_t n = i + 1;
        switch (p.status) {
        case PropertyStatus::Holds:
            out << "ok " << n << " " << p.name << "\n";
            break;
        case PropertyStatus::Vacuous:
            if (r.strict) {
                out << "# " << p.name << ": premise never held (--strict)\n";
                out << "not ok " << n << " " << p.name << "\n";
            } else {
                out << "ok " << n << " " << p.name << " # vacuous: premise never held\n";
            }
            break;
        case PropertyStatus::Violated:
            for (const std::string& line : trace_lines(p))
                out << "# " << line << "\n";
            out << "# " << violation_message(r, p) << "\n";
            out << "not ok " << n << " " << p.name << "\n";
            break;
        case PropertyStatus::Unknown:
            out << "# " << p.note << "\n";
            out << "not ok " << n << " " << p.name << "\n";
            break;
        case PropertyStatus::Skipped:
            out << "ok " << n << " " << p.name << " # SKIP " << p.note << "\n";
            break;
        }
    }
    out << "# " << r.states << " states, " << r.transitions << " transitions, depth " << r.depth
        << "; verdict " << to_string(r.verdict) << "\n";
    return out.str();
}

std::string render(const CheckReport& r, Format f, bool colour) {
    switch (f) {
    case Format::Text:
        return render_text(r, colour);
    case Format::Json:
        return render_json(r);
    case Format::Junit:
        return render_junit(r);
    case Format::Sarif:
        return render_sarif(r);
    case Format::Ktap:
        return render_ktap(r);
    }
    return render_text(r, colour);
}

std::string render_trace_text(const CheckReport& r, const PropertyReport& p) {
    std::ostringstream out;
    out << "scenario " << r.scenario << " (" << r.bounds << ")\nvariant " << r.variant << "\n";
    for (const std::string& line : trace_lines(p))
        out << line << "\n";
    out << violation_message(r, p) << "\n";
    return out.str();
}

std::string render_trace_json(const CheckReport& r, const PropertyReport& p) {
    Json j{{"schema_version", json_schema_version},
           {"scenario", {{"name", r.scenario}, {"source", r.source}, {"bounds", r.bounds}}},
           {"variant", r.variant},
           {"property", p.name},
           {"spec_id", p.spec_id},
           {"trace", trace_json(p)}};
    return j.dump(2) + "\n";
}

}  // namespace rseqcheck::cli
