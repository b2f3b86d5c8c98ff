#!/usr/bin/env bash
# Active mode (--kube --act) against the project's test API server
# (tests/kube_fake.py) playing an HPA, KServe, Knative >= 1.21 and < 1.21,
# KEDA and a bare Deployment: each override writes its owner's own field
# with the right body and content type, a dry run first; a 409 is re-read
# and retried; a 403 names the missing verb; a webhook's refusal of the dry
# run is shown and nothing is written; unpin, resume, `target reset` and
# `podpilot restore` put back exactly what was there, in a later session;
# the Events land where `kubectl describe` finds them; every write is one
# the deploy/ podpilot-operator role grants. The objects are read back by
# the machine's kubectl. What this cannot show: a real KServe, Knative or
# KEDA controller honouring the fields (README, "Testing against a cluster").
set -u
bin=${1:?usage: act_test.sh PATH/TO/podpilot}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
for t in kubectl openssl; do command -v $t >/dev/null || { echo "$t not found: skipped"; exit 77; }; done
. "$here/kube_testlib.sh"
make_server_cert
$py "$here/data/act_objects.py" objects.json

start_fake() { # name, extra flags...: a fake and its kubeconfig NAME.kc
    local name=$1; shift
    rm -f "$name.port"
    $py "$here/kube_fake.py" --cert server.crt --key server.key --objects objects.json --token tok \
        --port-file "$name.port" --lifetime 150 --log "$name.log" "$@" &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$name.port" ] && break; sleep 0.1; done
    printf 'apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: fake\n  cluster:\n    server: https://127.0.0.1:%s\n    certificate-authority: ca.crt\ncontexts:\n- name: t\n  context: {cluster: fake, user: operator-1, namespace: ml}\nusers:\n- name: operator-1\n  user:\n    token: tok\n' \
        "$(cat "$name.port")" >"$name.kc"
}
# run NAME COMMANDS...: one headless --act session on fake NAME, the
# commands on its standard input; NAME.out and NAME.err
session() {
    local fake=$1 out=$2; shift 2
    printf '%s\n' "$@" | timeout 30 "$bin" --kube --kubeconfig "$fake.kc" --act --headless --duration 4 \
        >"$out.out" 2>"$out.err"
    echo $? >"$out.rc"
}
get() { kubectl --kubeconfig "$1.kc" --request-timeout=10s get "${@:2}"; }

start_fake a
session a pin 'pin ml/web 3' 'pin ml/flowers 2' 'pin ml/kn 3' 'pin ml/kq 2' 'pin ml/batch 4' \
    'target ml/web 80' 'pause ml/web' 'pause ml/kq' 'set ml/kn window 90s'
