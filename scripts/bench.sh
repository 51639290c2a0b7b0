#!/usr/bin/env bash
# `just bench`: end-to-end figures of `recon reconcile` on generated days of
# growing size (per-stage wall and CPU time from the run's JSON log, peak RSS
# and whole-run CPU from /usr/bin/time -v), the growth ratios between sizes,
# then the criterion micro-benchmarks and the per-crate bench examples.
#
# Sizes: BENCH_SIZES="10000 100000 1000000" (default). Release build.
# Slips are bundled (`recon-gen --slips bundled`): see the README's
# Performance section for why. BENCH_MICRO=0 skips the micro-benchmarks,
# BENCH_EXAMPLES=0 the crates' examples.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${BENCH_SIZES:-"10000 100000 1000000"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p recon-cli -p recon-testkit
recon=target/release/recon
gen=target/release/recon-gen
[ -x /usr/bin/time ] || { echo "bench needs /usr/bin/time (apt-get install time)"; exit 1; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $sizes; do
  data="$work/data-$n"; out="$work/reports-$n"; ledger="$work/ledger-$n.sqlite"
  /usr/bin/time -f "%e %M" -o "$work/gen-$n" \
    $gen --day 2026-11-21 --orders "$n" --seed 7 --out "$data" --slips bundled > /dev/null
  /usr/bin/time -v -o "$work/time-$n" $recon reconcile --config jobs/nightly.toml --day 2026-11-21 \
      --data "$data" --out "$out" --ledger "$ledger" --log-format json 2> "$work/log-$n" > /dev/null || [ $? -eq 2 ]
  rm -rf "$data" "$out" "$ledger"*
  echo "  $n orders done"
done

python3 - "$work" $sizes <<'PY'
import json, re, sys
work, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
STAGES = ["inputs", "ingest", "slips", "prior_uses", "carry", "match", "report", "ledger", "manifest"]
runs = {}
for n in sizes:
    stages, cpu, rows = {}, {}, {"orders": 0, "lines": 0, "slips": 0}
    for line in open(f"{work}/log-{n}", encoding="utf-8"):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        msg = ev.get("message")
        if msg == "stage done":
            stages[ev["stage"]] = int(ev["ms"]) / 1000
            if ev.get("cpu_ms") is not None:
                cpu[ev["stage"]] = int(ev["cpu_ms"]) / 1000
        elif msg == "orders read":
            rows["orders"] += int(ev["rows"])
        elif msg == "statement read":
            rows["lines"] += int(ev["rows"])
        elif msg == "slips read":
            rows["slips"] += int(ev["slips"])
    t = open(f"{work}/time-{n}").read()
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    wall = int(h or 0) * 3600 + int(m) * 60 + float(s)
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1))
    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    gen_s, gen_kb = open(f"{work}/gen-{n}").read().split()
    runs[n] = dict(stages=stages, cpu=cpu, rows=rows, wall=wall, cpu_total=user + sys_,
                   rss=rss, gen_s=float(gen_s), gen_mib=int(gen_kb) / 1024)

def row(cells, widths):
    return " ".join(str(c).rjust(w) for c, w in zip(cells, widths))

print("\nWall time per stage, seconds (CPU seconds of all threads in brackets)")
w = [9] + [15] * len(STAGES) + [8, 8, 9, 9]
print(row(["orders"] + STAGES + ["wall", "cpu", "peak_MiB", "gen_s"], w))
for n, r in runs.items():
    cells = [n] + [f"{r['stages'].get(s, float('nan')):.2f} ({r['cpu'].get(s, float('nan')):.2f})" for s in STAGES]
    print(row(cells + [f"{r['wall']:.2f}", f"{r['cpu_total']:.2f}", f"{r['rss']:.0f}", f"{r['gen_s']:.1f}"], w))

print("\nRows per second of wall time per stage (ingest: orders + statement lines; slips: slips;")
print("the other stages and end to end: orders + lines + slips)")
w = [9] + [11] * (len(STAGES) + 1)
print(row(["orders"] + STAGES + ["end2end"], w))
for n, r in runs.items():
    rw = r["rows"]
    total = rw["orders"] + rw["lines"] + rw["slips"]
    per = {"ingest": rw["orders"] + rw["lines"], "slips": rw["slips"]}
    cells = [n]
    for s in STAGES:
        sec = r["stages"].get(s)
        cells.append(f"{per.get(s, total) / sec:,.0f}" if sec else "-")
    cells.append(f"{total / r['wall']:,.0f}")
    print(row(cells, w))

if len(runs) > 1:
    base = sizes[0]
    print(f"\nGrowth against {base} orders: time ratio / size ratio (1.00 = linear), CPU time")
    w = [9, 7] + [11] * (len(STAGES) + 2)
    print(row(["orders", "size×"] + STAGES + ["cpu", "peak_MiB"], w))
    b = runs[base]
    for n in sizes[1:]:
        r, k = runs[n], n / base
        cells = [n, f"{k:.0f}"]
        for s in STAGES:
            x, y = r["cpu"].get(s), b["cpu"].get(s)
            cells.append(f"{x / y / k:.2f}" if x and y else "-")
        cells.append(f"{r['cpu_total'] / b['cpu_total'] / k:.2f}")
        cells.append(f"{r['rss'] / b['rss'] / k:.2f}")
        print(row(cells, w))
print("\nTargets (1M orders + ~1M lines + ~1M slips, 2 cores): wall <= 10 s, peak <= 2048 MiB.")
PY

if [ "${BENCH_MICRO:-1}" != 0 ]; then
  echo; echo "== criterion micro-benchmarks (recon-cli/benches/micro.rs)"
  cargo bench -q -p recon-cli --bench micro -- --warm-up-time 1 --measurement-time 3 2>&1 \
    | awk '/^[a-z_]+\// { name = $1 } /time:/ { sub(/^.*time: +/, ""); printf "%-28s %s\n", name, $0 }'
fi

if [ "${BENCH_EXAMPLES:-1}" != 0 ]; then
  for ex in ingest_bench:recon-ingest match_bench:recon-matcher ocr_bench:recon-ocr-client local_bench:recon-ocr-client; do
    name=${ex%%:*}; crate=${ex##*:}
    if [ -f "crates/${crate#recon-}/examples/$name.rs" ]; then
      echo; echo "== $crate $name"
      cargo run --release -q -p "$crate" --example "$name"
    fi
  done
fi
