# exit: 2
# stderr: rseqcheck: error: compare needs the patch: --variant fix_<name>
compare --preset tiny --output {out}/report
