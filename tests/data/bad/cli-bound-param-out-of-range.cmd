# exit: 2
# stderr: rseqcheck: error: --param E=100 is outside [5000, 50000] ns
bound waiter-delay --preset tiny --param E=100 --output {out}/report
