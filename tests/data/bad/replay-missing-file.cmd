# exit: 2
# stderr: tests/data/traces/no-such-trace.json: error: cannot open the trace file
replay tests/data/traces/no-such-trace.json
