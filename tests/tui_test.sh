#!/usr/bin/env bash
# The console end to end under tmux: start on an example, see its rows, open
# the detail, pin with `s` and see it applied on the next tick, quit; at
# 80x24 and 200x50; NO_COLOR leaves no colour escapes; under 80x24 a clear
# "too small" screen (39/49, tmux's "default colour", are not colours).
# Skipped (exit 77) without tmux.
set -u
bin=${1:?usage: tui_test.sh PATH/TO/podpilot EXAMPLES_DIR}
examples=${2:?usage: tui_test.sh PATH/TO/podpilot EXAMPLES_DIR}
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
bin=$(realpath "$bin")
examples=$(realpath "$examples")
bin_dir_data=$(realpath "$(dirname "$0")/data")
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
sock="podpilot-test-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
# A session that outlives every test session: killing the last one would
# make the server exit, and a new-session right after can race its exit.
tm new-session -d -s keep 'sleep 600'
screen() { tm capture-pane -p -t pp; }
wait_gone() { # text: until the screen no longer shows it, at most 10 s
    for _ in $(seq 100); do
        screen | grep -qF -- "$1" || return 0
        sleep 0.1
    done
    return 1
}
wait_for() { # text: until the screen shows it, at most 10 s
    for _ in $(seq 100); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    echo "--- screen while waiting for '$1':"; screen
    return 1
}
press() { # key, check name, text the screen then shows
    tm send-keys -t pp "$1"
    check "$2" "wait_for '$3'"
}
run() { # width height ARGS: a fresh console session running podpilot ARGS
    tm kill-session -t pp 2>/dev/null
    tm new-session -d -s pp -x "$1" -y "$2" "env LANG=C.UTF-8 TERM=xterm-256color '$bin' $3; echo \"exit status \$?\"; sleep 30"
}
start() { # width height [env...]
    local w=$1 h=$2
    shift 2
    tm kill-session -t pp 2>/dev/null
    tm new-session -d -s pp -x "$w" -y "$h" \
        "env LANG=C.UTF-8 TERM=xterm-256color $* '$bin' --speed 10 --load 'flowers-sample: -z 10m -c 2' '$examples/flowers-sample.yaml'; echo \"exit status \$?\"; sleep 30"
}

for size in "80 24" "200 50"; do
    set -- $size
    start "$1" "$2"
    check "$1x$2: the header" "wait_for 'podpilot  t='"
    check "$1x$2: the service's row" "wait_for 'flowers-sample-pre'"
    check "$1x$2: the column titles" "screen | grep -q 'NAME.*CLASS.*METRIC/TARGET.*STABLE'"
    check "$1x$2: KPA with its metric" "screen | grep -q 'KPA *concurrency 0.70'"
    check "$1x$2: the footer starts with q:quit and ?:help" \
        "screen | tail -1 | grep -qE '^ q:quit  \\?:help  .*[a-z]\$'"
    tm send-keys -t pp Enter
    check "$1x$2: enter opens the detail" "wait_for 'stable window (revision total)'"
    check "$1x$2: the detail says why" "screen | grep -q '^ why: '"
    check "$1x$2: the target and the panic threshold are drawn" \
        "screen | grep -q 'target x ready pods' && screen | grep -q 'panic threshold'"
    tm send-keys -t pp Escape
    check "$1x$2: esc goes back" "wait_for 'RDY/ACT/DES'"
    tm send-keys -t pp s
    check "$1x$2: s asks for replicas" "wait_for 'Pin replicas:'"
    tm send-keys -t pp 3 Enter
    check "$1x$2: the pin applies on the next tick" "wait_for ' P L  flowers-sample'"
    check "$1x$2: 3 replicas asked" "wait_for '/3/'"
    if [ "$1" -ge 200 ]; then
        check "200x50: the WHY column shows the override" "screen | grep -q 'pinned 3'"
    fi
    tm send-keys -t pp '?'
    check "$1x$2: ? lists the keys" "wait_for 'Keys (k9s and htop habits)'"
    [ "$2" -ge 40 ] && check "$1x$2: ? lists the verbs from the command table" \
        "wait_for 'pin SVC N                hold SVC at N replicas' && wait_for 'stop SVC                 stop'"
    tm send-keys -t pp q
    check "$1x$2: q asks while a load test runs" "wait_for 'A load test is running. Quit? (y/n)'"
    tm send-keys -t pp y
    check "$1x$2: y quits cleanly" "wait_gone 'podpilot  t='"
