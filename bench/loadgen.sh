#!/usr/bin/env bash
# podpilot load beside hey and wrk (Debian's), in one session, on the same
# loopback nginx (one worker, a 20-byte JSON answer, keep-alive), the same
# -c, SECONDS each, alternated ROUNDS times: requests a second, and CPU per
# request (user + system of the client alone, from its rusage). Prints each
# run and the ratios of the medians. On 2 cores nginx takes one: the
# server, not the client, caps the rate, so CPU per request is the
# client's own cost.
# Usage: bench/loadgen.sh BUILD/podpilot [C [SECONDS [ROUNDS]]]
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); c=${2:-20}; secs=${3:-5}; rounds=${4:-3}
for t in nginx hey wrk python3; do
    command -v $t >/dev/null || [ -x /usr/sbin/$t ] || { echo "$t not found (apt-get install nginx-light hey wrk)"; exit 1; }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d); chmod 755 "$tmp"; ng=
trap '[ -n "$ng" ] && kill $ng 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/b; proxy_temp_path $tmp/p; fastcgi_temp_path $tmp/f;
    uwsgi_temp_path $tmp/u; scgi_temp_path $tmp/s;
    keepalive_requests 10000000;
    server {
        listen 127.0.0.1:$port;
        location / { default_type application/json; return 200 '{"predictions":[1]}\n'; }
    }
}
NGX
"$nginx" -c "$tmp/nginx.conf" -p "$tmp" >/dev/null 2>&1 &
ng=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/v1/models/m:predict"
# one run: "rps cpu_us_per_request" of the client
run() { # name cmd...
    python3 - "$@" <<'PY'
import re, resource, subprocess, sys
name, cmd = sys.argv[1], sys.argv[2:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
out = subprocess.run(cmd, capture_output=True, text=True).stdout
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
if name == "wrk":
    n = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
else:
    n = sum(int(x) for x in re.findall(r"\[\d+\]\s+(\d+) responses", out))
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
print("%-8s %9.0f req/s  %6.2f us CPU/request  (%d requests)" % (name, rps, cpu / max(n, 1) * 1e6, n))
print("RESULT", name, rps, cpu / max(n, 1) * 1e6, file=sys.stderr)
PY
}
echo "c=$c, ${secs}s each, $rounds rounds, nginx 1 worker on 127.0.0.1, $(nproc) cores"
for r in $(seq "$rounds"); do
    run podpilot "$bin" load -z "${secs}s" -c "$c" "$url" 2>>"$tmp/res"
    run hey hey -z "${secs}s" -c "$c" "$url" 2>>"$tmp/res"
    run wrk wrk -t1 -c "$c" -d "${secs}s" "$url" 2>>"$tmp/res"
done
python3 - "$tmp/res" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.startswith("RESULT")]
med = {}
for name in ("podpilot", "hey", "wrk"):
    rs = [float(r[2]) for r in rows if r[1] == name]
    cs = [float(r[3]) for r in rows if r[1] == name]
    med[name] = (statistics.median(rs), statistics.median(cs))
p, h, w = med["podpilot"], med["hey"], med["wrk"]
print("medians: podpilot %.0f req/s %.2f us, hey %.0f req/s %.2f us, wrk %.0f req/s %.2f us" % (p + h + w))
print("podpilot / hey: %.2fx the rate, %.2fx less CPU per request" % (p[0] / h[0], h[1] / p[1]))
print("podpilot / wrk: %.2fx the rate, %.2fx less CPU per request" % (p[0] / w[0], w[1] / p[1]))
PY
