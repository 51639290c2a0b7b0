//! Writing a planned day to disk in the day-folder input layout (README, Input contract), plus the
//! expected outcome. Streams every file through a `BufWriter` so that a day
//! of a million orders never sits in memory as text.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use recon_core::{Currency, Day, Money, Status};

use super::images::ImageSlips;
use super::json::{OUR_KHR_ACCOUNT, OUR_THB_ACCOUNT, OUR_USD_ACCOUNT, slip_body};
use super::plan::{
    DayPlan, Defect, LineKind, PlannedLine, PlannedOrder, StatementFile, StatementPlan,
};
use super::{BUNDLE_SLIPS, GenError, SlipFiles};

/// What writing a day produced, for the summary.
pub(crate) struct Written {
    pub slip_files: usize,
    /// Saved responses, one per slip-bearing order.
    pub slips: usize,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> GenError + '_ {
    move |source| GenError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn create(path: &Path) -> Result<BufWriter<File>, GenError> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 16, f))
        .map_err(io_err(path))
}

fn finish(mut w: BufWriter<File>, path: &Path) -> Result<(), GenError> {
    w.flush().map_err(io_err(path))
}

/// One CSV field, quoted only when it must be (comma, quote, line break).
fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

fn record(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// `1500.00` → `1,500.00`, as bank exports print amounts (sign dropped).
fn thousands(minor: i64) -> String {
    let minor = minor.unsigned_abs();
    let whole = (minor / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 3);
    for (k, c) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02}", minor % 100)
}

/// A typing slip in an amount: the letter O for a zero, or a lower-case L
/// for the first digit when there is no zero.
fn garble_amount(text: &str) -> String {
    if let Some(k) = text.find('0') {
        format!("{}O{}", &text[..k], &text[k + 1..])
    } else if let Some(k) = text.find(|c: char| c.is_ascii_digit()) {
        format!("{}l{}", &text[..k], &text[k + 1..])
    } else {
        format!("{text}?")
    }
}

/// A European decimal comma where a plain decimal belongs: `1250.00` →
/// `1.250,00`.
fn european(minor: i64) -> String {
    let text = thousands(minor);
    let (whole, cents) = text.split_at(text.len() - 3);
    format!("{},{}", whole.replace(',', "."), &cents[1..])
}

fn iso(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// An hour that does not exist, as a broken export or a hand edit leaves it.
fn impossible_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%Y-%m-%dT25:%M:%S%:z").to_string()
}

/// Buddhist-era date as Thai banks print it: `21/11/2569`.
fn thai_date(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", t.day(), t.month(), t.year() + 543)
}

fn thai_day(day: Day) -> String {
    use chrono::Datelike;
    let d = day.date();
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year() + 543)
}

/// Writes one line of the KBank export in Windows-874 with CRLF.
fn write_874(
    w: &mut BufWriter<File>,
    path: &Path,
    line_no: u64,
    text: &str,
) -> Result<(), GenError> {
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_874.encode(text);
    if had_errors {
        return Err(GenError::Encoding {
            path: path.to_path_buf(),
            line: line_no,
            text: text.to_string(),
        });
    }
    w.write_all(&bytes).map_err(io_err(path))?;
    w.write_all(b"\r\n").map_err(io_err(path))
}

