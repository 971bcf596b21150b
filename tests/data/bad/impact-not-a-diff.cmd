# exit: 2
# stderr: tests/data/patches/not-a-diff.txt:1:1: error: not a unified diff: no 'diff --git' or '+++' file header (git diff or git format-patch output)
impact tests/data/patches/not-a-diff.txt