done

start 200 50 NO_COLOR=1
wait_for 'flowers-sample-pre' >/dev/null
tm send-keys -t pp Enter
wait_for 'stable window' >/dev/null
tm capture-pane -e -p -t pp >"${TMPDIR:-/tmp}/podpilot-nocolor-$$"
check "NO_COLOR: no colour escapes" "! grep -qE \$'\\e\\\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' \"${TMPDIR:-/tmp}/podpilot-nocolor-$$\""
rm -f "${TMPDIR:-/tmp}/podpilot-nocolor-$$"
start 200 50
wait_for 'flowers-sample-pre' >/dev/null
check "colour otherwise" "tm capture-pane -e -p -t pp | grep -qE \$'\\e\\\\[([0-9;]*;)?(3[0-8]|4[0-8])(;[0-9;]*)?m'"
check "the default theme's dim role is grey, not blue on black" \
    "tm capture-pane -e -p -t pp | tail -1 | grep -qF \$'\\e[38;5;247m'"
tm kill-session -t pp 2>/dev/null
if infocmp xterm-direct >/dev/null 2>&1; then # ncurses-term: 24-bit colour through terminfo
    tm new-session -d -s pp -x 120 -y 30 "env LANG=C.UTF-8 TERM=xterm-direct '$bin' --theme light '$examples/flowers-sample.yaml'; sleep 30"
    check "xterm-direct: #rrggbb as 24-bit colour" "wait_for 'RDY/ACT/DES' && tm capture-pane -e -p -t pp | grep -qE \$'\\e\\\\[(38|48);2;'"
fi

# The demo has an HPA: filter to it, describe it as kubectl would; sort.
run 200 50 "--speed 20"
wait_for 'sklearn-iris-predictor' >/dev/null
tm send-keys -t pp R
check "R sorts by replicas, ascending first as every key, marked on the title" "wait_for 'RDY/ACT/DES↑'"
tm send-keys -t pp R
check "R again: descending" "wait_for 'RDY/ACT/DES↓'"
tm send-keys -t pp / 'hpa$' Enter
check "/ matches the class, a regular expression, any case; the header counts" \
    "wait_for 'services 1/2 in default  filter /hpa\$' && screen | grep -q ' sklearn-iris' && ! screen | grep -q 'flowers-sample-predictor'"
tm send-keys -t pp / C-u 'FLOWERS|nothing' Enter
check "/ alternation, upper case" "wait_for 'services 1/2 in default  filter /FLOWERS|nothing' && ! screen | grep -q 'sklearn-iris-predictor'"
tm send-keys -t pp / C-u 'default/sk' Enter
check "/ filters the rows" "wait_for 'filter /default/sk' && ! screen | grep -q 'flowers-sample-predictor'"
tm send-keys -t pp d
check "d describes the HPA as kubectl does" "wait_for 'Reference:' && wait_for 'Deployment pods: ' && wait_for '  AbleToScale '"
for k in Escape / Escape; do tm send-keys -t pp "$k"; sleep 0.2; done
tm send-keys -t pp k d
check "d on a KPA service says why not" "wait_for 'is not scaled by an HPA'"

