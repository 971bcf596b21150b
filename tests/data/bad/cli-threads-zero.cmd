# exit: 2
# stderr: rseqcheck: error: --threads 0 is outside 1..1024
check --preset tiny --threads 0 --output {out}/report
