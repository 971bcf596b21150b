# exit: 2
# stderr: tests/data/patches/bad-hunk-header.patch:4:10: error: malformed hunk header (expected '@@ -A,B +C,D @@')
impact tests/data/patches/bad-hunk-header.patch
