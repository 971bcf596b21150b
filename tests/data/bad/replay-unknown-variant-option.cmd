# exit: 2
# stderr: rseqcheck: error: unknown variant 'pre_cafe' (valid: fixed, {variants})
replay --variant pre_cafe counterexamples/corpus/7ee58f98-no-stale-grant-after-switch.json
