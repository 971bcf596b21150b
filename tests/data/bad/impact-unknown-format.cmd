# exit: 2
# stderr: rseqcheck: error: unknown format 'html' (valid: text, json)
impact tests/data/patches/touches-nothing-modelled.patch --format html
