#!/usr/bin/env bash
# The podpilot binary as a user meets it: help, version, the demo's JSON lines,
# and clear errors with exit status 2 for bad flags.
set -u
bin=${1:?usage: cli_test.sh PATH/TO/podpilot}
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
out=$("$bin" --help); rc=$?
check "--help exits 0" "[ $rc -eq 0 ]"
check "--help shows usage" "grep -q '^usage: podpilot' <<<\"\$out\""
# Every verb --help lists (from the command table) is in the README's table.
readme="$(dirname "$0")/../README.md"
verbs=$(sed -n '/Commands:$/,/A bad line/p' <<<"$out" | sed '1d;$d' | sed 's/ | /\n/g;s/ |$//' | sed 's/^ *//;s/ *$//' | grep .)
check "--help lists the eight verbs" "[ \$(wc -l <<<\"\$verbs\") -eq 8 ]"
while read -r v; do
    check "README documents \`$v\`" "grep -qF -- '| \`${v//|/\\|}\` |' '$readme'"
done <<<"$verbs"
check "--version" "\"$bin\" --version | grep -Eq '^podpilot [0-9]+\.[0-9]+\.[0-9]+$'"

out=$("$bin" --headless --duration 120s); rc=$?
check "demo exits 0" "[ $rc -eq 0 ]"
check "a KPA line per 2 s decision" "[ \$(grep -c '\"class\":\"kpa\"' <<<\"\$out\") -eq 60 ]"
check "an HPA line per 15 s sync" "[ \$(grep -c '\"class\":\"hpa\"' <<<\"\$out\") -eq 8 ]"
check "decision lines have the documented fields" \
    "! grep '\"class\"' <<<\"\$out\" | grep -v '\"t\":.*\"service\":.*\"class\":.*\"metric\":.*\"target\":.*\"stable\":.*\"panic\":.*\"panic_mode\":.*\"recommended\":.*\"desired\":.*\"actual\":.*\"ready\":.*\"gpu_util\":'"
check "HPA lines carry conditions" "grep '\"class\":\"hpa\"' <<<\"\$out\" | grep -q '\"conditions\":\[{\"type\":\"AbleToScale\"'"
check "demo reaches 8 replicas for 5 in flight" "grep -q '\"t\":78,.*\"desired\":8,\"actual\":8,\"ready\":8' <<<\"\$out\""
check "the burst panics" "grep -q '\"panic_mode\":true' <<<\"\$out\""
check "events are lines of their own" "grep -q '\"event\":\"SuccessfulRescale\"' <<<\"\$out\""
check "load reports carry hey's report" "grep -q '\"load\":\"-z 60s -c 5 --after 20s\",\"requests\":[0-9]*.*Summary:' <<<\"\$out\""
again=$("$bin" --headless --duration 120s)
check "same seed, same output" "[ \"\$out\" = \"\$again\" ]"
other=$("$bin" --headless --duration 120s --seed 2)
check "another seed, other latencies" "[ \"\$out\" != \"\$other\" ]"

err=$("$bin" --duration soon 2>&1 >/dev/null); rc=$?
check "bad duration exits 2" "[ $rc -eq 2 ]"
check "bad duration names the flag and value" "grep -q -- '--duration: .*\"soon\"' <<<\"\$err\""
err=$("$bin" --frobnicate 2>&1 >/dev/null); rc=$?
check "unknown flag exits 2" "[ $rc -eq 2 ] && grep -q 'unknown option' <<<\"\$err\""
err=$("$bin" --durration 90 2>&1 >/dev/null); rc=$?
check "a near miss suggests the flag" "[ $rc -eq 2 ] && grep -q 'did you mean --duration?' <<<\"\$err\""
err=$("$bin" replay --jsn x 2>&1 >/dev/null); rc=$?
check "replay: a near miss suggests the flag" "[ $rc -eq 2 ] && grep -q 'did you mean --json?' <<<\"\$err\""
out=$("$bin" --headless --duration 90 | tail -1)
check "--duration 90 means 90 s, as command times do" "grep -q '^{\"t\":90,' <<<\"\$out\""
err=$("$bin" --record-dir /nonexistent-dir --headless 2>&1 >/dev/null); rc=$?
check "--record-dir that is not a directory: exit 2, named" \
    "[ $rc -eq 2 ] && grep -q -- '--record-dir: /nonexistent-dir: not a directory' <<<\"\$err\""
