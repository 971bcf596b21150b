# exit: 2
# stderr: rseqcheck: error: variant pre_411c1cf4 needs arch = "arm64" (it undoes a fix to arm64's own entry code)
check --preset tiny --variant pre_411c1cf4 --output {out}/report
