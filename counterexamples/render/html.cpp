// One self-contained HTML page: inline CSS and script, the trace JSON embedded, no network.
#include <fmt/format.h>

#include "counterexamples/render.h"

namespace rseqcheck::cex {

namespace {

std::string html_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
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
tr { cursor: pointer; }
tr.sel td { box-shadow: inset 0 0 0 2px #1565c0; }
#state { margin-top: 1em; font-family: monospace; font-size: 12px; white-space: pre; background: #f7f7f7; padding: .6em; }
#verdict { margin-top: 1em; font-family: monospace; font-weight: bold; color: #c62828; }
)css";

constexpr std::string_view script = R"js(
(function () {
  const t = JSON.parse(document.getElementById('trace').textContent);
  const cpus = t.scenario.cpus;
  const head = document.getElementById('head');
  const body = document.getElementById('rows');
  let h = '<tr><th>#</th>';
  for (let c = 0; c < cpus; c++) h += '<th>CPU' + c + '</th>';
  head.innerHTML = h + '</tr>';
  const esc = s => String(s).replace(/[&<>"]/g, ch => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[ch]));
  t.steps.forEach((s, i) => {
    const tr = document.createElement('tr');
    if (s.environment) tr.className = 'env';
    if (i === t.steps.length - 1) tr.className = 'last';
    let row = '<td class="step">' + s.step + '</td>';
    for (let c = 0; c < cpus; c++) {
      if (c !== s.action.cpu) { row += '<td></td>'; continue; }
      const who = s.action.task === null ? '' : 'T' + s.action.task + ' ';
      const next = s.action.next === null ? '' : ' &rarr; T' + s.action.next;
      row += '<td class="act">' + esc(who) + '<b>' + esc(s.action.kind) + '</b>' + next +
             '<span class="k">' + esc(s.kernel) + '</span>' +
             '<span class="ch">' + esc(s.changed.split(' ').join(' ')) + '</span></td>';
    }
    tr.innerHTML = row;
    tr.addEventListener('click', () => show(i, tr));
    body.appendChild(tr);
  });
  function show(i, tr) {
    document.querySelectorAll('tr.sel').forEach(r => r.classList.remove('sel'));
    tr.classList.add('sel');
    document.getElementById('state').textContent =
      'Full state after step ' + (i + 1) + '\n' + JSON.stringify(t.steps[i].state, null, 2);
  }
  document.getElementById('verdict').textContent = t.summary.verdict;
  if (t.steps.length > 0) show(t.steps.length - 1, body.lastChild);
})();
)js";

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
    out += "<p class=\"meta\">Yellow: environment event. Red: the violating step. "
           "Click a step for the full state after it.</p>\n";
    out += "<table><thead id=\"head\"></thead><tbody id=\"rows\"></tbody></table>\n";
    out += "<div id=\"verdict\"></div>\n<div id=\"state\"></div>\n";
    out += "<script type=\"application/json\" id=\"trace\">" + script_safe(render_json(trace)) +
           "</script>\n";
    out += "<script>" + std::string(script) + "</script>\n</body></html>\n";
    return out;
}

}  // namespace rseqcheck::cex
