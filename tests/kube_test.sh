#!/usr/bin/env bash
# podpilot against the project's test API server (tests/kube_fake.py), over
# HTTPS with a CA made here by openssl. First the server's fidelity, proven
# by real clients: the machine's kubectl (the version its dispatcher picks
# for /version 1.28 and 1.32) and Debian's python3-kubernetes. Then podpilot
# through every way a kubeconfig authenticates, and the failures an
# operator meets, each with its message and no credential in any output.
# What this proves: the protocol as kubectl and client-go speak it. What it
# cannot: a real apiserver's admission, API priority and fairness, HTTP/2,
# real exec plugins (README, "Testing against a cluster").
set -u
bin=${1:?usage: kube_test.sh PATH/TO/podpilot}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
for t in kubectl openssl; do command -v $t >/dev/null || { echo "$t not found: skipped"; exit 77; }; done
$py -c 'import kubernetes' 2>/dev/null || { echo "python3-kubernetes not found: skipped"; exit 77; }
. "$here/kube_testlib.sh"

# ---- certificates ----
make_server_cert
ssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other.key -out other.crt
ssl req -newkey rsa:2048 -nodes -subj /CN=operator -keyout client.key -out client.csr
ssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out client.crt
check "openssl made the test CA and certificates" "[ -s server.crt ] && [ -s client.crt ]"

cat >objects.json <<'J'
[{"group": "apps", "resource": "deployments", "object": {"metadata": {"name": "web", "namespace": "ml", "labels": {"app": "web"}},
  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}},
  "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "500m"}}}]}}}, "status": {"replicas": 2, "readyReplicas": 2}}},
 {"group": "apps", "resource": "deployments", "object": {"metadata": {"name": "batch", "namespace": "ml"}, "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "batch"}}, "template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}},
 {"group": "apps", "resource": "deployments", "object": {"metadata": {"name": "other", "namespace": "team-b"}, "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "other"}}, "template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}},
 {"group": "autoscaling", "resource": "horizontalpodautoscalers", "object": {"metadata": {"name": "web", "namespace": "ml"},
  "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5,
  "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]},
  "status": {"currentReplicas": 2, "desiredReplicas": 2}}}]
J
start_fake() { # name, extra flags...: starts a fake; $port is its port
    local name=$1; shift
    rm -f "$name.port"
    $py "$here/kube_fake.py" --cert server.crt --key server.key --objects objects.json \
        --port-file "$name.port" --lifetime 170 --log "$name.log" "$@" &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$name.port" ] && break; sleep 0.1; done
    port=$(cat "$name.port")
}
kc() { # file, server, cluster extra, user yaml: a kubeconfig
    printf 'apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: fake\n  cluster:\n    server: %s\n%s\ncontexts:\n- name: t\n  context: {cluster: fake, user: u, namespace: ml}\nusers:\n- name: u\n  user:\n%s\n' \
        "$2" "$3" "$4" >"$1"
}

start_fake main --token s3cret-token --client-ca ca.crt --max-page 2 --minor 32
main=$port
kc token.kc "https://127.0.0.1:$main" "    certificate-authority: ca.crt" "    token: s3cret-token"

# ---- the server's fidelity: real clients ----
k() { kubectl --kubeconfig token.kc --request-timeout=10s "$@"; }
out=$(k get deploy 2>&1)
check "kubectl 1.32 get deploy" "grep -q '^web ' <<<\"\$out\" && grep -q '^batch ' <<<\"\$out\""
check "kubectl get hpa -o jsonpath" "[ \"\$(k get hpa web -o jsonpath='{.spec.maxReplicas}')\" = 5 ]"
check "kubectl scale (merge-patch on /scale)" "k scale deploy web --replicas=3 >/dev/null && [ \"\$(k get deploy web -o jsonpath='{.spec.replicas}')\" = 3 ]"
check "kubectl patch --type merge" "k patch deploy batch --type merge -p '{\"spec\":{\"replicas\":4}}' >/dev/null && [ \"\$(k get deploy batch -o jsonpath='{.spec.replicas}')\" = 4 ]"
check "kubectl describe hpa" "k describe hpa web | grep -q '^Max replicas: *5'"
(sleep 1.5; curl -s --cacert ca.crt -X PUT "https://127.0.0.1:$main/_object?group=apps&resource=deployments" \
    -d '{"metadata":{"name":"late","namespace":"ml"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"late"}},"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}' >/dev/null) &
out=$(timeout 4 kubectl --kubeconfig token.kc get deploy -w --output-watch-events 2>&1)
check "kubectl get -w: the list, then a live ADDED" "grep -q 'ADDED *web' <<<\"\$out\" && grep -q 'ADDED *late' <<<\"\$out\""
out=$($py - token.kc <<'PY' 2>&1
import sys
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
config.load_kube_config(config_file=sys.argv[1])
apps = client.AppsV1Api()
p1 = apps.list_namespaced_deployment("ml", limit=2)
p2 = apps.list_namespaced_deployment("ml", limit=2, _continue=p1.metadata._continue)
print("pages", len(p1.items), bool(p1.metadata._continue), len(p2.items), p1.metadata.resource_version == p2.metadata.resource_version)
try:
    for ev in watch.Watch().stream(apps.list_namespaced_deployment, "ml", resource_version="1", timeout_seconds=2):
        print("event", ev["type"])
except ApiException as e:
    print("watch", e.status)
apps.patch_namespaced_deployment("web", "ml", {"metadata": {"labels": {"patched": "yes"}}})
print("label", apps.read_namespaced_deployment("web", "ml").metadata.labels.get("patched"))
PY
)
check "python3-kubernetes: paged list at one resourceVersion" "grep -q '^pages 2 True 1 True' <<<\"\$out\" || { echo \"\$out\"; false; }"
check "python3-kubernetes: a watch from a compacted version gets 410" "grep -q '^watch 410' <<<\"\$out\""
check "python3-kubernetes: patch" "grep -q '^label yes' <<<\"\$out\""
start_fake old --token s3cret-token --minor 28
kc old.kc "https://127.0.0.1:$port" "    certificate-authority: ca.crt" "    token: s3cret-token"
out=$(kubectl --kubeconfig old.kc get deploy -o name 2>&1)
check "kubectl 1.28 (the dispatcher's pick for /version 1.28) lists too" "grep -q 'deployment.apps/web' <<<\"\$out\""

