#!/usr/bin/env bash
# podpilot metrics check against the machine's promtool on the same
# expositions (DCGM-, vLLM-, OVMS- and queue-proxy-shaped, and malformed
# ones): both accept what is well formed, and for what is not, podpilot's
# first problem is on the line promtool's parser names. Then over real HTTP
# (Python's http.server on 127.0.0.1): an exporter's URL, a 100 MB body,
# binary garbage, and --json's lines.
set -u
bin=${1:?usage: promtext_test.sh PATH/TO/podpilot}
data=$(cd "$(dirname "$0")/data/metrics" && pwd)
command -v promtool >/dev/null || { echo "promtool not found: skipped"; exit 77; }
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }
tmp=$(mktemp -d); srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT

for f in "$data"/*.prom; do
    n=$(basename "$f")
    out=$("$bin" metrics check "$f" 2>&1); rc=$?
    check "$n: podpilot accepts it" "[ $rc -eq 0 ] && grep -q ' families (.*), [0-9]* samples, text format 0.0.4' <<<\"\$out\" || { echo \"\$out\"; false; }"
    promtool check metrics <"$f" >"$tmp/p" 2>&1; prc=$?
    check "$n: promtool parses it too (lint aside)" "[ $prc -eq 0 -o $prc -eq 3 ] && ! grep -q 'parsing error' '$tmp/p' || { cat '$tmp/p'; false; }"
done
for f in "$data"/bad/*.prom; do
    n=bad/$(basename "$f")
    "$bin" metrics check "$f" >"$tmp/o" 2>"$tmp/e"; rc=$?
    check "$n: podpilot refuses it, naming file, line and column" "[ $rc -eq 1 ] && grep -q '^$f:[0-9]*:[0-9]*: ' '$tmp/e' || { cat '$tmp/e'; false; }"
    ours=$(sed -n '1s/^[^:]*:\([0-9]*\):.*/\1/p' "$tmp/e")
    theirs=$(promtool check metrics <"$f" 2>&1 | sed -n 's/.*parsing error in line \([0-9]*\):.*/\1/p')
    if [ -n "$theirs" ]; then
        check "$n: on the line promtool names ($theirs)" "[ '$ours' = '$theirs' ]"
    fi
done
check "the apart samples: a problem promtool's parser lets pass, and Prometheus's text format forbids" \
    "grep -q 'the samples of x are apart' <(\"$bin\" metrics check \"$data/bad/apart.prom\" 2>&1)"

# --json: a line per sample, labels unescaped, NaN as a string
"$bin" metrics check --json "$data/queue-proxy.prom" >"$tmp/j" 2>"$tmp/je"; rc=$?
check "--json: exit 0, one line per sample" "[ $rc -eq 0 ] && [ \$(wc -l <'$tmp/j') -eq 6 ]"
/usr/bin/python3 - "$tmp/j" >"$tmp/jp" 2>&1 <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("path", rows[2]["labels"]["path"])
print("nan", rows[3]["value"])
print("ts", rows[4]["timestamp"], rows[4]["value"])
PY
check "--json: every line is JSON, labels unescaped" "grep -qxF 'path C:\\models\\\"a\"' '$tmp/jp' || { cat '$tmp/jp'; false; }"
check "--json: NaN as a string, timestamps in milliseconds" "grep -qx 'nan NaN' '$tmp/jp' && grep -qx 'ts 1700000000000 7.25' '$tmp/jp'"
check "stdin (-) reads the same" "\"$bin\" metrics check - <\"$data/vllm.prom\" | grep -q '^(stdin): 5 families'"

