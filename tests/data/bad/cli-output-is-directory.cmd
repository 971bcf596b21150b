# exit: 2
# stderr: rseqcheck: error: output path '{out}' is a directory
check --preset tiny --output {out}
