# exit: 2
# stderr: {out}: error: cannot open the trace file: it is a directory
replay {out}