# deploy/: the manifests kubectl would apply, mapped by the server's
# discovery (client dry run: nothing is created).
out=$(k apply --dry-run=client --validate=false -f "$here/../deploy/" -o name 2>&1)
check "kubectl apply --dry-run=client -f deploy/" "grep -qx 'namespace/podpilot' <<<\"\$out\" && grep -qx 'clusterrole.rbac.authorization.k8s.io/podpilot-readonly' <<<\"\$out\" && grep -qx 'clusterrole.rbac.authorization.k8s.io/podpilot-operator' <<<\"\$out\" && grep -qx 'deployment.apps/podpilot' <<<\"\$out\" && grep -qx 'service/podpilot-metrics' <<<\"\$out\" || { echo \"\$out\"; false; }"

# ---- podpilot ----
svc() { "$bin" services "$@" 2>"$tmp/err"; }
secrets='s3cret-token\|B0GUS\|plugin-token\|rotated-token'
leak() { ! grep -q "$secrets" "$tmp/out" "$tmp/err"; }
run() { # name, kubeconfig, want (a line of the output), extra...
    local name=$1 file=$2 want=$3; shift 3
    svc --kubeconfig "$file" "$@" >"$tmp/out"; local rc=$?
    check "$name: exit 0" "[ $rc -eq 0 ] || { cat '$tmp/err'; false; }"
    check "$name: lists the cluster's services" "grep -q -- '$want' '$tmp/out' || { cat '$tmp/out' '$tmp/err'; false; }"
    check "$name: no credential in any output" "leak"
}
refused() { # name, kubeconfig, message part
    svc --kubeconfig "$2" >"$tmp/out"; local rc=$?
    check "$1: exit 1" "[ $rc -eq 1 ]"
    check "$1: says \"$3\"" "grep -qF -- '$3' '$tmp/err' || { cat '$tmp/err'; false; }"
    check "$1: no credential in any output" "leak"
}
run "token" token.kc '^ml  *web  *HPA '
check "paged: every page of a resource read (continue followed)" "grep -q '^ml  *batch ' '$tmp/out' && grep -c 'deployments?limit=500&continue=' main.log | grep -q '[1-9]'"
check "the cluster's objects are named where they came from" "grep -q 'cluster t: deployments.apps/v1:' '$tmp/out'"
check "an unserved resource is a note, not an error" "grep -q 'does not serve cronhorizontalpodautoscalers' '$tmp/err'"
run "-A: every namespace" token.kc '^team-b  *other ' -A
printf 's3cret-token\n' >tok
kc tokfile.kc "https://127.0.0.1:$main" "    certificate-authority: ./ca.crt" "    tokenFile: tok"
run "tokenFile (relative, trailing newline)" tokfile.kc '^ml  *web '
kc cert.kc "https://127.0.0.1:$main" "    certificate-authority: ca.crt" "    client-certificate: client.crt
    client-key: client.key"
run "client certificate files" cert.kc '^ml  *web '
kc certdata.kc "https://127.0.0.1:$main" "    certificate-authority-data: $(base64 -w0 ca.crt)" "    client-certificate-data: $(base64 -w0 client.crt)
    client-key-data: $(base64 -w0 client.key)"
run "CA, certificate and key as -data" certdata.kc '^ml  *web '
kc sni.kc "https://127.0.0.1:$main" "    certificate-authority: ca.crt
    tls-server-name: kubernetes.default.svc" "    token: s3cret-token"
run "tls-server-name" sni.kc '^ml  *web '
kc wrongsni.kc "https://127.0.0.1:$main" "    certificate-authority: ca.crt
    tls-server-name: not-the-apiserver" "    token: s3cret-token"
refused "a tls-server-name the certificate does not carry" wrongsni.kc 'x509: the certificate is not valid for this host'
kc wrongca.kc "https://127.0.0.1:$main" "    certificate-authority: other.crt" "    token: s3cret-token"
refused "another CA" wrongca.kc 'x509: certificate signed by unknown authority'
kc bad.kc "https://127.0.0.1:$main" "    certificate-authority: ca.crt" "    token: B0GUS"
refused "a wrong token" bad.kc 'GET /apis/apps/v1/namespaces/ml/deployments?limit=500: 401: the server has asked for the client to provide credentials'
kc insecure.kc "https://127.0.0.1:$main" "    insecure-skip-tls-verify: true" "    token: s3cret-token"
run "insecure-skip-tls-verify" insecure.kc '^ml  *web '
curl -s --cacert ca.crt -X POST "https://127.0.0.1:$main/_fault" \
    -d '{"status":403,"count":1,"message":"deployments.apps is forbidden: User \"operator\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"ml\""}' >/dev/null
refused "RBAC says no" token.kc 'deployments.apps is forbidden: User "operator" cannot list resource'

