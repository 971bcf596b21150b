#include "model/scenario_file.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <string>
#include <toml++/toml.h>

#include "model/nearest_name.h"
#include "util/text.h"

namespace rseqcheck {

namespace {

constexpr std::array<std::string_view, 19> top_keys{
    "name",        "description",   "preset",
    "cpus",        "preempt",       "slice_key",
    "debug_key",   "adversarial",   "adversarial_fields",
    "variants",    "properties",    "bounds",
    "tasks",       "timing",        "kernel",
    "arch",        "syscall_kinds", "write_rseq_fields",
    "slice_config"};
/// The names `syscall_kinds` takes: to_string(Syscall) of every value but None.
constexpr std::array<std::string_view, 7> syscall_names{
    "rseq_slice_yield", "sched_yield", "getpid", "rseq", "prctl", "clone", "execve"};
constexpr std::array<std::string_view, 11> task_keys{
    "role",    "slice_enabled", "rt",     "cpu",     "in_critical_section", "abi",
    "cs_user", "sud",           "ptrace", "seccomp", "registered"};
constexpr std::array<std::string_view, 4> seccomp_names{"none", "skip", "notify", "kill"};
constexpr std::array<std::string_view, 2> abi_names{"v1", "v2"};
constexpr std::array<std::string_view, 2> arch_names{"x86", "arm64"};
constexpr std::array<std::string_view, 8> bound_keys{
    "wakeups", "irqs", "faults", "migrations", "signals", "membarriers", "user_writes", "syscalls"};

template <class Names>
std::string nearest(std::string_view name, const Names& names) {
    return nearest_name(name, names).name;
}

std::string type_phrase(toml::node_type t) {
    switch (t) {
    case toml::node_type::none:
        return "nothing";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    }
    return "a value";
}

/// The code point of the UTF-8 sequence at `s[i]` as "U+XXXX" (toml++ decodes escapes into
/// valid UTF-8).
std::string code_point_at(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::uint32_t code = length == 1 ? lead : lead & (0x7FU >> length);
    for (std::size_t k = 1; k < length && i + k < s.size(); ++k)
        code = (code << 6U) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
    std::ostringstream out;
    out << "U+" << std::uppercase << std::hex << std::setw(4) << std::setfill('0') << code;
    return out.str();
}

/// The entries of `t` in the order they were written (a toml::table iterates by key), so
/// that the first error reported is the first in the file.
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& t) {
    std::vector<std::pair<const toml::key*, const toml::node*>> out;
    for (auto&& [key, value] : t)
        out.emplace_back(&key, &value);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const toml::source_position pa = a.first->source().begin;
        const toml::source_position pb = b.first->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    return out;
}

/// Parses one document, remembering where every setting was written.
class Parser {
public:
    explicit Parser(const std::string& source) : source_(source) {}

