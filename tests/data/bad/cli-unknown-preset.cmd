# exit: 2
# stderr: rseqcheck: error: unknown preset 'tinyy' (valid: default, deep, nightly, tiny, grant, grant-syscall, grant-race, preempt-full, remote-wakeup, rt, fault-migrate, membarrier, arm64-cs, cs, cs-signal, cs-invalid, hrtimer-rearm, sud, seccomp-skip, debug, debug-ids, ro-ids, register, register-key-off, unregister, unregister-race, prctl, prctl-v1, fork-exec)
check --preset tinyy --output {out}/report
