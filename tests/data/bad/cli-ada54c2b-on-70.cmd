# exit: 2
# stderr: rseqcheck: error: variant pre_ada54c2b needs kernel = "7.1" (it changes the deferred hrtimer rearm, which 7.1 added)
check --preset grant --variant pre_ada54c2b --output {out}/report