    ScenarioFile parse(std::string_view text) {
        reject_non_ascii(text);
        toml::table root;
        try {
            root = toml::parse(text, source_);
        } catch (const toml::parse_error& e) {
            std::string what(e.description());
            if (!what.empty())
                what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
            throw InputError(at(e.source()), what);
        }
        ScenarioFile out;
        Scenario& sc = out.scenario;
        sc.name = "custom";
        sc.tasks.clear();
        if (const toml::node* base = root.get("preset")) {
            const std::string name = string_of(*base, "preset");
            try {
                sc = make_preset(name);
            } catch (const InputError& e) {
                throw InputError(at(base->source()), e.what());
            }
        }
        sc.source = source_;
        bool tasks_given = false;
        for (const auto& [key_ptr, value_ptr] : in_file_order(root)) {
            const toml::key& key = *key_ptr;
            const toml::node& value = *value_ptr;
            const std::string k(key.str());
            where_[k] = at(key.source());
            if (k == "preset") {
                continue;
            }
            if (k == "name") {
                sc.name = string_of(value, k);
            } else if (k == "description") {
                sc.description = string_of(value, k);
            } else if (k == "cpus") {
                sc.cpus = unsigned_of(value, k, static_cast<unsigned>(max_cpus), 1);
            } else if (k == "preempt") {
                sc.preempt = preempt_of(value);
            } else if (k == "kernel") {
                sc.kernel = kernel_of(value);
            } else if (k == "arch") {
                sc.arch = arch_of(value);
            } else if (k == "slice_key") {
                sc.slice_key = bool_of(value, k);
            } else if (k == "slice_config") {
                sc.slice_config = bool_of(value, k);
            } else if (k == "debug_key") {
                sc.debug_key = bool_of(value, k);
            } else if (k == "adversarial") {
                sc.adversarial = bool_of(value, k);
            } else if (k == "adversarial_fields") {
                sc.adversarial_fields = bool_of(value, k);
            } else if (k == "syscall_kinds") {
                sc.syscall_kinds = syscall_kinds_of(value);
            } else if (k == "write_rseq_fields") {
                sc.write_rseq_fields = bool_of(value, k);
            } else if (k == "variants") {
                sc.variant = variants_of(value);
            } else if (k == "properties") {
                out.properties = names_of(value, k);
            } else if (k == "bounds") {
                bounds_of(value, sc.bounds);
            } else if (k == "tasks") {
                sc.tasks = tasks_of(value);
                tasks_given = true;
            } else if (k == "timing") {
                out.timing = timing_of(value);
            } else {
                throw InputError(at(key.source()), "unknown key '" + k + "' (did you mean '" +
                                                       nearest(k, top_keys) + "'?)");
            }
        }
        if (!tasks_given && sc.tasks.empty()) {
            throw InputError(SourceLocation{source_, 1, 1},
                             "the scenario has no tasks (add a [[tasks]] table, or start from a "
                             "preset with preset = \"NAME\")");
        }
        try {
            validate(sc, {});
        } catch (const InputError& e) {
            throw InputError(blame(sc), e.what());
        }
        return out;
    }

private:
    SourceLocation at(const toml::source_region& r) const {
        return SourceLocation{source_, static_cast<int>(r.begin.line),
                              static_cast<int>(r.begin.column)};
    }