"$bin" --theme nosuch --headless >/dev/null 2>&1; rc=$?
check "an unknown theme is a bad option: exit 2" "[ $rc -eq 2 ]"
err=$("$bin" --headless --commands <(echo '10 set flowers-sample stable-windw 30s') 2>&1 >/dev/null)
check "an unknown config-autoscaler key lists the valid ones, no spec file" \
    "grep -q 'unknown config-autoscaler key' <<<\"\$err\" && grep -q 'stable-window' <<<\"\$err\" && ! grep -q 'kpa-spec' <<<\"\$err\""
err=$("$bin" no-such.yaml 2>&1 >/dev/null); rc=$?
check "a missing file exits 1 and names it" "[ $rc -eq 1 ] && grep -q 'no-such.yaml: cannot open' <<<\"\$err\""
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: f\nspec:\n  predictor:\n    minReplicas: two\n' >"$tmp/bad.yaml"
out=$("$bin" "$tmp/bad.yaml" 2>"$tmp/err"); rc=$?
check "a bad manifest exits 1" "[ $rc -eq 1 ]"
check "and says file:line:column: field: what" \
    "grep -q 'bad.yaml:7:18: spec.predictor.minReplicas: expected an integer, got \"two\"' \"$tmp/err\""
check "and prints nothing" "[ -z \"\$out\" ]"
err=$("$bin" --load 'nope: -c 1' 2>&1 >/dev/null); rc=$?
check "a load on an unknown service exits 2" "[ $rc -eq 2 ] && grep -q '\"nope\"' <<<\"\$err\""
err=$("$bin" --load 'flowers-sample: -n 1 -c 5' 2>&1 >/dev/null); rc=$?
check "hey's own usage errors" "[ $rc -eq 2 ] && grep -q -- '-n cannot be less than -c.' <<<\"\$err\""
out=$("$bin" --duration 60s --load 'flowers-sample: -z 20s -c 3'); rc=$?
check "--load adds a load" "[ $rc -eq 0 ] && grep -q '\"load\":\" -z 20s -c 3\"' <<<\"\$out\""

# podpilot services: what the files make, as kubectl get lists it.
data="$(dirname "$0")/data"
out=$("$bin" services); rc=$?
check "services: the demo's, with a header" \
    "[ $rc -eq 0 ] && head -1 <<<\"\$out\" | grep -q '^NAMESPACE  *NAME  *CLASS  *OWNER  *FROM' && grep -q '^default  *flowers-sample-predictor  *KPA  *flowers-sample  *(built-in demo):' <<<\"\$out\""
out=$("$bin" services -o name "$data/two-namespaces.yaml"); rc=$?
check "services -o name: namespace/name per line" \
    "[ $rc -eq 0 ] && [ \"\$out\" = \"\$(printf 'default/web\nstaging/web\ndefault/flowers-predictor\nml-prod/flowers-predictor')\" ]"
"$bin" services -o json >/dev/null 2>&1
check "services: a bad -o exits 2" "[ \$? -eq 2 ]"
"$bin" services "$tmp/bad.yaml" >/dev/null 2>&1
check "services: a bad file exits 1" "[ \$? -eq 1 ]"

# FILE as kubectl -f takes it: a directory in name order (-R: deeper), -
# for standard input (then commands only from --commands).
mkdir -p "$tmp/dir/sub"
cp "$data/two-namespaces.yaml" "$tmp/dir/b.yaml"
cp "$data/kubectl/isvc-with-its-hpa.yaml" "$tmp/dir/a.yml"
cp "$data/../../examples/seldon-lag.yaml" "$tmp/dir/sub/c.yaml"
echo 'not a manifest' >"$tmp/dir/notes.txt"
out=$("$bin" services -o name "$tmp/dir" 2>/dev/null)
check "a directory: its manifests, its subdirectories with services" \
    "grep -qx 'ml-prod/sklearn-iris-predictor' <<<\"\$out\" && grep -qx 'default/tfsimple' <<<\"\$out\""
