#!/usr/bin/env bash
# podpilot metrics gpus as a user runs it: the driver library found by
# the dynamic linker (LD_LIBRARY_PATH to the tests' stand-in
# libnvidia-ml.so.1, since no GPU is here), its table and JSON lines, and
# a machine without the library or with the driver not loaded.
bin=$1 fake=$2
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

LD_LIBRARY_PATH=$fake "$bin" metrics gpus >"$tmp/t" 2>"$tmp/e"; rc=$?
check "the table: exit 0, a header and each readable GPU" "[ $rc -eq 0 ] && head -1 '$tmp/t' | grep -q '^GPU NAME  *UTIL MEM-UTIL  *MEMORY  UUID$' && grep -q '^0   NVIDIA A100-SXM4-40GB  *87%  *40%  *31.0/40.0 GiB  GPU-5fd4a1d2' '$tmp/t' || { cat '$tmp/t' '$tmp/e'; false; }"
check "the table: a process's SM utilization, its newest sample" "grep -q '^    pid 100  *SM 60%, memory 12%$' '$tmp/t'"
check "the table: a figure the driver does not support is -, with why" "grep -q '^1   Tesla T4  *-  *-  *1.0/15.0 GiB  GPU-6ae5b2e3.* (utilization: Not Supported)$' '$tmp/t'"
check "a GPU this user may not read is counted on stderr" "grep -qx 'podpilot: 1 GPU this user may not read' '$tmp/e'"
LD_LIBRARY_PATH=$fake "$bin" metrics gpus --json >"$tmp/j" 2>/dev/null
check "--json: a line per GPU, each JSON" "[ \$(wc -l <'$tmp/j') -eq 2 ] && python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' '$tmp/j'"
check "--json: utilization null where not supported" "grep -q '\"name\":\"Tesla T4\".*\"util\":null' '$tmp/j'"
LD_LIBRARY_PATH=/nonexistent "$bin" metrics gpus >"$tmp/o" 2>"$tmp/e"; rc=$?
check "no library: exit 1, said, nothing on stdout" "[ $rc -eq 1 ] && grep -q 'no NVIDIA driver library (libnvidia-ml.so.1)' '$tmp/e' && [ ! -s '$tmp/o' ]"
FAKE_NVML=noload LD_LIBRARY_PATH=$fake "$bin" metrics gpus >/dev/null 2>"$tmp/e"; rc=$?
check "the driver not loaded: exit 1, said" "[ $rc -eq 1 ] && grep -q 'Driver Not Loaded (is this a GPU node?)' '$tmp/e'"
"$bin" metrics gpus extra >/dev/null 2>&1; check "gpus takes no source: exit 2" "[ $? -eq 2 ]"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
