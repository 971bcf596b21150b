# exit: 2
# stderr: rseqcheck: error: variant pre_82f57244 needs kernel = "7.0.y" or "7.1" (it undoes a fix those kernels have; 7.0 never had it)
check --preset debug-ids --variant pre_82f57244 --output {out}/report