out=$("$bin" --headless --duration 20 "$tmp/dir" 2>/dev/null); rc=$?
check "a directory runs, without its subdirectories" \
    "[ $rc -eq 0 ] && grep -q 'ml-prod/sklearn-iris-predictor' <<<\"\$out\" && ! grep -q tfsimple <<<\"\$out\""
out=$("$bin" --headless --duration 20 -R "$tmp/dir" 2>/dev/null)
check "-R: the subdirectories too" "grep -q 'default/tfsimple' <<<\"\$out\""
mkdir -p "$tmp/empty"
err=$("$bin" "$tmp/empty" 2>&1); rc=$?
check "a directory with no manifests exits 1, says so" "[ $rc -eq 1 ] && grep -q 'no .yaml, .yml or .json files' <<<\"\$err\""
out=$(cat "$data/kubectl/isvc-with-its-hpa.yaml" | "$bin" --headless --duration 20 - 2>"$tmp/err"); rc=$?
check "- reads the manifests from standard input" \
    "[ $rc -eq 0 ] && grep -q 'ml-prod/sklearn-iris-predictor' <<<\"\$out\" && grep -q '^podpilot: warning: (stdin):104: HorizontalPodAutoscaler' '$tmp/err'"
"$bin" - - </dev/null >/dev/null 2>&1
check "- twice exits 2" "[ \$? -eq 2 ]"

# Over-long lines are refused whole, never cut into a command.
{ printf '# %05000d' 0; printf ' 20 pin flowers-sample 5\n20 pin flowers-sample 2\n'; } >"$tmp/long-stdin"
out=$("$bin" --headless --duration 60 <"$tmp/long-stdin" 2>"$tmp/err")
check "stdin: a line too long is ignored, all of it; the next one runs" \
    "grep -q 'stdin:1: a line longer than 4094 bytes; ignored, all of it' '$tmp/err' && grep -q '\"override\":\"pinned 2\"' <<<\"\$out\" && ! grep -q 'pinned 5' <<<\"\$out\""
{ printf '# %01100d' 0; printf ' 20 pin flowers-sample 5\n'; } >"$tmp/long-cmds"
err=$("$bin" --headless --commands "$tmp/long-cmds" 2>&1 >/dev/null); rc=$?
check "--commands: a line too long is refused, naming the limit" \
    "[ $rc -eq 1 ] && grep -q 'long-cmds:1: a line longer than 1022 bytes' <<<\"\$err\""

# Loads the simulated cluster cannot represent are refused, naming the limit
# (hey -c 2147483647 asked for 64 GB; a trace of 1e9 rps never ended).
err=$("$bin" --headless --load 'flowers-sample: -z 10s -c 2147483647' 2>&1); rc=$?
check "-c past the simulation's limit exits 2, says the limit" \
    "[ $rc -eq 2 ] && grep -q -- '-c: the simulated cluster runs at most 10000 workers' <<<\"\$err\""
err=$("$bin" --headless --load 'flowers-sample: -z 10s --rate 1e12' 2>&1); rc=$?
check "--rate past the limit exits 2" "[ $rc -eq 2 ] && grep -q 'at most 100000 requests per second' <<<\"\$err\""
printf '0,1\n10,1e9\n' >"$tmp/trace.csv"
err=$("$bin" --headless --load "flowers-sample: --trace $tmp/trace.csv" 2>&1); rc=$?
check "a trace past the limit names its line" "[ $rc -eq 2 ] && grep -q 'trace.csv:2: the simulated cluster takes' <<<\"\$err\""
err=$("$bin" --headless --load 'flowers-sample: -z 10s -q NaN' 2>&1); rc=$?
check "-q NaN is not a number we act on" "[ $rc -eq 2 ] && grep -q -- '-q: expected requests per second' <<<\"\$err\""

