# exit: 2
# stderr: tests/data/traces/version2-bad-branch-number.json: error: steps[10].action.arg: expected an integer in 0..4 (none, revoke, sigsegv, dispatched, dispatch_fatal), found 7
replay tests/data/traces/version2-bad-branch-number.json
