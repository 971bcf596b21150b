# exit: 2
# stderr: rseqcheck: error: --against fix_revoke_reraises_resched is the patch itself
compare --variant fix_revoke_reraises_resched --against fix_revoke_reraises_resched --preset tiny --output {out}/report
