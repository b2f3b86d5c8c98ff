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
check "--version" "\"$bin\" --version | grep -Eq '^podpilot [0-9]+\.[0-9]+\.[0-9]+$'"

out=$("$bin" --headless --duration 120s); rc=$?
check "demo exits 0" "[ $rc -eq 0 ]"
check "one line per 2 s decision" "[ \$(wc -l <<<\"\$out\") -eq 59 ]"
check "every line has the documented fields" \
    "! grep -v '\"t\":.*\"service\":.*\"class\":\"kpa\".*\"metric\":.*\"target\":.*\"stable\":.*\"panic\":.*\"panic_mode\":.*\"recommended\":.*\"desired\":.*\"actual\":.*\"ready\":' <<<\"\$out\""
check "demo reaches 8 replicas for 5 in flight" "grep -q '\"t\":78,.*\"desired\":8,\"actual\":8,\"ready\":8' <<<\"\$out\""
check "the burst panics" "grep -q '\"panic_mode\":true' <<<\"\$out\""

err=$("$bin" --duration soon 2>&1 >/dev/null); rc=$?
check "bad duration exits 2" "[ $rc -eq 2 ]"
check "bad duration names the flag and value" "grep -q -- '--duration: .*\"soon\"' <<<\"\$err\""
err=$("$bin" --frobnicate 2>&1 >/dev/null); rc=$?
check "unknown flag exits 2" "[ $rc -eq 2 ] && grep -q 'unknown option' <<<\"\$err\""
err=$("$bin" some.yaml 2>&1 >/dev/null); rc=$?
check "files are refused honestly" "[ $rc -eq 2 ] && grep -q 'some.yaml' <<<\"\$err\""

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