# exec plugins, as shell scripts (client-go's test plugin shape)
plugin() { # file, body of the ExecCredential's status or a whole script
    printf '#!/bin/sh\n%s\n' "$2" >"$1"; chmod +x "$1"
}
exec_kc() { # file, plugin, apiVersion
    kc "$1" "https://127.0.0.1:$main" "    certificate-authority: ca.crt" "    exec:
      apiVersion: $3
      command: ./$2
      interactiveMode: Never
      provideClusterInfo: true"
}
plugin tokplug 'echo "$KUBERNETES_EXEC_INFO" > exec-info.json
echo "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"s3cret-token\"}}"'
exec_kc exec.kc tokplug client.authentication.k8s.io/v1
run "exec plugin v1 with a token" exec.kc '^ml  *web '
check "exec: KUBERNETES_EXEC_INFO has the cluster" "grep -q '\"server\":\"https://127.0.0.1:$main\"' exec-info.json && grep -q '\"interactive\":false' exec-info.json"
plugin certplug 'printf "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"clientCertificateData\":%s,\"clientKeyData\":%s}}" "$(python3 -c "import json,sys;print(json.dumps(open(\"client.crt\").read()))")" "$(python3 -c "import json,sys;print(json.dumps(open(\"client.key\").read()))")"'
exec_kc execcert.kc certplug client.authentication.k8s.io/v1beta1
run "exec plugin v1beta1 with a client certificate" execcert.kc '^ml  *web '
plugin rotplug 'if [ -f rotated ]; then t=s3cret-token; else t=B0GUS; touch rotated; fi
echo "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"$t\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}"'
exec_kc rot.kc rotplug client.authentication.k8s.io/v1
run "exec: a 401 runs the plugin once more" rot.kc '^ml  *web '
plugin failplug 'echo oops >&2; exit 3'
exec_kc fail.kc failplug client.authentication.k8s.io/v1
refused "exec: a failing plugin" fail.kc 'failplug failed with exit code 3'
plugin verplug 'echo "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"x\"}}"'
exec_kc ver.kc verplug client.authentication.k8s.io/v1
refused "exec: another apiVersion back" ver.kc 'exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1'
plugin nostatus 'echo "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\"}"'
exec_kc nost.kc nostatus client.authentication.k8s.io/v1
refused "exec: no status" nost.kc "return a status field"
exec_kc missing.kc no-such-plugin client.authentication.k8s.io/v1
refused "exec: no such executable" missing.kc 'no-such-plugin not found'
# -w: list, then watch; changes arrive as events whatever the chunking
# (this server cuts every event in two), a stream cut mid-event re-watches
# from the last version, a 410 relists.
put() { curl -s --cacert ca.crt -X PUT "https://127.0.0.1:$main/_object?group=$1&resource=$2${4:+&change=$4}" -d "$3" >/dev/null; }
fault() { curl -s --cacert ca.crt -X POST "https://127.0.0.1:$main/_fault" -d "$1" >/dev/null; }
start_fake split --token s3cret-token --split-events
split=$port
kc split.kc "https://127.0.0.1:$split" "    certificate-authority: ca.crt" "    token: s3cret-token"
main_saved=$main; main=$split
(timeout -s INT 20 "$bin" services --kubeconfig split.kc -w >watch.out 2>watch.err; echo "exit $?" >>watch.out) &
wpid=$!
for _ in $(seq 50); do grep -q '^ADDED' watch.out 2>/dev/null && break; sleep 0.1; done
put autoscaling horizontalpodautoscalers '{"metadata":{"name":"web","namespace":"ml"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":9}}'
sleep 1
put apps deployments '{"metadata":{"name":"fresh","namespace":"ml"},"spec":{"replicas":1}}'
sleep 1
closew() { curl -s --cacert ca.crt -X POST "https://127.0.0.1:$main/_close" >/dev/null; }
fault '{"status":"cut","path":"deployments?allowWatch"}'
closew # the re-watch is cut mid-event; the one after it goes on from the last version
put apps deployments '{"metadata":{"name":"after-cut","namespace":"ml"},"spec":{"replicas":1}}'
sleep 4
fault '{"status":410,"path":"deployments?allowWatch"}'
closew # the re-watch gets 410: a relist
put apps deployments '{"metadata":{"name":"fresh","namespace":"ml"}}' DELETED
sleep 4
kill -INT $wpid 2>/dev/null; wait $wpid 2>/dev/null
check "-w: the list first" "grep -q '^ADDED  *ml  *web  *HPA' watch.out || { cat watch.out watch.err; false; }"
check "-w: an HPA edit is MODIFIED" "grep -q '^MODIFIED ml  *web  *HPA' watch.out"
check "-w: a new Deployment is ADDED" "grep -q '^ADDED  *ml  *fresh ' watch.out"
check "-w: after a stream cut mid-event, the watch goes on" "grep -q '^ADDED  *ml  *after-cut ' watch.out && [ \$(grep -c 'deployments?allowWatchBookmarks' split.log) -ge 3 ]"
check "-w: after a 410, a relist, and the deletion seen" "grep -q '^DELETED  *ml  *fresh ' watch.out && [ \$(grep -c 'deployments?limit=500' split.log) -ge 2 ]"
check "-w: watches asked with bookmarks and a timeout" "grep -q 'deployments?allowWatchBookmarks=true&resourceVersion=[0-9]*&timeoutSeconds=300&watch=true' split.log"
check "-w: no credential in any output" "! grep -q \"\$secrets\" watch.out watch.err"
main=$main_saved

