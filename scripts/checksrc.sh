#!/usr/bin/env bash
# The written style, checked (curl's checksrc in spirit): every C file is
# clang-format clean, no line is over 100 columns, no banned function is
# called, and every header opens with a comment saying what it is for.
# Exit 1 with one line per finding, file:line first.
set -u
cd "$(dirname "$0")/.."
bad=0
say() { echo "$1"; bad=1; }
files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h')
if command -v clang-format >/dev/null; then
    for f in $files; do
        clang-format --dry-run "$f" 2>&1 | grep -q 'warning:' &&
            say "$f: differs from clang-format (run: make format)"
    done
else
    say "clang-format is not installed (apt-get install clang-format)"
fi
found=$(for f in $files; do
    perl -CSD -ne 'chomp; printf "%s:%d: line of %d columns (at most 100)\n", $ARGV, $., length if length > 100' "$f"
    # sprintf, vsprintf, strcat, strncat, strcpy, gets: they write into fixed
    # buffers without a bound (snprintf or engine/buf instead).
    grep -nE '(^|[^a-z_])(sprintf|vsprintf|strcat|strncat|strcpy|gets)\(' "$f" |
        sed "s|^|$f:|; s|$|: banned function|"
done)
[ -n "$found" ] && say "$found"
for f in $(git ls-files --cached --others --exclude-standard '*.h'); do
    head -1 "$f" | grep -q '^/\*' || say "$f:1: a header opens with a comment saying what it is for"
done
[ $bad -eq 0 ] && echo "checksrc: $(wc -w <<<"$files") files clean"
exit $bad
