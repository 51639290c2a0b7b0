#!/usr/bin/env bash
# `just bench`: end-to-end figures of `recon reconcile` on generated days,
# each stage against its floor measured in the same run on the same input
# (`recon-floors`: reading the input bytes, parsing them without matching,
# a hash join of the day's rows, writing the reports' and the ledger's
# bytes), then the criterion micro-benchmarks and the crates' bench
# examples.
#
# Days: BENCH_SIZES="10000 100000 1000000" (default) with slips bundled
# (`recon-gen --slips bundled`), and BENCH_PER_FILE=100000 (default; 0
# skips it) with one file per slip (`--slips per-order`), the layout shops
# upload. Per stage: wall and CPU seconds and the peak RSS so far from the
# run's JSON log (`stage done`: `ms`, `cpu_ms`, `peak_mib`); whole run:
# wall, CPU and peak RSS from /usr/bin/time -v. A day is deleted as soon as
# it is measured (a 1M day is ~1.5 GB). BENCH_MICRO=0 skips the
# micro-benchmarks, BENCH_EXAMPLES=0 the crates' examples.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${BENCH_SIZES:-"10000 100000 1000000"}
per_file=${BENCH_PER_FILE:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p recon-cli -p recon-testkit
recon=target/release/recon
gen=target/release/recon-gen
floors=target/release/recon-floors
[ -x /usr/bin/time ] || { echo "bench needs /usr/bin/time (apt-get install time)"; exit 1; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
runs=""
for n in $sizes; do runs="$runs $n:bundled"; done
[ "$per_file" != 0 ] && runs="$runs $per_file:per-order"
for run in $runs; do
  n=${run%%:*}; layout=${run##*:}; tag="$n-$layout"
  data="$work/data-$tag"; out="$work/reports-$tag"; ledger="$work/ledger-$tag.sqlite"
  /usr/bin/time -f "%e %M" -o "$work/gen-$tag" \
    $gen --day 2026-11-21 --orders "$n" --seed 7 --out "$data" --slips "$layout" > /dev/null
  /usr/bin/time -v -o "$work/time-$tag" $recon reconcile --config jobs/nightly.toml --day 2026-11-21 \
      --data "$data" --out "$out" --ledger "$ledger" --log-format json 2> "$work/log-$tag" > /dev/null || [ $? -eq 2 ]
  report_bytes=$(du -sb "$out/2026-11-21" | cut -f1)
  ledger_bytes=$(stat -c %s "$ledger")
  $floors --day-dir "$data/2026-11-21" --report-bytes "$report_bytes" --ledger-bytes "$ledger_bytes" \
      --scratch "$work/scratch" > "$work/floors-$tag"
  rm -rf "$data" "$out" "$ledger"*
  echo "  $n orders ($layout slips) done"
done

python3 - "$work" $runs <<'PY'
import json, re, sys
work, runs = sys.argv[1], sys.argv[2:]
STAGES = ["inputs", "ingest", "slips", "prior_uses", "carry", "match", "report", "ledger"]
# Each stage against the floor of the same work on the same bytes.
FLOORS = {"inputs": "read", "ingest": "parse_csv", "slips": "parse_json", "match": "join",
          "report": "write_report", "ledger": "write_ledger"}
res = {}
for run in runs:
    n, layout = run.split(":")
    tag = f"{n}-{layout}"
    stages, cpu, peak = {}, {}, {}
    for line in open(f"{work}/log-{tag}", encoding="utf-8"):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        ev = ev.get("fields", ev)
        if ev.get("message") == "stage done":
            s = ev["stage"]
            stages[s] = int(ev["ms"]) / 1000
            if ev.get("cpu_ms") is not None:
                cpu[s] = int(ev["cpu_ms"]) / 1000
            if ev.get("peak_mib") is not None:
                peak[s] = int(ev["peak_mib"])
    t = open(f"{work}/time-{tag}").read()
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    wall = int(h or 0) * 3600 + int(m) * 60 + float(s)
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1))
    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    gen_s = float(open(f"{work}/gen-{tag}").read().split()[0])
    fl = json.loads(open(f"{work}/floors-{tag}").read())
    res[run] = dict(n=int(n), layout=layout, stages=stages, cpu=cpu, peak=peak, wall=wall,
                    user=user, sys=sys_, rss=rss, gen_s=gen_s, floors=fl)

def row(cells, widths):
    return " ".join(str(c).rjust(w) for c, w in zip(cells, widths))

def name(r):
    return f"{r['n']} {'per-file' if r['layout'] == 'per-order' else 'bundled'}"

print("\nWall seconds per stage (CPU seconds of all threads in brackets; peak MiB so far after the stage)")
w = [17] + [19] * len(STAGES)
print(row(["orders, slips"] + STAGES, w))
for r in res.values():
    cells = [name(r)] + [
        f"{r['stages'].get(s, float('nan')):.2f} ({r['cpu'].get(s, float('nan')):.2f}) {r['peak'].get(s, 0)}"
        for s in STAGES]
    print(row(cells, w))

print("\nWhole run: wall, CPU (user + system), peak RSS; generator seconds")
w = [17, 8, 8, 8, 8, 9, 7]
print(row(["orders, slips", "wall_s", "cpu_s", "user_s", "sys_s", "peak_MiB", "gen_s"], w))
for r in res.values():
    print(row([name(r), f"{r['wall']:.2f}", f"{r['user'] + r['sys']:.2f}", f"{r['user']:.2f}",
               f"{r['sys']:.2f}", f"{r['rss']:.0f}", f"{r['gen_s']:.1f}"], w))

print("\nFloors of the same day, measured in the same run: wall seconds (CPU in brackets)")
names = list(dict.fromkeys(FLOORS.values()))
w = [17] + [15] * len(names) + [10, 12]
print(row(["orders, slips"] + names + ["input_MB", "report+ledger_MB"], w))
for r in res.values():
    f = r["floors"]
    print(row([name(r)] + [f"{f[k]['s']:.2f} ({f[k]['cpu']:.2f})" for k in names]
              + [f"{f['bytes'] / 1e6:.0f}",
                 f"{f['report_bytes'] / 1e6:.0f}+{f['ledger_bytes'] / 1e6:.0f}"], w))

print("\nEach stage against its floor: stage wall / floor wall (target <= 3)")
w = [17] + [18] * len(FLOORS) + [9]
print(row(["orders, slips"] + [f"{s}/{f}" for s, f in FLOORS.items()] + ["worst"], w))
worst_all = {}
for key, r in res.items():
    ratios = []
    cells = [name(r)]
    for s, fname in FLOORS.items():
        fl = max(r["floors"][fname]["s"], 0.01)
        x = r["stages"].get(s)
        ratios.append(x / fl if x is not None else float("nan"))
        cells.append(f"{ratios[-1]:.1f}")
    worst_all[key] = max(ratios)
    print(row(cells + [f"{worst_all[key]:.1f}"], w))

print("\nTargets (2 cores): 1M orders bundled <= 10 s wall and <= 2048 MiB peak;"
      " 100k orders per-file <= 3 s; every stage <= 3x its floor.")
for key, r in res.items():
    verdicts = []
    if r["n"] == 1000000 and r["layout"] == "bundled":
        verdicts.append(f"wall {r['wall']:.1f} s {'ok' if r['wall'] <= 10 else 'MISSED'}")
        verdicts.append(f"peak {r['rss']:.0f} MiB {'ok' if r['rss'] <= 2048 else 'MISSED'}")
    if r["n"] == 100000 and r["layout"] == "per-order":
        verdicts.append(f"wall {r['wall']:.1f} s {'ok' if r['wall'] <= 3 else 'MISSED'}")
    verdicts.append(f"worst stage/floor {worst_all[key]:.1f} {'ok' if worst_all[key] <= 3 else 'MISSED'}")
    print(f"  {name(r)}: " + "; ".join(verdicts))
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