# over HTTP, from a real server
cp "$data/dcgm.prom" "$tmp/"
head -c 1048576 /dev/urandom >"$tmp/garbage"
head -c 104857600 /dev/zero | tr '\0' 'a' >"$tmp/huge"
(cd "$tmp" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 0 >"$tmp/http.log" 2>&1) &
srv=$!
port=
for _ in $(seq 50); do port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$tmp/http.log" | head -1); [ -n "$port" ] && break; sleep 0.1; done
out=$("$bin" metrics check "http://127.0.0.1:$port/dcgm.prom" 2>&1); rc=$?
check "URL: an exporter's /metrics over HTTP" "[ $rc -eq 0 ] && grep -q '4 families (1 counter, 3 gauge), 5 samples' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics check "http://127.0.0.1:$port/huge" 2>&1); rc=$?
check "URL: a 100 MB body is refused, not read" "[ $rc -eq 1 ] && grep -q 'larger than 64 MiB' <<<\"\$out\" || { echo \"\$out\"; false; }"
"$bin" metrics check "http://127.0.0.1:$port/garbage" >/dev/null 2>"$tmp/g"; rc=$?
check "URL: binary garbage is a list of problems, not a crash" "[ $rc -eq 1 ] && grep -q 'more problems not shown\|: ' '$tmp/g'"
out=$("$bin" metrics check "http://127.0.0.1:$port/none" 2>&1); rc=$?
check "URL: a 404 says so" "[ $rc -eq 1 ] && grep -q 'HTTP 404' <<<\"\$out\""
cp "$data/queue-proxy.prom" "$tmp/qp.prom"
out=$("$bin" metrics check "http://127.0.0.1:$port/qp.prom" --exporter queue-proxy 2>&1); rc=$?
check "--exporter on a URL: read twice for a rate (the file did not change: 0/s), the era named" \
    "[ $rc -eq 0 ] && grep -qF 'queue-proxy: queue depth 3, requests 0/s (Knative <= 1.18 revision_* names)' <<<\"\$out\" || { echo \"\$out\"; false; }"
[ $(grep -c 'GET /qp.prom' "$tmp/http.log") -eq 2 ]; check "--exporter on a URL: two GETs" "[ $? -eq 0 ]"
"$bin" metrics check "$tmp/huge" >/dev/null 2>"$tmp/h"; rc=$?
check "a 100 MB file of one line: its problems, no crash" "[ $rc -eq 1 ] && [ \$(wc -l <'$tmp/h') -le 2 ] || { head -c 300 '$tmp/h'; false; }"

# what podpilot reads from each exporter
out=$("$bin" metrics check "$data/vllm.prom" --exporter vllm 2>&1); rc=$?
check "--exporter vllm: waiting, running, KV cache in percent" "[ $rc -eq 0 ] && grep -qF 'vllm.prom: vllm: waiting 2, running 7, KV cache 31.25%' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics check "$data/ovms.prom" --exporter ovms 2>&1)
check "--exporter ovms: the streams ratio" "grep -qF 'ovms: streams ratio 1.5, requests 6, streams 4' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics check "$data/queue-proxy.prom" --exporter queue-proxy 2>&1)
check "--exporter on a file: a rate needs two readings, said" "grep -qF 'requests - (a rate: needs two readings)' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics check "$data/dcgm.prom" --exporter dcgm --pod llama-predictor-7d4b9c-q8w2e 2>&1)
check "--exporter dcgm --pod: that pod's GPU" "grep -qF 'dcgm pod llama-predictor-7d4b9c-q8w2e: GPU util 12%' <<<\"\$out\" || { echo \"\$out\"; false; }"
"$bin" metrics check "$data/vllm.prom" --exporter triton >/dev/null 2>"$tmp/u"; rc=$?
check "--exporter: an unknown kind is a usage error naming the kinds" "[ $rc -eq 2 ] && grep -q 'vllm, ovms, queue-proxy, seldon and dcgm' '$tmp/u'"
"$bin" metrics check "$data/vllm.prom" --pod x >/dev/null 2>&1; check "--pod without --exporter: exit 2" "[ $? -eq 2 ]"

# usage
"$bin" metrics >/dev/null 2>&1; check "no command: exit 2" "[ $? -eq 2 ]"
"$bin" metrics check >/dev/null 2>&1; check "no source: exit 2" "[ $? -eq 2 ]"
"$bin" metrics check --jsn x >/dev/null 2>"$tmp/u"; rc=$?
check "a misspelt flag: exit 2 and a suggestion" "[ $rc -eq 2 ] && grep -q -- '--json' '$tmp/u'"
"$bin" metrics check /no/such/file >/dev/null 2>"$tmp/u"; rc=$?
check "a missing file: exit 1 and the reason" "[ $rc -eq 1 ] && grep -q 'No such file' '$tmp/u'"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
