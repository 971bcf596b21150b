# exit: 2
# stderr: rseqcheck: error: could not convert: --threads = two (see rseqcheck --help)
check --preset tiny --threads two --output {out}/report
