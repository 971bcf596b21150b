# exit: 2
# stderr: rseqcheck: error: variant mut_rt_full_grantable needs preempt = "rt" (it changes the PREEMPT_RT grant mask only)
check --preset tiny --variant mut_rt_full_grantable --output {out}/report
