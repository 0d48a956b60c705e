#!/usr/bin/env bash
# check_man_pages.sh BIN_DIR MAN_DIR: both pages exist, have their sections,
# and name every flag that the program's --help names.
# Exit 77 (ctest: skipped) when the build made no man pages (no help2man).
set -uo pipefail
bin_dir=${1:?usage: $0 BIN_DIR MAN_DIR} man_dir=${2:?usage: $0 BIN_DIR MAN_DIR}
[[ -f $man_dir/datadog-traceroute.1 ]] || { echo "skipped: no man pages built (help2man missing)"; exit 77; }
failed=0
check_page() {  # check_page PROGRAM PAGE SECTION...
  local program=$1 page=$2 section flag; shift 2
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "$@"; do
    if grep -q "^\.SH \"\?$section" "$page"; then echo "ok - $(basename "$page"): $section"; else
      echo "not ok - $(basename "$page"): no $section section"; failed=1; fi
  done
  for flag in $("$bin_dir/$program" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
    if grep -qF -- "${flag//-/\\-}" "$page"; then echo "ok - $(basename "$page"): $flag"; else
      echo "not ok - $(basename "$page"): $flag missing"; failed=1; fi
  done
}
check_page datadog-traceroute "$man_dir/datadog-traceroute.1" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"
check_page datadog-tracerouted "$man_dir/datadog-tracerouted.8" SIGNALS "EXIT STATUS" FILES "SEE ALSO"
if grep -q '^\.TH DATADOG-TRACEROUTE "1"' "$man_dir/datadog-traceroute.1" &&
   grep -q '^\.TH DATADOG-TRACEROUTED "8"' "$man_dir/datadog-tracerouted.8"; then echo "ok - sections 1 and 8"; else
  echo "not ok - page headers"; failed=1; fi
exit $failed