# Fixed room is never a silent drop: past it, refused with the limit.
{ printf 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: f\n  annotations:\n'
  for i in $(seq 60); do printf '    autoscaling.knative.dev/x%d: "1"\n' "$i"; done
  printf '    autoscaling.knative.dev/target: "bogus"\nspec:\n  predictor:\n    model:\n      modelFormat: {name: x}\n'; } >"$tmp/ann.yaml"
err=$("$bin" --headless "$tmp/ann.yaml" 2>&1); rc=$?
check "the 57th Knative annotation is refused, not dropped" \
    "[ $rc -eq 1 ] && grep -q 'at most 56 autoscaling.knative.dev/ annotations are read' <<<\"\$err\""

{ printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {replicas: 1}\n---\n'
  printf 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: w}\nspec:\n'
  printf '  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: w}\n  maxReplicas: 3\n'
  printf '  behavior:\n    scaleUp:\n      policies:\n'
  for i in $(seq 9); do printf '        - {type: Pods, value: %d, periodSeconds: 15}\n' "$i"; done; } >"$tmp/pol.yaml"
err=$("$bin" --headless "$tmp/pol.yaml" 2>&1); rc=$?
check "the 9th HPA policy is refused, not dropped" \
    "[ $rc -eq 1 ] && grep -q 'spec.behavior.scaleUp.policies: at most 8 policies are read' <<<\"\$err\""

# Times from outside are range-checked when read, the field named.
for bad in "start: 2026-13-45T99:99:99Z|is not a date and time" \
    "start: 2300-01-01T00:00:00Z|starts between 1970 and 2200" \
    "duration: 2562047h|duration: from 0 to 168h"; do
    printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: podpilot.io/v1alpha1\nkind: Simulation\n%s\n' "${bad%%|*}" >"$tmp/time.yaml"
    err=$("$bin" --headless "$tmp/time.yaml" 2>&1); rc=$?
    check "Simulation ${bad%%|*}: refused" "[ $rc -eq 1 ] && grep -q '${bad#*|}' <<<\"\$err\""
done

# KEDA as a user meets it: the class in `services`, the loop's events, the
# operator's pin worded as KEDA's annotation, the webhook's refusals.
keda="$(dirname "$0")/../examples/vllm-keda.yaml"
out=$("$bin" services "$keda")
check "services lists a ScaledObject's Deployment as KEDA" "grep -q 'vllm-llama  *KEDA ' <<<\"\$out\""
printf '100 pin vllm-llama 2\n' >"$tmp/keda.cmds"
out=$("$bin" --headless --commands "$tmp/keda.cmds" "$keda"); rc=$?
check "KEDA example exits 0" "[ $rc -eq 0 ]"
check "KEDA activates from zero" "grep -q '\"event\":\"KEDAScaleTargetActivated\".*from 0 to 1, triggered by prometheus' <<<\"\$out\""
check "KEDA lines carry the loop's phase" "grep -q '\"class\":\"keda\".*\"keda\":\"idle · s0-prometheus 0 <= 0 (target 5)\"' <<<\"\$out\""
check "a pin on KEDA is worded as paused-replicas" "grep -q 'pinned at 2 replicas by the operator (as autoscaling.keda.sh/paused-replicas would)' <<<\"\$out\""
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: so}\nspec:\n  scaleTargetRef: {name: w}\n  minReplicaCount: 2\n  idleReplicaCount: 2\n  triggers:\n  - type: cpu\n    metadata: {value: "50"}\n' >"$tmp/so.yaml"
err=$("$bin" --headless "$tmp/so.yaml" 2>&1 >/dev/null); rc=$?
check "a ScaledObject KEDA's webhook refuses is refused at its line" \
    "[ $rc -eq 1 ] && grep -q 'so.yaml:11:21: spec.idleReplicaCount: IdleReplicaCount=2 must be less than MinReplicaCount=2' <<<\"\$err\""

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
