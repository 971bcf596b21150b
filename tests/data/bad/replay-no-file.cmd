# exit: 2
# stderr: rseqcheck: error: file is required (see rseqcheck --help)
replay
