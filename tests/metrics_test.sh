#!/usr/bin/env bash
# --metrics-addr against real parts: Debian's promtool checks the exposition
# as Prometheus's own parser and linter read it, and a real Prometheus
# scrapes a running session every second; its query API must then hold the
# session's figures (the KPA's panic, the replicas it asked for).
set -u
bin=${1:?usage: metrics_test.sh PATH/TO/podpilot EXAMPLES_DIR}
examples=${2:?usage: metrics_test.sh PATH/TO/podpilot EXAMPLES_DIR}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
examples=$(cd "$examples" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for t in prometheus promtool curl python3; do
    command -v $t >/dev/null || { echo "$t not found: skipped"; exit 77; }
done
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"

# A session at 4x (the flowers example: a 30 s hey burst panics the KPA).
"$bin" --headless --speed 4 --duration 160 --metrics-addr 127.0.0.1:0 "$examples/flowers-sample.yaml" >pp.out 2>pp.err &
pids+=($!)
for _ in $(seq 50); do grep -q 'metrics at' pp.err && break; sleep 0.1; done
addr=$(sed -n 's|^podpilot: metrics at http://\(.*\)/metrics$|\1|p' pp.err)
check "the address is said on stderr" "[ -n '$addr' ] || { cat pp.err; false; }"
sleep 2
curl -s -D head.txt "http://$addr/metrics" >m1.txt
check "served as text format 0.0.4" "grep -qi '^content-type: text/plain; version=0.0.4' head.txt"
promtool check metrics <m1.txt >lint.txt 2>&1; rc=$?
check "promtool check metrics: no problem" "[ $rc -eq 0 ] || { cat lint.txt; false; }"
check "the KPA's figures are in it" "grep -q '^podpilot_desired_replicas{namespace=\"default\",name=\"flowers-sample-predictor\",class=\"kpa\"} [0-9]' m1.txt && grep -q '^podpilot_stable_value{.*metric=\"concurrency\"}' m1.txt"

# The exporters' shapes (tests/data/metrics: vLLM's colons, OVMS's
# streams, queue-proxy's revision_* series), served as their /metrics.
mkdir -p ex && cp "$here/data/metrics/"*.prom ex/
(cd ex && exec python3 -m http.server --bind 127.0.0.1 0 >../ex.log 2>&1) &
pids+=($!)
for _ in $(seq 50); do eport=$(sed -n 's/.*port \([0-9]*\).*/\1/p' ex.log | head -1); [ -n "$eport" ] && break; sleep 0.1; done

# A real Prometheus scraping them every second.
pport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >prom.yml <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: podpilot
    static_configs: [{targets: ['$addr']}]
  - job_name: vllm
    metrics_path: /vllm.prom
    static_configs: [{targets: ['127.0.0.1:$eport']}]
  - job_name: ovms
    metrics_path: /ovms.prom
    static_configs: [{targets: ['127.0.0.1:$eport']}]
  - job_name: queue-proxy
    metrics_path: /queue-proxy.prom
    static_configs: [{targets: ['127.0.0.1:$eport']}]
EOF
promtool check config prom.yml >/dev/null 2>&1
check "promtool check config: the scrape config is valid" "[ $? -eq 0 ]"
prometheus --config.file=prom.yml --storage.tsdb.path=tsdb --web.listen-address=127.0.0.1:$pport >prom.log 2>&1 &
pids+=($!)
q() { curl -s "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1"; }
up=""
for _ in $(seq 150); do
    up=$(q 'up{job="podpilot"}' 2>/dev/null)
    grep -q '"value":\[[0-9.]*,"1"\]' <<<"$up" && break
    sleep 0.2
done
check "Prometheus scrapes podpilot: up is 1" "grep -q '\"value\":\[[0-9.]*,\"1\"\]' <<<'$up' || { echo '$up'; tail -5 prom.log; false; }"
sleep 8 # 32 simulated seconds: the burst and its panic
panic=$(q 'max_over_time(podpilot_panic_mode{name="flowers-sample-predictor"}[1m])')
check "Prometheus saw the KPA panic" "grep -q '\"value\":\[[0-9.]*,\"1\"\]' <<<'$panic' || { echo '$panic'; false; }"
desired=$(q 'max_over_time(podpilot_desired_replicas{name="flowers-sample-predictor"}[1m]) >= 2')
check "Prometheus saw it ask for more replicas" "grep -q '\"result\":\[{' <<<'$desired' || { echo '$desired'; false; }"
info=$(q 'podpilot_info')
check "podpilot_info carries the version and the source" "grep -q '\"source\":\"sim\"' <<<'$info' && grep -q '\"version\":\"' <<<'$info'"
scrapes=$(q 'scrape_samples_scraped{job="podpilot"}')
check "every scrape parsed (samples scraped > 10)" "grep -q '\"value\":\[[0-9.]*,\"[1-9][0-9]\+\"\]' <<<'$scrapes' || { echo '$scrapes'; false; }"

# deploy/grafana's dashboard: every query valid PromQL that Prometheus
# runs, on metric names podpilot serves.
dash="$here/../deploy/grafana/podpilot-dashboard.json"
python3 - "$dash" >exprs.txt <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["panels"]:
    for t in p.get("targets", []):
        e = t["expr"]
        for k, v in (("$namespace", "default"), ("$name", "flowers-sample-predictor"),
                     ("$__rate_interval", "1m"), ("$__range", "5m")):
            e = e.replace(k, v)
        print(e)
EOF
check "the dashboard has queries" "[ \$(wc -l <exprs.txt) -ge 10 ]"
bad=0
while IFS= read -r e; do
    r=$(q "$e")
    grep -q '"status":"success"' <<<"$r" || { echo "dashboard query failed: $e: $r"; bad=1; }
done <exprs.txt
check "Prometheus runs every dashboard query" "[ $bad -eq 0 ]"
served=$(grep -o '^podpilot_[a-z_]*' m1.txt | sort -u)
unknown=$(grep -o 'podpilot_[a-z_]*' exprs.txt | sort -u | grep -vxF "$served" | grep -vx 'podpilot_cluster_desired_replicas\|podpilot_agreement\|podpilot_agreement_seconds_total\|podpilot_warming\|podpilot_gpu_utilization_percent')
check "the dashboard names only metrics podpilot serves" "[ -z '$unknown' ] || { echo '$unknown'; false; }"
r=$(q 'podpilot_desired_replicas{namespace="default",name=~"flowers-sample-predictor"}')
check "the replicas panel's query finds the service" "grep -q '\"result\":\[{' <<<'$r'"

# podpilot metrics query: the same Prometheus through metrics/promapi.
pq() { "$bin" metrics query --prometheus "http://127.0.0.1:$pport" "$@"; }
out=$(pq 'podpilot_info' 2>&1); rc=$?
check "metrics query: a vector, printed as promtool does" "[ $rc -eq 0 ] && grep -q '^podpilot_info{instance=\"$addr\", job=\"podpilot\", source=\"sim\", version=\"[^\"]*\"} => 1 @\[[0-9.]*\]$' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$(pq --range 10s --step 1s 'podpilot_desired_replicas{name="flowers-sample-predictor"}' 2>&1); rc=$?
check "metrics query --range: a matrix, a point a second" "[ $rc -eq 0 ] && grep -q '^podpilot_desired_replicas{.*} =>$' <<<\"\$out\" && [ \$(grep -c ' @\[' <<<\"\$out\") -ge 5 ] || { echo \"\$out\"; false; }"
out=$(pq 'scalar(sum(podpilot_info))' 2>&1)
check "metrics query: a scalar" "grep -q '^scalar: 1 @\[' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$(pq 'podpilot_no_such_metric' 2>&1); rc=$?
check "metrics query: an empty result says who answered (buildinfo)" "[ $rc -eq 0 ] && grep -q 'no series (Prometheus 2\.[0-9.]*[^ ]* at http://127.0.0.1:$pport)' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics query --prometheus "http://ops:s3cret@127.0.0.1:$pport" 'podpilot_info{' 2>&1); rc=$?
check "metrics query: Prometheus's errorType and error, exit 1, no password shown" "[ $rc -eq 1 ] && grep -q 'bad_data: invalid parameter \"query\"' <<<\"\$out\" && ! grep -q s3cret <<<\"\$out\" || { echo \"\$out\"; false; }"
"$bin" metrics query --prometheus "http://127.0.0.1:$pport" --token-file /dev/null up >/dev/null 2>err.txt; rc=$?
check "metrics query: no token over plain http" "[ $rc -eq 1 ] && grep -q 'not sent over plain http' err.txt"
# The exporters' figures as Prometheus has them, read back through promapi.
out=$(pq 'vllm:num_requests_waiting' 2>&1)
check "metrics query: vLLM's colon name, its labels and value" "grep -q '^vllm:num_requests_waiting{engine=\"0\", instance=\"127.0.0.1:$eport\", job=\"vllm\", model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} => 2 @' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$(pq 'sum(ovms_current_requests) / sum(ovms_streams)' 2>&1)
check "metrics query: OVMS's streams ratio as the adapter rule computes it" "grep -q '^{} => 1.5 @' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$(pq 'revision_queue_depth' 2>&1)
check "metrics query: queue-proxy's queue depth" "grep -q '^revision_queue_depth{.*pod_name=\"flowers-00001-deployment-5f8b9-abcde\".*} => 3 @' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$(pq 'rpc_latency{quantile="0.99"}' 2>&1)
check "metrics query: a NaN sample comes back as NaN" "grep -q '} => NaN @' <<<\"\$out\" || { echo \"\$out\"; false; }"
long=podpilot_info
for _ in $(seq 300); do long="$long or podpilot_info"; done
out=$(pq "$long" 2>&1); rc=$?
check "metrics query: a 5 KB expression goes as a form, whole" "[ $rc -eq 0 ] && grep -q '^podpilot_info{' <<<\"\$out\" || { echo \"\$out\" | head -3; false; }"

# podpilot metrics series: /api/v1/series, several selectors at once.
out=$("$bin" metrics series --prometheus "http://127.0.0.1:$pport" 'podpilot_info' 'up{job="podpilot"}' 2>&1); rc=$?
check "metrics series: each matching series on a line, labels sorted" "[ $rc -eq 0 ] && grep -qx 'podpilot_info{instance=\"$addr\", job=\"podpilot\", source=\"sim\", version=\"[^\"]*\"}' <<<\"\$out\" && grep -qx 'up{instance=\"$addr\", job=\"podpilot\"}' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics series --prometheus "http://127.0.0.1:$pport" --range 1m 'podpilot_desired_replicas' 2>&1); rc=$?
check "metrics series --range: the last minute's" "[ $rc -eq 0 ] && grep -q '^podpilot_desired_replicas{class=\"kpa\"' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" metrics series --prometheus "http://127.0.0.1:$pport" '{' 2>&1); rc=$?
check "metrics series: a bad selector is Prometheus's bad_data, exit 1" "[ $rc -eq 1 ] && grep -q 'bad_data' <<<\"\$out\" || { echo \"\$out\"; false; }"