cp a.log pin-session.log # before kubectl's own requests join the log
check "--act: says ACTIVE at the start, exits 0" "[ \$(cat pin.rc) = 0 ] && grep -q 'ACTIVE mode on cluster \"fake\"' pin.err || { cat pin.err; false; }"
check "--act: each write said as written, with where it went" "[ \$(grep -c '\"event\":\"OverrideWritten\"' pin.out) = 9 ] || { grep Override pin.out; false; }"
check "--act: the engine applies a pin once it was written (the why column says where)" "grep -q '\"override\":\"pinned 3: Revision ml/kn-00001 min-scale=max-scale=3\"' pin.out || { grep ml/kn pin.out | tail -3; false; }"
# plain HPA: min = max, merge-patch, the originals kept
check "HPA pin: minReplicas = maxReplicas = 3 (kubectl)" "[ \"\$(get a hpa web -o jsonpath='{.spec.minReplicas} {.spec.maxReplicas}')\" = '3 3' ]"
grep '^BODY PATCH [^ ]*horizontalpodautoscalers/web?fieldManager' a.log | head -1 | cut -d' ' -f4- >pin-body
check "HPA pin: a merge patch with the resourceVersion as precondition, the originals kept" "$py -c 'import json,sys; t,b=open(\"pin-body\").read().split(\" \",1); b=json.loads(b); m=b[\"metadata\"]; assert t==\"application/merge-patch+json\" and m[\"resourceVersion\"].isdigit() and json.loads(m[\"annotations\"][\"podpilot.io/original\"])=={\"/spec/minReplicas\":1,\"/spec/maxReplicas\":5} and b[\"spec\"]=={\"minReplicas\":3,\"maxReplicas\":3}, b' || { cat pin-body; false; }"
check "HPA pin: a dry run first, then the write, both fieldManager=podpilot" "grep -n 'horizontalpodautoscalers/web?' a.log | grep -v BODY | head -2 | tr '\n' ' ' | grep -q 'web?dryRun=All&fieldManager=podpilot .*web?fieldManager=podpilot' || { grep 'horizontalpodautoscalers/web?' a.log; false; }"
check "HPA target: a JSON patch of the first metric's target" "grep -q 'application/json-patch+json \[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"[0-9]*\"},{\"op\":\"replace\",\"path\":\"/spec/metrics/0/resource/target/averageUtilization\",\"value\":80}' a.log && [ \"\$(get a hpa web -o jsonpath='{.spec.metrics[0].resource.target.averageUtilization}')\" = 80 ]"
check "HPA pause: both directions' selectPolicy Disabled" "[ \"\$(get a hpa web -o jsonpath='{.spec.behavior.scaleUp.selectPolicy} {.spec.behavior.scaleDown.selectPolicy}')\" = 'Disabled Disabled' ]"
check "HPA: the originals in podpilot.io/original (absent behavior as null)" "get a hpa web -o yaml | grep -q 'podpilot.io/original: .{\"/spec/minReplicas\":1,\"/spec/maxReplicas\":5,\"/spec/metrics/0/resource/target/averageUtilization\":60,\"/spec/behavior\":null}' || { get a hpa web -o yaml; false; }"
check "HPA: managedFields name podpilot" "get a hpa web -o jsonpath='{.metadata.managedFields[*].manager}' | grep -qw podpilot"
# KServe owns its HPA: the InferenceService is written, the HPA untouched
check "KServe: the InferenceService's predictor min = max = 2" "[ \"\$(get a isvc flowers -o jsonpath='{.spec.predictor.minReplicas} {.spec.predictor.maxReplicas}')\" = '2 2' ]"
check "KServe: the HPA it owns is not written" "! grep -q 'PATCH /apis/autoscaling/v2/namespaces/ml/horizontalpodautoscalers/flowers-predictor' a.log && [ \"\$(get a hpa flowers-predictor -o jsonpath='{.spec.maxReplicas}')\" = 4 ]"
# Knative >= 1.21 (the controller's label): the Revision's annotations
check "Knative 1.21: the Revision's min-scale = max-scale = 3, window 90s" "[ \"\$(get a revision kn-00001 -o jsonpath='{.metadata.annotations.autoscaling\\.knative\\.dev/min-scale} {.metadata.annotations.autoscaling\\.knative\\.dev/max-scale} {.metadata.annotations.autoscaling\\.knative\\.dev/window}')\" = '3 3 90s' ]"
check "Knative 1.21: the version read from knative-serving/controller, the PA untouched" "grep -q 'GET /apis/apps/v1/namespaces/knative-serving/deployments/controller' a.log && ! grep -q 'PATCH /apis/autoscaling.internal.knative.dev' a.log"
check "Knative: the template is never written (no new revision)" "! grep -q 'PATCH /apis/serving.knative.dev/v1/namespaces/ml/services' a.log"
# KEDA: its own pause annotations
check "KEDA: paused-replicas 2 and paused true on the ScaledObject" "[ \"\$(get a scaledobject kq -o jsonpath='{.metadata.annotations.autoscaling\\.keda\\.sh/paused-replicas} {.metadata.annotations.autoscaling\\.keda\\.sh/paused}')\" = '2 true' ]"
check "KEDA: its HPA is not written" "! grep -q 'PATCH /apis/autoscaling/v2/namespaces/ml/horizontalpodautoscalers/keda-hpa-kq' a.log"
# a bare Deployment: /scale as kubectl scale --resource-version does
check "Deployment: PUT /scale with the resourceVersion, dry run first; 4 replicas" "grep -q 'PUT /apis/apps/v1/namespaces/ml/deployments/batch/scale?dryRun=All' a.log && grep -q 'BODY PUT /apis/apps/v1/namespaces/ml/deployments/batch/scale?fieldManager=podpilot application/json {\"kind\":\"Scale\".*\"resourceVersion\":\"[0-9]*\".*\"replicas\":4' a.log && [ \"\$(get a deploy batch -o jsonpath='{.spec.replicas}')\" = 4 ]"
# Events on the objects, found as kubectl describe finds them
check "Events: kubectl describe hpa shows PodpilotOverride, who and what" "kubectl --kubeconfig a.kc describe hpa web | grep -q 'PodpilotOverride .*pin ml/web 3: HPA ml/web min=max=3 (podpilot, user operator-1)' || { kubectl --kubeconfig a.kc describe hpa web | tail -6; false; }"
check "Events: events.k8s.io/v1 with regarding.uid and a MicroTime" "get a events.events.k8s.io -o json | $py -c 'import json,sys; e=[i for i in json.load(sys.stdin)[\"items\"] if i[\"regarding\"][\"name\"]==\"flowers\"]; assert e and e[0][\"regarding\"][\"uid\"] and e[0][\"reportingController\"]==\"podpilot.io/console\" and len(e[0][\"eventTime\"])==27, e'"
check "no credential in any output" "! grep -q 'tok\\b' pin.out pin.err"
# every request active mode made is granted by deploy/'s two roles
$py "$here/rbac_check.py" pin-session.log "$here/../deploy/20-clusterrole.yaml" "$here/../deploy/21-clusterrole-operator.yaml" >rbac.out 2>&1
check "deploy: podpilot-readonly + podpilot-operator grant every request active mode made" "! grep -q 'not granted' rbac.out && grep -q '^requests: [1-9]' rbac.out || { cat rbac.out; false; }"

