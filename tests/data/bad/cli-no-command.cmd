# exit: 2
# stderr: rseqcheck: error: a command is required: check, list, replay, bound, graph or compare (see rseqcheck --help)

