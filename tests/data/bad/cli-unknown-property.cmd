# exit: 2
# stderr: rseqcheck: error: unknown property 'timer-armed-on-grnt' (did you mean 'timer-armed-on-grant'?)
check --preset tiny --property timer-armed-on-grnt --output {out}/report
