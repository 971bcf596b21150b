# exit: 2
# stderr: rseqcheck: error: scenario file 'tests/data/scenarios/names-a-variant.toml' names variant pre_7ee58f98: compare applies the patch and --against itself; remove it
compare --variant fix_revoke_reraises_resched --scenario tests/data/scenarios/names-a-variant.toml --output {out}/report
