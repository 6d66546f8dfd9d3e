#!/usr/bin/env bash
# compare.sh: `Benchmarks parser` (SwiftSIP) against the C SIP parsers Debian 12 packages
# (sofia-sip, GNU oSIP2, libre), on the same corpus, in the same run, interleaved.
#
# usage: Benchmarks/c-parsers/compare.sh [--corpus DIR] [--rounds N] [--seconds S]
#            [--callgrind] [--callgrind-iterations N] [--build-dir DIR] [--c-interposed]
#
#   --corpus DIR               corpus of SIP messages, one per file [Benchmarks/corpus]
#   --rounds N                 timed rounds; each round runs all four once, in rotated order;
#                              the table shows the median across rounds [3]
#   --seconds S                --seconds of each timed run (7 repetitions share it) [2]
#   --callgrind                also count instructions per message under callgrind
#   --callgrind-iterations N   corpus passes of each callgrind run [1000]
#   --build-dir DIR            where the C programs and callgrind files go
#                              [${TMPDIR:-/tmp}/swiftsip-c-parsers]
#   --c-interposed             time the C programs with libMallocInterposerSwift.so preloaded
#                              (as our Benchmarks binary always runs) instead of with plain
#                              glibc malloc; see README.md, "Caveats"
#
# Environment: CC (default cc), CFLAGS (default -O2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

corpus="$root/Benchmarks/corpus"
rounds=3
seconds=2
callgrind=0
callgrind_iterations=1000
build_dir="${TMPDIR:-/tmp}/swiftsip-c-parsers"
c_interposed=0
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}

die() { echo "compare.sh: $*" >&2; exit 1; }
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --corpus) [ $# -ge 2 ] || die "--corpus needs a value"; corpus=$2; shift 2 ;;
        --rounds) [ $# -ge 2 ] || die "--rounds needs a value"; rounds=$2; shift 2 ;;
        --seconds) [ $# -ge 2 ] || die "--seconds needs a value"; seconds=$2; shift 2 ;;
        --callgrind) callgrind=1; shift ;;
        --callgrind-iterations)
            [ $# -ge 2 ] || die "--callgrind-iterations needs a value"
            callgrind_iterations=$2; shift 2 ;;
        --build-dir) [ $# -ge 2 ] || die "--build-dir needs a value"; build_dir=$2; shift 2 ;;
        --c-interposed) c_interposed=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer"
[[ "$callgrind_iterations" =~ ^[1-9][0-9]*$ ]] || die "--callgrind-iterations must be a positive integer"
[ -d "$corpus" ] || die "corpus directory not found: $corpus"
corpus=$(cd "$corpus" && pwd)
mkdir -p "$build_dir"
build_dir=$(cd "$build_dir" && pwd)

# ---- 1. the -dev packages (scripts/install-deps.sh: apt-get as root, else the command) -----
packages=(pkg-config libsofia-sip-ua-dev libosip2-dev libre-dev)
[ "$callgrind" = 1 ] && packages+=(valgrind)
bash "$root/scripts/install-deps.sh" "${packages[@]}" \
    || die "missing packages; as root: apt-get update && apt-get install -y ${packages[*]}"

# ---- 2. build the C programs and ours ------------------------------------------------------
flags_for() { # pkg-config module, fallback flags
    if pkg-config --exists "$1" 2>/dev/null; then pkg-config --cflags --libs "$1"; else echo "$2"; fi
}
declare -A c_flags=(
    [sofia]="$(flags_for sofia-sip-ua '-I/usr/include/sofia-sip-1.12 -lsofia-sip-ua')"
    [osip]="$(flags_for libosip2 '-losipparser2')"
    [re]="$(flags_for libre '-I/usr/include/re -lre')"
)
# The C sources live here; Package.swift excludes c-parsers/ from the Benchmarks target.
src="$here"
echo "building the C harnesses from $src in $build_dir" >&2
for name in sofia osip re; do
    # shellcheck disable=SC2086  # the flags are word lists
    "$CC" $CFLAGS -Wall -o "$build_dir/${name}_bench" "$src/${name}_bench.c" \
        ${c_flags[$name]} -ldl -lm || die "building ${name}_bench.c failed"
done
echo "building ours: swift build -c release --product Benchmarks" >&2
(cd "$root" && swift build -c release --product Benchmarks >&2) || die "swift build failed"
bin_dir=$(cd "$root" && swift build -c release --show-bin-path)
ours="$bin_dir/Benchmarks"
interposer="$bin_dir/libMallocInterposerSwift.so"
[ -x "$ours" ] || die "$ours not found after the build"
[ -r "$interposer" ] || die "$interposer not found after the build"

