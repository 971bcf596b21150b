# exit: 2
# stderr: rseqcheck: error: a command is required: check, list, replay or bound (see rseqcheck --help)

