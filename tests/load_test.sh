#!/usr/bin/env bash
# podpilot load against Debian's nginx on 127.0.0.1: counts, status codes,
# the flags' effects, chunked and Content-Length bodies, timeouts and
# refused connections, and the report's layout beside real hey's (the
# regexes k9s parses hey's report with, and every line's shape).
set -u
bin=${1:?usage: load_test.sh PATH/TO/podpilot}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx not found: skipped"; exit 77; }
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"
chmod 755 "$tmp" # nginx's workers read the files as nobody
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p static && python3 -c 'print("x" * 5000)' >static/big.txt
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=podpilot-test-ca >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj /CN=127.0.0.1 >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 2 -extfile san.ext >/dev/null 2>&1
chmod 644 tls.key
cat >nginx.conf <<NGX
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 1024; }
http {
    log_format conn '\$connection \$request \$status';
    access_log $tmp/access.log conn;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$port;
        location = /v1/models/m:predict { default_type application/json; return 200 '{"predictions":[1]}\n'; }
        location = /fail { return 500 'no\n'; }
        location = /missing { return 404; }
        location = /close { keepalive_timeout 0; return 200 'bye\n'; }
        location = /echo { default_type text/plain; return 200 '\$request_method \$http_content_type \$http_x_model \$http_authorization \$http_user_agent \$content_length\n'; }
        # gzip of a static file on the fly: nginx answers it chunked
        location /static/ { root $tmp; gzip on; gzip_types text/plain; gzip_min_length 0; }
        location /slowbody/ { alias $tmp/static/; limit_rate 1k; }
    }
    server {
        listen 127.0.0.1:$tport ssl;
        ssl_certificate $tmp/tls.crt;
        ssl_certificate_key $tmp/tls.key;
        location / { default_type application/json; return 200 '{"predictions":[1]}\n'; }
    }
}
NGX
"$nginx" -c "$tmp/nginx.conf" -p "$tmp" >nginx.out 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/fail" >/dev/null && break; sleep 0.1; done
u="http://127.0.0.1:$port"
# nginx logs a request just after answering it: let the last ones land first
fresh_log() { sleep 0.3; : >access.log; }
fresh_log

"$bin" load -n 200 -c 10 "$u/v1/models/m:predict" >ours.txt 2>&1; rc=$?
out=$(cat ours.txt)
check "200 requests, 10 workers: exit 0, all 200" "[ $rc -eq 0 ] && grep -qP '^  \[200\]\t200 responses$' <<<\"\$out\" || { echo \"\$out\"; false; }"
check "the body's size from Content-Length" "grep -qP '^  Total data:\t4000 bytes$' <<<\"\$out\" && grep -qP '^  Size/request:\t20 bytes$' <<<\"\$out\""
# k9s reads hey's report with these (internal/view/bench.go)
check "k9s's regexes parse it" "grep -qP 'Total:\s+([0-9.]+)\ssecs' <<<\"\$out\" && grep -qP 'Requests/sec:\s+([0-9.]+)' <<<\"\$out\" && grep -qP '\[2\d{2}\]\s+(\d+)\s+responses' <<<\"\$out\""
check "nginx saw 200 requests" "[ \$(grep -c 'GET /v1/models/m:predict HTTP/1.1 200' access.log) -eq 200 ]"
# (only this run's lines: nginx may log the readiness probe after it answered it)
check "keep-alive: 10 connections for 200 requests" "[ \$(grep 'm:predict' access.log | cut -d' ' -f1 | sort -u | wc -l) -eq 10 ] || { grep 'm:predict' access.log | cut -d' ' -f1 | sort -u | wc -l; false; }"
if command -v hey >/dev/null; then
    hey -n 200 -c 10 "$u/v1/models/m:predict" >hey.txt 2>&1
    shape() { sed -E 's/[0-9]+\.[0-9]+/F/g; s/\[[0-9]+\]/[N]/g; s/ NaN/F/g; s/■+/BAR/g' "$1" | grep -v '^  F \[N\]'; }
    check "the report's lines are hey's, line for line (numbers aside)" "diff <(shape hey.txt) <(shape ours.txt) >shape.diff || { cat shape.diff; false; }"
    check "both end as hey ends: three blank lines" "[ \"\$(tail -c 3 hey.txt | od -An -c | tr -d ' ')\" = \"\$(tail -c 3 ours.txt | od -An -c | tr -d ' ')\" ]"
fi
fresh_log