# Themes: a shipped one by name, a broken file refused before the screen.
run 120 30 "--theme light '$examples/flowers-sample.yaml'"
check "--theme light: 256-colour escapes" "wait_for 'RDY/ACT/DES' && tm capture-pane -e -p -t pp | grep -qE \$'\\e\\\\[38;5;[0-9]+m'"
tm send-keys -t pp q y
printf 'name: x\nroles: {header: {fgColor: purple}}\n' >"${TMPDIR:-/tmp}/podpilot-theme-$$.yaml"
err=$("$bin" --theme "${TMPDIR:-/tmp}/podpilot-theme-$$.yaml" 2>&1 </dev/null); rc=$?
rm -f "${TMPDIR:-/tmp}/podpilot-theme-$$.yaml"
check "a bad theme file: exit 1, file:line:column: field" "[ $rc -eq 1 ] && grep -q 'podpilot-theme-$$.yaml:2:27: roles.header.fgColor: expected black' <<<\"\$err\""

# Replay in the console: asciinema's keys.
tmpd=$(mktemp -d)
printf '20 pin flowers-sample 2\n60 unpin flowers-sample\n' >"$tmpd/cmds"
"$bin" --headless --duration 120s --commands "$tmpd/cmds" --record "$tmpd/rec" >/dev/null </dev/null
run 160 30 "replay '$tmpd/rec' --speed 2"
check "replay: the console plays the recording" "wait_for 'podpilot replay  t=' && wait_for '/ 0:02:00'"
press ' ' "replay: space pauses" ' || 0:00:'
tm send-keys -t pp ']'
check "replay: ] jumps to the next marker (the pin at 20 s)" "wait_for 't=0:00:20' && wait_for ' P    flowers-sample'"
press , "replay: , steps a tick back" 't=0:00:19'
press . "replay: . steps a tick forward" 't=0:00:20'
press + "replay: + doubles the speed" ' 4x '
press Right "replay: right seeks 5 s" 't=0:00:25'
press s "replay: no commands, a pointer to what-if" 'podpilot replay FILE --with CONFIG'
tm send-keys -t pp q
check "replay: q quits" "wait_gone 'podpilot replay  t='"
rm -rf "$tmpd"

# r records the session from its first tick, even when pressed late; the
# file replays exactly.
tmpd=$(mktemp -d)
tm kill-session -t pp 2>/dev/null
tm new-session -d -s pp -x 160 -y 30 -c "$tmpd" "env LANG=C.UTF-8 TERM=xterm-256color '$bin' --speed 20; sleep 30"
wait_for 'sklearn-iris-predictor' >/dev/null
press s "r: a pin first" 'Pin replicas:'
tm send-keys -t pp 2 Enter
wait_for 't=0:00:1' >/dev/null
press r "r: starts a recording, the status line gives the full path" "recording to $tmpd/podpilot-"
check "r: REC in the header" "wait_for '  REC'"
sleep 1
press u "r: an unpin while recording" 'unpin default/' # then ': applied' at the next tick
sleep 1
press r "r: stops it" "recording closed: $tmpd/podpilot-"
tm send-keys -t pp q
rec=$(ls "$tmpd"/podpilot-*.jsonl 2>/dev/null | head -1)
check "r: the file is there, private" "[ -n \"$rec\" ] && [ \"\$(stat -c %a \"$rec\")\" = 600 ]"
check "r: it holds both commands" "[ \"\$(grep -c '^{\"command\"' \"$rec\")\" = 2 ]"
"$bin" replay "$rec" >/dev/null 2>"$tmpd/err"; rc=$?
check "r: it replays exactly from the first tick" "[ $rc -eq 0 ] && [ ! -s \"$tmpd/err\" ]"
mkdir "$tmpd/recs"
tm kill-session -t pp 2>/dev/null
tm new-session -d -s pp -x 160 -y 30 -c "$tmpd" "env LANG=C.UTF-8 TERM=xterm-256color '$bin' --speed 20 --record-dir recs; sleep 30"
wait_for 'sklearn-iris-predictor' >/dev/null
press r "--record-dir: r records there, by its full path" "recording to $tmpd/recs/podpilot-"
press r "--record-dir: r closes it" "recording closed: $tmpd/recs/podpilot-"
tm send-keys -t pp q
check "--record-dir: the file is in the directory" "ls \"$tmpd\"/recs/podpilot-*.jsonl >/dev/null 2>&1"
rm -rf "$tmpd"

