#!/usr/bin/env bash
# Shadow mode at scale, end to end: the project's test API server
# (tests/kube_fake.py) holds SERVICES Deployments with an HPA each, PODS
# pods between them and their PodMetrics; podpilot --kube --headless lists
# and watches them all, runs every HPA for SECONDS, and exits. Prints the
# time until every object is listed and shadow mode runs, CPU seconds, peak RSS and bytes per pod.
# The server is Python: its own speed bounds the list, not podpilot's.
# Usage: bench/kube_scale.sh BUILD/podpilot [SERVICES [PODS [SECONDS]]]
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); svcs=${2:-10000}; pods=${3:-100000}; secs=${4:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); fake=
trap '[ -n "$fake" ] && kill $fake 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kube-fake -addext subjectAltName=IP:127.0.0.1 \
    -keyout server.key -out server.crt 2>/dev/null
/usr/bin/python3 - "$svcs" "$pods" <<'PY'
import json, sys
svcs, pods = int(sys.argv[1]), int(sys.argv[2])
hour = "2026-12-01T09:00:00Z"
out = []
for s in range(svcs):
    name = "svc-%05d" % s
    out.append({"group": "apps", "resource": "deployments", "object": {"metadata": {"name": name, "namespace": "ml"},
        "spec": {"replicas": pods // svcs, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "vllm", "resources": {"requests": {"cpu": "1"}}}]}}}}})
    out.append({"group": "autoscaling", "resource": "horizontalpodautoscalers", "object": {"metadata": {"name": name, "namespace": "ml"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "minReplicas": 1, "maxReplicas": 100,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]},
        "status": {"currentReplicas": pods // svcs, "desiredReplicas": pods // svcs}}})
for p in range(pods):
    name, app = "pod-%06d" % p, "svc-%05d" % (p % svcs)
    out.append({"group": "", "resource": "pods", "object": {"metadata": {"name": name, "namespace": "ml", "labels": {"app": app, "pod-template-hash": "7d4b9c"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": app + "-7d4b9c", "controller": True}]},
        "spec": {"nodeName": "gpu-node-%03d" % (p % 300), "containers": [{"name": "c", "image": "vllm/vllm-openai:v0.6.3", "resources": {"requests": {"cpu": "1", "memory": "16Gi", "nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "1"}},
                 "ports": [{"containerPort": 8000, "protocol": "TCP"}]}]},
        "status": {"phase": "Running", "podIP": "10.4.%d.%d" % (p // 256 % 256, p % 256), "startTime": hour,
                   "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": hour}, {"type": "ContainersReady", "status": "True"}],
                   "containerStatuses": [{"name": "c", "ready": True, "restartCount": 0, "started": True}]}}})
    out.append({"group": "metrics.k8s.io", "resource": "pods", "object": {"metadata": {"name": name, "namespace": "ml"},
        "timestamp": hour, "window": "15s", "containers": [{"name": "c", "usage": {"cpu": "700m"}}]}})
json.dump(out, open("objects.json", "w"))
PY
/usr/bin/python3 "$here/tests/kube_fake.py" --cert server.crt --key server.key --objects objects.json \
    --port-file port --lifetime 3600 --token t &
fake=$!
for _ in $(seq 600); do [ -s port ] && break; sleep 0.1; done
cat >kc <<K
apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "https://127.0.0.1:$(cat port)", certificate-authority: $tmp/server.crt}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: fake, context: {cluster: fake, user: u, namespace: ml}}]
current-context: fake
K
t0=$(date +%s.%N)
/usr/bin/time -f '%U %S %M' -o usage "$bin" --kube --kubeconfig kc --headless --duration "$secs" >out 2>err &
pp=$!
first=
while kill -0 $pp 2>/dev/null; do
    if [ -z "$first" ] && grep -q 'shadow mode on cluster' err 2>/dev/null; then first=$(date +%s.%N); fi
    sleep 0.2
done
wait $pp || { cat err; exit 1; }
read -r user sys rss <usage
decisions=$(grep -c '"class":"hpa"' out || true)
printf 'shadow mode: %d services, %d pods, %d s of cluster time\n' "$svcs" "$pods" "$secs"
printf '  listed and running after: %4.1f s (the test server lists %d objects in pages of 500)\n' \
    "$(echo "${first:-$t0} - $t0" | bc)" "$((2 * svcs + 2 * pods))"
printf '  CPU:                   %6.1f s user, %.1f s system\n' "$user" "$sys"
printf '  peak RSS:              %6.0f MiB  (%.0f bytes per pod)\n' "$(echo "$rss / 1024" | bc)" "$(echo "$rss * 1024 / $pods" | bc)"
printf '  decision lines:        %6d\n' "$decisions"
