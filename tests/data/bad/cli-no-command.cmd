# exit: 2
# stderr: rseqcheck: error: a command is required: check, list, replay, bound or graph (see rseqcheck --help)

