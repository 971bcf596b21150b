# exit: 2
# stderr: tests/data/traces/unknown-variant.json: error: unknown variant 'pre_deadbeef' (valid: fixed, pre_0ac3b5c3, pre_7ee58f98, pre_dd0a0460, mut_grant_ignores_user_irq, mut_grant_ignores_deny, mut_no_irq_guard_clear, mut_rt_full_grantable, mut_syscall_skips_user_clear, mut_fastpath_fault_returns, mut_timer_ignores_cookie, mut_yield_keeps_yielded, mut_irq_exit_keeps_events, mut_yield_no_resched)
replay tests/data/traces/unknown-variant.json