# A load test from the files says when it ends and B opens its report;
# one started with b opens its report when it ends, as k9s shows its
# benchmarks, and esc goes back to where the user was.
run 120 50 "--speed 20 '$examples/flowers-sample.yaml'"
check "load test from the file: the status line says it ended, the view stays" \
    "wait_for 'load test on default/flowers-sample-predictor finished; B shows its report' && screen | grep -q 'RDY/ACT/DES'"
press B "B: the hey report" 'Load test on default/flowers-sample-predictor'
check "the report: hey's sections" "wait_for 'Requests/sec:' && wait_for 'Latency distribution:'"
press Escape "load test: esc goes back" 'RDY/ACT/DES'
tm send-keys -t pp Enter b C-u '-z 5s -c 2' Enter
check "b from the detail: the report opens when it ends" "wait_for 'hey -z 5s -c 2'"
press Escape "esc: back to the detail it was opened from" 'stable window (revision total)'
tm send-keys -t pp q y

# The report's histogram bars are as long as hey draws them, at 80 columns
# (a bar is 3 bytes a column: cut by bytes they were a third as long).
run 80 24 "--speed 20 '$examples/flowers-sample.yaml'"
wait_for 'finished; B shows its report' >/dev/null
tm send-keys -t pp B
wait_for 'Response time histogram:' >/dev/null
check "80 columns: the longest bar is hey's 40" "screen | grep -q '|■\{40\}\$'"
tm send-keys -t pp G
check "80x24: the report scrolls to its status codes" "wait_for 'Status code distribution:' && wait_for '(end)'"
tm send-keys -t pp q y

# A GPU service: per-pod bars in the detail.
run 120 50 "--speed 10 --load 'flowers-sample-gpu: -z 10m -c 4' '$examples/flowers-sample-gpu.yaml'"
wait_for 'load test on default/flowers-sample-gpu finished' >/dev/null # the example's own load
tm send-keys -t pp Enter
check "GPU: a bar per ready pod" "wait_for 'GPU per ready pod' && wait_for '   0 [|'"
tm send-keys -t pp q y

# The focused service follows j/k in the detail: a CPU-only service after a
# GPU one shows no GPU bars (they were the GPU service's).
run 120 50 "--speed 10 --load 'flowers-sample-gpu: -z 10m -c 4' '$examples/flowers-sample-gpu.yaml' '$examples/sklearn-iris-hpa.yaml'"
wait_for 'load test on default/flowers-sample-gpu finished' >/dev/null
tm send-keys -t pp Enter
wait_for 'GPU per ready pod' >/dev/null
tm send-keys -t pp j
check "detail: j moves the focus, no GPU bars of the last service" \
    "wait_for 'default/sklearn-iris-predictor  HPA' && wait_gone 'GPU per ready pod'"
tm send-keys -t pp d
check "describe: the HPA of the selected service" "wait_for 'Name:' && wait_for 'sklearn-iris'"
tm send-keys -t pp Escape
sleep 0.2
tm send-keys -t pp k d
check "describe: after k to a KPA service, d says why" "wait_for 'is not scaled by an HPA'"
tm send-keys -t pp q y

# A KEDA service: the class, its loop's phase where the HPA is not driving,
# the detail's KEDA line, and d describes the HPA KEDA generated.
run 120 30 "--speed 10 '$examples/vllm-keda.yaml'"
check "KEDA: the class and the idle phase in the overview" \
    "wait_for 'vllm-llama KEDA' && wait_for 'idle · s0-prometheus 0 <= 0'"
tm send-keys -t pp Enter
check "KEDA: the detail shows the loop beside the HPA's conditions" \
    "wait_for ' KEDA: idle' && wait_for 'Conditions:'"
