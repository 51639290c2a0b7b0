#!/usr/bin/env bash
# `just bench`: end-to-end figures of `recon reconcile` on generated days of
# growing size (per-stage wall time from the run's JSON log, peak RSS from
# /usr/bin/time -v), then the per-crate micro-benchmarks.
# Sizes: BENCH_SIZES="10000 100000 1000000" (default). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${BENCH_SIZES:-"10000 100000 1000000"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p recon-cli
recon=target/release/recon
[ -x /usr/bin/time ] || { echo "bench needs /usr/bin/time (apt-get install time)"; exit 1; }

printf '\n%-9s %9s %9s %9s %9s %9s %10s %10s %12s\n' orders ingest_s slips_s match_s report_s ledger_s wall_s peak_MiB rows/s
for n in $sizes; do
  data="$work/data-$n"; out="$work/reports-$n"; ledger="$work/ledger-$n.sqlite"
  $recon gen --day 2026-11-21 --orders "$n" --seed 7 --out "$data" > /dev/null
  /usr/bin/time -v -o "$work/time-$n" $recon reconcile --config jobs/nightly.toml --day 2026-11-21 \
      --data "$data" --out "$out" --ledger "$ledger" --log-format json 2> "$work/log-$n" > /dev/null || [ $? -eq 2 ]
  python3 - "$n" "$work/log-$n" "$work/time-$n" <<'PY'
import json, sys, re
n, log, timef = int(sys.argv[1]), sys.argv[2], sys.argv[3]
stages = {}
for line in open(log, encoding="utf-8"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if ev.get("message") == "stage done":
        stages[ev["stage"]] = ev["ms"] / 1000
t = open(timef).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
h, m, s = wall.groups()
wall_s = int(h or 0) * 3600 + int(m) * 60 + float(s)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
g = lambda k: stages.get(k, float("nan"))
print(f"{n:<9} {g('ingest'):9.2f} {g('slips'):9.2f} {g('match'):9.2f} {g('report'):9.2f} {g('ledger'):9.2f} {wall_s:10.2f} {rss:10.0f} {3*n/wall_s:12.0f}")
PY
done
echo "(rows/s counts orders + statement lines + slips over the whole run)"

for ex in ingest_bench:recon-ingest match_bench:recon-matcher ocr_bench:recon-ocr-client local_bench:recon-ocr-client; do
  name=${ex%%:*}; crate=${ex##*:}
  if [ -f "crates/${crate#recon-}/examples/$name.rs" ]; then
    echo; echo "== $crate $name"
    cargo run --release -q -p "$crate" --example "$name"
  fi
done
