/// \file
/// Kernel constants in the kernel's spelling, as bit masks of the model's packed words.
/// Kernel: include/asm-generic/thread_info_tif.h, kernel/entry/common.c (work masks),
/// include/linux/rseq_entry.h (TIF_SLICE_EXT_*), include/uapi/linux/rseq.h.
/// Spec: kernel-model-spec.md 2.2, 2.5.
#pragma once

#include <cstdint>

namespace rseqcheck::kabi {

// The thread-info bits the model tracks, packed in a 6-bit word (Task::tif and
// Task::ti_work). The kernel numbers differ (TIF_NEED_RESCHED is bit 4 there); only the
// set matters to the model. TIF_UPROBE, TIF_PATCH_PENDING and TIF_NOTIFY_SIGNAL are not
// modelled: their work never touches rseq state.
inline constexpr std::uint8_t TIF_NOTIFY_RESUME = 1U << 0;
inline constexpr std::uint8_t TIF_SIGPENDING = 1U << 1;
inline constexpr std::uint8_t TIF_NEED_RESCHED = 1U << 2;
inline constexpr std::uint8_t TIF_NEED_RESCHED_LAZY = 1U << 3;
inline constexpr std::uint8_t TIF_RSEQ = 1U << 4;
/// Kernel "7.1" only (15dd3a94): hrtimer_interrupt() left the clockevent unprogrammed and
/// the rearm is deferred to the interrupt return path (kernel bit 12). Never set on 7.0.
inline constexpr std::uint8_t TIF_HRTIMER_REARM = 1U << 5;
/// Every bit Task::tif holds.
inline constexpr std::uint8_t TIF_MODELLED = 0x3FU;

/// kernel/entry/common.c: decides whether exit_to_user_mode_loop() runs at all.
inline constexpr std::uint8_t EXIT_TO_USER_MODE_WORK =
    TIF_NOTIFY_RESUME | TIF_SIGPENDING | TIF_NEED_RESCHED | TIF_NEED_RESCHED_LAZY | TIF_RSEQ;
/// The same without TIF_RSEQ: decides whether the interrupts-on inner loop runs.
inline constexpr std::uint8_t EXIT_TO_USER_MODE_WORK_LOOP =
    EXIT_TO_USER_MODE_WORK & static_cast<std::uint8_t>(~TIF_RSEQ);

/// include/linux/irq-entry-common.h (0e98eb14): the mask __exit_to_user_mode_prepare()
/// uses on an interrupt or exception return (a syscall return uses EXIT_TO_USER_MODE_WORK:
/// TIF_HRTIMER_REARM cannot be pending there). Not part of TIF_SLICE_EXT_DENY.
inline constexpr std::uint8_t EXIT_TO_USER_MODE_WORK_IRQ =
    EXIT_TO_USER_MODE_WORK | TIF_HRTIMER_REARM;
/// include/linux/hrtimer_rearm.h:hrtimer_rearm_deferred_user_irq(): the snapshot bits it
/// looks at; it rearms early only when this part is exactly TIF_HRTIMER_REARM.
inline constexpr std::uint8_t TIF_REARM_MASK =
    TIF_NEED_RESCHED | TIF_NEED_RESCHED_LAZY | TIF_HRTIMER_REARM;

/// include/linux/rseq_entry.h: reschedule bits a slice extension may defer.
/// Non-RT: both; PREEMPT_RT: only the lazy one.
inline constexpr std::uint8_t TIF_SLICE_EXT_SCHED = TIF_NEED_RESCHED | TIF_NEED_RESCHED_LAZY;
inline constexpr std::uint8_t TIF_SLICE_EXT_SCHED_RT = TIF_NEED_RESCHED_LAZY;
/// Any other pending work denies (and revokes) the extension; it contains TIF_RSEQ.
inline constexpr std::uint8_t TIF_SLICE_EXT_DENY =
    EXIT_TO_USER_MODE_WORK & static_cast<std::uint8_t>(~TIF_SLICE_EXT_SCHED);
inline constexpr std::uint8_t TIF_SLICE_EXT_DENY_RT =
    EXIT_TO_USER_MODE_WORK & static_cast<std::uint8_t>(~TIF_SLICE_EXT_SCHED_RT);

/// include/uapi/linux/rseq.h: RSEQ_CPU_ID_UNINITIALIZED is -1; the model's 2-bit CPU id
/// fields use their top value for it.
inline constexpr std::uint8_t RSEQ_CPU_ID_UNINITIALIZED = 3;

/// include/uapi/linux/rseq.h: struct rseq::flags bits the model tracks.
inline constexpr unsigned RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE_BIT = 4;
inline constexpr unsigned RSEQ_CS_FLAG_SLICE_EXT_ENABLED_BIT = 5;

/// Syscall numbers (x86-64). The model distinguishes rseq_slice_yield, sched_yield and
/// "any other syscall" (getpid stands for it).
inline constexpr unsigned NR_RSEQ_SLICE_YIELD = 471;

}  // namespace rseqcheck::kabi
