#!/usr/bin/env bash
# podpilot.1 from the same source as --help: podpilot --help, podpilot
# replay --help and podpilot services --help through manpage.awk.
# Usage: manpage.sh PATH/TO/podpilot OUT.1
set -eu
bin=${1:?usage: manpage.sh PATH/TO/podpilot OUT.1}
out=${2:?usage: manpage.sh PATH/TO/podpilot OUT.1}
awk_file="$(dirname "$0")/manpage.awk"
version=$("$bin" --version | awk '{print $2}')
{
    echo ".TH PODPILOT 1 \"\" \"podpilot $version\" \"User Commands\""
    echo ".SH NAME"
    echo "podpilot \\- watch and steer the autoscaling of model-serving workloads"
    "$bin" --help | awk -v name=SYNOPSIS -f "$awk_file"
    "$bin" replay --help | awk -v name="REPLAY" -f "$awk_file"
    "$bin" services --help | awk -v name="SERVICES" -f "$awk_file"
    cat <<'ROFF'
.SH CONSOLE
In the console, ? lists every key; j and k scroll the list.
.SH ENVIRONMENT
.TP
.B NO_COLOR
set and not empty: the console uses no colour
.TP
.B PODPILOT_THEMES
a directory searched first for \-\-theme NAME
.SH FILES
.TP
.I PREFIX/share/podpilot/themes/*.yaml
the themes \-\-theme names
.SH SEE ALSO
.BR hey (1),
.BR kubectl (1)
ROFF
} >"$out.tmp"
mv "$out.tmp" "$out"
