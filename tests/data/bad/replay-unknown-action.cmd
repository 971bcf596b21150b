# exit: 2
# stderr: tests/data/traces/unknown-action.json: error: steps[2].action.kind: unknown action 'exit_to_user_mode_prepare_v2'
replay tests/data/traces/unknown-action.json
