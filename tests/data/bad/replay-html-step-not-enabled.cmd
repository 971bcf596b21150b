# exit: 2
# stderr: tests/data/traces/step-not-enabled.json: error: on pre_7ee58f98, step 3 (exit_loop_need_resched cpu=0 task=0) is not enabled; exit_loop_need_resched is not enabled at all here
replay --format html tests/data/traces/step-not-enabled.json