# A later session puts back exactly what was there
cp a.log a-before-undo.log
session a undo 'unpin ml/web' 'target ml/web reset' 'resume ml/web' 'unpin ml/flowers' 'unpin ml/kn' \
    'unpin ml/kq' 'resume ml/kq' 'unpin ml/batch'
check "undo: every restore written" "[ \$(grep -c '\"event\":\"OverrideWritten\"' undo.out) = 8 ] || { grep Override undo.out; false; }"
check "undo: the HPA's spec exactly as before (no behavior, min 1, max 5, 60 %), annotation gone" "get a hpa web -o json | $py -c 'import json,sys; o=json.load(sys.stdin); s=o[\"spec\"]; assert \"behavior\" not in s and s[\"minReplicas\"]==1 and s[\"maxReplicas\"]==5 and s[\"metrics\"][0][\"resource\"][\"target\"]=={\"type\":\"Utilization\",\"averageUtilization\":60} and \"podpilot.io/original\" not in o[\"metadata\"].get(\"annotations\",{}), o'"
check "undo: InferenceService 1..4 again" "[ \"\$(get a isvc flowers -o jsonpath='{.spec.predictor.minReplicas} {.spec.predictor.maxReplicas} {.metadata.annotations}')\" = '1 4 {\"serving.kserve.io/deploymentMode\":\"RawDeployment\"}' ]"
check "undo: the Revision's annotations as before but the window (no verb unsets a knob: restore does)" "get a revision kn-00001 -o json | $py -c 'import json,sys; a=json.load(sys.stdin)[\"metadata\"][\"annotations\"]; o=json.loads(a.pop(\"podpilot.io/original\")); assert a=={\"autoscaling.knative.dev/target\":\"10\",\"autoscaling.knative.dev/window\":\"90s\"} and o=={\"/metadata/annotations/autoscaling.knative.dev~1window\":None}, (a,o)'"
check "undo: the ScaledObject without its pause annotations" "[ \"\$(get a scaledobject kq -o jsonpath='{.metadata.annotations}')\" = '{}' ]"
check "undo: the Deployment back to 1 through /scale" "[ \"\$(get a deploy batch -o jsonpath='{.spec.replicas}')\" = 1 ]"
check "undo: unpin with nothing pinned says so" "session a again 'unpin ml/web'; grep -q 'OverrideRejected.*holds no value of podpilot.s to restore' again.out"
# podpilot restore: what is left (the Knative window), after a "crash"
out=$("$bin" restore --kubeconfig a.kc --dry-run); rc=$?
check "restore --dry-run: says the body, writes nothing" "[ $rc = 0 ] && grep -q 'would restore Revision ml/kn-00001: PATCH (application/merge-patch+json)' <<<\"\$out\" && get a revision kn-00001 -o jsonpath='{.metadata.annotations}' | grep -q window || echo \"\$out\""
out=$("$bin" restore --kubeconfig a.kc); rc=$?
check "restore: the Revision restored, exit 0" "[ $rc = 0 ] && grep -q '^Revision ml/kn-00001 restored' <<<\"\$out\" && [ \"\$(get a revision kn-00001 -o jsonpath='{.metadata.annotations}')\" = '{\"autoscaling.knative.dev/target\":\"10\"}' ] || echo \"\$out\""
out=$("$bin" restore --kubeconfig a.kc); rc=$?
check "restore: nothing left to restore, said" "[ $rc = 0 ] && grep -q '^nothing to restore' <<<\"\$out\""
out=$("$bin" restore 2>&1); rc=$?
check "restore without --kube: exit 2, said" "[ $rc = 2 ] && grep -q 'give --kube' <<<\"\$out\""

