# exit: 2
# stderr: rseqcheck: error: unknown preset 'tinny' (valid: default, deep, tiny, grant, grant-syscall, grant-race, preempt-full, remote-wakeup, rt, fault-migrate, membarrier, arm64-cs, cs, cs-signal, cs-invalid, hrtimer-rearm, prctl, prctl-v1, fork-exec)
compare --variant fix_revoke_reraises_resched --preset tinny --output {out}/report
