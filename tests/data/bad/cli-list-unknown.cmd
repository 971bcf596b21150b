# exit: 2
# stderr: rseqcheck: error: unknown list 'things' (valid: properties, variants, presets, kernels, transitions)
list things
