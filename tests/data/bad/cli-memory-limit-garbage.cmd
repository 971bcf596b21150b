# exit: 2
# stderr: rseqcheck: error: --memory-limit: unknown suffix 'x' in '12x' (valid: K, M, G, T, or KiB, MiB, GiB, TiB)
check --preset tiny --memory-limit 12x --output {out}/report
