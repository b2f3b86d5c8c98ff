#!/usr/bin/env bash
# Runs each libFuzzer harness of a Fuzz build for SECONDS, from a corpus
# seeded with the project's own inputs (examples, test data, a recording
# the build's podpilot makes). A crash, leak, hang or sanitizer report
# fails with the input's path; the corpora stay in BUILD/corpus.
set -uo pipefail
build=${1:?usage: fuzz.sh BUILD SECONDS}; seconds=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$build/corpus"
mkdir -p "$corpus"/{manifest,watch,kubeconfig,record,metrics,kpa_stat,promtext,response,lever} "$build/crashes"
cp "$root"/examples/*.yaml "$root"/tests/data/kubectl/* "$corpus/manifest/" 2>/dev/null
find "$root/tests/data" -name '*.yaml' -size -64k -exec cp {} "$corpus/manifest/" \; 2>/dev/null
cp "$root"/tests/fuzz/seeds/watch/* "$corpus/watch/"
cp "$root"/tests/fuzz/seeds/kubeconfig/* "$corpus/kubeconfig/"
cp "$root"/tests/fuzz/seeds/metrics/* "$corpus/metrics/"
cp "$root"/tests/fuzz/seeds/kpa_stat/* "$corpus/kpa_stat/"
cp "$root"/tests/fuzz/seeds/response/* "$corpus/response/"
cp "$root"/tests/fuzz/seeds/lever/* "$corpus/lever/"
cp "$root"/tests/data/metrics/*.prom "$root"/tests/data/metrics/bad/*.prom "$corpus/promtext/"
cp "$root"/tests/data/*.rec "$corpus/record/" 2>/dev/null
if [ -x "$root/build/podpilot" ]; then
    "$root/build/podpilot" --headless --duration 60 --record "$corpus/record/keda.rec" \
        "$root/examples/vllm-keda.yaml" >/dev/null 2>&1
fi
rc=0
for t in manifest watch kubeconfig record metrics kpa_stat promtext response lever; do
    echo "== fuzz_$t for ${seconds}s"
    if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$build/crashes/$t-" -print_final_stats=1 \
        "$corpus/$t" >"$build/fuzz_$t.log" 2>&1; then
        echo "fuzz_$t FAILED; the input is in $build/crashes/, the report in $build/fuzz_$t.log"
        tail -30 "$build/fuzz_$t.log"
        rc=1
    else
        grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz_$t.log" | tr '\n' ' '
        echo
    fi
done
exit $rc
