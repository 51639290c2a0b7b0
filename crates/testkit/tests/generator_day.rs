//! Behaviour of the synthetic day generator: reproducible to the byte,
//! files in the contract layouts, planted problems where the expected
//! outcome says.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use recon_core::{Currency, Day, Money, Status};
use recon_testkit::generator::{GenError, GenOptions, ProblemRates, generate_day};

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

/// Every file under `root`, relative path → bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn options(orders: usize, seed: u64) -> GenOptions {
    let mut opts = GenOptions::new(day("2026-11-21"), orders, seed);
    opts.rates = ProblemRates {
        unpaid: 0.03,
        paid_without_slip: 0.05,
        line_without_reference: 0.08,
        name_typo: 0.02,
        masked_line_name: 0.02,
        other_payer: 0.04,
        amount_mismatch: 0.03,
        duplicate_slip: 0.03,
        prior_day_duplicate: 0.0,
        receiver_mismatch: 0.02,
        slip_not_on_statement: 0.02,
        name_mismatch: 0.02,
        unreadable_slip: 0.02,
        malformed_order: 0.02,
        unknown_transfer: 0.03,
        money_out: 0.03,
        malformed_statement_line: 0.02,
        crowded_share: 0.4,
        reference_share: 0.1,
    };
    opts
}

#[test]
fn same_options_give_byte_identical_days_and_another_seed_does_not() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    generate_day(&options(300, 42), a.path()).unwrap();
    generate_day(&options(300, 42), b.path()).unwrap();
    generate_day(&options(300, 43), c.path()).unwrap();
    let (ta, tb, tc) = (tree(a.path()), tree(b.path()), tree(c.path()));
    assert!(ta.len() > 250, "{} files", ta.len());
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(
            bytes == &tb[path],
            "{} differs between two runs",
            path.display()
        );
    }
    let orders = Path::new("2026-11-21/orders/orders.csv");
    assert_ne!(
        ta[orders], tc[orders],
        "a different seed must give a different day"
    );
}

#[test]
fn expected_outcome_agrees_with_the_summary_and_covers_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate_day(&options(400, 7), dir.path()).unwrap();
    let expected = dir.path().join("2026-11-21/expected");

    let recon = read_csv(&expected.join("reconciliation.csv"));
    assert_eq!(recon[0], ["order_id", "status"]);
    let mut counted: BTreeMap<Status, usize> = BTreeMap::new();
    for row in &recon[1..] {
        *counted.entry(row[1].parse().unwrap()).or_default() += 1;
    }
    assert_eq!(counted, summary.order_statuses);
    for status in [
        Status::Matched,
        Status::Unpaid,
        Status::AmountMismatch,
        Status::DuplicateSlip,
        Status::ReceiverMismatch,
        // A fake slip is pending on its own day (2-day grace).
        Status::Pending,
        Status::NameMismatch,
        Status::UnreadableSlip,
    ] {
        assert!(
            counted.get(&status).copied().unwrap_or(0) > 0,
            "no order is {status}"
        );
    }
    let ids: Vec<&String> = recon[1..].iter().map(|r| &r[0]).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        ids, sorted,
        "reconciliation.csv sorted by order id, no repeats"
    );

    let statement = read_csv(&expected.join("statement.csv"));
    assert_eq!(statement[0], ["statement_line", "status"]);
    let lines: BTreeMap<Status, usize> = statement[1..].iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r[1].parse().unwrap()).or_default() += 1;
        m
    });
    assert_eq!(lines, summary.line_statuses);
    assert!(
        lines[&Status::StatementUnmatched] >= 24,
        "unknown transfers + money out: {lines:?}"
    );

    let quarantine = read_csv(&expected.join("quarantine.csv"));
    assert_eq!(quarantine[0], ["file", "line"]);
    assert_eq!(quarantine.len() - 1, summary.quarantined);
    let files: BTreeSet<&str> = quarantine[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        files,
        BTreeSet::from(["aba-usd.csv", "kbank.csv", "orders.csv"])
    );
}

