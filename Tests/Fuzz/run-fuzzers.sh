#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and runs each one in turn for FUZZ_SECONDS.
#
#   Tests/Fuzz/run-fuzzers.sh [SECONDS]      # or FUZZ_SECONDS=SECONDS; default 60 (per target)
#
# SECONDS=0 runs the seed corpus once (a regression check) without mutating.
# Exits non-zero when the build fails or a fuzzer finds a crash, leak, timeout or OOM; the input
# that triggered it is kept in fuzz-artifacts/ (see Tests/Fuzz/README.md to reproduce it).
#
# Environment:
#   FUZZ_SECONDS        seconds per fuzzer (the first argument wins)
#   FUZZ_TARGETS        run only these fuzzers, e.g. "DigestFuzzer ConfigFuzzer" (default: all)
#   FUZZ_CORPUS_DIR     keep the growing corpus here instead of a temporary folder
#   FUZZ_ARTIFACT_DIR   where crash inputs and logs go (default: fuzz-artifacts/ in the repo)
#   FUZZ_EXTRA_ARGS     more libFuzzer flags, e.g. "-seed=1" or "-only_ascii=1"
set -euo pipefail

# A Swift trap (fatalError, overflow, bad index) raises SIGILL: let libFuzzer report it, with its
# stack, and keep the input, rather than Swift's slower out-of-process backtracer.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"

seconds=${1:-${FUZZ_SECONDS:-60}}
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
    echo "run-fuzzers: FUZZ_SECONDS must be a whole number of seconds, got '$seconds'" >&2
    exit 2
fi
artifacts=${FUZZ_ARTIFACT_DIR:-$repo/fuzz-artifacts}
scratch=$repo/.build-fuzz

# Each fuzzer: product name, seed corpus folder under Tests/Fuzz/corpus/, dictionary in
# Tests/Fuzz/, and the longest input libFuzzer makes (bytes).
all_fuzzers=(
    "SIPMessageFuzzer sip-message sip.dict 65536"
    "MediaFuzzer media media.dict 65536"
    "DigestFuzzer digest digest.dict 8192"
    "ConfigFuzzer config config.dict 16384"
    "DNSFuzzer dns dns.dict 4096"
    "UserAgentFuzzer user-agent user-agent.dict 16384"
)
fuzzers=()
for entry in "${all_fuzzers[@]}"; do
    read -r product _ <<<"$entry"
    if [[ -z ${FUZZ_TARGETS:-} || " $FUZZ_TARGETS " == *" $product "* ]]; then fuzzers+=("$entry"); fi
done
if [[ ${#fuzzers[@]} -eq 0 ]]; then
    echo "run-fuzzers: FUZZ_TARGETS names no fuzzer: '$FUZZ_TARGETS'" >&2
    exit 2
fi

# libFuzzer's `main` would clash with the one SwiftPM makes for an executable target, so the
# fuzzer defines SwiftPM's renamed entry point (SIPMessageFuzzer_main) itself and starts libFuzzer
# through LLVMFuzzerRunDriver; Package.swift declares the target only when SWIFTSIP_FUZZ is set.
echo "run-fuzzers: building (release, -sanitize=fuzzer,address) in $scratch"
for entry in "${fuzzers[@]}"; do
    read -r product _ <<<"$entry"
    SWIFTSIP_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "$product" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
done
bin=$(SWIFTSIP_FUZZ=1 swift build -c release --scratch-path "$scratch" --show-bin-path)

mkdir -p "$artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/swiftsip-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
summary=()
for entry in "${fuzzers[@]}"; do
    read -r product corpus_name dictionary max_len <<<"$entry"
    seeds=$repo/Tests/Fuzz/corpus/$corpus_name
    # The checkout may be read-only, and libFuzzer writes new inputs into its first corpus folder:
    # copy the seeds into a writable one.
    corpus=${FUZZ_CORPUS_DIR:-$work/corpus}/$corpus_name
    mkdir -p "$corpus"
    cp "$seeds"/* "$corpus"/
    log=$artifacts/$product.log

    if [[ $seconds -eq 0 ]]; then
        mode=(-runs=0)
        echo "run-fuzzers: $product: running the $(ls "$seeds" | wc -l) seed inputs once"
    else
        mode=(-max_total_time="$seconds")
        echo "run-fuzzers: $product: fuzzing for ${seconds}s from $(ls "$seeds" | wc -l) seed inputs (log: $log)"
    fi

    # Drop the stale artifacts of an earlier run of this fuzzer so that only new ones are reported.
    rm -f "$artifacts/$product"-{crash,leak,timeout,oom,slow-unit}-*
    rc=0
    # libFuzzer adds new inputs to the first corpus folder, so "$corpus" comes before any extra one.
    # shellcheck disable=SC2086 # FUZZ_EXTRA_ARGS is a list of flags.
    "$bin/$product" "${mode[@]}" \
        -max_len="$max_len" \
        -timeout=10 \
        -dict="$repo/Tests/Fuzz/$dictionary" \
        -artifact_prefix="$artifacts/$product-" \
        -print_final_stats=1 \
        "$corpus" ${FUZZ_EXTRA_ARGS:-} >"$log" 2>&1 || rc=$?

    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -Eo '^#[0-9]+[[:space:]]+(DONE|INITED)[[:space:]]+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' "$log" |
        tail -1 | sed -E 's/^#[0-9]+[[:space:]]+[A-Z]+[[:space:]]+//' || true)
    found=$(ls "$artifacts/$product"-{crash,leak,timeout,oom}-* 2>/dev/null || true)

    if [[ $rc -eq 0 && -z $found ]]; then
        echo "run-fuzzers: $product: ${executions:-?} executions (${per_second:-?}/s), ${coverage:-no coverage line}; no crash"
        summary+=("$product: ${executions:-?} executions, no crash")
    else
        status=1
        echo "run-fuzzers: $product: FAILED (exit $rc) after ${executions:-?} executions" >&2
        summary+=("$product: ${executions:-?} executions, FAILED (artifacts in $artifacts)")
        # The sanitizer report or Swift trap, and libFuzzer's summary, are at the end of the log.
        grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' "$log" | tail -n 80 >&2 || true
        if [[ -n $found ]]; then
            for file in $found; do
                echo "run-fuzzers: $product: crash input kept in $file ($(wc -c <"$file") bytes); reproduce with:" >&2
                echo "    SWIFT_BACKTRACE=enable=no $bin/$product $file" >&2
            done
        else
            echo "run-fuzzers: $product: no artifact was written; see $log" >&2
        fi
    fi
done
echo "run-fuzzers: summary (${seconds}s per target):"
printf '    %s\n' "${summary[@]}"
exit "$status"