    /// toml++ 3.3 reaches __builtin_unreachable() in is_unicode_whitespace() on some code
    /// points (found by fuzz/run under UBSan), so non-ASCII never reaches it. Every key and
    /// value of a scenario is ASCII.
    void reject_non_ascii(std::string_view text) const {
        int line = 1;
        int column = 1;
        for (const char c : text) {
            if ((static_cast<unsigned char>(c) & 0x80U) != 0) {
                throw InputError(SourceLocation{source_, line, column},
                                 "non-ASCII byte in a scenario file (keys and values are ASCII)");
            }
            if (c == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
    }

    [[noreturn]] void wrong_type(const toml::node& v, const std::string& key,
                                 const std::string& expected) const {
        throw InputError(at(v.source()), "expected " + expected + " for '" + key + "', found " +
                                             type_phrase(v.type()));
    }

    std::string string_of(const toml::node& v, const std::string& key) const {
        const auto* s = v.as_string();
        if (s == nullptr)
            wrong_type(v, key, "a string");
        require_printable(v, key, s->get());
        return s->get();
    }

    /// Scenario strings reach reports, JUnit XML and KTAP lines, which a control character
    /// or a newline breaks. reject_non_ascii() sees only the raw text, so escapes such as
    /// `\\u0001` or `\\u00e9` are checked here, after toml++ has decoded them.
    void require_printable(const toml::node& v, const std::string& key, std::string_view s) const {
        for (std::size_t i = 0; i < s.size(); ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0x20 && c <= 0x7E)
                continue;
            throw InputError(at(v.source()), "'" + key + "' contains " + code_point_at(s, i) +
                                                 "; scenario strings are printable ASCII "
                                                 "(U+0020..U+007E)");
        }
    }

    bool bool_of(const toml::node& v, const std::string& key) const {
        const auto* b = v.as_boolean();
        if (b == nullptr)
            wrong_type(v, key, "true or false");
        return b->get();
    }

    unsigned unsigned_of(const toml::node& v, const std::string& key, unsigned max,
                         unsigned min = 0) const {
        const auto* i = v.as_integer();
        if (i == nullptr)
            wrong_type(v, key, "an integer");
        const std::int64_t n = i->get();
        if (n < static_cast<std::int64_t>(min) || n > static_cast<std::int64_t>(max)) {
            throw InputError(at(v.source()), "'" + key + "' = " + std::to_string(n) +
                                                 " is outside " + std::to_string(min) + ".." +
                                                 std::to_string(max) +
                                                 " (the most the model state can hold)");
        }
        return static_cast<unsigned>(n);
    }

    PreemptModel preempt_of(const toml::node& v) const {
        const std::string s = string_of(v, "preempt");
        constexpr std::array<PreemptModel, 5> all{PreemptModel::None, PreemptModel::Voluntary,
                                                  PreemptModel::Full, PreemptModel::Lazy,
                                                  PreemptModel::Rt};
        for (const PreemptModel p : all) {
            if (to_string(p) == s)
                return p;
        }
        throw InputError(at(v.source()), "unknown preemption model '" + s +
                                             "' (valid: none, voluntary, full, lazy, rt)");
    }

    /// `kernel = "7.0"`: a name of the kernel catalogue (model/kernel.h) that the model
    /// implements.
    Kernel kernel_of(const toml::node& v) const {
        const std::string s = string_of(v, "kernel");
        const KernelInfo* info = find_kernel(s);
        if (info == nullptr) {
            throw InputError(at(v.source()), "unknown kernel '" + s + "' (did you mean '" +
                                                 nearest(s, kernel_names()) + "'?)");
        }
        if (!info->modelled) {
            throw InputError(at(v.source()), "kernel '" + s + "' is listed but not modelled yet (" +
                                                 std::string(info->description) + ")");
        }
        return info->id;
    }

    /// `arch = "x86" | "arm64"`.
    Arch arch_of(const toml::node& v) const {
        const std::string s = string_of(v, "arch");
        if (s == "x86")
            return Arch::X86;
        if (s == "arm64")
            return Arch::Arm64;
        throw InputError(at(v.source()), "unknown arch '" + s + "' (did you mean '" +
                                             nearest(s, arch_names) + "'?)");
    }

    /// `[timing]`: each key a timing parameter, each value whole nanoseconds.
    std::vector<ValueAt> timing_of(const toml::node& v) {
        std::vector<ValueAt> out;
        for (const auto& [key_ptr, value_ptr] : in_file_order(table_of(v, "timing"))) {
            const std::string k(key_ptr->str());
            const auto* i = value_ptr->as_integer();
            if (i == nullptr)
                wrong_type(*value_ptr, "timing." + k, "an integer (nanoseconds)");
            out.push_back(ValueAt{k, i->get(), at(key_ptr->source())});
        }
        return out;
    }

    std::vector<NamedAt> names_of(const toml::node& v, const std::string& key) {
        std::vector<NamedAt> out;
        if (v.is_string()) {
            out.push_back({string_of(v, key), at(v.source())});
            return out;
        }
        const auto* a = v.as_array();
        if (a == nullptr)
            wrong_type(v, key, "an array of strings");
        for (std::size_t i = 0; i < a->size(); ++i) {
            const toml::node& e = *a->get(i);
            out.push_back({string_of(e, key + "[" + std::to_string(i) + "]"), at(e.source())});
        }
        return out;
    }

    /// `syscall_kinds = ["rseq_slice_yield", ...]`: the syscalls a slice user may issue.
    SyscallKinds syscall_kinds_of(const toml::node& v) {
        SyscallKinds out;
        for (const NamedAt& n : names_of(v, "syscall_kinds")) {
            const auto* it = std::find(syscall_names.begin(), syscall_names.end(), n.name);
            if (it == syscall_names.end()) {
                throw InputError(n.where, "unknown syscall '" + n.name + "' (did you mean '" +
                                              nearest(n.name, syscall_names) + "'?)");
            }
            out.add(static_cast<Syscall>(it - syscall_names.begin() + 1));
        }
        return out;
    }

    Variant variants_of(const toml::node& v) {
        Variant out;
        for (const NamedAt& n : names_of(v, "variants")) {
            const VariantInfo* info = find_variant(n.name);
            if (info == nullptr) {
                throw InputError(n.where, "unknown variant '" + n.name + "' (did you mean '" +
                                              nearest(n.name, variant_names()) + "'?)");
            }
            out.add(info->id);
            where_["variants." + n.name] = n.where;
        }
        return out;
    }

    const toml::table& table_of(const toml::node& v, const std::string& key) const {
        const auto* t = v.as_table();
        if (t == nullptr)
            wrong_type(v, key, "a table");
        return *t;
    }

    void bounds_of(const toml::node& v, Bounds& b) {
        constexpr BoundLimits limits;
        for (const auto& [key_ptr, value_ptr] : in_file_order(table_of(v, "bounds"))) {
            const toml::key& key = *key_ptr;
            const toml::node& value = *value_ptr;
            const std::string k(key.str());
            const std::string path = "bounds." + k;
            where_[path] = at(key.source());
            if (k == "wakeups") {
                b.wakeups = unsigned_of(value, path, limits.wakeups);
            } else if (k == "irqs") {
                b.irqs = unsigned_of(value, path, limits.irqs);
            } else if (k == "faults") {
                b.faults = unsigned_of(value, path, limits.faults);
            } else if (k == "migrations") {
                b.migrations = unsigned_of(value, path, limits.migrations);
            } else if (k == "signals") {
                b.signals = unsigned_of(value, path, limits.signals);
            } else if (k == "membarriers") {
                b.membarriers = unsigned_of(value, path, limits.membarriers);
            } else if (k == "user_writes") {
                b.user_writes = unsigned_of(value, path, limits.user_writes);
            } else if (k == "syscalls") {
                b.syscalls = unsigned_of(value, path, limits.syscalls);
            } else {
                throw InputError(at(key.source()), "unknown key '" + path +
                                                       "' (did you mean 'bounds." +
                                                       nearest(k, bound_keys) + "'?)");
            }
        }
    }

    std::vector<TaskConfig> tasks_of(const toml::node& v) {
        const auto* a = v.as_array();
        if (a == nullptr)
            wrong_type(v, "tasks", "an array of tables ([[tasks]])");
        if (a->size() > max_tasks) {
            throw InputError(at(v.source()), "the scenario has " + std::to_string(a->size()) +
                                                 " tasks; the model holds 1.." +
                                                 std::to_string(max_tasks));
        }
        std::vector<TaskConfig> out;
        for (std::size_t i = 0; i < a->size(); ++i) {
            const toml::node& e = *a->get(i);
            const std::string prefix = "tasks." + std::to_string(i);
            where_[prefix] = at(e.source());
            TaskConfig t;
            bool slice_enabled_given = false;
            for (const auto& [key_ptr, value_ptr] :
                 in_file_order(table_of(e, "tasks[" + std::to_string(i) + "]"))) {
                const toml::key& key = *key_ptr;
                const toml::node& value = *value_ptr;
                const std::string k(key.str());
                std::string path = prefix;
                path += '.';
                path += k;
                where_[path] = at(key.source());
                if (k == "role") {
                    const std::string role = string_of(value, "role");
                    if (role == "slice_user") {
                        t.role = TaskRole::SliceUser;
                    } else if (role == "waiter") {
                        t.role = TaskRole::Waiter;
                    } else if (role == "fork_child") {
                        t.role = TaskRole::ForkChild;
                    } else {
                        throw InputError(at(value.source()),
                                         "unknown task role '" + role +
                                             "' (valid: slice_user, waiter, fork_child)");
                    }
                } else if (k == "slice_enabled") {
                    t.slice_enabled = bool_of(value, k);
                    slice_enabled_given = true;
                } else if (k == "rt") {
                    t.rt = bool_of(value, k);
                } else if (k == "abi") {
                    const std::string abi = string_of(value, "abi");
                    if (abi == "v1") {
                        t.abi = RseqAbi::V1;
                    } else if (abi == "v2") {
                        t.abi = RseqAbi::V2;
                    } else {
                        throw InputError(at(value.source()), "unknown RSEQ ABI '" + abi +
                                                                 "' (did you mean '" +
                                                                 nearest(abi, abi_names) + "'?)");
                    }
                } else if (k == "in_critical_section") {
                    t.in_critical_section = bool_of(value, k);
                } else if (k == "cs_user") {
                    t.cs_user = bool_of(value, k);
                } else if (k == "sud") {
                    t.sud = bool_of(value, k);
                } else if (k == "ptrace") {
                    t.ptrace = bool_of(value, k);
                } else if (k == "seccomp") {
                    t.seccomp = seccomp_of(value);
                } else if (k == "registered") {
                    t.registered = bool_of(value, k);
                } else if (k == "cpu") {
                    t.cpu = static_cast<CpuId>(
                        unsigned_of(value, k, static_cast<unsigned>(max_cpus - 1)));
                } else {
                    throw InputError(at(key.source()), "unknown key '" + k +
                                                           "' in [[tasks]] (did you mean '" +
                                                           nearest(k, task_keys) + "'?)");
                }
            }
            if (!slice_enabled_given)
                t.slice_enabled = t.role == TaskRole::SliceUser && t.registered;
            out.push_back(t);
        }
        return out;
    }

    /// tasks[i].seccomp: "none", "skip", "notify" or "kill".
    SeccompMode seccomp_of(const toml::node& value) {
        const std::string mode = string_of(value, "seccomp");
        for (std::size_t m = 0; m < seccomp_names.size(); ++m) {
            if (mode == seccomp_names[m])
                return static_cast<SeccompMode>(m);
        }
        throw InputError(at(value.source()), "unknown seccomp mode '" + mode +
                                                 "' (valid: none, skip, notify, kill; did you "
                                                 "mean '" +
                                                 nearest(mode, seccomp_names) + "'?)");
    }

    /// The first of `keys` that the file sets, or the start of the file.
    SourceLocation first_of(std::initializer_list<std::string> keys) const {
        for (const std::string& k : keys) {
            if (const auto it = where_.find(k); it != where_.end())
                return it->second;
        }
        return SourceLocation{source_, 1, 1};
    }

    /// Where the contradiction validate() reports was written. Follows validate()'s order of
    /// checks; the message itself is validate()'s.
    SourceLocation blame(const Scenario& sc) const {
        if (!kernel_info(sc.kernel).modelled)
            return first_of({"kernel", "preset"});
        if (sc.tasks.empty() || sc.tasks.size() > max_tasks)
            return first_of({"tasks", "preset"});
        if (sc.bounds.migrations > 0 && sc.cpus < 2)
            return first_of({"bounds.migrations", "cpus", "preset"});
        for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
            const TaskConfig& t = sc.tasks[i];
            const std::string p = "tasks." + std::to_string(i);
            if (t.cpu >= sc.cpus)
                return first_of({p + ".cpu", "cpus", p, "preset"});
            if (t.role == TaskRole::Waiter && t.slice_enabled)
                return first_of({p + ".slice_enabled", p + ".role", p});
            if (t.role == TaskRole::SliceUser && t.slice_enabled && !sc.slice_key)
                return first_of({"slice_key", p + ".slice_enabled", p});
            if (t.role == TaskRole::SliceUser && t.slice_enabled && sc.arch == Arch::Arm64)
                return first_of({"arch", p + ".slice_enabled", p, "preset"});
            if (t.role == TaskRole::SliceUser && t.slice_enabled && sc.kernel != Kernel::Linux70 &&
                t.abi == RseqAbi::V1 && t.registered) {
                return first_of({p + ".abi", p + ".slice_enabled", "kernel", p, "preset"});
            }
            if (t.role == TaskRole::SliceUser && !t.registered &&
                (t.slice_enabled || t.in_critical_section)) {
                return first_of(
                    {p + ".registered", p + ".slice_enabled", p + ".in_critical_section", p});
            }
            if (t.role == TaskRole::Waiter && t.in_critical_section)
                return first_of({p + ".in_critical_section", p + ".role", p});
            if (t.role == TaskRole::Waiter && t.cs_user)
                return first_of({p + ".cs_user", p + ".role", p});
            if (t.role == TaskRole::Waiter && t.sud)
                return first_of({p + ".sud", p + ".role", p});
            if (t.role == TaskRole::Waiter && t.ptrace)
                return first_of({p + ".ptrace", p + ".role", p});
            if (t.role == TaskRole::Waiter && t.seccomp != SeccompMode::None)
                return first_of({p + ".seccomp", p + ".role", p});
            if (t.role == TaskRole::ForkChild &&
                (t.slice_enabled || t.in_critical_section || t.cpu != 0)) {
                return first_of(
                    {p + ".slice_enabled", p + ".in_critical_section", p + ".cpu", p + ".role", p});
            }
            if (t.role == TaskRole::SliceUser && t.slice_enabled && !sc.slice_config)
                return first_of({"slice_config", p + ".slice_enabled", p});
        }
        for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
            const TaskConfig& c = sc.tasks[i];
            if (c.role != TaskRole::ForkChild)
                continue;
            for (const TaskConfig& p : sc.tasks) {
                if (p.role == TaskRole::SliceUser &&
                    (p.abi != c.abi || p.rt != c.rt || p.cs_user != c.cs_user)) {
                    const std::string k = "tasks." + std::to_string(i);
                    return first_of({k + ".abi", k + ".rt", k + ".cs_user", k + ".role", k});
                }
            }
        }
        if (sc.syscall_kinds.has(Syscall::Clone) &&
            std::none_of(sc.tasks.begin(), sc.tasks.end(),
                         [](const TaskConfig& t) { return t.role == TaskRole::ForkChild; }))
            return first_of({"syscall_kinds", "tasks", "preset"});
        if (sc.adversarial_fields && std::none_of(sc.tasks.begin(), sc.tasks.end(),
                                                  [](const TaskConfig& t) { return t.cs_user; }))
            return first_of({"adversarial_fields", "tasks", "preset"});
        if (sc.write_rseq_fields && !sc.adversarial_fields)
            return first_of({"write_rseq_fields", "adversarial_fields", "preset"});
        if (sc.variant.has(VariantSwitch::Pre411c1cf4) && sc.arch != Arch::Arm64)
            return first_of({"variants.pre_411c1cf4", "arch", "preset"});
        if (sc.variant.has(VariantSwitch::Pre82f57244) && sc.kernel == Kernel::Linux70)
            return first_of({"variants.pre_82f57244", "kernel", "preset"});
        if (sc.variant.has(VariantSwitch::MutV1SliceAllowed) && sc.kernel == Kernel::Linux70)
            return first_of({"variants.mut_v1_slice_allowed", "kernel", "preset"});
        if (sc.variant.has(VariantSwitch::MutRtFullGrantable))
            return first_of({"variants.mut_rt_full_grantable", "preempt", "preset"});
        if (sc.variant.has(VariantSwitch::PreAda54c2b) && sc.kernel != Kernel::Linux71)
            return first_of({"variants.pre_ada54c2b", "kernel", "preset"});
        if (sc.variant.has(VariantSwitch::MutGrantSkipsRearm) && sc.kernel != Kernel::Linux71)
            return first_of({"variants.mut_grant_skips_rearm", "kernel", "preset"});
        for (const char* v : {"pre_2cb68e45", "pre_e9766e6f", "pre_010b7723"}) {
            const VariantInfo* info = find_variant(v);
            if (info != nullptr && sc.variant.has(info->id) && sc.kernel == Kernel::Linux70)
                return first_of({std::string("variants.") + v, "kernel", "preset"});
        }
        return first_of({"tasks", "preset"});
    }

