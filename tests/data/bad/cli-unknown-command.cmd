# exit: 2
# stderr: rseqcheck: error: unknown command 'verify' (valid: check, list, replay, bound, graph, compare, impact)
verify --preset tiny
