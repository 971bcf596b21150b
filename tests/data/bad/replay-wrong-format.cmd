# exit: 2
# stderr: tests/data/traces/wrong-format.json: error: format: expected "rseqcheck-trace"
replay tests/data/traces/wrong-format.json
