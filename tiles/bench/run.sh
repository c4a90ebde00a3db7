#!/usr/bin/env bash
# Load test of the tile routes with wrk (tiles/bench/tiles.lua): starts
# `standortatlas serve` ($BIN, built by `make build`, else with go build) on
# the store $DB (seeded on first start) pinned to the CPUs $CPUS, lets it
# warm z0–z8, makes one pass over all z5–z12 tiles so that they are cached,
# then measures warm tiles with and without gzip. It reports the time of the
# first tiles asked for right after /healthz answers, req/s, latency
# percentiles (p50, p99) and the server's resident memory (VmRSS) and peak
# (VmHWM) after start and after the load.
#
#   tiles/bench/run.sh                  # 64 connections, 30 s
#   CONNS=128 DURATION=60s tiles/bench/run.sh
#   SPLIT=1 tiles/bench/run.sh          # server on CPU 1 (GOMAXPROCS=1), wrk on CPU 0
#   FLOOR=1 tiles/bench/run.sh          # then the same runs against the floor
#
# On a 2-core machine the server and wrk compete for the same CPUs by
# default, and the tail (p99) then measures mostly that competition; SPLIT=1
# gives each its own CPU, as a load generator on another machine would.
#
# FLOOR=1 then measures the floor (tiles/bench/floor) the same way: bare
# net/http replaying the atlas's own answers (status, headers, bodies) from
# memory, on the same CPUs — what the atlas adds is the difference — and the
# raw floor: the same answers from a minimal HTTP/1.1 loop without net/http,
# one read and one write per request — what net/http adds is the difference.
#
# Needs wrk (apt-get install -y wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
ADDR=${ADDR:-127.0.0.1:8089}
DB=${DB:-data/bench.db}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
CPUS=${CPUS:-0-1}
BIN=${BIN:-bin/standortatlas}
LOG=${LOG:-/tmp/standortatlas-tilebench.log}
WRK=(wrk)
if [ "${SPLIT:-0}" = 1 ]; then
	CPUS=1
	export GOMAXPROCS=1
	WRK=(taskset -c 0 wrk)
fi

for tool in wrk curl taskset; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool missing (apt-get install -y wrk curl util-linux)" >&2; exit 1; }
done
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/standortatlas
mkdir -p "$(dirname "$DB")"
taskset -c "$CPUS" "$BIN" serve -addr "$ADDR" -db "$DB" >/dev/null 2>"$LOG" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
rss() { awk -v k="$1:" '$1 == k {printf "%.0f MB", $2/1024}' /proc/$pid/status; }
# The first tiles after start: asked for as soon as /healthz answers.
for _ in $(seq 1 3000); do
	curl -fs "http://$ADDR/healthz" >/dev/null 2>&1 && break
	sleep 0.02
done
for t in gemeinde/8/134/86 kreis/6/33/21 gemeinde/10/537/346; do
	curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "first tile $t after /healthz: %{http_code} in %{time_total} s\n" "http://$ADDR/tiles/$t.mvt"
done
for _ in $(seq 1 600); do
	curl -fs "http://$ADDR/readyz" >/dev/null 2>&1 && break
	sleep 0.2
done
# Wait for the background warm-up of z0–z8 (logged as "tiles warm").
for _ in $(seq 1 300); do
	grep -q '"tiles warm"' "$LOG" && break
	sleep 0.2
done
v=$(curl -fs "http://$ADDR/tiles/kreis.json" | sed -n 's/.*"data_version":\([0-9]*\).*/\1/p')
echo "RSS after start, all levels ready and z0–z8 warm: $(rss VmRSS) (peak so far $(rss VmHWM))"
echo "server pid $pid on CPUs $CPUS, data version $v; caching all z5–z12 tiles…"
"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d20s -s tiles/bench/tiles.lua "http://$ADDR" -- "$v" >/dev/null
echo "warm tiles, $CONNS connections, $DURATION:"
"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s tiles/bench/tiles.lua "http://$ADDR" -- "$v"
echo "RSS after the gzip run: $(rss VmRSS), peak $(rss VmHWM)"
echo "warm tiles without Accept-Encoding (identity), $CONNS connections, $DURATION:"
"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s tiles/bench/tiles.lua "http://$ADDR" -- "$v" identity
echo "RSS after load: $(rss VmRSS), peak $(rss VmHWM)"
[ "${FLOOR:-0}" = 1 ] || exit 0
FLOOR_ADDR=${FLOOR_ADDR:-127.0.0.1:8090}
RAW_ADDR=${RAW_ADDR:-127.0.0.1:8091}
floor_dir=$(mktemp -d)
go build -o "$floor_dir/floor" ./tiles/bench/floor
taskset -c "$CPUS" "$floor_dir/floor" -addr "$FLOOR_ADDR" -raw-addr "$RAW_ADDR" -upstream "http://$ADDR" &
fpid=$!
trap 'kill $pid $fpid 2>/dev/null; wait $pid $fpid 2>/dev/null || true; rm -rf "$floor_dir"' EXIT
for _ in $(seq 1 100); do
	curl -fs -o /dev/null "http://$FLOOR_ADDR/healthz" && break
	sleep 0.1
done
# Both floors answer from the answers kept here, once.
echo "floors (pid $fpid on CPUs $CPUS): keeping all answers…"
"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d30s -s tiles/bench/tiles.lua "http://$FLOOR_ADDR" -- "$v" >/dev/null
"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d30s -s tiles/bench/tiles.lua "http://$FLOOR_ADDR" -- "$v" identity >/dev/null
floor() { # name address
	echo "$1, warm tiles, $CONNS connections, $DURATION:"
	"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s tiles/bench/tiles.lua "http://$2" -- "$v"
	echo "$1, warm tiles without Accept-Encoding (identity), $CONNS connections, $DURATION:"
	"${WRK[@]}" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s tiles/bench/tiles.lua "http://$2" -- "$v" identity
}
floor "floor (bare net/http replaying the same answers)" "$FLOOR_ADDR"
floor "raw floor (the same answers from a minimal HTTP/1.1 loop, one write each)" "$RAW_ADDR"
