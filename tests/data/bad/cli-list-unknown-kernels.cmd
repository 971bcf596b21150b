# exit: 2
# stderr: rseqcheck: error: unknown list 'kernel' (valid: properties, variants, presets, kernels, transitions)
list kernel
