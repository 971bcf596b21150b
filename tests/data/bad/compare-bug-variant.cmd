# exit: 2
# stderr: rseqcheck: error: variant 'pre_7ee58f98' is a bug, not a patch: compare takes a fix_ variant (`rseqcheck check --variant pre_7ee58f98` shows the bug)
compare --variant pre_7ee58f98 --preset tiny --output {out}/report