check "KEDA: the load activates it from zero" "wait_for 'KEDA: active' && wait_for 'KEDAScaleTargetActivated'"
tm send-keys -t pp d
check "KEDA: d describes keda-hpa-vllm-llama" "wait_for 'keda-hpa-vllm-llama' && screen | grep -q '^Name: *keda-hpa-vllm-llama\$'"
tm send-keys -t pp q y

# Text views scroll as less does: describe at 80x24 reaches its events,
# the help its last line; the overview pages its rows.
run 80 24 "--speed 20"
wait_for 'sklearn-iris-predictor' >/dev/null
tm send-keys -t pp / sklearn Enter d
check "describe at 80x24: where the window is" "wait_for 'Reference:' && wait_for ' lines 1-21 of '"
tm send-keys -t pp G
check "describe at 80x24: G scrolls to its events" "wait_for '(end)' && wait_for 'Events:' && ! screen | grep -q '^Name:'"
tm send-keys -t pp g
check "describe: g back to the top" "wait_for 'Name:' && wait_gone '(end)'"
tm send-keys -t pp j j
check "describe: j scrolls a line" "wait_for ' lines 3-23 of '"
tm send-keys -t pp Escape
sleep 0.2 # esc and a key in one read are an escape sequence
tm send-keys -t pp '?' G # (tmux's End is not xterm's: G)
check "help at 80x24: G shows its last line" "wait_for ', . a tick back/forward.' && wait_for '(end)'"
tm send-keys -t pp PPage
check "help: PgUp pages back" "wait_gone '(end)'"
tm send-keys -t pp q y

# Events carry kubectl's ages under a header, in the log and the detail.
start 120 30
wait_for 'flowers-sample-pre' >/dev/null
sleep 2
tm send-keys -t pp l
check "l: events with an AGE column" "wait_for ' AGE      SERVICE' && screen | grep -qE '^ [0-9]+(s|m[0-9]*s?) +default/'"
tm send-keys -t pp l Enter
check "detail: its events with ages" "wait_for 'Events:  AGE' && screen | grep -qE '^ +[0-9]+(s|m[0-9]*s?) +[A-Z]'"
tm send-keys -t pp q y

# A command the next tick rejects says so on the status line, in full.
start 120 30
wait_for 'flowers-sample-pre' >/dev/null
tm send-keys -t pp ':' 'set flowers-sample min-scale 5' Enter
check "a command that applies says so" "wait_for 'set flowers-sample min-scale 5: applied'"
tm send-keys -t pp ':' 'set flowers-sample max-scale 2' Enter
check "a command the tick rejects says why on the status line" \
    "wait_for 'rejected: set flowers-sample max-scale 2: autoscaling.knative.dev/min-scale: must not exceed max-scale'"
tm send-keys -t pp q y
check "q, y: exit status 0" "wait_for 'exit status 0'"

# DES is the decision within the bounds, as for an HPA; the autoscaler's
# wish before max-scale is the detail's recommended.
run 120 30 "--speed 10 --load 'flowers-sample: -z 10m -c 4' '$examples/flowers-sample.yaml'"
wait_for 'flowers-sample-pre' >/dev/null
tm send-keys -t pp ':' 'set flowers-sample max-scale 2' Enter
check "KPA: DES within max-scale" "wait_for ' 2/2/2 ' && wait_for 'max-scale=2'"
tm send-keys -t pp Enter
check "KPA: the detail's desired is bounded, recommended is not" \
    "wait_for 'desired 2  recommended ' && screen | grep -qE 'desired 2  recommended ([3-9]|[1-9][0-9])'"
tm send-keys -t pp q y

# Numbers are never cut: 300 in flight put hundreds in STABLE and PANIC.
for size in "120 30" "100 30"; do
    set -- $size
    run "$1" "$2" "--speed 10 --load 'flowers-sample: -z 10m -c 300' '$examples/flowers-sample.yaml'"
    wait_for ' PANIC ' >/dev/null
    check "$1 cols: PANIC's value whole, no cut numbers" \
        "wait_for '300.00' && ! screen | grep -qE '[0-9]~|PAN~|PA~|P~ '"
    tm send-keys -t pp q y
