# exit: 2
# stderr: tests/data/bad/does-not-exist.toml: error: cannot read the scenario file: No such file or directory
check --scenario {bad}/does-not-exist.toml --output {out}/report