#[test]
fn kbank_export_has_the_bank_layout_and_expected_lines_point_at_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    generate_day(&options(200, 11), dir.path()).unwrap();
    let folder = dir.path().join("2026-11-21");
    let bytes = fs::read(folder.join("statements/kbank.csv")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "Windows-874, not UTF-8"
    );
    let (text, _, bad) = encoding_rs::WINDOWS_874.decode(&bytes);
    assert!(!bad);
    assert!(text.ends_with("\r\n"));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line ends CRLF"
    );
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "ธนาคารกสิกรไทย,รายการเดินบัญชี");
    assert_eq!(lines[1], "เลขที่บัญชี,123-4-56789-0");
    assert_eq!(lines[2], "ช่วงวันที่,21/11/2569 - 21/11/2569");
    assert_eq!(lines[3], "");
    assert_eq!(
        lines[4],
        "วันที่,เวลา,รายการ,ถอนเงิน,ฝากเงิน,ยอดคงเหลือ,ช่องทาง,ชื่อผู้โอน,เลขที่บัญชีผู้โอน,เลขที่อ้างอิง"
    );
    // One parsed record per physical line (the csv crate would skip line 4).
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| read_csv_text(l).into_iter().next().unwrap_or_default())
        .collect();
    let rows = &rows[..rows.len() - 1]; // after the final CRLF
    let count_row = &rows[rows.len() - 1];
    let total_row = &rows[rows.len() - 2];
    assert_eq!(count_row[0], "จำนวนรายการ");
    assert_eq!(total_row[0], "รวม");
    let n: usize = count_row[1].parse().unwrap();
    // 5 lines before the rows, 2 summary lines after (+ the final CRLF).
    assert_eq!(lines.len(), 5 + n + 2 + 1);

    // Totals add up the well-formed rows; the running balance follows them.
    let money = |s: &str| Money::parse(&s.replace(',', ""), Currency::Thb).ok();
    let (mut total_in, mut total_out) = (Money::zero(Currency::Thb), Money::zero(Currency::Thb));
    for row in &rows[5..5 + n] {
        assert_eq!(row.len(), 10, "{row:?}");
        if let Some(m) = money(&row[4]) {
            assert_eq!(row[2], "รับโอนเงิน");
            total_in = total_in.checked_add(&m).unwrap();
        }
        if let Some(m) = money(&row[3]) {
            assert_eq!(row[2], "โอนเงิน");
            total_out = total_out.checked_add(&m).unwrap();
        }
    }
    assert_eq!(money(&total_row[4]), Some(total_in));
    assert_eq!(money(&total_row[3]), Some(total_out));

    // Every expected kbank line is a transaction row, dated in Buddhist era.
    let expected = read_csv(&folder.join("expected/statement.csv"));
    let mut seen = 0;
    for row in &expected[1..] {
        let (file, line) = row[0].rsplit_once(':').unwrap();
        if file != "kbank.csv" {
            continue;
        }
        let line: usize = line.parse().unwrap();
        assert!((6..6 + n).contains(&line), "{line}");
        let fields = &rows[line - 1];
        assert_eq!(fields[0], "21/11/2569", "line {line}: {fields:?}");
        assert!(fields[1].len() == 5 && fields[1].as_bytes()[2] == b':');
        if row[1] == "matched" {
            assert_eq!(fields[2], "รับโอนเงิน");
        }
        seen += 1;
    }
    assert!(seen > 150, "{seen}");
}