fn write_kbank(path: &Path, day: Day, plan: &StatementPlan) -> Result<(), GenError> {
    let mut w = create(path)?;
    let period = thai_day(day);
    let preamble = [
        "ธนาคารกสิกรไทย,รายการเดินบัญชี".to_string(),
        format!("เลขที่บัญชี,{OUR_THB_ACCOUNT}"),
        format!("ช่วงวันที่,{period} - {period}"),
        String::new(),
        "วันที่,เวลา,รายการ,ถอนเงิน,ฝากเงิน,ยอดคงเหลือ,ช่องทาง,ชื่อผู้โอน,เลขที่บัญชีผู้โอน,เลขที่อ้างอิง".to_string(),
    ];
    for (k, text) in preamble.iter().enumerate() {
        write_874(&mut w, path, k as u64 + 1, text)?;
    }
    let mut balance = plan.opening_minor;
    let (mut total_in, mut total_out) = (0i64, 0i64);
    for line in &plan.lines {
        let amount_ok = line.defect != Some(Defect::Amount);
        if amount_ok {
            balance += line.amount_minor;
            if line.amount_minor >= 0 {
                total_in += line.amount_minor;
            } else {
                total_out -= line.amount_minor;
            }
        }
        let mut amount = thousands(line.amount_minor);
        if !amount_ok {
            amount = garble_amount(&amount);
        }
        let date = if line.defect == Some(Defect::Time) {
            // Excel's rendering of a date too wide for its column, saved as is.
            "##########".to_string()
        } else {
            thai_date(&line.booked_at)
        };
        let (kind, out, inn) = if line.amount_minor >= 0 {
            ("รับโอนเงิน", String::new(), amount)
        } else {
            ("โอนเงิน", amount, String::new())
        };
        let text = record(&[
            &date,
            &line.booked_at.format("%H:%M").to_string(),
            kind,
            &out,
            &inn,
            &thousands(balance),
            line.channel,
            &line.counterparty_name,
            &line.counterparty_account,
            line.reference.as_deref().unwrap_or(""),
        ]);
        write_874(&mut w, path, line.line_no, &text)?;
    }
    let next = plan.file.first_line() + plan.lines.len() as u64;
    let total = record(&[
        "รวม",
        "",
        "",
        &thousands(total_out),
        &thousands(total_in),
        "",
        "",
        "",
        "",
        "",
    ]);
    write_874(&mut w, path, next, &total)?;
    let count = plan.lines.len().to_string();
    let count = record(&["จำนวนรายการ", &count, "", "", "", "", "", "", "", ""]);
    write_874(&mut w, path, next + 1, &count)?;
    finish(w, path)
}

fn our_account(currency: Currency) -> &'static str {
    match currency {
        Currency::Thb => OUR_THB_ACCOUNT,
        Currency::Usd => OUR_USD_ACCOUNT,
        Currency::Khr => OUR_KHR_ACCOUNT,
    }
}

fn canonical_row(line: &PlannedLine) -> String {
    let amount = match line.defect {
        Some(Defect::Amount) => european(line.amount_minor),
        _ => Money::from_minor(line.amount_minor, line.currency).plain(),
    };
    let booked_at = match line.defect {
        Some(Defect::Time) => impossible_time(&line.booked_at),
        _ => iso(&line.booked_at),
    };
    let description = match line.kind {
        LineKind::MoneyOut => "Outgoing transfer",
        _ => "Incoming transfer",
    };
    record(&[
        our_account(line.currency),
        &booked_at,
        &amount,
        line.currency.code(),
        &line.counterparty_name,
        &line.counterparty_account,
        line.counterparty_bank,
        line.reference.as_deref().unwrap_or(""),
        description,
    ])
}

fn write_canonical(path: &Path, plan: &StatementPlan) -> Result<(), GenError> {
    let mut w = create(path)?;
    let mut text = String::from(
        "account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description\n",
    );
    for line in &plan.lines {
        text.push_str(&canonical_row(line));
        text.push('\n');
        if text.len() > 1 << 16 {
            w.write_all(text.as_bytes()).map_err(io_err(path))?;
            text.clear();
        }
    }
    w.write_all(text.as_bytes()).map_err(io_err(path))?;
    finish(w, path)
}

fn order_row(o: &PlannedOrder, slip: Option<&str>) -> String {
    let plain = Money::from_minor(o.amount_minor, o.currency).plain();
    let amount = match o.defect {
        Some(Defect::Amount) => garble_amount(&plain),
        _ => plain,
    };
    let ordered_at = match o.defect {
        Some(Defect::Time) => impossible_time(&o.ordered_at),
        _ => iso(&o.ordered_at),
    };
    let currency = match o.defect {
        Some(Defect::Currency) => "BHT",
        _ => o.currency.code(),
    };
    record(&[
        &o.order_id,
        &o.customer_name(),
        &amount,
        currency,
        &ordered_at,
        slip.unwrap_or(""),
    ])
}