# Shadow mode: podpilot's HPA on the cluster's pods and metrics.k8s.io,
# beside the HPA's own status.desiredReplicas. Two ready pods at 450m of
# 500m requested (90 %) against a 60 % target: ceil(2 x 1.5) = 3, where
# the cluster's HPA status says 2; then the cluster catches up to 3.
hour=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ); nowt=$(date -u +%Y-%m-%dT%H:%M:%SZ)
pod() { printf '{"group":"","resource":"pods","object":{"metadata":{"name":"%s","namespace":"ml","labels":{"app":"%s"}},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"500m"}}}]},"status":{"phase":"Running","startTime":"%s","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"%s"}]}}}' "$1" "${2:-web}" "$hour" "$hour"; }
pm() { printf '{"group":"metrics.k8s.io","resource":"pods","object":{"metadata":{"name":"%s","namespace":"ml"},"timestamp":"%s","window":"15s","containers":[{"name":"c","usage":{"cpu":"450m"}}]}}' "$1" "$nowt"; }
hpa() { printf '{"metadata":{"name":"web","namespace":"ml"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}]},"status":{"currentReplicas":2,"desiredReplicas":%s,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":45,"averageValue":"225m"}}}]}}' "$1"; }
printf '[{"group":"apps","resource":"deployments","object":{"metadata":{"name":"web","namespace":"ml","managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update"}],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"kind\\":\\"Deployment\\"}"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx","resources":{"requests":{"cpu":"500m"}}}]}}}}},{"group":"autoscaling","resource":"horizontalpodautoscalers","object":%s},%s,%s,%s,%s]\n' \
    "$(hpa 2)" "$(pod web-1)" "$(pod web-2)" "$(pm web-1)" "$(pm web-2)" >shadow.json
# Two more services read the custom and external metrics APIs: "queue"
# (Pods: requests_per_second, 30 per pod against an averageValue of 10:
# ratio 3, 6 pods, capped at max(2 x 2, 4) = 4) and "jobs" (External:
# queue_length{queue=jobs} 90 against an averageValue of 30 on 1 pod: 3;
# the other queue's series is not selected).
dep() { printf '{"group":"apps","resource":"deployments","object":{"metadata":{"name":"%s","namespace":"ml"},"spec":{"replicas":%s,"selector":{"matchLabels":{"app":"%s"}},"template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}}' "$1" "$2" "$1" "$1"; }
cm() { printf '{"group":"custom.metrics.k8s.io","resource":"values","object":{"metadata":{"name":"rps-%s","namespace":"ml"},"describedObject":{"kind":"Pod","namespace":"ml","name":"%s","apiVersion":"/v1"},"metric":{"name":"requests_per_second","selector":null},"timestamp":"%s","windowSeconds":30,"value":"%s"}}' "$1" "$1" "$nowt" "$2"; }
em() { printf '{"group":"external.metrics.k8s.io","resource":"values","object":{"metadata":{"name":"ql-%s","namespace":"ml"},"metricName":"queue_length","metricLabels":{"queue":"%s"},"timestamp":"%s","value":"%s"}}' "$1" "$1" "$nowt" "$2"; }
# Where the Knative Services answer (status.url): a local HTTP server, for
# the load tests the operator starts on a live service.
mkdir -p web && echo '{"ok":true}' >web/index.html
(cd web && exec $py -m http.server --bind 127.0.0.1 0 >../web.log 2>&1) &
pids+=($!)
for _ in $(seq 50); do wport=$(sed -n 's/.*port \([0-9]*\).*/\1/p' web.log | head -1); [ -n "$wport" ] && break; sleep 0.1; done
kurl="http://127.0.0.1:$wport"
# Two Knative Services, read as Knative's autoscaler reads them: "kn"
# (target 10 at Knative's default 70 % utilization: 7; its two pods'
# queue-proxies report 10.5 in flight each, so 21 / 7 = 3, as the
# PodAutoscaler's desiredScale says) and "kb" (a 6 s
# window; its pod's queue-proxy does not answer, so nothing is recorded and
# the disagreement says why).
kn() { printf '{"group":"serving.knative.dev","resource":"services","object":{"metadata":{"name":"%s","namespace":"ml"},"spec":{"template":{"metadata":{"annotations":{%s}},"spec":{"containers":[{"image":"model"}]}}},"status":{"latestReadyRevisionName":"%s-00001","url":"%s"}}}\n' "$1" "$2" "$1" "$kurl"
    printf '{"group":"autoscaling.internal.knative.dev","resource":"podautoscalers","object":{"metadata":{"name":"%s-00001","namespace":"ml","creationTimestamp":"%s","labels":{"serving.knative.dev/service":"%s"},"annotations":{%s}},"spec":{"protocolType":"http1"},"status":{"desiredScale":%s,"actualScale":%s}}}\n' "$1" "$hour" "$1" "$2" "$3" "$4"
    printf '{"group":"apps","resource":"deployments","object":{"metadata":{"name":"%s-00001-deployment","namespace":"ml","labels":{"serving.knative.dev/service":"%s"},"ownerReferences":[{"apiVersion":"serving.knative.dev/v1","kind":"Revision","name":"%s-00001","controller":true}]},"spec":{"replicas":%s,"selector":{"matchLabels":{"serving.knative.dev/revision":"%s-00001"}},"template":{"metadata":{"labels":{"serving.knative.dev/revision":"%s-00001"}},"spec":{"containers":[{"name":"user-container","image":"model"}]}}}}}\n' "$1" "$1" "$1" "$4" "$1" "$1"; }
