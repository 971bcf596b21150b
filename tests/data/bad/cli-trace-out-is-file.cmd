# exit: 2
# stderr: rseqcheck: error: --trace-out 'tests/data/bad/empty.toml' is not a directory
check --preset tiny --trace-out {bad}/empty.toml --output {out}/report
