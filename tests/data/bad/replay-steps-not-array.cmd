# exit: 2
# stderr: tests/data/traces/steps-not-array.json: error: steps: expected an array
replay tests/data/traces/steps-not-array.json
