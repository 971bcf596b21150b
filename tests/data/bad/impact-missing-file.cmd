# exit: 2
# stderr: tests/data/patches/no-such.patch: error: cannot read the patch
impact tests/data/patches/no-such.patch