out=$("$bin" load -n 30 -c 3 -m post -d '{"instances":[1]}' -T application/json -H 'X-Model: iris' -a ops:pw -U probe "$u/echo" 2>&1)
check "-m -d -T -H -a -U: the request nginx saw" "grep -q 'POST application/json iris Basic b3BzOnB3 probe hey/0.0.1 17' <<<\"\$(curl -s -X POST -d '{\"instances\":[1]}' -H 'Content-Type: application/json' -H 'X-Model: iris' -u ops:pw -A 'probe hey/0.0.1' '$u/echo')\" && grep -qP '^  \[200\]\t30 responses$' <<<\"\$out\""
check "the POSTs reached nginx (and curl's one)" "[ \$(grep -c 'POST /echo HTTP/1.1 200' access.log) -eq 31 ]"
out=$("$bin" load -n 40 -c 4 "$u/fail" 2>&1)
check "a 500 is a response, not an error (as hey)" "grep -qP '^  \[500\]\t40 responses$' <<<\"\$out\" && ! grep -q 'Error distribution' <<<\"\$out\""
out=$("$bin" load -n 20 -c 2 "$u/static/big.txt" 2>&1)
check "a chunked (gzipped) body is read to its end" "grep -qP '^  \[200\]\t20 responses$' <<<\"\$out\" && ! grep -q 'Total data' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" load -n 20 -c 2 -disable-compression "$u/static/big.txt" 2>&1)
check "-disable-compression: the plain file, its Content-Length counted" "grep -qP '^  Total data:\t100020 bytes$' <<<\"\$out\" || { echo \"\$out\"; false; }"
fresh_log
out=$("$bin" load -n 50 -c 5 "$u/close" 2>&1)
check "a server that closes after each response: new connections, no error" "grep -qP '^  \[200\]\t50 responses$' <<<\"\$out\" && ! grep -q Error <<<\"\$out\" && [ \$(grep ' /close ' access.log | cut -d' ' -f1 | sort -u | wc -l) -eq 50 ] || { echo \"\$out\"; false; }"
out=$("$bin" load -n 50 -c 5 -disable-keepalive "$u/v1/models/m:predict" 2>&1)
check "-disable-keepalive: every request dials (DNS+dialup above 0 on average)" "grep -qP '^  \[200\]\t50 responses$' <<<\"\$out\""

out=$("$bin" load -n 8 -c 2 http://127.0.0.1:1/ 2>&1); rc=$?
check "a refused port: exit 0, hey's error line, counted" "[ $rc -eq 0 ] && grep -qP '^  \[8\]\tGet \"http://127.0.0.1:1/\": dial tcp 127.0.0.1:1: connect: connection refused$' <<<\"\$out\" && grep -qP '^  Average:\t NaN secs$' <<<\"\$out\" || { echo \"\$out\"; false; }"
# a server that accepts and never answers: -t 1 ends each request
python3 -c '
import socket, time, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >mute.port &
pids+=($!)
for _ in $(seq 50); do [ -s mute.port ] && break; sleep 0.1; done
start=$(date +%s)
out=$("$bin" load -n 4 -c 2 -t 1 "http://127.0.0.1:$(cat mute.port)/" 2>&1); rc=$?
took=$(( $(date +%s) - start ))
check "-t 1 against a mute server: each request times out as Go words it, in about 2 s" "[ $rc -eq 0 ] && [ $took -le 5 ] && grep -qP '^  \[4\]\tGet \"http://127.0.0.1:[0-9]+/\": context deadline exceeded \(Client.Timeout exceeded while awaiting headers\)$' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" load -n 2 -c 1 -t 1 "$u/slowbody/big.txt" 2>&1)
check "-t 1 while the body trickles: the body's timeout" "grep -q 'Client.Timeout or context cancellation while reading body' <<<\"\$out\" || { echo \"\$out\"; false; }"

