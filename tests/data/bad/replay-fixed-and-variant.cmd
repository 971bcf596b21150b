# exit: 2
# stderr: rseqcheck: error: --variant excludes --fixed (see rseqcheck --help)
replay --fixed --variant pre_7ee58f98 counterexamples/corpus/7ee58f98-no-stale-grant-after-switch.json
