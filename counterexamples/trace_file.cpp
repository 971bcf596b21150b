#include "counterexamples/trace_file.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "counterexamples/render.h"
#include "model/transitions.h"
#include "properties/property.h"

namespace rseqcheck::cex {

namespace {

using nlohmann::json;

/// 1-based line and column of byte `offset` (nlohmann counts bytes read, 1-based).
SourceLocation locate(std::string_view text, std::size_t offset, const std::string& file) {
    SourceLocation at{file, 1, 1};
    const std::size_t end = std::min(offset > 0 ? offset - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++at.line;
            at.column = 1;
        } else {
            ++at.column;
        }
    }
    return at;
}

/// Reads members with their JSON path, so that errors name the offending member.
class Reader {
public:
    explicit Reader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw InputError(SourceLocation{file_, 0, 0}, path + ": " + what);
    }

    const json& member(const json& obj, const std::string& path, const char* key) const {
        if (!obj.is_object())
            fail(path, "expected an object");
        const auto it = obj.find(key);
        if (it == obj.end())
            fail(path, std::string("missing member '") + key + "'");
        return *it;
    }
    std::string string(const json& obj, const std::string& path, const char* key) const {
        const json& v = member(obj, path, key);
        if (!v.is_string())
            fail(path + "." + key, "expected a string, found " + v.dump());
        return v.get<std::string>();
    }
    bool boolean(const json& obj, const std::string& path, const char* key) const {
        const json& v = member(obj, path, key);
        if (!v.is_boolean())
            fail(path + "." + key, "expected true or false, found " + v.dump());
        return v.get<bool>();
    }
    unsigned number(const json& obj, const std::string& path, const char* key, unsigned max) const {
        const json& v = member(obj, path, key);
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
            fail(path + "." + key,
                 "expected an integer in 0.." + std::to_string(max) + ", found " + v.dump());
        }
        return v.get<unsigned>();
    }
    /// A task number, or null for "no task".
    std::uint8_t task_or_null(const json& obj, const std::string& path, const char* key) const {
        const json& v = member(obj, path, key);
        if (v.is_null())
            return no_task;
        return static_cast<std::uint8_t>(number(obj, path, key, max_tasks - 1));
    }
    /// The task schedule() switched to: a task number, "idle" (version 2), or null.
    std::uint8_t next_task(const json& obj, const std::string& path, const char* key) const {
        const json& v = member(obj, path, key);
        if (v.is_string()) {
            if (v.get<std::string>() != "idle") {
                fail(path + "." + key,
                     "expected a task number, \"idle\" or null, found " + v.dump());
            }
            return idle_task;
        }
        return task_or_null(obj, path, key);
    }
    /// An optional boolean member; `otherwise` when absent (members added in version 2).
    bool optional_boolean(const json& obj, const std::string& path, const char* key,
                          bool otherwise) const {
        if (!obj.is_object() || !obj.contains(key))
            return otherwise;
        return boolean(obj, path, key);
    }

private:
    const std::string& file_;
};

template <class E, std::size_t N>
E parse_enum(const Reader& r, const std::string& path, const std::string& text,
             const std::array<E, N>& values) {
    std::string valid;
    for (const E v : values) {
        if (to_string(v) == text)
            return v;
        valid += (valid.empty() ? "" : ", ") + std::string(to_string(v));
    }
    r.fail(path, "unknown value '" + text + "' (valid: " + valid + ")");
}

