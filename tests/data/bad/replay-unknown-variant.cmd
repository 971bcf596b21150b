# exit: 2
# stderr: tests/data/traces/unknown-variant.json: error: unknown variant 'pre_deadbeef' (valid: fixed, {variants})
replay tests/data/traces/unknown-variant.json
