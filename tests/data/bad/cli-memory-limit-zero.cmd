# exit: 2
# stderr: rseqcheck: error: --memory-limit must be more than 0
check --preset tiny --memory-limit 0 --output {out}/report