Scenario parse_scenario(const Reader& r, const json& doc) {
    const json& j = r.member(doc, "trace", "scenario");
    Scenario sc;
    sc.name = r.string(j, "scenario", "preset");
    sc.description = r.string(j, "scenario", "description");
    sc.cpus = r.number(j, "scenario", "cpus", max_cpus);
    sc.preempt = parse_enum(r, "scenario.preempt", r.string(j, "scenario", "preempt"),
                            std::array{PreemptModel::None, PreemptModel::Voluntary,
                                       PreemptModel::Full, PreemptModel::Lazy, PreemptModel::Rt});
    // kernel, arch and the tasks' in_critical_section and abi (issue 22) are optional: a trace
    // written before them is of the 7.0 x86 model.
    if (j.is_object() && j.contains("kernel")) {
        const std::string name = r.string(j, "scenario", "kernel");
        const KernelInfo* k = find_kernel(name);
        if (k == nullptr || !k->modelled)
            r.fail("scenario.kernel", "unknown or unmodelled kernel '" + name + "'");
        sc.kernel = k->id;
    }
    if (j.is_object() && j.contains("arch")) {
        sc.arch = parse_enum(r, "scenario.arch", r.string(j, "scenario", "arch"),
                             std::array{Arch::X86, Arch::Arm64});
    }
    sc.slice_key = r.boolean(j, "scenario", "slice_key");
    sc.debug_key = r.boolean(j, "scenario", "debug_key");
    sc.adversarial = r.boolean(j, "scenario", "adversarial");
    // cs_user and adversarial_fields (model-part2 area 1) are written only when set
    sc.adversarial_fields = r.optional_boolean(j, "scenario", "adversarial_fields", false);
    sc.write_rseq_fields = r.optional_boolean(j, "scenario", "write_rseq_fields", false);
    // slice_config and syscall_kinds (model-part2 area 2) are written only when not default
    sc.slice_config = r.optional_boolean(j, "scenario", "slice_config", true);
    if (j.is_object() && j.contains("syscall_kinds")) {
        const json& kinds = j["syscall_kinds"];
        if (!kinds.is_array())
            r.fail("scenario.syscall_kinds", "expected an array of syscall names");
        sc.syscall_kinds = SyscallKinds{};
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            const std::string path = "scenario.syscall_kinds[" + std::to_string(i) + "]";
            if (!kinds[i].is_string())
                r.fail(path, "expected a syscall name");
            sc.syscall_kinds.add(parse_enum(
                r, path, kinds[i].get<std::string>(),
                std::array{Syscall::RseqSliceYield, Syscall::SchedYield, Syscall::Getpid,
                           Syscall::Rseq, Syscall::Prctl, Syscall::Clone, Syscall::Execve}));
        }
    }
    const json& tasks = r.member(j, "scenario", "tasks");
    if (!tasks.is_array())
        r.fail("scenario.tasks", "expected an array");
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const std::string path = "scenario.tasks[" + std::to_string(i) + "]";
        TaskConfig t;
        t.role = parse_enum(r, path + ".role", r.string(tasks[i], path, "role"),
                            std::array{TaskRole::SliceUser, TaskRole::Waiter, TaskRole::ForkChild});
        t.slice_enabled = r.boolean(tasks[i], path, "slice_enabled");
        t.rt = r.boolean(tasks[i], path, "rt");
        t.cpu = static_cast<CpuId>(r.number(tasks[i], path, "cpu", max_cpus - 1));
        t.in_critical_section = r.optional_boolean(tasks[i], path, "in_critical_section", false);
        t.cs_user = r.optional_boolean(tasks[i], path, "cs_user", false);
        // sud, ptrace and seccomp (model-part2 area 3) are written only when set
        t.sud = r.optional_boolean(tasks[i], path, "sud", false);
        t.ptrace = r.optional_boolean(tasks[i], path, "ptrace", false);
        if (tasks[i].is_object() && tasks[i].contains("seccomp")) {
            t.seccomp = parse_enum(r, path + ".seccomp", r.string(tasks[i], path, "seccomp"),
                                   std::array{SeccompMode::None, SeccompMode::Skip,
                                              SeccompMode::Notify, SeccompMode::Kill});
        }
        // registered (model-part2 area 2a) is written only when false
        t.registered = r.optional_boolean(tasks[i], path, "registered", true);
        if (tasks[i].is_object() && tasks[i].contains("abi")) {
            t.abi = parse_enum(r, path + ".abi", r.string(tasks[i], path, "abi"),
                               std::array{RseqAbi::V1, RseqAbi::V2});
        }
        sc.tasks.push_back(t);
    }
    const json& b = r.member(j, "scenario", "bounds");
    const std::string bp = "scenario.bounds";
    sc.bounds.wakeups = r.number(b, bp, "wakeups", BoundLimits::wakeups);
    sc.bounds.irqs = r.number(b, bp, "irqs", BoundLimits::irqs);
    sc.bounds.faults = r.number(b, bp, "faults", BoundLimits::faults);
    sc.bounds.migrations = r.number(b, bp, "migrations", BoundLimits::migrations);
    sc.bounds.signals = r.number(b, bp, "signals", BoundLimits::signals);
    sc.bounds.membarriers = r.number(b, bp, "membarriers", BoundLimits::membarriers);
    sc.bounds.user_writes = r.number(b, bp, "user_writes", BoundLimits::user_writes);
    sc.bounds.syscalls = r.number(b, bp, "syscalls", BoundLimits::syscalls);
    return sc;
}