# A recording of an active session: the write, its resourceVersion and
# the command at the second the cluster took it; replay shows the command
printf 'pin ml/kn 3\n' | timeout 30 "$bin" --kube --kubeconfig a.kc --act --headless --duration 4 --record act.rec >rec.out 2>&1
check "recording: the write (object, patch type, resourceVersion), then the command" "grep -n 'OverrideWritten.*Revision ml/kn-00001 min-scale=max-scale=3 written (merge patch, dry run passed, resourceVersion [0-9]*)' act.rec | cut -d: -f1 >w.line && grep -n '\"command\":\"pin ml/kn 3\"' act.rec | cut -d: -f1 >c.line && [ \$(cat w.line) -lt \$(cat c.line) ] || { head -8 act.rec; false; }"
"$bin" replay act.rec --headless >replay.out 2>&1
check "replay: the pin applied where it was, its decisions as recorded" "grep -q '\"event\":\"Override\".*pinned at 3 replicas' replay.out && grep -q '\"reason\":\"pinned at 3 by the operator' replay.out || { cat replay.out | head; false; }"
"$bin" restore --kubeconfig a.kc >/dev/null

# Knative before 1.21: the PodAutoscaler's annotations (--knative-version)
printf 'pin ml/kn 2\n' | timeout 30 "$bin" --kube --kubeconfig a.kc --act --knative-version 1.20 --headless --duration 3 >old.out 2>&1
check "Knative 1.20: the PodAutoscaler's annotations, not the Revision's" "[ \"\$(get a podautoscaler kn-00001 -o jsonpath='{.metadata.annotations.autoscaling\\.knative\\.dev/min-scale}')\" = 2 ] && ! get a revision kn-00001 -o jsonpath='{.metadata.annotations}' | grep -q min-scale"
out=$("$bin" --kube --kubeconfig a.kc --act --knative-version 2.1 --headless 2>&1); rc=$?
check "--knative-version 2.1: exit 2, said" "[ $rc = 2 ] && grep -q 'expected 1.N' <<<\"\$out\""