start=$(date +%s.%N)
out=$("$bin" load -z 2s -c 4 "$u/v1/models/m:predict" 2>&1); rc=$?
took=$(python3 -c "print($(date +%s.%N) - $start)")
check "-z 2s: stops after 2 s with its report" "[ $rc -eq 0 ] && python3 -c 'import sys; sys.exit(not 1.9 <= $took <= 4)' && grep -qP '^  Total:\t2\.0[0-9]+ secs$' <<<\"\$out\" || { echo \"$took\"; echo \"\$out\" | head -5; false; }"
out=$("$bin" load -z 2s -c 2 -q 10 "$u/v1/models/m:predict" 2>err.txt)
n=$(grep -oP '^  \[200\]\t\K[0-9]+' <<<"$out")
check "-q 10 per worker, 2 workers, 2 s: about 40 requests" "[ \"\${n:-0}\" -ge 36 ] && [ \"\${n:-0}\" -le 44 ] || { echo \"n=\$n\"; false; }"
check "-q says its latencies are from the intended send time" "grep -q 'intended send time' err.txt"
out=$("$bin" load -n 100 -c 5 -o csv "$u/v1/models/m:predict" 2>&1)
check "-o csv: hey's header and a row per response" "[ \"\$(head -1 <<<\"\$out\")\" = 'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset' ] && [ \$(grep -c ',200,' <<<\"\$out\") -eq 100 ]"
out=$("$bin" load -n 100 -c 5 --json "$u/v1/models/m:predict" 2>&1)
check "--json: one object, its counts" "python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(not (d[\"responses\"]==100 and d[\"status\"]==dict([(\"200\",100)]) and d[\"p50\"]>0))' \"\$out\" || { echo \"\$out\"; false; }"
fresh_log
out=$("$bin" load -n 100 -c 1 --reconnect-after 10 "$u/v1/models/m:predict" 2>&1)
check "--reconnect-after 10: 100 requests on 10 connections, no error" "grep -qP '^  \[200\]\t100 responses$' <<<\"\$out\" && [ \$(cut -d' ' -f1 access.log | sort -u | wc -l) -eq 10 ] || { echo \"\$out\"; cut -d' ' -f1 access.log | sort -u | wc -l; false; }"

# Ctrl-C: the partial report, as hey prints it
"$bin" load -z 30s -c 2 "$u/v1/models/m:predict" >int.txt 2>&1 &
lp=$!
sleep 1; kill -INT $lp; wait $lp; rc=$?
check "Ctrl-C: exit 130 and the report of what ran" "[ $rc -eq 130 ] && grep -qP '^  \[200\]\t[0-9]+ responses$' int.txt && grep -qP '^  Total:\t[01]\.[0-9]+ secs$' int.txt || { echo rc=$rc; cat int.txt; false; }"

# usage, as hey says it
"$bin" load -n 5 -c 10 "$u/" >/dev/null 2>err.txt; rc=$?
check "-n below -c: hey's words, exit 2" "[ $rc -eq 2 ] && grep -q -- '-n cannot be less than -c.' err.txt"
"$bin" load -c 2 >/dev/null 2>err.txt; rc=$?
check "no URL: hey's usage line, exit 2" "[ $rc -eq 2 ] && grep -q 'Usage: hey \[options...\] <url>' err.txt"
"$bin" load -H 'no colon' "$u/" >/dev/null 2>err.txt; rc=$?
check "a malformed -H: exit 2" "[ $rc -eq 2 ]"
# https: verified against the CA by default (hey never verifies), -k as hey
fresh_log
out=$("$bin" load -n 100 -c 4 --cacert ca.crt "https://127.0.0.1:$tport/v1/models/m:predict" 2>&1); rc=$?
check "https with --cacert: verified, every response a 200" "[ $rc -eq 0 ] && grep -qP '^  \[200\]\t100 responses$' <<<\"\$out\" || { echo \"\$out\"; false; }"
check "https keeps its connections alive: 4 for 100 requests" "[ \$(cut -d' ' -f1 access.log | sort -u | wc -l) -eq 4 ] || { cut -d' ' -f1 access.log | sort -u | wc -l; false; }"
out=$("$bin" load -n 8 -c 2 "https://127.0.0.1:$tport/v1/models/m:predict" 2>&1); rc=$?
check "https without the CA: each request fails as Go says it, exit 0" "[ $rc -eq 0 ] && grep -qP '^  \[8\]\tGet \"https://127.0.0.1:$tport/v1/models/m:predict\": tls: failed to verify certificate: x509: certificate signed by unknown authority$' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" load -n 8 -c 2 -k "https://127.0.0.1:$tport/v1/models/m:predict" 2>&1)
check "https -k: unverified, as hey" "grep -qP '^  \[200\]\t8 responses$' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" load -n 8 -c 2 --cacert ca.crt "https://localhost:$tport/v1/models/m:predict" 2>&1)
check "https to a name the certificate does not hold: refused" "grep -q 'x509: certificate is not valid for this host' <<<\"\$out\" || { echo \"\$out\"; false; }"
out=$("$bin" load -n 8 -c 2 "http://127.0.0.1:$tport/" 2>&1)
check "plain HTTP to a TLS port: nginx's 400, a response" "grep -qP '^  \[400\]\t8 responses$' <<<\"\$out\" || { echo \"\$out\"; false; }"
"$bin" load "http://no-such-host.invalid/" >/dev/null 2>err.txt; rc=$?
check "an unknown host: exit 1, said" "[ $rc -eq 1 ] && grep -q 'lookup no-such-host.invalid' err.txt"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
