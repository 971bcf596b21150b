# exit: 2
# stderr: rseqcheck: error: a command is required: check, list, replay, bound, graph, compare or impact (see rseqcheck --help)