fn read_csv_text(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn orders_and_slips_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    generate_day(&options(200, 5), dir.path()).unwrap();
    let folder = dir.path().join("2026-11-21");
    let orders = read_csv(&folder.join("orders/orders.csv"));
    assert_eq!(
        orders[0],
        [
            "order_id",
            "customer_name",
            "amount",
            "currency",
            "ordered_at",
            "slip"
        ]
    );
    let quarantined: BTreeSet<usize> = read_csv(&folder.join("expected/quarantine.csv"))[1..]
        .iter()
        .filter(|r| r[0] == "orders.csv")
        .map(|r| r[1].parse().unwrap())
        .collect();
    assert_eq!(quarantined.len(), 4);
    let mut currencies = BTreeSet::new();
    let mut thai_names = 0;
    for (k, row) in orders.iter().enumerate().skip(1) {
        let line = k + 1;
        let parsed = row[3].parse::<Currency>().ok().and_then(|c| {
            let amount = Money::parse(&row[2], c).ok()?;
            let at = chrono::DateTime::parse_from_rfc3339(&row[4]).ok()?;
            Some((c, amount, at))
        });
        if quarantined.contains(&line) {
            assert!(
                parsed.is_none(),
                "line {line} is expected in quarantine but parses: {row:?}"
            );
            continue;
        }
        let (currency, amount, at) =
            parsed.unwrap_or_else(|| panic!("line {line} does not parse: {row:?}"));
        currencies.insert(currency);
        assert!(amount.is_positive());
        assert_eq!(at.offset().local_minus_utc(), 7 * 3600);
        assert_eq!(at.date_naive().to_string(), "2026-11-21");
        assert!(row[0].starts_with("ORD-20261121-"));
        thai_names += usize::from(
            row[1]
                .chars()
                .any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)),
        );
        if !row[5].is_empty() {
            assert!(folder.join("slips").join(&row[5]).is_file(), "{}", row[5]);
        }
    }
    assert_eq!(currencies.len(), 3, "THB, USD and KHR orders");
    assert!(thai_names > 100, "{thai_names}");

    // Every slip but the cut-short ones is JSON in its provider's shape.
    let mut easyslip = 0;
    let mut nextocr = 0;
    let mut broken = 0;
    for entry in fs::read_dir(folder.join("slips")).unwrap() {
        let path = entry.unwrap().path();
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(&fs::read(&path).unwrap())
        else {
            broken += 1;
            continue;
        };
        if body["success"] == true {
            easyslip += 1;
            let raw = &body["data"]["rawSlip"];
            let payload = raw["payload"].as_str().unwrap();
            match recon_ocr_client::qr::parse(payload) {
                Ok(recon_ocr_client::qr::QrPayload::SlipVerification(v)) => {
                    assert_eq!(v.trans_ref.0, raw["transRef"].as_str().unwrap());
                    assert_eq!(
                        v.sending_bank_code,
                        raw["sender"]["bank"]["id"].as_str().unwrap()
                    );
                }
                other => panic!("{}: payload {payload} reads as {other:?}", path.display()),
            }
            assert!(raw["date"].as_str().unwrap().ends_with("+07:00"));
            assert_eq!(raw["amount"]["local"]["currency"], "THB");
            assert!(
                raw["sender"]["account"]["bank"]["account"]
                    .as_str()
                    .unwrap()
                    .starts_with("xxx-x-x")
            );
        } else {
            nextocr += 1;
            assert_eq!(body["status"], true);
            let fields = &body["fields"];
            assert!(matches!(fields["currency"].as_str(), Some("USD" | "KHR")));
            assert!(fields["amount"].is_string());
            assert!(
                fields["from_account"]
                    .as_str()
                    .unwrap()
                    .ends_with(" XXX XXX")
            );
            let at = fields["finished_at"].as_str().unwrap();
            assert!(
                chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %I:%M%p").is_ok(),
                "{at}"
            );
        }
    }
    assert!(easyslip > 100 && nextocr > 5, "{easyslip} {nextocr}");
    assert_eq!(broken, 4, "unreadable slips: 2% of 200");
}

