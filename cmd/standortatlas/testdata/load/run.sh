#!/usr/bin/env bash
# Mixed load test: starts the atlas on a seeded embedded store, waits until
# it is ready, runs wrk (64 connections, DURATION seconds, default 60) with
# mixed.lua, and reports throughput, p99, errors and the server's resident
# memory. Used by `make bench-load`. Only loopback traffic.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
BIN=${BIN:-bin/standortatlas}
DB=${DB:-data/bench.db}
PORT=${PORT:-18990}
DURATION=${DURATION:-60}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
mkdir -p "$(dirname "$DB")"
# SPLIT=1: the server on CPU 1 (GOMAXPROCS=1), wrk on CPU 0 — each its own
# CPU, as with a load generator on another machine (tiles/bench/run.sh).
WRK=(wrk)
SERVE=("$BIN")
if [ "${SPLIT:-0}" = 1 ]; then
	WRK=(taskset -c 0 wrk)
	SERVE=(env GOMAXPROCS=1 taskset -c 1 "$BIN")
fi
"${SERVE[@]}" serve -db "$DB" -addr "127.0.0.1:$PORT" >/tmp/standortatlas-load.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server not ready"; tail /tmp/standortatlas-load.log; exit 1; }
# Load every Gemeinde geometry level once before measuring memory.
curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/boundaries?level=gemeinde"
echo "RSS after start (all levels loaded): $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$pid/status)"
# Warm-up (first renders of z9–z12 tiles, first answers of each query),
# then the measured run; cold latencies are measured by the Go benchmarks.
# ENCODING=identity: requests without Accept-Encoding (default: gzip).
"${WRK[@]}" -t2 -c64 -d15s -s cmd/standortatlas/testdata/load/mixed.lua "http://127.0.0.1:$PORT" -- "${ENCODING:-gzip}" >/dev/null
"${WRK[@]}" -t2 -c64 -d"${DURATION}s" --latency -s cmd/standortatlas/testdata/load/mixed.lua "http://127.0.0.1:$PORT" -- "${ENCODING:-gzip}"
echo "RSS after load: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$pid/status), peak: $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$pid/status)"
