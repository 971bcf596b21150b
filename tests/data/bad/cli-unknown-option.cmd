# exit: 2
# stderr: rseqcheck: error: the following argument was not expected: --bogus (see rseqcheck --help)
check --preset tiny --bogus --output {out}/report
