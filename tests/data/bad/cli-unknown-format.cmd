# exit: 2
# stderr: rseqcheck: error: unknown format 'yaml' (valid: text, json, junit, sarif, ktap)
check --preset tiny --format yaml --output {out}/report