/// The list of names a kind's branches may take, for messages: "none, revoke, ...".
std::string branch_names(ActionKind kind) {
    std::string out;
    for (const Branch b : branches_of(kind))
        out += (out.empty() ? "" : ", ") + std::string(to_string(b));
    return out;
}

/// Version 1 and 2: one number `arg` whose meaning depends on the kind; a branch was the
/// index into branches_of().
void parse_legacy_param(const Reader& r, const json& j, const std::string& ap, Action& a) {
    const unsigned arg = r.number(j, ap, "arg", 255);
    const auto narrow = [](unsigned v) {
        return static_cast<std::uint8_t>(v);
    };
    switch (action_param(a.kind)) {
    case ActionParam::None:
        if (arg != 0)
            r.fail(ap + ".arg", "expected 0: " + std::string(action_name(a.kind)) + " takes none");
        return;
    case ActionParam::Branch: {
        const std::span<const Branch> branches = branches_of(a.kind);
        if (arg >= branches.size()) {
            r.fail(ap + ".arg", "expected an integer in 0.." + std::to_string(branches.size() - 1) +
                                    " (" + branch_names(a.kind) + "), found " +
                                    std::to_string(arg));
        }
        a.set_branch(branches[arg]);
        return;
    }
    case ActionParam::TiWork:
        a.set_ti_work(narrow(arg));
        return;
    case ActionParam::Syscall:
        // Versions 1 and 2 knew the first four syscalls only.
        if (arg > static_cast<unsigned>(Syscall::Getpid))
            r.fail(ap + ".arg", "expected a syscall number in 0..3, found " + std::to_string(arg));
        a.set_syscall(static_cast<Syscall>(arg));
        return;
    case ActionParam::Woken:
        a.set_woken(narrow(arg));
        return;
    case ActionParam::FromCpu:
        a.set_from_cpu(narrow(arg));
        return;
    case ActionParam::SliceCtrl:
        a.set_slice_ctrl(narrow(arg));
        return;
    case ActionParam::Granted:
        a.set_granted(arg != 0);
        return;
    case ActionParam::RseqCs:
        a.set_rseq_cs(static_cast<RseqCs>(narrow(arg)));
        return;
    case ActionParam::RseqField:
        a.set_rseq_field(narrow(arg));
        return;
    }
}

/// Version 3: the kind's parameter as a named member ("branch": "revoke", "woken": 2); no
/// member of another kind's parameter, and no `arg`.
void parse_param(const Reader& r, const json& j, const std::string& ap, const Scenario& sc,
                 Action& a) {
    const ActionParam own = action_param(a.kind);
    if (j.contains("arg"))
        r.fail(ap + ".arg", "version 3 names the parameter (branch, woken, ...) instead");
    for (const ActionParam p : action_params) {
        const std::string name(to_string(p));
        if (p == own || !j.contains(name))
            continue;
        std::string member = ap;
        member += '.';
        member += name;
        std::string what(action_name(a.kind));
        what += " has no ";
        what += name;
        r.fail(member, what);
    }
    const std::string name(to_string(own));
    switch (own) {
    case ActionParam::None:
        return;
    case ActionParam::Branch: {
        if (!j.contains(name))
            return;  // the main path (Branch::None) is left implicit
        const std::string text = r.string(j, ap, "branch");
        for (const Branch b : branches_of(a.kind)) {
            if (to_string(b) == text) {
                a.set_branch(b);
                return;
            }
        }
        r.fail(ap + ".branch", "unknown branch '" + text + "' of " +
                                   std::string(action_name(a.kind)) +
                                   " (valid: " + branch_names(a.kind) + ")");
    }
    case ActionParam::TiWork:
        a.set_ti_work(static_cast<std::uint8_t>(r.number(j, ap, "ti_work", task_field_max::tif)));
        return;
    case ActionParam::Syscall:
        // "none": the body of a syscall that SUD, ptrace or seccomp skipped (model-part2 5.2)
        a.set_syscall(parse_enum(r, ap + ".syscall", r.string(j, ap, "syscall"),
                                 std::array{Syscall::None, Syscall::RseqSliceYield,
                                            Syscall::SchedYield, Syscall::Getpid, Syscall::Rseq,
                                            Syscall::Prctl, Syscall::Clone, Syscall::Execve}));
        return;
    case ActionParam::Woken:
        a.set_woken(static_cast<TaskId>(r.number(j, ap, "woken", sc.task_count() - 1)));
        return;
    case ActionParam::FromCpu:
        a.set_from_cpu(static_cast<CpuId>(r.number(j, ap, "from_cpu", sc.cpus - 1)));
        return;
    case ActionParam::SliceCtrl:
        a.set_slice_ctrl(static_cast<std::uint8_t>(r.number(j, ap, "slice_ctrl", 7)));
        return;
    case ActionParam::Granted:
        a.set_granted(r.boolean(j, ap, "granted"));
        return;
    case ActionParam::RseqCs:
        a.set_rseq_cs(parse_enum(r, ap + ".rseq_cs", r.string(j, ap, "rseq_cs"),
                                 std::array{RseqCs::Null, RseqCs::Valid, RseqCs::BadAbort,
                                            RseqCs::KernelAddr, RseqCs::DebugOnlyBad}));
        return;
    case ActionParam::RseqField:
        a.set_rseq_field(static_cast<std::uint8_t>(r.number(j, ap, "rseq_field", rseq_field_max)));
        return;
    }
}

