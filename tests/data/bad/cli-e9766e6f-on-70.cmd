# exit: 2
# stderr: rseqcheck: error: variant pre_e9766e6f needs kernel = "7.0.y" or "7.1" (it undoes a fix that 7.0.y and 7.1 have; kernel "7.0", c17ee635, does not have it)
check --preset grant --variant pre_e9766e6f --output {out}/report
