# exit: 2
# stderr: rseqcheck: error: unknown command 'verify' (valid: check, list, replay, bound, graph, compare)
verify --preset tiny
