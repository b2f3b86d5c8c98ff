#!/usr/bin/env bash
# bench/promtext beside its anchors, in one session, on the same ~3 MB
# DCGM-like exposition (20,000 samples): Python's prometheus_client text
# parser (the issue's anchor; Debian's python3-prometheus-client) and Go's
# expfmt parser as promtool check metrics runs it (which also lints, so it
# is an upper bound on Go's parse). Prints MB/s of each and the ratios.
# Usage: bench/promtext_anchor.sh BUILD
set -euo pipefail
build=${1:?usage: promtext_anchor.sh BUILD}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
f="$tmp/dcgm.prom"
ours=$("$build/bench/promtext" --write "$f" | sed -n 's/.*labels: *\([0-9.]*\) MB\/s.*/\1/p')
mb=$(stat -c %s "$f")
printf 'exposition: %s bytes, %s samples\n' "$mb" "$(grep -vc '^#' "$f")"
printf '  podpilot promtext (parse, walk labels):  %8.1f MB/s\n' "$ours"
py=
if /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
    py=$(/usr/bin/python3 - "$f" <<'PY'
import sys, time
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
best = 1e9
for _ in range(5):
    t0 = time.perf_counter()
    n = sum(len(fam.samples) for fam in text_string_to_metric_families(text))
    best = min(best, time.perf_counter() - t0)
print("%.2f" % (len(text) / 1e6 / best))
PY
)
    printf '  Python prometheus_client:                %8.1f MB/s   podpilot %.1fx\n' "$py" "$(echo "$ours / $py" | bc -l)"
else
    echo "  Python prometheus_client: not installed (apt-get install python3-prometheus-client)"
fi
if command -v promtool >/dev/null; then
    best=999
    for _ in 1 2 3; do
        t0=$(date +%s.%N); promtool check metrics <"$f" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc -l); best=$(echo "if ($t < $best) $t else $best" | bc -l)
    done
    go=$(echo "$mb / 1000000 / $best" | bc -l)
    printf '  promtool check metrics (Go, with lint):  %8.1f MB/s   podpilot %.1fx\n' "$go" "$(echo "$ours / $go" | bc -l)"
fi
