# exit: 2
# stderr: tests/data/traces/unknown-property.json: error: property.name: unknown property 'no-such-property' (valid: {properties})
replay tests/data/traces/unknown-property.json