#[test]
fn duplicates_copy_an_earlier_slip_and_each_reference_books_once() {
    let dir = tempfile::tempdir().unwrap();
    generate_day(&options(300, 9), dir.path()).unwrap();
    let folder = dir.path().join("2026-11-21");
    let planted: BTreeMap<String, String> = read_csv(&folder.join("expected/planted.csv"))[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let trans_ref = |order: &str| -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(
            &fs::read(folder.join("slips").join(format!("{order}.json"))).ok()?,
        )
        .ok()?;
        body["data"]["rawSlip"]["transRef"]
            .as_str()
            .or(body["fields"]["reference"].as_str())
            .map(str::to_string)
    };
    let orders = read_csv(&folder.join("orders/orders.csv"));
    let ids: Vec<&str> = orders[1..].iter().map(|r| r[0].as_str()).collect();
    let dups: Vec<&String> = planted
        .iter()
        .filter(|(_, p)| *p == "duplicate_slip_same_day")
        .map(|(o, _)| o)
        .collect();
    assert_eq!(dups.len(), 9);
    for dup in dups {
        let r = trans_ref(dup).unwrap();
        let earlier: Vec<&&str> = ids
            .iter()
            .take_while(|id| **id != dup.as_str())
            .filter(|id| trans_ref(id).as_deref() == Some(r.as_str()))
            .collect();
        assert_eq!(
            earlier.len(),
            1,
            "{dup} must copy exactly one earlier order's slip"
        );
        assert!(
            !planted.contains_key(*earlier[0]),
            "the original is a clean paid order"
        );
    }

    let mut references = BTreeSet::new();
    for file in ["kbank.csv", "aba-usd.csv"] {
        let bytes = fs::read(folder.join("statements").join(file)).unwrap();
        let (text, _, _) = encoding_rs::WINDOWS_874.decode(&bytes);
        let rows = read_csv_text(&text);
        let col = if file == "kbank.csv" { 9 } else { 7 };
        for row in rows.iter().filter(|r| r.len() > col && !r[col].is_empty()) {
            assert!(
                references.insert(row[col].clone()),
                "reference {} booked twice",
                row[col]
            );
        }
    }
    // Most lines carry no reference (reference_share 0.1); the other
    // payers' lines always do.
    assert!(references.len() > 15, "{}", references.len());
}

#[test]
fn bad_rates_and_occupied_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(100, 1);
    opts.rates.unpaid = 0.9;
    match generate_day(&opts, dir.path()) {
        Err(GenError::Options(msg)) => assert!(msg.contains("at most 1"), "{msg}"),
        other => panic!("{other:?}"),
    }
    opts.rates.unpaid = -0.1;
    match generate_day(&opts, dir.path()) {
        Err(GenError::Options(msg)) => assert!(msg.contains("unpaid"), "{msg}"),
        other => panic!("{other:?}"),
    }

    let mut opts = options(20, 1);
    generate_day(&opts, dir.path()).unwrap();
    let notes = dir.path().join("2026-11-21/notes.txt");
    fs::write(&notes, "keep me").unwrap();
    fs::write(dir.path().join("2026-11-21/slips/stale.json"), "{}").unwrap();
    match generate_day(&opts, dir.path()) {
        Err(GenError::DayExists { path }) => assert!(path.ends_with("2026-11-21")),
        other => panic!("{other:?}"),
    }
    opts.overwrite = true;
    generate_day(&opts, dir.path()).unwrap();
    assert_eq!(
        fs::read_to_string(&notes).unwrap(),
        "keep me",
        "only generated folders are replaced"
    );
    assert!(!dir.path().join("2026-11-21/slips/stale.json").exists());
}

#[test]
fn canonical_only_day_puts_every_line_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(150, 3);
    opts.bank_layouts = false;
    let summary = generate_day(&opts, dir.path()).unwrap();
    let folder = dir.path().join("2026-11-21");
    let names: Vec<String> = fs::read_dir(folder.join("statements"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["canonical.csv"]);
    let rows = read_csv(&folder.join("statements/canonical.csv"));
    assert_eq!(
        rows[0],
        [
            "account",
            "booked_at",
            "amount",
            "currency",
            "counterparty_name",
            "counterparty_account",
            "counterparty_bank",
            "reference",
            "description"
        ]
    );
    assert_eq!(rows.len() - 1, summary.statement_lines);
    let currencies: BTreeSet<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    assert_eq!(currencies, BTreeSet::from(["KHR", "THB", "USD"]));
    let expected = read_csv(&folder.join("expected/statement.csv"));
    assert!(
        expected[1..]
            .iter()
            .all(|r| r[0].starts_with("canonical.csv:"))
    );
}

