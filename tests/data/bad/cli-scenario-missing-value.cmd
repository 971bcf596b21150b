# exit: 2
# stderr: rseqcheck: error: --scenario: 1 required TEXT missing (see rseqcheck --help)
check --scenario