kpod() { printf '{"group":"","resource":"pods","object":{"metadata":{"name":"%s","namespace":"ml","labels":{"serving.knative.dev/revision":"%s-00001","serving.knative.dev/service":"%s"}},"spec":{"containers":[{"name":"user-container"},{"name":"queue-proxy"}]},"status":{"phase":"Running","startTime":"%s","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"%s"}]}}}' "$1" "$2" "$2" "$hour" "$hour"; }
qp() { printf '{"group":"queue-proxy","resource":"stats","object":{"metadata":{"name":"%s","namespace":"ml"},"concurrency":%s,"rps":%s}}' "$1" "$2" "$3"; }
# A KEDA ScaledObject "kq": its prometheus trigger read where KEDA's
# metrics server serves it (external.metrics.k8s.io s0-prometheus, selected
# by scaledobject.keda.sh/name): 25 is past the activation threshold of 5,
# and against a threshold of 10 on 1 pod its HPA asks for 3.
kq() { printf '{"group":"keda.sh","resource":"scaledobjects","object":{"metadata":{"name":"kq","namespace":"ml"},"spec":{"scaleTargetRef":{"name":"kq"},"pollingInterval":5,"minReplicaCount":1,"maxReplicaCount":10,"triggers":[{"type":"prometheus","metadata":{"serverAddress":"http://prometheus:9090","query":"sum(queue_depth)","threshold":"10","activationThreshold":"5"}}]}}}\n'
    printf '{"group":"autoscaling","resource":"horizontalpodautoscalers","object":{"metadata":{"name":"keda-hpa-kq","namespace":"ml","ownerReferences":[{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","name":"kq","controller":true}]},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"kq"},"minReplicas":1,"maxReplicas":10,"metrics":[{"type":"External","external":{"metric":{"name":"s0-prometheus","selector":{"matchLabels":{"scaledobject.keda.sh/name":"kq"}}},"target":{"type":"AverageValue","averageValue":"10"}}}]},"status":{"currentReplicas":1,"desiredReplicas":3}}}\n'
    printf '{"group":"external.metrics.k8s.io","resource":"values","object":{"metadata":{"name":"kq-s0","namespace":"ml"},"metricName":"s0-prometheus","metricLabels":{"scaledobject.keda.sh/name":"kq"},"timestamp":"%s","value":"25"}}\n' "$nowt"; }
# A CronHPA "cr" on a Deployment of 1: every 10 s its job asks for 3, while
# the cluster's Deployment still says 1 (its CronHPA has not acted), then 3.
cr() { printf '{"group":"autoscaling.alibabacloud.com","resource":"cronhorizontalpodautoscalers","object":{"metadata":{"name":"cr","namespace":"ml"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"cr"},"jobs":[{"name":"up","schedule":"*/10 * * * * *","targetSize":3}]}}}'; }
# A GPU service "gpu": its pods' utilization comes from dcgm-exporter's
# series in a real Prometheus (--prometheus): g-1's two GPUs at 80 and 60,
# g-2's one busy 30 % of the time but with its SMs active 40 % (the better
# signal, read where the exporter has it), so (70 + 40) / 2 = 55; the exporter's pod and namespace
# labels renamed exported_* because the scrape target has its own.
gdep() { printf '{"group":"apps","resource":"deployments","object":{"metadata":{"name":"gpu","namespace":"ml"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"gpu"}},"template":{"metadata":{"labels":{"app":"gpu"}},"spec":{"containers":[{"name":"c","image":"vllm","resources":{"requests":{"cpu":"500m"},"limits":{"nvidia.com/gpu":"1"}}}]}}}}}'; }
gpod() { pod "$1" gpu; }
# The pods' own exporters (--exporter), through the pod proxy: q-1's vLLM
# has 3 waiting and 5 running, q-2's does not answer (stale: it adds
# nothing); kn's two queue-proxies (user metrics, :9091) count 20 more
# requests at each scrape and have 2 in their queues each.
ex() { printf '{"group":"exporters","resource":"metrics","object":{"metadata":{"name":"%s","namespace":"ml"},"text":"%s","step":%s}}' "$1" "$2" "$3"; }
chpa() { printf '{"group":"autoscaling","resource":"horizontalpodautoscalers","object":{"metadata":{"name":"%s","namespace":"ml"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"%s"},"minReplicas":1,"maxReplicas":10,"metrics":[%s]},"status":{"currentReplicas":%s,"desiredReplicas":%s}}}' "$1" "$1" "$2" "$3" "$4"; }
python3 - shadow.json <<EOF
import json, sys
objs = json.load(open(sys.argv[1]))
objs += [json.loads(x) for x in r"""$(dep queue 2)
$(pod q-1 queue)
$(pod q-2 queue)
$(cm q-1 30)
$(cm q-2 30)
$(chpa queue '{"type":"Pods","pods":{"metric":{"name":"requests_per_second"},"target":{"type":"AverageValue","averageValue":"10"}}}' 2 4)
$(dep jobs 1)
$(pod j-1 jobs)
$(em jobs 90)
$(em other 1000)
$(chpa jobs '{"type":"External","external":{"metric":{"name":"queue_length","selector":{"matchLabels":{"queue":"jobs"}}},"target":{"type":"AverageValue","averageValue":"30"}}}' 1 3)
$(kn kn '"autoscaling.knative.dev/target":"10"' 3 2)
$(kpod kn-1 kn)
$(kpod kn-2 kn)
$(qp kn-1 10.5 30)
$(qp kn-2 10.5 30)
$(kn kb '"autoscaling.knative.dev/window":"6s"' 4 1)
$(kpod kb-1 kb)
$(dep kq 1)
$(pod kq-1 kq)
$(kq)
$(dep cr 1)
$(pod cr-1 cr)
$(cr)
$(gdep)
$(gpod g-1)
$(gpod g-2)
$(pm g-1)
$(pm g-2)
$(ex q-1:8000 '# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name=\"m\"} 3\nvllm:num_requests_running{model_name=\"m\"} 5\n' 1)
$(ex kn-1:9091 'revision_request_count{response_code=\"200\"} {n}\nrevision_queue_depth 2\n' 20)
$(ex kn-2:9091 'revision_request_count{response_code=\"200\"} {n}\nrevision_queue_depth 2\n' 20)
$(chpa gpu '{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}' 2 3)""".splitlines()]
json.dump(objs, open(sys.argv[1], "w"))
EOF
prom=()
if command -v prometheus >/dev/null; then
    cat >dcgm.prom <<'P'
# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",Hostname="n1",container="c",namespace="ml",pod="g-1"} 80
DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",Hostname="n1",container="c",namespace="ml",pod="g-1"} 60
DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="GPU-c",Hostname="n1",container="c",namespace="ml",pod="g-2"} 30
DCGM_FI_DEV_GPU_UTIL{gpu="3",UUID="GPU-d",Hostname="n1",container="",namespace="",pod=""} 0
# TYPE DCGM_FI_PROF_SM_ACTIVE gauge
DCGM_FI_PROF_SM_ACTIVE{gpu="2",UUID="GPU-c",Hostname="n1",container="c",namespace="ml",pod="g-2"} 0.4
P
    mkdir -p dcgm && cp dcgm.prom dcgm/metrics
    (cd dcgm && exec $py -m http.server --bind 127.0.0.1 0 >../dcgm.log 2>&1) &
    pids+=($!)
    for _ in $(seq 50); do dport=$(sed -n 's/.*port \([0-9]*\).*/\1/p' dcgm.log | head -1); [ -n "$dport" ] && break; sleep 0.1; done
    pport=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf 'global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: dcgm\n    static_configs: [{targets: ["127.0.0.1:%s"], labels: {pod: dcgm-exporter-x1, namespace: gpu-operator}}]\n' "$dport" >prom.yml
    prometheus --config.file=prom.yml --storage.tsdb.path=tsdb --web.listen-address=127.0.0.1:$pport >prom.log 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$pport/api/v1/query?query=DCGM_FI_DEV_GPU_UTIL" | grep -q 'exported_pod' && break; sleep 0.2; done
    prom=(--prometheus "http://127.0.0.1:$pport")
fi
rm -f shadow.port
$py "$here/kube_fake.py" --cert server.crt --key server.key --objects shadow.json --token s3cret-token \
    --port-file shadow.port --lifetime 120 --log shadow.log --serve-cron &
pids+=($!)
for _ in $(seq 50); do [ -s shadow.port ] && break; sleep 0.1; done
kc shadow.kc "https://127.0.0.1:$(cat shadow.port)" "    certificate-authority: ca.crt" "    token: s3cret-token"
(sleep 20; curl -s --cacert ca.crt -X PUT "https://127.0.0.1:$(cat shadow.port)/_object?group=autoscaling&resource=horizontalpodautoscalers" -d "$(hpa 3)" >/dev/null
 curl -s --cacert ca.crt -X PUT "https://127.0.0.1:$(cat shadow.port)/_object?group=apps&resource=deployments" -d "$(dep cr 3 | sed 's/^{"group":"apps","resource":"deployments","object"://; s/}$//')" >/dev/null) &
(sleep 32; a=$(sed -n 's|^podpilot: metrics at http://\(.*\)/metrics$|\1|p' shadow.err); curl -s "http://$a/metrics" >shadow.metrics) &
"$bin" --kube --kubeconfig shadow.kc --headless --duration 47 --record shadow.rec --metrics-addr 127.0.0.1:0 "${prom[@]}" \
    --exporter queue=vllm --exporter 'ml/kn=queue-proxy' --scrape-interval 2s >shadow.out 2>shadow.err; rc=$?
check "shadow: exits 0 after --duration" "[ $rc -eq 0 ] || { cat shadow.err; false; }"
check "shadow: says it is read-only" "grep -q 'read-only, nothing is written to the cluster' shadow.err"
check "shadow: podpilot's HPA on the cluster's metrics: 90 % of requests, 3 replicas" \
    "grep '\"t\":15,' shadow.out | grep -q '\"class\":\"hpa\".*\"stable\":90,.*\"desired\":3,\"actual\":2,\"ready\":2'"
check "shadow: beside the cluster's 2, disagreeing, while warming up" "grep '\"t\":15,' shadow.out | grep -q '\"cluster\":2,\"agree\":false,\"warming\":true'"
check "shadow: the disagreement's likeliest reason: the warm-up" "grep '\"t\":15,' shadow.out | grep -q '\"service\":\"ml/web\".*\"agree\":false,\"warming\":true,\"disagreement\":\"warming up: upstream.s 300s stabilization window holds recommendations from before podpilot watched (15s so far)\"' || { grep '\"t\":15,' shadow.out; false; }"
check "shadow: the cluster catches up, agreeing" "grep -q '\"t\":[34][05],.*\"desired\":3,.*\"cluster\":3,\"agree\":true' shadow.out || { cat shadow.out; false; }"
check "shadow: nothing was written to the cluster" "! grep -q '^PATCH\|^PUT /apis\|^POST /apis' shadow.log"
check "shadow: a Pods metric from custom.metrics.k8s.io: 30 per pod against 10, 4 replicas" \
    "grep '\"t\":15,' shadow.out | grep -q '\"service\":\"ml/queue\",\"class\":\"hpa\",\"metric\":\"requests_per_second\",\"target\":10,\"stable\":30,.*\"desired\":4,.*\"cluster\":4,\"agree\":true' || { grep 'ml/queue' shadow.out | head -3; false; }"
check "shadow: an External metric from external.metrics.k8s.io, its selector's series only: 3" \
    "grep '\"t\":15,' shadow.out | grep -q '\"service\":\"ml/jobs\",\"class\":\"hpa\",.*\"desired\":3,.*\"cluster\":3,\"agree\":true' || { grep 'ml/jobs' shadow.out | head -3; false; }"
check "shadow: the metrics APIs asked as the HPA controller asks" \
    "grep -q '^GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/pods/\*/requests_per_second?labelSelector=app%3Dqueue$' shadow.log && grep -q '^GET /apis/external.metrics.k8s.io/v1beta1/namespaces/ml/queue_length?labelSelector=queue%3Djobs$' shadow.log || { grep metrics shadow.log | sort -u | head; false; }"
check "shadow: podpilot's KPA on the pods' queue-proxy stats: 21 in flight against 7, 3 replicas" \
    "grep '\"t\":16,' shadow.out | grep -q '\"service\":\"ml/kn\",\"class\":\"kpa\",\"metric\":\"concurrency\",\"target\":7,\"stable\":21,.*\"desired\":3,.*\"cluster\":3,\"agree\":true' || { grep 'ml/kn' shadow.out | head -3; false; }"
