// The trace as a plain-text CPU timeline for a kernel mailing list: 72 columns at most.
#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>
#include <vector>

#include "counterexamples/render.h"
#include "model/field_writers.h"
#include "model/transitions.h"

namespace rseqcheck::cex {

namespace {

constexpr std::size_t page_width = 72;
constexpr std::string_view column_separator = " | ";
/// Continuation lines of a cell (wrapped text, changed fields) are indented this much.
constexpr std::size_t cell_indent = 2;

/// `text` in lines of at most `width` columns, broken at spaces, and inside a word only when
/// the word alone is longer than a line. Lines after the first start with `indent` spaces.
std::vector<std::string> wrap(std::string_view text, std::size_t width, std::size_t indent) {
    std::vector<std::string> lines;
    const std::string pad(indent, ' ');
    std::string line;
    bool has_word = false;
    const auto flush = [&] {
        lines.push_back(line);
        line = pad;
        has_word = false;
    };
    while (!text.empty()) {
        const std::size_t end = std::min(text.find(' '), text.size());
        std::string_view word = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        if (word.empty())
            continue;
        if (has_word && line.size() + 1 + word.size() > width)
            flush();
        if (has_word)
            line += ' ';
        while (line.size() + word.size() > width) {
            const std::size_t room = width - line.size();
            line += word.substr(0, room);
            word.remove_prefix(room);
            flush();
        }
        line += word;
        has_word = true;
    }
    if (has_word)
        lines.push_back(line);
    return lines;
}

/// Packs `units` (each "name=value") into lines of at most `width` columns, each line
/// starting with `indent` spaces. A unit longer than a line wraps on lines of its own, its
/// continuation indented further, so that no other unit reads as part of its value.
void pack(const std::vector<std::string>& units, std::size_t width, std::size_t indent,
          std::vector<std::string>& lines) {
    const std::string pad(indent, ' ');
    std::string line = pad;
    for (const std::string& unit : units) {
        const bool started = line.size() > indent;
        if (line.size() + (started ? 1 : 0) + unit.size() <= width) {
            line += (started ? " " : "") + unit;
            continue;
        }
        if (started) {
            lines.push_back(line);
            line = pad;
        }
        if (indent + unit.size() <= width) {
            line += unit;
            continue;
        }
        for (const std::string& part : wrap(unit, width - indent, cell_indent))
            lines.push_back(pad + part);
    }
    if (line.size() > indent)
        lines.push_back(line);
}

/// What the step models, in kernel terms: the user action ("user: rseq->slice_ctrl.request
/// = 1"), the event for an interrupt or a remote event ("irq_wakeup -> T1"), or the kernel
/// function the task runs ("rseq_grant_slice_extension()"), with the label's choices
/// ("-> T1", "(fault, -EFAULT)").
std::string step_summary(const Action& a) {
    constexpr std::string_view user = "user space: ";
    const std::string_view kernel = action_kernel(a.kind);
    std::string label = action_label(a);
    const std::string choices = label.substr(action_name(a.kind).size());
    if (kernel.substr(0, user.size()) == user) {
        std::string_view what = kernel.substr(user.size());
        what = what.substr(0, what.find(" ("));
        return "user: " + std::string(what) + choices;
    }
    Action without_fault = a;
    without_fault.fault = Fault::None;
    if (is_environment(without_fault))
        return label;
    return first_function(kernel) + choices;
}

std::string task_name(TaskId t) {
    if (t == no_task || t == idle_task)
        return "idle";
    return fmt::format("T{}", t);
}

/// The fields a reader of the kernel follows: the model's program counter and its history
/// for the properties (Ghost) are left out; the full list is in `--format text`.
bool shown(const FieldChange& c) {
    return c.kind != FieldKind::Ghost && c.field != "pc";
}

std::vector<std::string> cell(const Trace& trace, std::size_t k, std::size_t width) {
    const TraceStep& s = trace.steps[k];
    // schedule_idle() runs on the idle task; the action names the task it switches to.
    const TaskId runs = s.action.kind == ActionKind::IdleSchedule ? idle_task : s.action.task;
    // The head wraps flush left, so that a long function name keeps its line; the changed
    // fields below it are indented.
    std::vector<std::string> lines = wrap(task_name(runs) + " " + step_summary(s.action), width, 0);
    // At the violating step the fields the property reads come first, marked `!`, and are
    // shown even when the timeline otherwise leaves them out.
    std::vector<std::string> units;
    for (const FieldChange& c : step_changes(trace, k, runs)) {
        if (c.read) {
            units.push_back("!" + c.name + "=" + c.value);
        } else if (shown(c)) {
            units.push_back(c.name + "=" + c.value);
        }
    }
    pack(units, width, cell_indent, lines);
    if (trace.violated && k + 1 == trace.steps.size()) {
        const std::string& id =
            trace.property.spec_id == "-" ? trace.property.name : trace.property.spec_id;
        for (std::string& line : wrap("<< " + id + " violated here", width - cell_indent, 0))
            lines.push_back(std::string(cell_indent, ' ') + line);
    }
    return lines;
}

/// "Label:     text" wrapped to the page, continuation lines under the text.
void header_field(std::string& out, std::string_view label, std::string_view text) {
    constexpr std::size_t label_width = 12;
    const std::vector<std::string> lines = wrap(text, page_width - label_width, 0);
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += fmt::format("{:<{}}{}\n", i == 0 ? label : "", label_width, lines[i]);
}

std::string preempt_config(PreemptModel p) {
    std::string name(to_string(p));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return "PREEMPT_" + name;
}

std::string trim_right(std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    return line;
}

}  // namespace

std::string render_timeline(const Trace& trace) {
    const Scenario& sc = trace.scenario;
    const PropertyRef& p = trace.property;
    std::string out;
    header_field(
        out, "Property:",
        fmt::format("{} ({}) {}", p.name, p.spec_id, trace.violated ? "is violated" : "holds"));
    header_field(out, "", p.summary);
    header_field(out, "Scenario:",
                 fmt::format("{}, {} CPU{}, {} tasks", sc.name, sc.cpus, sc.cpus == 1 ? "" : "s",
                             sc.tasks.size()));
    header_field(out, "Preemption:", preempt_config(sc.preempt));
    if (const std::vector<std::string> facts = trace_facts(trace); !facts.empty())
        header_field(out, "Facts:", fmt::format("{}", fmt::join(facts, "; ")));
    const std::vector<std::string> variants = variant_descriptions(sc.variant);
    for (std::size_t i = 0; i < variants.size(); ++i)
        header_field(out, i == 0 ? "Variant:" : "", variants[i]);
    std::string steps = fmt::format("{}, {} of them environment events", trace.steps.size(),
                                    environment_events(trace.steps));
    if (trace.violated && !trace.steps.empty())
        steps += fmt::format("; violated at step {}", trace.steps.size());
    if (trace.cycle_start) {
        steps +=
            fmt::format("; steps {}-{} repeat forever", *trace.cycle_start + 1, trace.steps.size());
    }
    header_field(out, "Steps:", steps);

    std::set<CpuId> acting;
    for (const TraceStep& s : trace.steps)
        acting.insert(s.action.cpu);
    const std::vector<CpuId> cpus(acting.begin(), acting.end());
    if (cpus.empty())
        return out;
    const std::size_t n = cpus.size();
    // "> 11 ": the mark, the step number in at least three digits, a space.
    const std::size_t gutter_width =
        2 + std::max<std::size_t>(3, fmt::formatted_size("{}", trace.steps.size()));
    const std::size_t width = (page_width - gutter_width - (n - 1) * column_separator.size()) / n;
    const auto row = [&](std::string_view gutter, std::size_t column, const std::string& text) {
        std::string line = fmt::format("{:<{}}", gutter, gutter_width);
        for (std::size_t c = 0; c < n; ++c) {
            if (c > 0)
                line += column_separator;
            line += fmt::format("{:<{}}", c == column ? text : std::string(), width);
        }
        return trim_right(line) + "\n";
    };

    out += "\n";
    std::string head = fmt::format("{:<{}}", "step", gutter_width);
    std::string rule = fmt::format("{:<{}}", "----", gutter_width);
    for (std::size_t c = 0; c < n; ++c) {
        if (c > 0) {
            head += column_separator;
            rule += "-+-";
        }
        head += fmt::format("{:<{}}", fmt::format("CPU{}", cpus[c]), width);
        rule += std::string(width, '-');
    }
    out += trim_right(head) + "\n" + rule + "\n";
    for (std::size_t k = 0; k < trace.steps.size(); ++k) {
        const Action& a = trace.steps[k].action;
        if (trace.cycle_start && k == *trace.cycle_start) {
            out += fmt::format("{:<{}}-- cycle: the steps below repeat forever --\n", "",
                               gutter_width);
        }
        const bool last = k + 1 == trace.steps.size();
        const char mark = last && trace.violated ? '>' : (is_environment(a) ? '*' : ' ');
        const std::size_t column =
            static_cast<std::size_t>(std::find(cpus.begin(), cpus.end(), a.cpu) - cpus.begin());
        const std::vector<std::string> lines = cell(trace, k, width);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string gutter =
                i == 0 ? fmt::format("{}{:>{}}", mark, k + 1, gutter_width - 2) : std::string();
            out += row(gutter, column, lines[i]);
        }
    }
    out += "\n(* environment event, > the violating step, ! a field the property\n"
           "reads; the model's program counter and history fields, and the\n"
           "function that wrote each field, are in `rseqcheck replay --format text`)\n";
    return out;
}

}  // namespace rseqcheck::cex
