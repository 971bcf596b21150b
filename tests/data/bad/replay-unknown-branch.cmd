# exit: 2
# stderr: tests/data/traces/unknown-branch.json: error: steps[10].action.branch: unknown branch 'maybe' of rseq_syscall_enter_work (valid: none, revoke, sigsegv, dispatched, dispatch_fatal)
replay tests/data/traces/unknown-branch.json
