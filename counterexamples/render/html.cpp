// One self-contained HTML page: inline CSS and script, the trace JSON embedded, no network.
#include <fmt/format.h>

#include "counterexamples/render.h"
#include "model/transitions.h"
#include "util/text.h"

namespace rseqcheck::cex {

namespace {

/// HTML text and double-quoted attributes: an apostrophe stays as it is.
std::string html_escape(std::string_view s) {
    return markup_escape(s, Quotes::Double);
}

/// JSON inside <script>: "</" must not close the element.
std::string script_safe(std::string json) {
    for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 2))
        json.replace(at, 2, "<\\/");
    return json;
}

constexpr std::string_view style = R"css(
body { font: 14px/1.4 sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.2em; margin: 0 0 .3em; }
.violated { background: #fde2e1; border-left: 4px solid #c62828; padding: .5em .8em; }
.meta { color: #555; margin: .2em 0; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
td.step { text-align: right; color: #777; }
td.act { font-family: monospace; }
td.act .k { color: #666; font-size: 11px; display: block; }
td.act .ch { color: #0b5394; font-size: 12px; display: block; white-space: pre-wrap; }
tr.env td.act { background: #fff8e1; }
tr.last td.act { background: #fde2e1; outline: 2px solid #c62828; }
tr[data-step] { cursor: pointer; }
td.time { text-align: right; font-family: monospace; color: #555; }
tr.cycle td { background: #e3f2fd; color: #0b5394; font-style: italic; }
tr.sel td { box-shadow: inset 0 0 0 2px #1565c0; }
#state { margin-top: 1em; font-family: monospace; font-size: 12px; white-space: pre; background: #f7f7f7; padding: .6em; }
#verdict { margin-top: 1em; font-family: monospace; font-weight: bold; color: #c62828; }
)css";

constexpr std::string_view script = R"js(
(function () {
  const t = JSON.parse(document.getElementById('trace').textContent);
  const rows = document.querySelectorAll('tr[data-step]');
  function show(i) {
    rows.forEach(r => r.classList.toggle('sel', Number(r.dataset.step) === i));
    document.getElementById('state').textContent =
      'Full state after step ' + (i + 1) + '\n' + JSON.stringify(t.steps[i].state, null, 2);
  }
  rows.forEach(r => r.addEventListener('click', () => show(Number(r.dataset.step))));
  if (t.steps.length > 0) show(t.steps.length - 1);
})();
)js";

/// The timeline as table rows, one column per CPU (and one of instants when the trace is
/// timed), so that the page reads without its script; the script only shows the full state
/// of the step clicked.
std::string timeline_table(const Trace& trace) {
    const Scenario& sc = trace.scenario;
    const bool timed = trace.times_ns.size() == trace.steps.size() && !trace.steps.empty();
    const std::size_t columns = 1 + (timed ? 1 : 0) + sc.cpus;
    std::string out = "<table><thead><tr><th>#</th>";
    if (timed)
        out += "<th>time ns</th>";
    for (CpuId c = 0; c < sc.cpus; ++c)
        out += fmt::format("<th>CPU{}</th>", c);
    out += "</tr></thead><tbody>\n";
    for (std::size_t k = 0; k < trace.steps.size(); ++k) {
        const TraceStep& s = trace.steps[k];
        const Action& a = s.action;
        if (trace.cycle_start && k == *trace.cycle_start) {
            out += fmt::format("<tr class=\"cycle\"><td colspan=\"{}\">cycle: the steps below "
                               "repeat forever</td></tr>\n",
                               columns);
        }
        const char* row_class = k + 1 == trace.steps.size() ? " class=\"last\""
                                : is_environment(a)         ? " class=\"env\""
                                                            : "";
        out +=
            fmt::format("<tr{} data-step=\"{}\"><td class=\"step\">{}</td>", row_class, k, k + 1);
        if (timed)
            out += fmt::format("<td class=\"time\">{}</td>", trace.times_ns[k]);
        // Each change with the function that wrote it as its tooltip; the fields the
        // violated property reads first, highlighted.
        std::string changed;
        for (const FieldChange& c : step_changes(trace, k)) {
            changed +=
                fmt::format("{}<span title=\"{}\">{}{}={}{}</span>", changed.empty() ? "" : " ",
                            html_escape(c.by), c.read ? "<mark>" : "", html_escape(c.name),
                            html_escape(c.value), c.read ? "</mark>" : "");
        }
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (c != a.cpu) {
                out += "<td></td>";
                continue;
            }
            const std::string who = a.task == no_task ? "" : fmt::format("T{} ", a.task);
            out += fmt::format("<td class=\"act\">{}<b>{}</b><span class=\"k\">{}</span>"
                               "<span class=\"ch\">{}</span></td>",
                               html_escape(who), html_escape(action_label(a)),
                               html_escape(action_kernel(a.kind)), changed);
        }
        out += "</tr>\n";
    }
    out += "</tbody></table>\n";
    return out;
}

}  // namespace

std::string render_html(const Trace& trace) {
    const Scenario& sc = trace.scenario;
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    out += fmt::format("<title>{}</title>\n", html_escape(verdict_line(trace)));
    out += "<style>" + std::string(style) + "</style></head><body>\n";
    out += fmt::format("<div class=\"violated\"><h1>Violated {} ({})</h1>{}</div>\n",
                       html_escape(trace.property.name), html_escape(trace.property.spec_id),
                       html_escape(trace.property.summary));
    out += fmt::format("<p class=\"meta\">Variant <b>{}</b> &middot; scenario <b>{}</b>: {}</p>\n",
                       html_escape(sc.variant.name()), html_escape(sc.name),
                       html_escape(sc.description));
    out += fmt::format("<p class=\"meta\">Bounds: {}</p>\n", html_escape(describe_bounds(sc)));
    if (const std::vector<std::string> facts = trace_facts(trace); !facts.empty()) {
        out += fmt::format("<p class=\"meta\">Facts: {}</p>\n", html_escape(join(facts, "; ")));
    }
    if (!trace.timing_note.empty())
        out += fmt::format("<p class=\"meta\">Timed: {}</p>\n", html_escape(trace.timing_note));
    out += "<p class=\"meta\">Yellow: environment event. Red: the violating step.";
    if (trace.cycle_start)
        out += " Blue: a lasso; the steps below the blue row repeat forever.";
    out += " Highlighted: a field the violated property reads. Hover a field for the function "
           "that wrote it; click a step for the full state after it.</p>\n";
    out += timeline_table(trace);
    out += fmt::format("<div id=\"verdict\">{}</div>\n<div id=\"state\"></div>\n",
                       html_escape(verdict_line(trace)));
    out += "<script type=\"application/json\" id=\"trace\">" + script_safe(render_json(trace)) +
           "</script>\n";
    out += "<script>" + std::string(script) + "</script>\n</body></html>\n";
    return out;
}

}  // namespace rseqcheck::cex