check "shadow: a Revision's Deployment is the Knative Service's, not a service of its own" \
    "! grep -q '\"service\":\"ml/kn-00001-deployment\"' shadow.out"
check "shadow: the stats read through the pod proxy, asked for as protobuf" \
    "grep -q '^GET /api/v1/namespaces/ml/pods/kn-1:9090/proxy/metrics$' shadow.log && grep -q '^GET /api/v1/namespaces/ml/pods/kn-2:9090/proxy/metrics$' shadow.log"
check "shadow: a queue-proxy that does not answer: the disagreement says so" \
    "grep '\"t\":16,' shadow.out | grep -q '\"service\":\"ml/kb\",\"class\":\"kpa\".*\"cluster\":4,\"agree\":false.*\"disagreement\":\"podpilot could not scrape the pods. stats (pod ml/kb-1: 503: error trying to reach service: dial tcp 10.0.0.1:9090: connect: connection refused); the cluster.s autoscaler may have\"' || { grep 'ml/kb' shadow.out | head -3; false; }"
check "exporter: a vLLM service's queue from the pods that answer; the stale pod adds nothing and is named" \
    "grep -q '\"service\":\"ml/queue\",\"exporter\":\"vllm\",\"figures\":{\"waiting\":3,\"running\":5,\"KV cache\":null},\"note\":\":8000/metrics: 1/2 pods, 0s ago; pod q-2: q-2:8000/metrics: 503: error trying to reach service' shadow.out || { grep 'exporter' shadow.out | head -3; false; }"
check "exporter: scraped through the pod proxy at the exporter's port" \
    "grep -q '^GET /api/v1/namespaces/ml/pods/q-1:8000/proxy/metrics$' shadow.log && grep -q '^GET /api/v1/namespaces/ml/pods/kn-2:9091/proxy/metrics$' shadow.log"
$py - shadow.out >exrate.out <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"exporter":"queue-proxy"' in l]
rates = [r["figures"]["requests"] for r in rows if r["figures"]["requests"] is not None]
print("rounds", len(rows), "rates", len(rates), "depth", rows[-1]["figures"]["queue depth"] if rows else None)
# 20 more requests a scrape on each of two pods, a scrape every 2 s: 20/s
print("ok" if rates and all(14 <= r <= 28 for r in rates) and rows[0]["figures"]["requests"] is None else "bad %r" % rates)
EOF
check "exporter: queue-proxy's counters become a rate across scrapes (none at the first), queues add up" \
    "grep -q '^ok' exrate.out && grep -q 'depth 4' exrate.out && grep -Eq 'rounds (1[0-9]|2[0-9])' exrate.out || { cat exrate.out; false; }"
check "shadow: KEDA's trigger read from its metrics server: active, and its HPA asks for 3" \
    "grep '\"t\":15,' shadow.out | grep -q '\"service\":\"ml/kq\",\"class\":\"keda\",.*\"desired\":3,.*\"keda\":\"[^\"]*s0-prometheus 25 > 5 (target 10)\".*\"cluster\":3,\"agree\":true' || { grep 'ml/kq' shadow.out | head -3; false; }"
check "shadow: KEDA's metric asked as the HPA controller asks" \
    "grep -q '^GET /apis/external.metrics.k8s.io/v1beta1/namespaces/ml/s0-prometheus?labelSelector=scaledobject.keda.sh%2Fname%3Dkq$' shadow.log"
check "shadow: a CronHPA's job fires in podpilot, beside the Deployment's replicas" \
    "grep -q '\"service\":\"ml/cr\",\"class\":\"cron\".*\"desired\":3,.*\"cluster\":1,\"agree\":false,\"disagreement\":\"' shadow.out || { grep 'ml/cr' shadow.out | head -3; false; }"
check "shadow: the CronHPA agrees once the Deployment says 3" \
    "grep -q '\"t\":[34][0-9],\"service\":\"ml/cr\",\"class\":\"cron\".*\"desired\":3,.*\"cluster\":3,\"agree\":true' shadow.out || { grep 'ml/cr' shadow.out | tail -3; false; }"