Action parse_action(const Reader& r, const json& step, const std::string& path, const Scenario& sc,
                    unsigned version) {
    const json& j = r.member(step, path, "action");
    const std::string ap = path + ".action";
    Action a;
    const std::string kind = r.string(j, ap, "kind");
    if (!parse_action_kind(kind, a.kind))
        r.fail(ap + ".kind", "unknown action '" + kind + "'");
    a.cpu = static_cast<CpuId>(r.number(j, ap, "cpu", sc.cpus - 1));
    a.task = r.task_or_null(j, ap, "task");
    if (version < 3) {
        parse_legacy_param(r, j, ap, a);
    } else {
        parse_param(r, j, ap, sc, a);
    }
    a.next = r.next_task(j, ap, "next");
    a.fault = parse_enum(r, ap + ".fault", r.string(j, ap, "fault"),
                         std::array{Fault::None, Fault::Resolved, Fault::Unresolvable});
    a.no_preempt = r.optional_boolean(j, ap, "no_preempt", false);
    return a;
}

}  // namespace

Variant parse_variant(std::string_view names, const SourceLocation& where) {
    Variant v;
    if (names == "fixed")
        return v;
    std::size_t start = 0;
    while (start <= names.size()) {
        const std::size_t plus = std::min(names.find('+', start), names.size());
        const std::string_view one = names.substr(start, plus - start);
        const VariantInfo* info = find_variant(one);
        if (info == nullptr) {
            std::string valid = "fixed";
            for (const std::string& n : variant_names())
                valid += ", " + n;
            throw InputError(where,
                             "unknown variant '" + std::string(one) + "' (valid: " + valid + ")");
        }
        v.add(info->id);
        start = plus + 1;
    }
    return v;
}