done

# At 80 columns the rejection wraps onto lines above the footer: in full.
start 80 24
wait_for 'flowers-sample-pre' >/dev/null
tm send-keys -t pp ':' 'set flowers-sample max-scale 2' Enter ':' 'set flowers-sample min-scale 5' Enter
check "80 cols: a rejection wraps, in full" \
    "wait_for 'rejected: set flowers-sample min-scale 5:' && screen | tr -s ' \\n' ' ' | grep -q 'must not exceed max-scale'"
tm send-keys -t pp q y

# Warnings from reading the files: a status line at start, rows in l.
run 80 24 "'$examples/flowers-sample-qps.yaml'"
check "the files' warnings on the status line at start" \
    "wait_for '1 warning reading the files (l lists them):' && screen | tr -s ' \\n' ' ' | grep -q 'read as \"rps\", which it means'"
tm send-keys -t pp l
check "l lists the files' warnings, wrapped" \
    "wait_for 'ManifestWarning' && screen | tr -s ' \\n' ' ' | grep -q 'ManifestWarning .*qps.* is not one of KServe.* which it means'"
tm send-keys -t pp q y

# A schedule shows no internal sentinels: no target before a fire, no
# recommendation at all.
run 120 30 "'$examples/cron-prescale.yaml'"
check "cron: no target before a fire" "wait_for 'CRON  schedule -'"
tm send-keys -t pp Enter
check "cron: recommended is -, never -1" "wait_for 'recommended -' && ! screen | grep -q 'recommended -1'"
tm send-keys -t pp q

# The : line: Tab completes a verb and a service (by its bare name too),
# lists the candidates when several match; up recalls the last line; the
# cursor moves and edits as in a shell.
run 120 30 "--speed 20"
wait_for 'sklearn-iris-predictor' >/dev/null
tm send-keys -t pp : p Tab
check ": Tab lists the verbs that match" "wait_for 'pin  pause'"
tm send-keys -t pp i Tab skl Tab
check ": Tab completes the verb, then the service by its name" "wait_for ':pin default/sklearn-iris-predictor'"
tm send-keys -t pp C-u 'set sklearn-iris-predictor min' Tab
check ": Tab completes a knob of the service's autoscaler (HPA: minReplicas)" \
    "wait_for ':set sklearn-iris-predictor minReplicas'"
tm send-keys -t pp C-u 'set default/flowers-sample-predictor panic' Tab
check ": Tab lists the KPA's knobs that match" \
    "wait_for 'panic-window-percentage  panic-threshold-percentage' && wait_for ':set default/flowers-sample-predictor panic-'"
tm send-keys -t pp C-u 'pin skl' Tab
tm send-keys -t pp 2 Enter
check ": the completed command applies" "wait_for 'pin default/sklearn-iris-predictor 2: applied'"
tm send-keys -t pp : Up
check ": up recalls it" "wait_for ':pin default/sklearn-iris-predictor 2'"
tm send-keys -t pp C-w C-w
check ": ^W deletes a word at a time" "wait_gone ':pin default' && screen | tail -1 | grep -q '^:pin\$'"
# (tmux sends Home and End as its own terminal's, not xterm's: ^A/^E here)
tm send-keys -t pp Left Left i C-e 1
check ": left moves the cursor, typing inserts there, ^E goes to the end" "wait_for ':piin 1'"
tm send-keys -t pp C-a Right Right Right BSpace C-a Right DC
check ": ^A, right, backspace and delete edit at the cursor" "wait_for ':pn 1'"
tm send-keys -t pp Right C-k
check ": ^K kills to the end" "wait_gone ':pn 1' && screen | tail -1 | grep -q '^:pn\$'"
tm send-keys -t pp Escape
sleep 0.2
tm send-keys -t pp q y

