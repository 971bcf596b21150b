/// \file
/// The kernels a scenario can name (`kernel = "7.0"`): which tree and which commits the
/// model follows for each, and whether the model implements that kernel's differences yet.
/// Spec: kernel-model-spec.md 1.2 (sources read), 6.4-6.6 (the later changes).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rseqcheck {

/// The kernel a scenario checks. 7.0 is the model's baseline; the others are 7.0 plus the
/// commits their catalogue entry names.
enum class Kernel : std::uint8_t {
    Linux70,        ///< "7.0": torvalds/linux c17ee635 (the 7.0 tree the spec read)
    Linux70Stable,  ///< "7.0.y": 7.0 with the stable backport of b9eac6a9 (RSEQ ABI V1/V2)
    Linux71,        ///< "7.1": 7.0 with the deferred hrtimer rearm (0e98eb14, 15dd3a94)
};

/// What `rseqcheck list kernels` says of one kernel.
struct KernelInfo {
    Kernel id;
    std::string_view name;  ///< as written in a scenario: "7.0", "7.0.y", "7.1"
    /// The tree and the commits the model follows for this kernel, `<sha> ("<subject>")`.
    std::span<const std::string_view> follows;
    std::string_view description;  ///< one line: what differs from 7.0 in the model
    /// The model implements this kernel's differences; a scenario naming one that it does
    /// not is refused (InputError) rather than checked as 7.0 under another name.
    bool modelled = true;
};

/// Every kernel, in `rseqcheck list kernels` order.
std::span<const KernelInfo> kernel_catalog();
const KernelInfo& kernel_info(Kernel k);
/// The catalogue entry of a name, or nothing.
const KernelInfo* find_kernel(std::string_view name);
/// The valid names, for error messages.
std::vector<std::string> kernel_names();
std::string_view to_string(Kernel k);

}  // namespace rseqcheck
