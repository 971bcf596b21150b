# exit: 2
# stderr: rseqcheck: error: unknown variant 'pre_7ee58f99' (valid: {variants})
check --variant pre_7ee58f99 --output {out}/report