#[test]
fn generates_a_large_day_quickly() {
    // RECON_GEN_ORDERS lets a person time a bigger day with the same test;
    // the suite runs 5,000.
    let n: usize = std::env::var("RECON_GEN_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let summary = generate_day(&GenOptions::new(day("2026-11-21"), n, 99), dir.path()).unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "generated {n} orders, {} lines, {} slips in {elapsed:?}",
        summary.statement_lines, summary.slip_files
    );
    assert_eq!(summary.orders, n);
    assert!(summary.slip_files > n * 8 / 10);
    let reconciliation =
        fs::read_to_string(dir.path().join("2026-11-21/expected/reconciliation.csv")).unwrap();
    let assessed: usize = summary.order_statuses.values().sum();
    assert_eq!(reconciliation.lines().count(), 1 + assessed);
    assert_eq!(
        n - assessed,
        (n as f64 * 0.005).round() as usize,
        "malformed order rows"
    );
}

#[test]
fn an_earlier_day_planned_again_offers_the_slips_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let first = options(120, 8);
    let summary = generate_day(&first, dir.path()).unwrap();
    let again = recon_testkit::generator::reusable_slips(&first).unwrap();
    assert_eq!(again, summary.reusable_slips);
    assert!(!again.is_empty());
    for slip in &again {
        let body = fs::read_to_string(
            dir.path()
                .join("2026-11-21/slips")
                .join(format!("{}.json", slip.order_id)),
        )
        .unwrap();
        assert!(
            body.contains(&slip.trans_ref),
            "{} does not carry {}",
            slip.order_id,
            slip.trans_ref
        );
    }

    let mut next = GenOptions::new(day("2026-11-22"), 100, 9);
    next.rates.prior_day_duplicate = 0.03;
    next.previous_day_slips = again.clone();
    generate_day(&next, dir.path()).unwrap();
    let planted = fs::read_to_string(dir.path().join("2026-11-22/expected/planted.csv")).unwrap();
    let reused: Vec<&str> = planted
        .lines()
        .filter(|l| l.ends_with(",duplicate_slip_prior_day"))
        .collect();
    assert_eq!(reused.len(), 3, "{planted}");
    for line in reused {
        let order = line.split(',').next().unwrap();
        let body = fs::read_to_string(
            dir.path()
                .join("2026-11-22/slips")
                .join(format!("{order}.json")),
        )
        .unwrap();
        assert!(
            again.iter().any(|s| body.contains(&s.trans_ref)),
            "{order} reuses no slip of the 21st"
        );
        assert!(
            body.contains("2026-11-21"),
            "the reused slip keeps its first day's date"
        );
    }
}

#[test]
fn tiny_and_one_sided_days_are_still_whole_days() {
    for n in [0, 1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let summary = generate_day(&options(n, 4), dir.path()).unwrap();
        assert_eq!(summary.orders, n);
        let orders = fs::read_to_string(dir.path().join("2026-11-21/orders/orders.csv")).unwrap();
        assert_eq!(orders.lines().count(), 1 + n);
        let kbank = fs::read(dir.path().join("2026-11-21/statements/kbank.csv")).unwrap();
        let (text, _, _) = encoding_rs::WINDOWS_874.decode(&kbank);
        assert!(
            text.contains("จำนวนรายการ,"),
            "{n} orders: summary rows still written"
        );
    }

    // Every order unpaid: no slips, only the planted extra lines.
    let dir = tempfile::tempdir().unwrap();
    let mut opts = GenOptions::new(day("2026-11-21"), 40, 4);
    opts.rates = ProblemRates {
        unpaid: 1.0,
        ..ProblemRates::none()
    };
    let summary = generate_day(&opts, dir.path()).unwrap();
    assert_eq!(
        summary.order_statuses,
        BTreeMap::from([(Status::Unpaid, 40)])
    );
    assert_eq!(summary.slip_files, 0);
    assert_eq!(summary.statement_lines, 0);
}