# Two namespaces: a NAMESPACE column, whole names, ns/name commands, and a
# bare name in both refused with the candidates.
run 80 24 "--speed 20 '$bin_dir_data/two-namespaces.yaml'"
check "two namespaces: a NAMESPACE column" "wait_for '      NAMESPACE NAME '"
check "two namespaces: the same name in both, told apart" \
    "screen | grep -q ' default   flowers-predictor ' && screen | grep -q ' ml-prod   flowers-predictor '"
check "no autoscaler: no target" "screen | grep -qE ' staging   web +HPA' && screen | grep -qE ' default   web +- +- '"
tm send-keys -t pp : 'pin ml-prod/flowers 3' Enter
check ": ns/name of the InferenceService pins its predictor" "wait_for 'pin ml-prod/flowers 3: applied'"
tm send-keys -t pp : 'pin flowers 3' Enter
check ": a bare name in two namespaces lists the candidates" \
    "wait_for 'pin flowers 3: service: \"flowers\" is in more than one namespace:' && screen | tr -s ' \\n' ' ' | grep -q 'default/flowers-predictor, ml-prod/flowers-predictor; say which as namespace/name'"
tm send-keys -t pp q y

# Marks: an action on marked rows names them all; U clears them.
run 200 50 "--speed 20"
wait_for 'sklearn-iris-predictor' >/dev/null
tm send-keys -t pp g ' ' ' ' z
check "z on marked rows names them all" \
    "wait_for 'Pause 2 services: default/flowers-sample-predictor, default/sklearn-iris-predictor? (y/n)'"
tm send-keys -t pp n U z
check "U clears the marks: z asks for the selected row only" "wait_for 'Pause autoscaling of default/'"
tm send-keys -t pp n q y

# Esc goes back to where a view was opened from; :q is q; Ctrl-C is q
# (asks while a load test runs, a second Ctrl-C quits).
start 120 30
wait_for 'flowers-sample-pre' >/dev/null
tm send-keys -t pp Enter
wait_for 'stable window' >/dev/null
tm send-keys -t pp '?'
wait_for 'Keys (k9s and htop habits)' >/dev/null
tm send-keys -t pp Escape
check "esc from help opened in the detail: back to the detail" "wait_for 'stable window (revision total)'"
tm send-keys -t pp l
wait_for ' AGE ' >/dev/null
tm send-keys -t pp Escape
check "esc from events opened in the detail: back to the detail" "wait_for 'stable window (revision total)'"
tm send-keys -t pp Escape
check "esc from the detail: the overview" "wait_for 'RDY/ACT/DES'"
tm send-keys -t pp ':' 'q' Enter
check ":q asks while a load test runs" "wait_for 'A load test is running. Quit? (y/n)'"
tm send-keys -t pp n
wait_gone 'Quit? (y/n)' >/dev/null
tm send-keys -t pp C-c
check "Ctrl-C asks while a load test runs, the console stays" \
    "wait_for 'A load test is running. Quit? (y/n)' && screen | grep -q 'RDY/ACT/DES'"
tm send-keys -t pp C-c
check "a second Ctrl-C quits cleanly, exit status 130" "wait_gone 'podpilot  t=' && wait_for 'exit status 130'"
start 120 30
wait_for 'flowers-sample-pre' >/dev/null
pid=$(pgrep -f -n -- "--speed 10 --load flowers-sample" || true)
[ -n "$pid" ] && kill -TERM "$pid"
check "SIGTERM quits the console cleanly, exit status 130" "[ -n \"$pid\" ] && wait_gone 'podpilot  t=' && wait_for 'exit status 130'"

start 70 20
check "under 80x24: too small, says what it needs" "wait_for 'too small: need 80x24, have 70x20'"
tm resize-window -t pp -x 100 -y 30 2>/dev/null || tm resize-pane -t pp -x 100 -y 30
check "resized: the console comes back" "wait_for 'RDY/ACT/DES'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
