# exit: 2
# stderr: tests/data/traces/number-overflow.json: error: malformed JSON: number overflow parsing '88888888888888888e88888'
replay tests/data/traces/number-overflow.json
