# exit: 2
# stderr: rseqcheck: error: unknown format 'html' (valid: text, json, markdown)
compare --variant fix_revoke_reraises_resched --preset tiny --format html --output {out}/report