fn write_orders(
    path: &Path,
    orders: &[PlannedOrder],
    slips: SlipFiles,
    images: &ImageSlips,
) -> Result<(), GenError> {
    let mut w = create(path)?;
    let mut text = String::from("order_id,customer_name,amount,currency,ordered_at,slip\n");
    let mut names = SlipNames::new(slips);
    for o in orders {
        let slip = names
            .next(o)
            .map(|n| images.file_name(&o.order_id).unwrap_or(n));
        text.push_str(&order_row(o, slip.as_deref()));
        text.push('\n');
        if text.len() > 1 << 16 {
            w.write_all(text.as_bytes()).map_err(io_err(path))?;
            text.clear();
        }
    }
    w.write_all(text.as_bytes()).map_err(io_err(path))?;
    finish(w, path)
}

/// Names the slip each order uploaded, in order: `<order id>.json`, or the
/// next line of the current bundle (`slips-001.jsonl#1`, ...). Orders and
/// slips are written in the same order, so both sides agree on the names.
struct SlipNames {
    slips: SlipFiles,
    written: usize,
}

impl SlipNames {
    fn new(slips: SlipFiles) -> SlipNames {
        SlipNames { slips, written: 0 }
    }

    fn next(&mut self, o: &PlannedOrder) -> Option<String> {
        o.slip.as_ref()?;
        let k = self.written;
        self.written += 1;
        Some(match self.slips {
            SlipFiles::PerOrder => format!("{}.json", o.order_id),
            SlipFiles::Bundled => format!("{}#{}", bundle_name(k), k % BUNDLE_SLIPS + 1),
        })
    }
}

/// The bundle that holds the `k`-th slip (0-based).
fn bundle_name(k: usize) -> String {
    format!("slips-{:03}.jsonl", k / BUNDLE_SLIPS + 1)
}

/// Writes the day's slips; returns (files, saved responses).
fn write_slips(
    dir: &Path,
    orders: &[PlannedOrder],
    slips: SlipFiles,
    images: &ImageSlips,
) -> Result<(usize, usize), GenError> {
    match slips {
        SlipFiles::PerOrder => {
            let mut names = SlipNames::new(slips);
            for o in orders {
                let (Some(slip), Some(file)) = (&o.slip, names.next(o)) else {
                    continue;
                };
                if let (Some(bytes), Some(image)) =
                    (images.render(o)?, images.file_name(&o.order_id))
                {
                    let path = dir.join(image);
                    fs::write(&path, bytes).map_err(io_err(&path))?;
                    continue;
                }
                let path = dir.join(file);
                fs::write(&path, slip_body(slip, &o.order_id, false)).map_err(io_err(&path))?;
            }
            Ok((names.written, names.written))
        }
        SlipFiles::Bundled => {
            let (mut k, mut files) = (0, 0);
            let mut current: Option<(PathBuf, BufWriter<File>)> = None;
            for o in orders {
                let Some(slip) = &o.slip else { continue };
                if k % BUNDLE_SLIPS == 0 {
                    if let Some((path, w)) = current.take() {
                        finish(w, &path)?;
                    }
                    let path = dir.join(bundle_name(k));
                    current = Some((path.clone(), create(&path)?));
                    files += 1;
                }
                if let Some((path, w)) = current.as_mut() {
                    let mut line = slip_body(slip, &o.order_id, true);
                    line.push('\n');
                    w.write_all(line.as_bytes()).map_err(io_err(path))?;
                }
                k += 1;
            }
            if let Some((path, w)) = current.take() {
                finish(w, &path)?;
            }
            Ok((files, k))
        }
    }
}

fn write_lines(
    path: &Path,
    header: &str,
    rows: impl IntoIterator<Item = String>,
) -> Result<(), GenError> {
    let mut w = create(path)?;
    writeln!(w, "{header}").map_err(io_err(path))?;
    for row in rows {
        writeln!(w, "{row}").map_err(io_err(path))?;
    }
    finish(w, path)
}