TraceFile parse_trace_json(std::string_view text, const std::string& file) {
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // nlohmann's message is "[json.exception.parse_error.101] parse error at line 3,
        // column 5: syntax error while parsing ..."; keep only what follows the location.
        std::string what = e.what();
        if (const std::size_t colon = what.find(": ", what.find("parse error"));
            colon != std::string::npos)
            what = what.substr(colon + 2);
        throw InputError(locate(text, e.byte, file), "malformed JSON: " + what);
    } catch (const json::exception& e) {
        // e.g. out_of_range.406, a number too large for any JSON number type (found by
        // fuzz/trace_replay_fuzz.cpp); nlohmann gives no position for these.
        std::string what = e.what();
        if (const std::size_t end = what.find("] "); end != std::string::npos)
            what = what.substr(end + 2);
        throw InputError(SourceLocation{file, 0, 0}, "malformed JSON: " + what);
    }
    const Reader r(file);
    if (!doc.is_object())
        r.fail("trace", "expected a JSON object (a rseqcheck trace)");
    if (r.string(doc, "trace", "format") != "rseqcheck-trace")
        r.fail("format", "expected \"rseqcheck-trace\"");
    // Version 2 (issue 21): "next" may be "idle", and a wakeup may say "no_preempt".
    // Version 3 (issue 25): the action's parameter is a named member ("branch": "revoke",
    // "woken": 2, ...) instead of the number "arg". Versions 1 and 2 read as before.
    const unsigned version = r.number(doc, "trace", "version", 1000);
    if (version < 1 || version > 3)
        r.fail("version", "this rseqcheck reads versions 1 to 3 only");
    TraceFile out;
    out.scenario = parse_scenario(r, doc);
    out.scenario.variant = parse_variant(r.string(doc, "trace", "variant"), {file, 0, 0});
    try {
        validate(out.scenario, {file, 0, 0});
    } catch (const InputError& e) {
        throw InputError(e.where(), std::string("scenario: ") + e.what());
    }
    const json& property = r.member(doc, "trace", "property");
    try {
        out.property = PropertyRef::named(r.string(property, "property", "name"));
    } catch (const InputError& e) {
        r.fail("property.name", e.what());
    }
    const json& steps = r.member(doc, "trace", "steps");
    if (!steps.is_array())
        r.fail("steps", "expected an array");
    for (std::size_t k = 0; k < steps.size(); ++k) {
        out.actions.push_back(
            parse_action(r, steps[k], "steps[" + std::to_string(k) + "]", out.scenario, version));
    }
    // Optional: what minimisation started from, shown again when the trace still fails.
    if (const auto summary = doc.find("summary"); summary != doc.end() && summary->is_object()) {
        constexpr unsigned most = 1U << 30U;
        if (summary->contains("original_steps"))
            out.original_steps = r.number(*summary, "summary", "original_steps", most);
        if (summary->contains("original_environment_events")) {
            out.original_environment_events =
                r.number(*summary, "summary", "original_environment_events", most);
        }
    }
    if (const auto it = doc.find("cycle_start"); it != doc.end() && !it->is_null()) {
        const unsigned c =
            r.number(doc, "trace", "cycle_start", static_cast<unsigned>(out.actions.size()));
        out.cycle_start = c;
    }
    return out;
}

namespace {

/// The file's text. A directory opens on Linux and reads as empty, which would be reported
/// as malformed JSON: name it for what it is.
std::string read_trace_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError({path, 0, 0}, "cannot open the trace file: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError({path, 0, 0}, "cannot open the trace file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TraceFile load_trace_file(const std::string& path) {
    return parse_trace_json(read_trace_file(path), path);
}

ReplayReport replay_text(std::string_view text, const std::string& file,
                         const ReplayTarget& target) {
    TraceFile tf = parse_trace_json(text, file);
    switch (target.kind) {
    case ReplayTarget::Kind::Recorded:
        break;
    case ReplayTarget::Kind::Named:
        tf.scenario.variant = parse_variant(target.variant);
        break;
    case ReplayTarget::Kind::Fixed:
        tf.scenario.variant = Variant{};
        break;
    }
    const RseqModel model(tf.scenario);
    ReplayReport report;
    const bool leads_to = tf.property.index >= 0 &&
                          properties::catalog()[static_cast<std::size_t>(tf.property.index)].kind ==
                              properties::PropertyKind::LeadsTo;
    report.result = leads_to ? replay_lasso(model, tf.property, tf.actions, tf.cycle_start)
                             : replay(model, tf.property, tf.actions);
    report.result.trace.original_steps = tf.original_steps;
    report.result.trace.original_environment_events = tf.original_environment_events;
    report.result.trace.violated = report.result.outcome == ReplayOutcome::Violated;
    const std::string variant = tf.scenario.variant.name();
    switch (report.result.outcome) {
    case ReplayOutcome::Violated:
        report.exit_code = 1;
        report.output = render_text(report.result.trace);
        break;
    case ReplayOutcome::NoViolation:
        report.exit_code = 0;
        report.output = "Replayed " + std::to_string(tf.actions.size()) + " steps on " + variant +
                        ": " + tf.property.name + " (" + tf.property.spec_id + ") holds\n";
        break;
    case ReplayOutcome::NotEnabled:
        report.exit_code = 2;
        report.error = file + ": error: on " + variant + ", " + report.result.reason + "\n";
        break;
    }
    return report;
}

ReplayReport replay_file(const std::string& path, const ReplayTarget& target) {
    return replay_text(read_trace_file(path), path, target);
}

}  // namespace rseqcheck::cex
