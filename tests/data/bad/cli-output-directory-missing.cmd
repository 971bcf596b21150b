# exit: 2
# stderr: rseqcheck: error: cannot write '{out}/missing/report.json': directory '{out}/missing' does not exist
check --preset tiny --output {out}/missing/report.json
