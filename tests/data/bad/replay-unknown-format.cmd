# exit: 2
# stderr: rseqcheck: error: unknown format 'xml' (valid: text, json, timeline, dot, html)
replay --format xml counterexamples/corpus/7ee58f98-no-stale-grant-after-switch.json
