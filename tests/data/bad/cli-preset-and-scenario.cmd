# exit: 2
# stderr: rseqcheck: error: --preset excludes --scenario (see rseqcheck --help)
check --preset tiny --scenario {bad}/empty.toml --output {out}/report
