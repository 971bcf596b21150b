# exit: 2
# stderr: tests/data/traces/branch-on-irq-wakeup.json: error: steps[1].action.branch: irq_wakeup has no branch
replay tests/data/traces/branch-on-irq-wakeup.json
