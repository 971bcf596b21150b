# exit: 2
# stderr: rseqcheck: error: unknown bound query 'worst' (valid: waiter-delay, extension-bound)
bound worst --preset tiny --output {out}/report
