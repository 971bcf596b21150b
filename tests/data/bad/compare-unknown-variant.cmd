# exit: 2
# stderr: rseqcheck: error: unknown variant 'fix_nothing' (valid: {variants})
compare --variant fix_nothing --output {out}/report