# Prometheus behind TLS and basic auth (its --web.config.file), as a
# managed Prometheus is: verified against the test CA, refused without it.
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=podpilot-test-ca >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj /CN=127.0.0.1 >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
    openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 2 -extfile san.ext >/dev/null 2>&1
    hash=$(python3 -W ignore -c "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH)))")
    printf 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  ops: %s\n' "$hash" >web.yml
    tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    prometheus --config.file=prom.yml --web.config.file=web.yml --storage.tsdb.path=tsdb2 --web.listen-address=127.0.0.1:$tport >prom2.log 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -s --cacert ca.crt -u ops:s3cret "https://127.0.0.1:$tport/-/ready" | grep -qi ready && break; sleep 0.1; done
    out=$("$bin" metrics query --prometheus "https://ops:s3cret@127.0.0.1:$tport" --cacert ca.crt 'vector(1)' 2>&1); rc=$?
    check "metrics query over TLS with basic auth: verified against the CA" "[ $rc -eq 0 ] && grep -q '^{} => 1 @' <<<\"\$out\" || { echo \"\$out\"; tail -3 prom2.log; false; }"
    out=$("$bin" metrics query --prometheus "https://ops:s3cret@127.0.0.1:$tport" 'vector(1)' 2>&1); rc=$?
    check "metrics query over TLS: an unknown CA is refused, exit 1, no password shown" "[ $rc -eq 1 ] && grep -q 'certificate' <<<\"\$out\" && ! grep -q s3cret <<<\"\$out\" || { echo \"\$out\"; false; }"
    out=$("$bin" metrics query --prometheus "https://ops:wrong@127.0.0.1:$tport" --cacert ca.crt 'vector(1)' 2>&1); rc=$?
    check "metrics query over TLS: a wrong password is a 401, said" "[ $rc -eq 1 ] && grep -q '401' <<<\"\$out\" && ! grep -q wrong <<<\"\$out\" || { echo \"\$out\"; false; }"
fi

# The command line: a malformed address is a usage error, a taken port a failure.
"$bin" --headless --metrics-addr 9464 >/dev/null 2>err.txt; rc=$?
check "--metrics-addr 9464: exit 2, said why" "[ $rc -eq 2 ] && grep -q 'is not \[HOST\]:PORT' err.txt"
"$bin" --headless --duration 5 --metrics-addr "$addr" "$examples/flowers-sample.yaml" >out.txt 2>err.txt; rc=$?
check "a port in use: exit 1 before anything is printed" "[ $rc -eq 1 ] && grep -q 'cannot listen on' err.txt && [ ! -s out.txt ]"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
