#!/usr/bin/env bash
# Recording, replay and what-if as a user meets them: every example recorded
# and replayed reproduces every line; operator commands from a file and from
# standard input; a recording cut by kill -9 or truncated mid-line replays to
# its last complete tick; a tampered recording is caught; what-if reports.
set -u
bin=${1:?usage: record_test.sh PATH/TO/podpilot EXAMPLES_DIR}
examples=${2:?usage: record_test.sh PATH/TO/podpilot EXAMPLES_DIR}
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
wait_ticks() { # file: until it holds 20 ticks, at most 2 s
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        [ "$(grep -c '^{"tick"' "$1" 2>/dev/null || echo 0)" -gt 20 ] && return
        sleep 0.2
    done
}

for ex in "$examples"/*.yaml; do
    name=$(basename "$ex" .yaml)
    "$bin" --headless "$ex" --record "$tmp/$name.rec" >"$tmp/$name.out" </dev/null 2>/dev/null
    "$bin" replay "$tmp/$name.rec" >"$tmp/$name.replay" 2>"$tmp/$name.err"; rc=$?
    check "$name: replay exits 0" "[ $rc -eq 0 ]"
    check "$name: replay prints every line the session printed" \
        "[ -s \"$tmp/$name.out\" ] && cmp -s \"$tmp/$name.out\" \"$tmp/$name.replay\""
done
mode=$(stat -c %a /dev/null)
"$bin" --headless --duration 5 --record /dev/null >/dev/null 2>"$tmp/devnull.err"; rc=$?
check "--record on a device: refused, the device untouched" \
    "[ $rc -eq 1 ] && grep -q '/dev/null: not a regular file' '$tmp/devnull.err' && [ \"\$(stat -c %a /dev/null)\" = '$mode' ]"
check "recordings are private (0600)" "[ \"\$(stat -c %a \"$tmp/flowers-sample.rec\")\" = 600 ]"
check "the header says the format and what ran" \
    "head -1 \"$tmp/flowers-sample.rec\" | grep -q '^{\"podpilot_recording\":2,.*\"sources\":\[{\"name\":.*\"services\":\[{\"name\":\"flowers-sample-predictor\"'"
check "each tick ends with its observations" \
    "grep -q '^{\"tick\":300,\"obs\":\[\[' \"$tmp/flowers-sample.rec\""

# Format 1 (a KPA's recommended and desired meant the decider's wish):
# replayed and compared, those two left out of the comparison; any other
# difference still fails.
v1="$(dirname "$0")/data/format1-flowers-sample-60s.rec"
check "a format 1 recording replays, exit 0" "'$bin' replay '$v1' >/dev/null 2>&1"
sed 's/"start_ns":"[0-9]*"/"start_ns":"9223372036854775000"/' "$v1" >"$tmp/big-start.rec"
check "a start_ns near INT64_MAX is refused, named" \
    "! '$bin' replay '$tmp/big-start.rec' >/dev/null 2>'$tmp/bs.err' && grep -q 'start_ns: not a time from 1970 to 2200' '$tmp/bs.err'"
sed 's/"panic_mode":true,"recommended":\([0-9]*\),"desired":\([0-9]*\),"actual":8/"panic_mode":true,"recommended":\1,"desired":\2,"actual":7/' "$v1" >"$tmp/v1-changed.rec"
check "format 1: another field that differs still fails" \
    "! cmp -s '$v1' '$tmp/v1-changed.rec' && ! '$bin' replay '$tmp/v1-changed.rec' >/dev/null 2>'$tmp/v1.err' && grep -q 'differs from the recording' '$tmp/v1.err'"

# Operator commands from a file, recorded and replayed.
cat >"$tmp/cmds" <<'CMDS'
# pin, then let go; change the target and a window; a load stopped early
# (replay says as many stopped as the session did), another; pause the HPA
20 pin flowers-sample 2
60 unpin flowers-sample
70 target sklearn-iris 50
80 set flowers-sample window 30s
90s load flowers-sample -z 20s -c 8
100 stop flowers-sample
110 load flowers-sample -z 20s -c 8
3m20s pause sklearn-iris
CMDS
"$bin" --headless --commands "$tmp/cmds" --record "$tmp/demo.rec" >"$tmp/demo.out" </dev/null; rc=$?
check "commands: exits 0" "[ $rc -eq 0 ]"
check "pin: an Override event at t=20" \
    "grep -q '^{\"t\":20,\"service\":\"default/flowers-sample-predictor\",\"event\":\"Override\",\"type\":\"Normal\",\"message\":\"pinned at 2 replicas' \"$tmp/demo.out\""
check "pin: decisions say so and hold 2" \
    "grep '\"t\":40,.*flowers-sample' \"$tmp/demo.out\" | grep -q '\"actual\":2,.*\"reason\":\"pinned at 2 by the operator.*\"override\":\"pinned 2\"'"
check "target: the HPA's target is 50" "grep '\"t\":75,.*sklearn' \"$tmp/demo.out\" | grep -q '\"target\":50,'"
check "load: started at 90 and reported" \
    "grep -q '\"t\":90,.*\"event\":\"LoadStarted\",.*\"message\":\"hey -z 20s -c 8\"' \"$tmp/demo.out\" && grep -q '\"load\":\"-z 20s -c 8\",\"requests\"' \"$tmp/demo.out\""
check "stop: at 100, ours and the demo's own load stopped" \
    "grep -q '\"t\":100,.*\"event\":\"LoadStopped\",.*\"message\":\"2 load tests stopped by the operator\"' \"$tmp/demo.out\""
check "pause: at 200, held" "grep -q '\"t\":200,.*\"message\":\"autoscaling paused at' \"$tmp/demo.out\""
check "commands are in the recording" "grep -q '^{\"command\":\"pin flowers-sample 2\",\"t\":20}' \"$tmp/demo.rec\""
"$bin" replay "$tmp/demo.rec" >"$tmp/demo.replay"; rc=$?
check "commands: replay reproduces the session" "[ $rc -eq 0 ] && cmp -s \"$tmp/demo.out\" \"$tmp/demo.replay\""
# libcjson is not instrumented, so ASan cannot see a use after free of its
# nodes; valgrind can (it found one in reading a command line). Not under
# the ASan build, which valgrind cannot run.
if command -v valgrind >/dev/null && [ -z "${ASAN_OPTIONS:-}" ]; then
    valgrind -q --error-exitcode=9 "$bin" replay "$tmp/demo.rec" >/dev/null 2>"$tmp/vg.err"
    check "replay with commands: valgrind finds nothing" "[ \$? -eq 0 ] || { head -20 '$tmp/vg.err'; false; }"
fi
"$bin" replay "$tmp/demo.rec" --from 100 --to 120 >"$tmp/part"
check "--from/--to select a part" \
    "[ -s \"$tmp/part\" ] && ! grep -qv '^{\"t\":1[0-2][0-9],' \"$tmp/part\""

# Tampering shows: a changed observation makes other decisions.
sed 's/^{"tick":40,"obs":\[\[[0-9]*,[0-9]*,[^,]*,/{"tick":40,"obs":[[1,0,500,/; s/^{"tick":40,\(.*\),[^,]*,[^,]*\],\[/{"tick":40,\1,500,10],[/' \
    "$tmp/demo.rec" >"$tmp/tampered.rec"
"$bin" replay "$tmp/tampered.rec" >/dev/null 2>"$tmp/err"; rc=$?
check "a tampered recording does not replay clean" "[ $rc -eq 1 ] && grep -q 'differs from the recording' \"$tmp/err\""

# Nonsense in the numbers: replay goes on or stops, never crashes.
sed 's/^{"tick":30,"obs":\[\[[^,]*,[^,]*,[^,]*,/{"tick":30,"obs":[[1e300,-5,"x",/; s/^{"tick":45,\(.*\)\]\]}$/{"tick":45,\1,{"lag":[-1,1e30,"y"],"hpa":{"pods":[[1e300,-1e300,null]],"m":[{"x":1e300,"v":[1e300],"p":[2]}]}}]]}/' \
    "$tmp/demo.rec" >"$tmp/nonsense.rec"
"$bin" replay "$tmp/nonsense.rec" >/dev/null 2>"$tmp/err"; rc=$?
check "nonsense numbers: no crash" "[ $rc -le 1 ]"

# Bad commands stop before anything runs, and write nothing.
printf '10 pin flowers-sample 2\n12 pin nosuch 3\n' >"$tmp/bad"
out=$("$bin" --headless --commands "$tmp/bad" --record "$tmp/never.rec" 2>"$tmp/err" </dev/null); rc=$?
check "a command for no such service exits 1" "[ $rc -eq 1 ] && [ -z \"\$out\" ]"
check "and names file:line" "grep -q 'bad:2: service: no service \"nosuch\"' \"$tmp/err\""
check "and leaves no recording" "[ ! -e \"$tmp/never.rec\" ]"
printf '10 pin flowers-sample lots\n' >"$tmp/bad2"
"$bin" --headless --commands "$tmp/bad2" >/dev/null 2>"$tmp/err" </dev/null; rc=$?
check "a bad count says what is wrong" "[ $rc -eq 1 ] && grep -q 'bad2:1: .*expected a replica count 0..1000, got \"lots\"' \"$tmp/err\""
printf '10 set sklearn-iris scaleUp.selectPolicy Often\n' >"$tmp/bad3"
"$bin" --headless --commands "$tmp/bad3" >/dev/null 2>"$tmp/err" </dev/null; rc=$?
check "a knob value upstream refuses names the knob, in the API server's words" "[ $rc -eq 1 ] && grep -q 'bad3:1: scaleUp.selectPolicy: Unsupported value: .Often.: supported values: .Disabled., .Max., .Min.' \"$tmp/err\""

# Standard input drives a session too; bad lines are reported and skipped.
out=$(printf '15 pin flowers-sample 3\nfrobnicate\n' | "$bin" --headless --duration 40s 2>"$tmp/err"); rc=$?
check "stdin: commands apply" "[ $rc -eq 0 ] && grep -q '\"t\":15,.*\"message\":\"pinned at 3 replicas' <<<\"\$out\""
check "stdin: a bad line is named" "grep -q 'stdin:2: command: unknown command \"frobnicate\"' \"$tmp/err\""

# Crashes: kill -9 mid-run, a line cut short.
"$bin" --headless --speed 500 --record "$tmp/killed.rec" >/dev/null </dev/null &
pid=$!
wait_ticks "$tmp/killed.rec"
kill -9 "$pid"; wait "$pid" 2>/dev/null
"$bin" replay "$tmp/killed.rec" >"$tmp/killed.out" 2>"$tmp/err"; rc=$?
check "after kill -9 the recording replays" "[ $rc -eq 0 ] && [ -s \"$tmp/killed.out\" ]"
"$bin" --headless --speed 500 --record "$tmp/int.rec" >/dev/null </dev/null &
pid=$!
wait_ticks "$tmp/int.rec"
kill -INT "$pid"; wait "$pid"; rc=$?
check "SIGINT: exit 130" "[ $rc -eq 130 ]"
"$bin" replay "$tmp/int.rec" >/dev/null 2>"$tmp/err"; rc=$?
check "SIGINT: the recording ends on a tick, replays clean" "[ $rc -eq 0 ] && [ ! -s \"$tmp/err\" ]"
size=$(stat -c %s "$tmp/demo.rec")
head -c $((size / 2)) "$tmp/demo.rec" >"$tmp/cut.rec"
"$bin" replay "$tmp/cut.rec" >"$tmp/cut.out" 2>"$tmp/err"; rc=$?
check "a cut line is reported, not fatal" "[ $rc -eq 0 ] && grep -q 'cut.rec:[0-9]*: the last line is cut off' \"$tmp/err\""
check "and what came before replays" "[ -s \"$tmp/cut.out\" ] && cmp -s \"$tmp/cut.out\" <(head -n \$(wc -l <\"$tmp/cut.out\") \"$tmp/demo.out\")"
awk '/^\{"tick":3,/ {held = $0; next} {print} /^\{"tick":4,/ {print held}' "$tmp/demo.rec" >"$tmp/swapped.rec"
"$bin" replay "$tmp/swapped.rec" >/dev/null 2>"$tmp/err"; rc=$?
check "ticks out of order: exit 1, says where" "[ $rc -eq 1 ] && grep -q 'swapped.rec:[0-9]*: tick 4 after tick 2' \"$tmp/err\""
printf 'not json\n' >"$tmp/junk.rec"
"$bin" replay "$tmp/junk.rec" >/dev/null 2>"$tmp/err"; rc=$?
check "not a recording: exit 1, says so" "[ $rc -eq 1 ] && grep -q 'junk.rec:1: not a podpilot recording' \"$tmp/err\""

# What-if.
cat >"$tmp/whatif.yaml" <<'YAML'
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: flowers-sample}
spec:
  predictor:
    scaleTarget: 3
    scaleMetric: concurrency
    model: {modelFormat: {name: tensorflow}}
YAML
out=$("$bin" replay "$tmp/flowers-sample.rec" --with "$tmp/whatif.yaml"); rc=$?
check "what-if: exits 0" "[ $rc -eq 0 ]"
check "what-if: says where decisions diverge" "grep -q 'decisions diverge at t=[0-9]*s (recorded [0-9]* replicas\?, what-if [0-9]*)' <<<\"\$out\""
check "what-if: a higher target uses fewer replica-seconds" \
    "grep 'replica-seconds' <<<\"\$out\" | awk '{exit !(\$4 < \$2)}'"
json=$("$bin" replay "$tmp/flowers-sample.rec" --with "$tmp/whatif.yaml" --json)
check "what-if --json" "grep -q '^{\"service\":\"default/flowers-sample-predictor\",\"recorded_class\":\"kpa\",\"what_if_class\":\"kpa\",\"seconds\":[0-9]*,\"diverged_at\":[0-9]*,.*\"recorded\":{\"replica_seconds\":' <<<\"\$json\""
same=$("$bin" replay "$tmp/flowers-sample.rec" --with "$examples/flowers-sample.yaml")
check "what-if with the recording's own config: never diverges, same figures" \
    "grep -q 'never diverge' <<<\"\$same\" && grep 'replica-seconds' <<<\"\$same\" | awk '{exit !(\$2 == \$4)}'"
hpa=$("$bin" replay "$tmp/flowers-sample.rec" --with "$examples/sklearn-iris-hpa.yaml" 2>&1); rc=$?
check "what-if: a service the recording lacks is refused" "[ $rc -eq 1 ] && grep -q 'not in the recording' <<<\"\$hpa\""

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
