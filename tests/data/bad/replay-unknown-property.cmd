# exit: 2
# stderr: tests/data/traces/unknown-property.json: error: property.name: unknown property 'no-such-property' (did you mean 'timer-hygiene'?)
replay tests/data/traces/unknown-property.json
