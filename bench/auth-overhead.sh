#!/usr/bin/env bash
# What authentication (an API key checked on every call) plus metrics (the Prometheus endpoint
# recording every call) cost batch-1 Predict: the load test run ROUNDS times with --security off
# and on, interleaved in ABBA order (a noisy machine drifts; interleaving spreads the drift over both), each run
# a fresh server process. Prints every run and the medians of Predict p50 at concurrency 1 and
# throughput at concurrency 32, and the overhead of "on" against "off"; also the server's CPU time
# per Predict call, which other tenants of a shared machine disturb far less than wall time.
#   bench/auth-overhead.sh [ROUNDS=5] [SECONDS=4]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-4}
dotnet build bench/DropoutService.LoadTest -c Release >/dev/null
dll=bench/DropoutService.LoadTest/bin/Release/net10.0/DropoutService.LoadTest.dll
out=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
  # ABBA order (off on, on off, ...): a load that drifts during the runs favours neither mode.
  order="off on"; ((r % 2 == 0)) && order="on off"
  for mode in $order; do
    # stderr line "rep 1 784-1024 c=<c> predict-on: <tput> calls/s p50 <p50> µs p99 <p99> µs, server CPU <cpu> µs/call"
    #   -> "<mode> <c> <tput> <p50>" and "<mode> <c> cpu <cpu>" (predict-on: the server's default, batching on)
    dotnet "$dll" --security "$mode" --shapes 784x1024 --mc-samples 0 --repetitions 1 --concurrency 1,32 --seconds "$seconds" 2>&1 >/dev/null \
      | awk -v m="$mode" '$5 == "predict-on:" { c = $4; sub("c=", "", c); print m, c, $6, $9; print m, c, "cpu", $16 }' \
      | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def med(mode, c, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == mode and r[1] == str(c) and r[2] != "cpu")
def cpu(mode, c):
    return statistics.median(float(r[3]) for r in rows if r[0] == mode and r[1] == str(c) and r[2] == "cpu")
p50 = {m: med(m, 1, 3) for m in ("off", "on")}
tput = {m: med(m, 32, 2) for m in ("off", "on")}
print(f"runs per mode: {sum(1 for r in rows if r[0] == 'off' and r[1] == '1' and r[2] != 'cpu')}")
print(f"Predict p50 at concurrency 1: off {p50['off']:.0f} us, on {p50['on']:.0f} us, overhead {100 * (p50['on'] / p50['off'] - 1):+.1f}% (goal <= +5%)")
print(f"Predict throughput at concurrency 32: off {tput['off']:.0f}/s, on {tput['on']:.0f}/s, overhead {100 * (1 - tput['on'] / tput['off']):+.1f}% (goal <= 5%)")
for c in (1, 32):
    off, on = cpu("off", c), cpu("on", c)
    print(f"CPU per Predict call at concurrency {c} (server process): off {off:.1f} us, on {on:.1f} us, overhead {100 * (on / off - 1):+.1f}%")
PY
rm -f "$out"
