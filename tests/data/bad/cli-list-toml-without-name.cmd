# exit: 2
# stderr: rseqcheck: error: 'list presets --format toml' needs a preset NAME
list presets --format toml