    std::string source_;
    std::map<std::string, SourceLocation> where_;
};

/// A TOML basic string. Not named quoted(): with <filesystem> included, a call on a
/// std::string would find std::quoted through argument-dependent lookup.
std::string toml_quoted(std::string_view s) {
    std::ostringstream out;
    out << toml::value<std::string>(std::string(s));
    return out.str();
}

}  // namespace

ScenarioFile parse_scenario(std::string_view text, const std::string& source) {
    return Parser(source).parse(text);
}

ScenarioFile load_scenario_file(const std::string& path) {
    // std::ifstream opens a directory and then reads nothing, which would parse as an empty
    // scenario ("the scenario has no tasks").
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError(SourceLocation{path, 0, 0},
                         "cannot read the scenario file: it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(SourceLocation{path, 0, 0},
                         std::string("cannot read the scenario file: ") + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw InputError(SourceLocation{path, 0, 0}, "cannot read the scenario file");
    return parse_scenario(text.str(), path);
}

std::string scenario_to_toml(const Scenario& sc) {
    std::ostringstream out;
    out << "# rseqcheck scenario (docs/scenarios.md)\n";
    out << "name = " << toml_quoted(sc.name) << "\n";
    if (!sc.description.empty())
        out << "description = " << toml_quoted(sc.description) << "\n";
    out << "cpus = " << sc.cpus << "\n";
    out << "kernel = \"" << to_string(sc.kernel) << "\"\n";
    out << "arch = \"" << to_string(sc.arch) << "\"\n";
    out << "preempt = \"" << to_string(sc.preempt) << "\"\n";
    out << "slice_key = " << (sc.slice_key ? "true" : "false") << "\n";
    if (!sc.slice_config)  // model-part2 area 2b: only when set
        out << "slice_config = false\n";
    out << "debug_key = " << (sc.debug_key ? "true" : "false") << "\n";
    out << "adversarial = " << (sc.adversarial ? "true" : "false") << "\n";
    if (sc.adversarial_fields)  // model-part2 area 1: written only when set
        out << "adversarial_fields = true\n";
    if (sc.write_rseq_fields)  // written only when set
        out << "write_rseq_fields = true\n";
    out << "variants = [";
    bool first = true;
    for (const VariantInfo& v : variant_catalog()) {
        if (!sc.variant.has(v.id))
            continue;
        out << (first ? "" : ", ") << "\"" << v.name << "\"";
        first = false;
    }
    out << "]\n";
    if (!(sc.syscall_kinds == default_syscall_kinds)) {  // model-part2 area 2: only when set
        out << "syscall_kinds = [";
        bool first_nr = true;
        for (std::size_t i = 1; i < syscall_count; ++i) {
            if (!sc.syscall_kinds.has(static_cast<Syscall>(i)))
                continue;
            out << (first_nr ? "" : ", ") << "\"" << syscall_names[i - 1] << "\"";
            first_nr = false;
        }
        out << "]\n";
    }
    const Bounds& b = sc.bounds;
    out << "\n[bounds]\n";
    out << "wakeups = " << b.wakeups << "\n";
    out << "irqs = " << b.irqs << "\n";
    out << "faults = " << b.faults << "\n";
    out << "migrations = " << b.migrations << "\n";
    out << "signals = " << b.signals << "\n";
    out << "membarriers = " << b.membarriers << "\n";
    out << "user_writes = " << b.user_writes << "\n";
    out << "syscalls = " << b.syscalls << "\n";
    for (const TaskConfig& t : sc.tasks) {
        out << "\n[[tasks]]\n";
        out << "role = \"" << to_string(t.role) << "\"\n";
        out << "slice_enabled = " << (t.slice_enabled ? "true" : "false") << "\n";
        out << "rt = " << (t.rt ? "true" : "false") << "\n";
        out << "cpu = " << static_cast<unsigned>(t.cpu) << "\n";
        out << "in_critical_section = " << (t.in_critical_section ? "true" : "false") << "\n";
        out << "abi = \"" << to_string(t.abi) << "\"\n";
        if (t.cs_user)
            out << "cs_user = true\n";
        if (t.sud)  // model-part2 area 3: written only when set
            out << "sud = true\n";
        if (t.ptrace)
            out << "ptrace = true\n";
        if (t.seccomp != SeccompMode::None)
            out << "seccomp = \"" << to_string(t.seccomp) << "\"\n";
        if (!t.registered)
            out << "registered = false\n";
    }
    return out.str();
}

std::string source_line(std::string_view text, int line) {
    if (line < 1)
        return {};
    std::size_t start = 0;
    for (int i = 1; i < line; ++i) {
        const std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            return {};
        start = nl + 1;
    }
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
        end = text.size();
    std::string out(text.substr(start, end - start));
    if (!out.empty() && out.back() == '\r')
        out.pop_back();
    return out;
}

}  // namespace rseqcheck