/// `expected/`: the verdicts a correct reconciliation must reach, and
/// `planted.csv`, which says what was planted where (for a person reading a
/// failing test).
fn write_expected(dir: &Path, plan: &DayPlan) -> Result<(), GenError> {
    let orders = plan
        .orders
        .iter()
        .filter_map(|o| o.kind.expected().map(|s| (o.order_id.as_str(), s)));
    write_lines(
        &dir.join("reconciliation.csv"),
        "order_id,status",
        orders.map(|(id, s)| record(&[id, s.as_str()])),
    )?;

    let mut lines: Vec<(&str, u64, Status)> = plan
        .statements
        .iter()
        .flat_map(|st| {
            st.lines
                .iter()
                .filter_map(move |l| l.expected.map(|s| (st.file.name(), l.line_no, s)))
        })
        .collect();
    lines.sort();
    write_lines(
        &dir.join("statement.csv"),
        "statement_line,status",
        lines
            .iter()
            .map(|(f, n, s)| format!("{f}:{n},{}", s.as_str())),
    )?;

    let mut quarantine: Vec<(&str, u64)> = plan
        .orders
        .iter()
        .filter(|o| o.defect.is_some())
        .map(|o| ("orders.csv", o.line_no))
        .chain(plan.statements.iter().flat_map(|st| {
            st.lines
                .iter()
                .filter(|l| l.defect.is_some())
                .map(move |l| (st.file.name(), l.line_no))
        }))
        .collect();
    quarantine.sort();
    write_lines(
        &dir.join("quarantine.csv"),
        "file,line",
        quarantine.iter().map(|(f, n)| format!("{f},{n}")),
    )?;

    let mut planted: Vec<(String, &str)> = plan
        .orders
        .iter()
        .filter(|o| o.kind != super::plan::OrderKind::Paid)
        .map(|o| (o.order_id.clone(), o.kind.as_str()))
        .collect();
    let mut planted_lines: Vec<(&str, u64, &str)> = plan
        .statements
        .iter()
        .flat_map(|st| {
            st.lines.iter().filter_map(move |l| {
                let what = match (l.kind, l.defect) {
                    (LineKind::UnknownTransfer, _) => "unknown_transfer",
                    (LineKind::MoneyOut, _) => "money_out",
                    (LineKind::Malformed, Some(Defect::Time)) => "malformed_statement_date",
                    (LineKind::Malformed, _) => "malformed_statement_amount",
                    (LineKind::Payment, _) => return None,
                };
                Some((st.file.name(), l.line_no, what))
            })
        })
        .collect();
    planted_lines.sort();
    planted.extend(
        planted_lines
            .into_iter()
            .map(|(f, n, w)| (format!("{f}:{n}"), w)),
    );
    write_lines(
        &dir.join("planted.csv"),
        "item,planted",
        planted.iter().map(|(item, what)| record(&[item, what])),
    )
}

/// Writes the whole day under `day_dir`, which exists and is empty of
/// generated folders.
pub(crate) fn write_day(
    day_dir: &Path,
    plan: &DayPlan,
    slips: SlipFiles,
    images: &ImageSlips,
) -> Result<Written, GenError> {
    let dirs: Vec<PathBuf> = ["statements", "orders", "slips", "expected"]
        .iter()
        .map(|d| day_dir.join(d))
        .collect();
    for d in &dirs {
        fs::create_dir_all(d).map_err(io_err(d))?;
    }
    for st in &plan.statements {
        let path = dirs[0].join(st.file.name());
        match st.file {
            StatementFile::Kbank => write_kbank(&path, plan.day, st)?,
            StatementFile::AbaUsd | StatementFile::Canonical => write_canonical(&path, st)?,
        }
    }
    write_orders(&dirs[1].join("orders.csv"), &plan.orders, slips, images)?;
    let (slip_files, slips) = write_slips(&dirs[2], &plan.orders, slips, images)?;
    write_expected(&dirs[3], plan)?;
    Ok(Written { slip_files, slips })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_and_drops_sign() {
        assert_eq!(thousands(150_000), "1,500.00");
        assert_eq!(thousands(-2_500_050), "25,000.50");
        assert_eq!(thousands(15_000), "150.00");
        assert_eq!(thousands(123_456_789), "1,234,567.89");
        assert_eq!(thousands(5), "0.05");
    }

    #[test]
    fn broken_amounts_are_not_numbers() {
        assert_eq!(garble_amount("1,500.00"), "1,5O0.00");
        assert_eq!(garble_amount("1234.56"), "l234.56");
        assert_eq!(european(125_000), "1.250,00");
        assert_eq!(european(25_050), "250,50");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(
            record(&["a", "1,500.00", "say \"hi\""]),
            "a,\"1,500.00\",\"say \"\"hi\"\"\""
        );
        assert_eq!(record(&["นาย สมชาย ใจดี", ""]), "นาย สมชาย ใจดี,");
    }
}