impls=(ours sofia osip re)
declare -A label=([ours]="SwiftSIP (ours)" [sofia]="sofia-sip 1.12.11" [osip]="osip2 5.3.0" [re]="libre 1.1.0")

# ---- 3. every message must parse in every library, to the same fields ----------------------
declare -A rejected=()
reference=""
for name in sofia osip re; do
    if ! "$build_dir/${name}_bench" --corpus "$corpus" --dump >"$build_dir/$name.dump" \
        2>"$build_dir/$name.dump.err"; then
        echo "WARNING: ${label[$name]} rejects part of the corpus:" >&2
        cat "$build_dir/$name.dump.err" >&2
        rejected[$name]=1
        continue
    fi
    if [ -z "$reference" ]; then
        reference=$name
    elif ! diff -u "$build_dir/$reference.dump" "$build_dir/$name.dump" >"$build_dir/$name.diff"; then
        echo "WARNING: ${label[$name]} extracts different fields than ${label[$reference]}:" >&2
        cat "$build_dir/$name.diff" >&2
    fi
done

json_field() { # json-line key -> value
    sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"
}
median() { # numbers on stdin -> median
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- 4. allocations of the C programs (one preloaded run each; the count is deterministic) --
declare -A allocs=()
c_env=()
[ "$c_interposed" = 1 ] && c_env=(env "LD_PRELOAD=$interposer")
for name in sofia osip re; do
    [ -n "${rejected[$name]:-}" ] && continue
    line=$(LD_PRELOAD="$interposer" "$build_dir/${name}_bench" --corpus "$corpus" --seconds 0.2 --json) \
        || die "${label[$name]}: the allocation-counting run failed"
    allocs[$name]=$(json_field "$line" allocs_per_msg)
done

# ---- 5. interleaved timed rounds -----------------------------------------------------------
results="$build_dir/results.jsonl"
: >"$results"
run_one() { # impl -> one JSON line on stdout
    case "$1" in
        ours) "$ours" parser --corpus "$corpus" --seconds "$seconds" --json ;;
        *) "${c_env[@]}" "$build_dir/${1}_bench" --corpus "$corpus" --seconds "$seconds" --json ;;
    esac
}
for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < ${#impls[@]}; k++)); do
        name=${impls[$(((r + k) % ${#impls[@]}))]}
        [ -n "${rejected[$name]:-}" ] && continue
        printf 'round %d/%d: %s\n' $((r + 1)) "$rounds" "${label[$name]}" >&2
        line=$(run_one "$name" 2>"$build_dir/$name.err") || {
            cat "$build_dir/$name.err" >&2
            die "${label[$name]} failed in round $((r + 1))"
        }
        echo "$name $line" >>"$results"
    done
done
# Our allocations come from our own runs (the binary always counts with the interposer).
allocs[ours]=$(grep '^ours ' "$results" | head -n 1 | cut -d' ' -f2- | { read -r l; json_field "$l" allocs_per_msg; })

declare -A mps=() ns=() ns_lo=() ns_hi=()
for name in "${impls[@]}"; do
    [ -n "${rejected[$name]:-}" ] && continue
    lines=$(grep "^$name " "$results" | cut -d' ' -f2-)
    mps[$name]=$(while read -r l; do json_field "$l" msgs_per_s; done <<<"$lines" | median)
    ns[$name]=$(while read -r l; do json_field "$l" ns_per_msg; done <<<"$lines" | median)
    ns_lo[$name]=$(while read -r l; do json_field "$l" ns_per_msg; done <<<"$lines" | sort -g | head -n 1)
    ns_hi[$name]=$(while read -r l; do json_field "$l" ns_per_msg; done <<<"$lines" | sort -g | tail -n 1)
done

# ---- 6. callgrind --------------------------------------------------------------------------
declare -A instr=()
if [ "$callgrind" = 1 ]; then
    # valgrind 3.19 cannot read the DWARF 5 in our binary: strip it, and let the copy find
    # libMallocInterposerSwift.so through LD_LIBRARY_PATH (Benchmarks/ParserBenchmark.swift).
    strip --strip-debug -o "$build_dir/Benchmarks-callgrind" "$ours"
    for name in "${impls[@]}"; do
        [ -n "${rejected[$name]:-}" ] && continue
        printf 'callgrind: %s\n' "${label[$name]}" >&2
        out="$build_dir/$name.callgrind"
        case "$name" in
            ours)
                LD_LIBRARY_PATH="$bin_dir" valgrind --tool=callgrind --callgrind-out-file="$out" \
                    --toggle-collect='*parseAndExtract*' "$build_dir/Benchmarks-callgrind" parser \
                    --corpus "$corpus" --callgrind-iterations "$callgrind_iterations" \
                    >"$build_dir/$name.cg.out" 2>"$build_dir/$name.cg.err" ;;
            *)
                "${c_env[@]}" valgrind --tool=callgrind --callgrind-out-file="$out" \
                    --toggle-collect='*parse_and_extract*' "$build_dir/${name}_bench" \
                    --corpus "$corpus" --callgrind-iterations "$callgrind_iterations" \
                    >"$build_dir/$name.cg.out" 2>"$build_dir/$name.cg.err" ;;
        esac || { cat "$build_dir/$name.cg.err" >&2; die "callgrind run of ${label[$name]} failed"; }
        messages=$(sed -n 's/^messages: \([0-9]*\)$/\1/p' "$build_dir/$name.cg.out")
        irefs=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$build_dir/$name.cg.err" | tr -d ,)
        [ -n "$messages" ] && [ -n "$irefs" ] || die "no instruction count for ${label[$name]} (see $build_dir/$name.cg.err)"
        instr[$name]=$(awk -v i="$irefs" -v m="$messages" 'BEGIN { printf "%.0f", i / m }')
    done
fi

# ---- 7. the table --------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
echo
echo "SIP parser comparison: parse one datagram + read Call-ID, CSeq, top Via branch/sent-by,"
echo "From/To tags, Content-Length, body; then free"
echo "  corpus:   $corpus ($(find "$corpus" -maxdepth 1 -type f ! -name 'README.md' ! -name '.*' | wc -l) messages)"
echo "  machine:  ${cpu:-unknown CPU}, $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  packages: libsofia-sip-ua-dev $(pkgver libsofia-sip-ua-dev), libosip2-dev $(pkgver libosip2-dev), libre-dev $(pkgver libre-dev)"
echo "  C:        $("$CC" --version | head -n 1), $CFLAGS; $( [ "$c_interposed" = 1 ] && echo "timed with libMallocInterposerSwift.so preloaded" || echo "timed with glibc malloc (allocations counted in a separate preloaded run)")"
echo "  ours:     $(cd "$root" && swift --version 2>/dev/null | head -n 1), -c release"
echo "  rounds:   $rounds x (7 repetitions sharing ${seconds}s per implementation), interleaved; medians across rounds"
echo
fmt="%-18s %12s %10s %21s %11s %14s\n"
printf "$fmt" "implementation" "msgs/s" "ns/msg" "ns/msg range (rounds)" "allocs/msg" "ours faster by"
printf "$fmt" "------------------" "------------" "----------" "---------------------" "-----------" "--------------"
for name in "${impls[@]}"; do
    if [ -n "${rejected[$name]:-}" ]; then
        printf "$fmt" "${label[$name]}" "rejected" "-" "-" "-" "-"
        continue
    fi
    if [ "$name" = ours ]; then ratio="-"; else
        ratio=$(awk -v a="${mps[ours]}" -v b="${mps[$name]}" 'BEGIN { printf "%.2fx", a / b }')
    fi
    printf "$fmt" "${label[$name]}" \
        "$(awk -v v="${mps[$name]}" 'BEGIN { printf "%.0f", v }')" \
        "$(awk -v v="${ns[$name]}" 'BEGIN { printf "%.1f", v }')" \
        "$(awk -v a="${ns_lo[$name]}" -v b="${ns_hi[$name]}" 'BEGIN { printf "%.0f-%.0f", a, b }')" \
        "$(awk -v v="${allocs[$name]:-nan}" 'BEGIN { if (v == "nan" || v == "null") print "n/a"; else printf "%.2f", v }')" \
        "$ratio"
done
echo "(ours faster by = our msgs/s / theirs, from the medians)"

if [ "$callgrind" = 1 ]; then
    echo
    echo "callgrind: instructions per message ($callgrind_iterations corpus passes;"
    echo "  --toggle-collect='*parse_and_extract*' for C, '*parseAndExtract*' for ours)"
    fmt2="%-18s %14s %18s\n"
    printf "$fmt2" "implementation" "instr/msg" "ours fewer by"
    printf "$fmt2" "------------------" "--------------" "------------------"
    for name in "${impls[@]}"; do
        [ -n "${rejected[$name]:-}" ] && { printf "$fmt2" "${label[$name]}" "rejected" "-"; continue; }
        if [ "$name" = ours ]; then ratio="-"; else
            ratio=$(awk -v a="${instr[$name]}" -v b="${instr[ours]}" 'BEGIN { printf "%.2fx", a / b }')
        fi
        printf "$fmt2" "${label[$name]}" "${instr[$name]}" "$ratio"
    done
    echo "(ours fewer by = their instructions / ours)"
fi
echo
echo "raw results: $results"
