#!/bin/sh
# Generates every room of rooms.txt under $ROOMS (default /tmp/aec-rooms) and scores the
# release Benchmarks binary on the reference sets and on each room, one line per set:
#   name  EO erle  EO last5  DT erle  DT last5  DT SNR out  near level  rtf(DT)  allocs/frame
#   Benchmarks/aec-rooms/run_rooms.sh            (from the package root, after
#                                                 swift build -c release --product Benchmarks)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIG=${SIGNALS:-$ROOT/../shared/aec-signals}
ROOMS=${ROOMS:-/tmp/aec-rooms}
BIN=${BIN:-$ROOT/.build/release/Benchmarks}
score() {  # name dir
  eo=$("$BIN" aec --far "$2/echo_only/far.wav" --mic "$2/echo_only/mic.wav" --json)
  dt=$("$BIN" aec --far "$2/double_talk/far.wav" --mic "$2/double_talk/mic.wav" --json)
  python3 - "$1" "$eo" "$dt" <<'PY'
import json, sys
n, eo, dt = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{n:14s} {eo['erle_db']:6.2f} {eo['erle_last5s_db']:6.2f} {dt['erle_db']:6.2f} {dt['erle_last5s_db']:6.2f} "
      f"{dt['dt_snr_out_db']:6.2f} {dt['dt_near_level_db']:6.2f} {dt['rtf']:.5f} {max(eo['allocations_per_frame'], dt['allocations_per_frame'])}")
PY
}
score reference "$SIG"
grep -v '^#' "$HERE/rooms.txt" | while read -r name rt60 bulk echo noise seed; do
  [ -n "$name" ] || continue
  [ -f "$ROOMS/$name/double_talk/mic.wav" ] || python3 "$HERE/make_room.py" "$ROOMS/$name" \
      --rt60 "$rt60" --bulk-ms "$bulk" --echo-db "$echo" --noise-dbfs "$noise" --seed "$seed" --signals "$SIG"
  score "$name" "$ROOMS/$name"
done
