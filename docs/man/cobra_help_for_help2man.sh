#!/bin/sh
# cobra_help_for_help2man.sh PROGRAM ARGS...: runs PROGRAM ARGS; for --help,
# rewrites the Go tool's cobra-style help into the GNU layout help2man parses.
# The help text itself stays cobra's (users of the Go tool know it); only its
# headings move: "Usage:" + lines -> "Usage: first" / "  or:  next",
# "Flags:" -> "Options:", and each example becomes its own paragraph so man
# keeps one example per line.
program=$1
shift
if [ "$1" != "--help" ]; then exec "$program" "$@"; fi
"$program" --help | awk '
  /^Usage:$/ { usage = 1; first = 1; next }
  usage && /^  / {
    sub(/^ +/, "")
    if (first) { print "Usage: " $0; first = 0 } else { print "  or:  " $0 }
    next
  }
  usage { usage = 0 }
  /^Flags:$/ { print "Options:"; next }
  /^Examples:$/ { examples = 1; print; next }
  examples && /^  / { print; print ""; next }
  { print }
'
