# exit: 2
# stderr: tests/data/traces/truncated.json:1040:15: error: malformed JSON: syntax error while parsing object key - invalid string: missing closing quote; last read: '"globa'; expected string literal
replay tests/data/traces/truncated.json
