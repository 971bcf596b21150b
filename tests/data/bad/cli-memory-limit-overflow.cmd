# exit: 2
# stderr: rseqcheck: error: --memory-limit '99999999999T' is too large
check --preset tiny --memory-limit 99999999999T --output {out}/report