# Conflicts: another writer changes the object between our dry run and
# our write: 409, read again, retried; the object ends pinned.
curl -s --cacert ca.crt -X POST "https://127.0.0.1:$(cat a.port)/_fault" -d '{"touch": true, "verb": "PATCH", "path": "horizontalpodautoscalers/web?fieldManager=podpilot", "count": 1}' >/dev/null
: >a.log
session a conflict 'pin ml/web 4'
check "409: retried after a fresh read, said; the pin lands" "grep -q 'OverrideWritten.*HPA ml/web min=max=4 written.*conflicts retried' conflict.out && [ \$(grep -c '^PATCH /apis/autoscaling/v2/namespaces/ml/horizontalpodautoscalers/web?fieldManager' a.log) = 2 ] && [ \"\$(get a hpa web -o jsonpath='{.spec.maxReplicas} {.metadata.labels.touched}')\" = '4 yes' ] || { grep Override conflict.out; grep horizontalpodautoscalers/web a.log; false; }"
# An admission webhook refuses the dry run: said, nothing written
curl -s --cacert ca.crt -X POST "https://127.0.0.1:$(cat a.port)/_fault" -d '{"status": 400, "verb": "PATCH", "path": "inferenceservices/flowers?dryRun=All", "message": "admission webhook \"inferenceservice.kserve-webhook-server.validator\" denied the request: maxReplicas cannot be less than minReplicas", "count": 1}' >/dev/null
: >a.log
session a webhook 'pin ml/flowers 3'
check "dry run refused: the webhook's words, nothing written" "grep -q 'OverrideRejected.*dry run: refused: .*denied the request: maxReplicas cannot be less than minReplicas' webhook.out && ! grep -q '^PATCH /apis/serving.kserve.io/v1beta1/namespaces/ml/inferenceservices/flowers?fieldManager' a.log && [ \"\$(get a isvc flowers -o jsonpath='{.spec.predictor.maxReplicas}')\" = 4 ] || { grep Override webhook.out; false; }"
check "dry run refused: the engine is not pinned either" "! grep -q '\"override\":\"pinned 3' webhook.out"

# 403: the user may not patch HPAs: said at the start and on the override;
# the InferenceService (another resource) still steers
start_fake d --deny patch:horizontalpodautoscalers.autoscaling
session d denied 'pin ml/web 3' 'pin ml/flowers 2'
check "403: the missing permission listed at the start" "grep -q 'permissions missing' denied.err && grep -q 'cannot patch horizontalpodautoscalers.autoscaling in ml' denied.err || { cat denied.err; false; }"
check "403: an override of the HPA refused with the missing verb, nothing sent" "grep -q 'active mode: cannot patch horizontalpodautoscalers.autoscaling in ml' denied.err && ! grep -q '^PATCH /apis/autoscaling' d.log || { cat denied.err; false; }"
check "403: the InferenceService still written" "grep -q 'OverrideWritten.*InferenceService ml/flowers' denied.out"
check "SSAR: one review per verb and resource, JSON" "grep -q 'SSAR patch horizontalpodautoscalers.autoscaling' d.log && grep -q 'SSAR update deployments/scale.apps' d.log"
# shadow mode (no --act) still refuses
: >d.log
printf 'pin ml/web 3\n' | timeout 30 "$bin" --kube --kubeconfig d.kc --headless --duration 2 >shadow.out 2>&1
check "without --act: read-only, said, the flag named" "grep -q 'shadow mode: read-only.*without --act' shadow.out && ! grep -q '^PATCH' d.log"

echo "act: $pass passed, $fail failed"
[ $fail -eq 0 ]
