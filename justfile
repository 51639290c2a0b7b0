# Recon tasks. `just --list` shows them.

config := "jobs/nightly.toml"

# Reconcile one day (rerunnable): just reconcile 2026-11-21
reconcile day:
    cargo run --quiet -p recon-cli -- reconcile --config {{config}} --day {{day}}

# Reconcile the last business day that ended (what cron runs)
nightly:
    cargo run --quiet -p recon-cli -- nightly --config {{config}}

# The whole test suite (installs tesseract, LibreOffice, Chromium if missing)
test:
    bash scripts/test.sh

# Benchmarks: prints figures per stage
bench:
    bash scripts/bench.sh

# Labelled days for `just eval` (override: just truth=DIR eval DAY)
truth := "../shared/eval/days"

# Compare a day's reports with its labels: just eval 2026-09-01 /tmp/eval-reports
eval day reports="reports":
    cargo run --quiet -p recon-cli -- eval --truth {{truth}}/{{day}} --reports {{reports}}/{{day}}

# Regenerate the committed sample days from the generator (tooling: recon-gen)
sample-data:
    cargo run --quiet -p recon-testkit --bin recon-gen -- --sample --out sample-data

# A synthetic day: just gen 2026-10-05 100000 /tmp/big (other flags: cargo run -p recon-testkit --bin recon-gen -- --help)
gen day orders out:
    cargo run --quiet --release -p recon-testkit --bin recon-gen -- --day {{day}} --orders {{orders}} --out {{out}} --slips bundled

# Formatting and lints, as CI checks them
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