if [ ${#prom[@]} -gt 0 ]; then
    check "shadow: a GPU service's utilization from dcgm-exporter's series in Prometheus, exported_pod read" \
        "grep '\"t\":15,' shadow.out | grep -q '\"service\":\"ml/gpu\",\"class\":\"hpa\".*\"gpu_util\":55,' || { grep 'ml/gpu' shadow.out | head -3; false; }"
    check "shadow: a service without GPUs has none" "grep '\"t\":15,' shadow.out | grep -q '\"service\":\"ml/web\",.*\"gpu_util\":null'"
fi
# A load test on a live service: real HTTP to its status.url (no URL in
# the flags), hey's report when it ends; an override is refused, read-only.
printf 'load ml/kn -n 20 -c 2\npin ml/kn 3\n' | "$bin" --kube --kubeconfig shadow.kc --headless --duration 6 >live-load.out 2>live-load.err; rc=$?
check "live load: 20 real requests to the service's status.url, hey's report" "[ $rc -eq 0 ] && grep '\"load\":\"-n 20 -c 2\"' live-load.out | grep -qF '[200]\\t20 responses' || { cat live-load.err; grep load live-load.out; false; }"
check "live load: the server saw them" "[ \$(grep -c '\"GET / HTTP/1.1\" 200' web.log) -ge 20 ]"
check "shadow mode refuses an override: read-only, said" "grep -q 'shadow mode: read-only' live-load.err || { cat live-load.err; false; }"
"$bin" --kube --kubeconfig shadow.kc --headless --duration 3 --prometheus http://127.0.0.1:1 >noprom.out 2>noprom.err; rc=$?
check "shadow: an unreachable --prometheus is said at start, exit 1" "[ $rc -eq 1 ] && grep -q '127.0.0.1:1/api/v1/status/buildinfo: .*onnect' noprom.err || { cat noprom.err; false; }"
check "shadow: metrics.k8s.io polled, pods watched" "grep -q 'metrics.k8s.io/v1beta1/namespaces/ml/pods?limit=500' shadow.log && grep -q '/api/v1/namespaces/ml/pods?allowWatchBookmarks=true' shadow.log"
# The ClusterRole grants every request shadow mode made, and no write verb.
$py "$here/rbac_check.py" shadow.log "$here/../deploy/20-clusterrole.yaml" >rbac.out 2>&1
check "deploy: the ClusterRole grants every request shadow mode made" "! grep -q 'not granted' rbac.out && grep -q '^requests: [1-9]' rbac.out || { cat rbac.out; false; }"
check "deploy: the ClusterRole has no write verb" "grep -qx 'write verbs: \[\]' rbac.out"
# Its metrics, as Prometheus would scrape them in the cluster.
lbl='{namespace="ml",name="web",class="hpa"}'
check "metrics: the cluster's decision beside podpilot's, agreeing, warming" "grep -qF 'podpilot_cluster_desired_replicas$lbl 3' shadow.metrics && grep -qF 'podpilot_desired_replicas$lbl 3' shadow.metrics && grep -qF 'podpilot_agreement$lbl 1' shadow.metrics && grep -qF 'podpilot_warming$lbl 1' shadow.metrics || { cat shadow.metrics; false; }"
check "metrics: the source is the cluster" "grep -q '^podpilot_info{version=\"[^\"]*\",source=\"cluster\"} 1' shadow.metrics"
if command -v promtool >/dev/null; then
    check "metrics: promtool check metrics passes" "promtool check metrics <shadow.metrics"
fi
# The recording of that live session: what was watched, replayed offline.
check "record: the live session recorded, mode 0600, marked shadow" "[ \"\$(stat -c %a shadow.rec)\" = 600 ] && head -1 shadow.rec | grep -q '\"shadow\":true' && [ \$(grep -c '^{\"tick\"' shadow.rec) -ge 45 ]"
check "record: the pods' metrics and the cluster's decisions are in it" "grep -q '\"live\":\[2,3,45\]' shadow.rec && grep '^{\"tick\":15,' shadow.rec | grep -q '\"v\":\[450,450\]'"
check "record: no credential, no managedFields or last-applied copy" "! grep -q 's3cret-token' shadow.rec && ! grep -q 'managedFields\|last-applied' shadow.rec"
"$bin" replay --json shadow.rec >replay.out 2>replay.err; rc=$?
# (the exporters' lines are shown, not recorded: the scalers never read them)
grep -v '"exporter":' shadow.out >shadow.decisions
check "replay: the live session replays offline, line for line" "[ \$rc -eq 0 ] && cmp -s replay.out shadow.decisions || { diff shadow.decisions replay.out | head; cat replay.err; false; }"
cat >whatif.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ml}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: nginx
        resources: {requests: {cpu: 500m}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 30}}
EOF
"$bin" replay shadow.rec --with whatif.yaml >whatif.out 2>whatif.err; rc=$?
# 90 % against 30 % asks for 6; an HPA without behavior grows at most to
# max(2 x 2, 4) = 4 per sync (upstream's scaleUpLimit)
check "what-if on a live recording: a 30 % target would have run 4 pods from t=15" "[ \$rc -eq 0 ] && grep -q 'decisions diverge at t=15s (recorded 2 replicas, what-if 4)' whatif.out || { cat whatif.out whatif.err; false; }"
check "what-if on a live recording: provisioning not judged without demand" "grep -q 'provisioning: not judged' whatif.out"
if command -v tmux >/dev/null; then # the console on the live cluster: a CLUSTER column
    sock="pp-kube-$$"
    tmux -L "$sock" new-session -d -s kube -x 120 -y 30 \
        "cd '$tmp' && env LANG=C.UTF-8 TERM=xterm-256color '$bin' --kube --kubeconfig shadow.kc --duration 40; sleep 5"
    for _ in $(seq 150); do tmux -L "$sock" capture-pane -p -t kube | grep -q 'CLUSTER' && tmux -L "$sock" capture-pane -p -t kube | grep -q 'web .*2/2/3' && break; sleep 0.2; done
    screen=$(tmux -L "$sock" capture-pane -p -t kube)
    tmux -L "$sock" send-keys -t kube r
    for _ in $(seq 25); do tmux -L "$sock" capture-pane -p -t kube | grep -q 'records from its first tick' && break; sleep 0.2; done
    rkey=$(tmux -L "$sock" capture-pane -p -t kube)
    tmux -L "$sock" kill-server 2>/dev/null
    check "console: the CLUSTER column beside podpilot's decision" "grep -q 'RDY/ACT/DES  *CLUSTER' <<<\"\$screen\" && grep -q 'web .*2/2/3  *[23]~ ' <<<\"\$screen\" || { echo \"\$screen\"; false; }"
    check "console: r on a live session says to use --record" "grep -q 'records from its first tick: start podpilot with --record' <<<\"\$rkey\" || { echo \"\$rkey\"; false; }"
fi
"$bin" --kube --kubeconfig shadow.kc --headless --record "$tmp/no/such/dir/x.rec" >/dev/null 2>shadow.err; rc=$?
check "shadow: a --record that cannot be created stops the run" "[ $rc -eq 1 ] && grep -q 'no/such/dir/x.rec' shadow.err"
"$bin" --kube --kubeconfig shadow.kc --headless examples.yaml >/dev/null 2>shadow.err; rc=$?
check "shadow: files with --kube are refused" "[ $rc -eq 2 ] && grep -q 'takes no FILE' shadow.err"

kill "${pids[0]}" 2>/dev/null; wait "${pids[0]}" 2>/dev/null
refused "the server is gone" token.kc 'connection refused'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
