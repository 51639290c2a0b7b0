//! A small hand-built day: Thai, English and Khmer-side names, every table
//! non-empty, one split payment, a money-out line, customer input that looks
//! like a formula or like markup.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, TimeZone};
use recon_core::ReasonCode;
use recon_core::carry::{self, CarriedRecord, ItemKind, LastVerdict, OpenItem};
use recon_core::{
    Break, CaseRef, Currency, Day, DayDecisions, DayResult, Decision, DecisionKind, InputFile,
    Money, Order, OrderId, OrderOutcome, Party, Provider, Reason, Rejection, Slip, SlipOutcome,
    SlipRead, SourceRef, StatementLine, StatementOutcome, Status, TrendPoint,
};
use recon_report::{DayRecords, ReportInput};

pub const DAY: &str = "2026-11-21";
pub const EVIL_NAME: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";
pub const MARKUP_NAME: &str = "<script>alert('x')</script> & co";

pub fn bkk(h: u32, m: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 21, h, m, 0)
        .unwrap()
}

fn thb(s: &str) -> Money {
    Money::parse(s, Currency::Thb).unwrap()
}

fn line(n: u64) -> SourceRef {
    SourceRef::new("kbank.csv", n)
}

#[allow(clippy::too_many_arguments)] // a table row of the fixture, read as one
fn order(
    id: &str,
    status: Status,
    name: &str,
    slip: Option<&str>,
    lines: Vec<SourceRef>,
    expected: Money,
    paid: Option<Money>,
    score: Option<f64>,
    reasons: Vec<Reason>,
    src_line: u64,
) -> OrderOutcome {
    OrderOutcome {
        order_id: OrderId(id.into()),
        source: SourceRef::new("orders.csv", src_line),
        status,
        customer_name: name.into(),
        slip: slip.map(Into::into),
        statement_lines: lines,
        expected,
        paid,
        name_score: score,
        reasons,
    }
}

fn stmt(
    l: SourceRef,
    status: Status,
    orders: &[&str],
    amount: Money,
    name: Option<&str>,
    reasons: Vec<Reason>,
) -> StatementOutcome {
    StatementOutcome {
        line: l,
        status,
        order_ids: orders.iter().map(|o| OrderId(o.to_string())).collect(),
        amount,
        counterparty_name: name.map(Into::into),
        reasons,
    }
}

pub struct Fixture {
    pub result: DayResult,
    pub quarantine: Vec<Rejection>,
    pub inputs: Vec<InputFile>,
    pub trend: Vec<TrendPoint>,
    pub orders: Vec<Order>,
    pub lines: Vec<StatementLine>,
    pub slips: Vec<SlipRead>,
    pub breaks: Vec<Break>,
    /// The day's decisions: none unless a test adds them.
    pub decisions: DayDecisions,
}

impl Fixture {
    pub fn input(&self) -> ReportInput<'_> {
        ReportInput {
            result: &self.result,
            quarantine: &self.quarantine,
            inputs: &self.inputs,
            trend: &self.trend,
            tool_version: "0.1.0-test",
            breaks: &self.breaks,
            decisions: &self.decisions,
            provider_health: None,
        }
    }

    pub fn records(&self) -> DayRecords<'_> {
        DayRecords {
            orders: &self.orders,
            lines: &self.lines,
            slips: &self.slips,
        }
    }
}

pub fn fixture() -> Fixture {
    let day: Day = DAY.parse().unwrap();
    let khr = Money::parse("40000", Currency::Khr).unwrap();
    let usd = Money::parse("25.5", Currency::Usd).unwrap();
    // Deliberately not in report order: the report sorts.
    let orders = vec![
        order(
            "A-1002",
            Status::AmountMismatch,
            "นางสาว สุดา รักดี",
            Some("slip-1002.json"),
            vec![line(7)],
            thb("2000"),
            Some(thb("1950")),
            Some(0.95),
            vec![Reason::with(ReasonCode::ShortBy, "50.00 THB")],
            3,
        ),
        order(
            "A-1001",
            Status::Matched,
            "นาย สมชาย ใจดี",
            Some("slip-1001.json"),
            vec![line(6)],
            thb("1500"),
            Some(thb("1500")),
            Some(1.0),
            vec![],
            2,
        ),
        order(
            "A-1003",
            Status::Unpaid,
            "MR. JOHN SMITH",
            None,
            vec![],
            usd,
            None,
            None,
            vec![
                Reason {
                    code: "no_slip".into(),
                    detail: None,
                },
                Reason::new(ReasonCode::NoStatementLine),
            ],
            4,
        ),
        order(
            "A-1004",
            Status::DuplicateSlip,
            EVIL_NAME,
            Some("slip-1004.json"),
            vec![],
            thb("1500"),
            Some(thb("1500")),
            None,
            vec![Reason::with(ReasonCode::DuplicateOf, "A-1001@2026-11-21")],
            5,
        ),
        order(
            "A-1005",
            Status::Matched,
            "บริษัท ทดสอบ จำกัด",
            Some("slip-1005.json"),
            vec![line(8), line(9)],
            thb("3000"),
            Some(thb("3000")),
            Some(0.875),
            vec![Reason::new(ReasonCode::SplitPayment)],
            6,
        ),
        order(
            "A-1006",
            Status::NameMismatch,
            MARKUP_NAME,
            None,
            vec![SourceRef::new("aba-usd.csv", 3)],
            khr,
            Some(khr),
            Some(0.41234),
            vec![Reason::with(ReasonCode::NameScore, "0.412")],
            7,
        ),
    ];
    let statement = vec![
        stmt(
            line(6),
            Status::Matched,
            &["A-1001"],
            thb("1500"),
            Some("นาย สมชาย ใจดี"),
            vec![],
        ),
        stmt(
            line(7),
            Status::AmountMismatch,
            &["A-1002"],
            thb("1950"),
            Some("น.ส. สุดา รักดี"),
            vec![Reason::with(ReasonCode::ShortBy, "50.00 THB")],
        ),
        stmt(
            line(8),
            Status::Matched,
            &["A-1005"],
            thb("1000"),
            Some("บจก. ทดสอบ"),
            vec![],
        ),
        stmt(
            line(9),
            Status::Matched,
            &["A-1005"],
            thb("2000"),
            Some("บจก. ทดสอบ"),
            vec![],
        ),
        stmt(
            line(10),
            Status::StatementUnmatched,
            &[],
            thb("700"),
            Some("@evil"),
            vec![Reason::new(ReasonCode::NoOrder)],
        ),
        stmt(
            line(11),
            Status::StatementUnmatched,
            &[],
            thb("-250"),
            Some("-SUM(A1)"),
            vec![Reason::new(ReasonCode::MoneyOut)],
        ),
        stmt(
            SourceRef::new("aba-usd.csv", 3),
            Status::NameMismatch,
            &["A-1006"],
            khr,
            Some("SOK DARA"),
            vec![Reason::with(ReasonCode::NameScore, "0.412")],
        ),
    ];
    let slips = vec![
        SlipOutcome {
            file: "slip-1001.json".into(),
            status: Status::Matched,
            order_ids: vec![OrderId("A-1001".into())],
            statement_line: Some(line(6)),
            amount: Some(thb("1500")),
            trans_ref: Some("016325143512ABC01".into()),
            reasons: vec![],
        },
        SlipOutcome {
            file: "slip-1002.json".into(),
            status: Status::AmountMismatch,
            order_ids: vec![OrderId("A-1002".into())],
            statement_line: Some(line(7)),
            amount: Some(thb("1950")),
            trans_ref: Some("016325143512ABC02".into()),
            reasons: vec![Reason::with(ReasonCode::ShortBy, "50.00 THB")],
        },
        SlipOutcome {
            file: "slip-1004.json".into(),
            status: Status::DuplicateSlip,
            order_ids: vec![OrderId("A-1004".into())],
            statement_line: None,
            amount: Some(thb("1500")),
            trans_ref: Some("016325143512ABC01".into()),
            reasons: vec![Reason::with(ReasonCode::DuplicateOf, "A-1001@2026-11-21")],
        },
        SlipOutcome {
            file: "slip-1005.json".into(),
            status: Status::Matched,
            order_ids: vec![OrderId("A-1005".into())],
            statement_line: Some(line(8)),
            amount: Some(thb("3000")),
            trans_ref: None,
            reasons: vec![],
        },
        SlipOutcome {
            file: "slip-bad.png".into(),
            status: Status::UnreadableSlip,
            order_ids: vec![],
            statement_line: None,
            amount: None,
            trans_ref: None,
            reasons: vec![Reason::with(ReasonCode::Unreadable, "no amount found")],
        },
    ];

    let input_orders: Vec<Order> = orders
        .iter()
        .enumerate()
        .map(|(i, o)| Order {
            source: o.source.clone(),
            order_id: o.order_id.clone(),
            customer_name: o.customer_name.clone(),
            amount: o.expected,
            ordered_at: bkk(9, 10 * i as u32),
            slip: o.slip.clone(),
        })
        .collect();
    let input_lines: Vec<StatementLine> = statement
        .iter()
        .enumerate()
        .map(|(i, s)| StatementLine {
            source: s.line.clone(),
            account: "123-4-56789-0".into(),
            booked_at: bkk(14, 5 * i as u32),
            amount: s.amount,
            counterparty: Party {
                name: s.counterparty_name.clone(),
                ..Party::default()
            },
            reference: (s.line.line == 6).then(|| "016325143512ABC01".to_string()),
            description: None,
        })
        .collect();
    let mut slip_1002 = Slip::empty(Provider::Easyslip);
    slip_1002.file = Some("slip-1002.json".into());
    slip_1002.amount = Some(thb("1950"));
    slip_1002.transferred_at = Some(bkk(13, 59));
    slip_1002.sender.name = Some("น.ส. สุดา รักดี".into());

    Fixture {
        result: DayResult {
            day,
            orders,
            statement,
            slips,
        },
        quarantine: vec![
            Rejection {
                file: "orders.csv".into(),
                line: Some(9),
                column: Some("amount".into()),
                value: Some("1,5OO".into()),
                reason: "not an amount".into(),
            },
            Rejection {
                file: "kbank.csv".into(),
                line: Some(12),
                column: Some("วันที่".into()),
                value: Some("+31/02/2569".into()),
                reason: "not a date".into(),
            },
        ],
        inputs: vec![
            InputFile {
                kind: "statements".into(),
                name: "statements/kbank.csv".into(),
                sha256: "a".repeat(64),
                bytes: 1234,
            },
            InputFile {
                kind: "orders".into(),
                name: "orders/orders.csv".into(),
                sha256: "b".repeat(64),
                bytes: 567,
            },
        ],
        trend: (0..5u64)
            .map(|i| TrendPoint {
                day: Day::new(
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 17).unwrap() + chrono::Days::new(i),
                ),
                orders: 10 + i,
                matched: 8 + i / 2,
                cases: 2 + i / 2,
            })
            .collect(),
        orders: input_orders,
        lines: input_lines,
        slips: vec![SlipRead::Read(slip_1002)],
        breaks: vec![],
        decisions: DayDecisions::default(),
    }
}

/// Runs a command with a deadline (LibreOffice or Chromium can hang on a
/// locked profile; a test must fail rather than wait forever). Output goes
/// to `stdout` when given, else nowhere.
pub fn run_bounded(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::ExitStatus {
    run_bounded_to(cmd, limit, None)
}

pub fn run_bounded_to(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
    stdout: Option<&std::path::Path>,
) -> std::process::ExitStatus {
    use std::process::Stdio;
    let out = match stdout {
        Some(p) => Stdio::from(std::fs::File::create(p).unwrap()),
        None => Stdio::null(),
    };
    let mut child = cmd
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Converts every sheet of `xlsx` to CSV with the real LibreOffice (cells
/// as shown, formatted) into `out`, with its own profile under `tmp`, and
/// returns a reader of one sheet's CSV text by sheet name.
pub fn libreoffice_sheets(
    xlsx: &std::path::Path,
    tmp: &std::path::Path,
) -> impl Fn(&str) -> String {
    let out = tmp.join("converted");
    let profile = tmp.join("lo-profile");
    // Token 12 = -1: one CSV per sheet (LibreOffice ≥ 7.2); 76 = UTF-8;
    // token 9 true = cells as shown (formatted).
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1";
    let status = run_bounded(
        std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                filter,
                "--outdir",
            ])
            .arg(&out)
            .arg(xlsx)
            .env("HOME", tmp),
        std::time::Duration::from_secs(120),
    );
    assert!(status.success(), "soffice exit status {status}");
    let stem = xlsx.file_stem().unwrap().to_string_lossy().into_owned();
    move |sheet: &str| {
        let p = out.join(format!("{stem}-{sheet}.csv"));
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"))
    }
}

/// A wall time in Bangkok on any day of November or October 2026.
pub fn bkk_on(month: u32, day: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, month, day, h, m, 0)
        .unwrap()
}

/// Keys of the carried items of [`carried_fixture`].
pub const LATE_ORDER: &str = "2026-11-20/orders.csv:5"; // A-0905, resolved
pub const LATE_SLIP: &str = "2026-11-20/late.png"; // resolved
pub const WAITING_SLIP: &str = "2026-11-20/wait.png"; // persisting, age 1
pub const UNPAID_ORDER: &str = "2026-11-12/orders.csv:3"; // A-0803, age 9
pub const OLD_ORDER: &str = "2026-10-10/orders.csv:2"; // A-0702, age 42
pub const OLD_LINE: &str = "2026-11-19/kbank.csv:20"; // persisting, age 2
pub const PAID_LINE: &str = "2026-11-20/kbank.csv:30"; // resolved by =A-1010
/// An order id that looks like a formula: it names what closed a break.
pub const EVIL_ORDER_ID: &str = "=A-1010";

fn slip_outcome(
    file: &str,
    status: Status,
    orders: &[&str],
    line: Option<SourceRef>,
    amount: Option<Money>,
) -> SlipOutcome {
    SlipOutcome {
        file: file.into(),
        status,
        order_ids: orders.iter().map(|o| OrderId(o.to_string())).collect(),
        statement_line: line,
        amount,
        trans_ref: None,
        reasons: vec![],
    }
}

/// The day of [`fixture`] with the open set of earlier days carried in
/// (what the matcher gives when it is handed that open set): a late slip
/// and its order closed by today's money, an old money-in line closed by
/// today's order, and items still open at ages 1, 2, 9 and 42 days. The
/// breaks come from the real `recon_core::carry::breaks`.
pub fn carried_fixture() -> Fixture {
    let mut f = fixture();
    let today = f.result.day;
    let src = |name: &str| {
        let (file, line) = name.rsplit_once(':').unwrap();
        SourceRef::new(file, line.parse().unwrap())
    };

    // Outcome rows, under carried names.
    let carried_orders = vec![
        order(
            "A-0905",
            Status::Matched,
            "นาง มาลี ศรีสุข",
            Some(LATE_SLIP),
            vec![line(12)],
            thb("800"),
            Some(thb("800")),
            Some(1.0),
            vec![],
            0,
        ),
        order(
            "A-0803",
            Status::Unpaid,
            "MR. PETER PAN",
            None,
            vec![],
            thb("1200"),
            None,
            None,
            vec![
                Reason {
                    code: "no_slip".into(),
                    detail: None,
                },
                Reason::new(ReasonCode::NoStatementLine),
            ],
            0,
        ),
        order(
            "A-0702",
            Status::AmountMismatch,
            "SOK DARA",
            None,
            vec![src("2026-10-10/aba-usd.csv:9")],
            Money::parse("10", Currency::Usd).unwrap(),
            Some(Money::parse("9", Currency::Usd).unwrap()),
            Some(0.97),
            vec![Reason::with(ReasonCode::ShortBy, "1.00 USD")],
            0,
        ),
        order(
            EVIL_ORDER_ID,
            Status::Matched,
            "นาย ประสิทธิ์ มั่นคง",
            None,
            vec![src(PAID_LINE)],
            thb("300"),
            Some(thb("300")),
            Some(0.9),
            vec![],
            8,
        ),
    ];
    let sources = [LATE_ORDER, UNPAID_ORDER, OLD_ORDER, "orders.csv:8"];
    for (mut o, s) in carried_orders.into_iter().zip(sources) {
        o.source = src(s);
        f.result.orders.push(o);
    }
    f.result.statement.extend([
        stmt(
            line(12),
            Status::Matched,
            &["A-0905"],
            thb("800"),
            Some("นาง มาลี ศรีสุข"),
            vec![],
        ),
        stmt(
            src(OLD_LINE),
            Status::StatementUnmatched,
            &[],
            thb("450"),
            Some("+66 SOMEONE"),
            vec![Reason::new(ReasonCode::NoOrder)],
        ),
        stmt(
            src(PAID_LINE),
            Status::Matched,
            &[EVIL_ORDER_ID],
            thb("300"),
            Some("นาย ประสิทธิ์ มั่นคง"),
            vec![],
        ),
    ]);
    f.result.slips.extend([
        slip_outcome(
            LATE_SLIP,
            Status::Matched,
            &["A-0905"],
            Some(line(12)),
            Some(thb("800")),
        ),
        slip_outcome(WAITING_SLIP, Status::Pending, &[], None, Some(thb("450"))),
    ]);

    // The input records the run had, carried ones under carried names.
    let rec_order = |source: &str, id: &str, amount: Money, at: DateTime<FixedOffset>| Order {
        source: src(source),
        order_id: OrderId(id.into()),
        customer_name: String::new(),
        amount,
        ordered_at: at,
        slip: None,
    };
    f.orders.extend([
        rec_order(LATE_ORDER, "A-0905", thb("800"), bkk_on(11, 20, 23, 50)),
        rec_order(UNPAID_ORDER, "A-0803", thb("1200"), bkk_on(11, 12, 10, 0)),
        rec_order(
            OLD_ORDER,
            "A-0702",
            Money::parse("10", Currency::Usd).unwrap(),
            bkk_on(10, 10, 11, 0),
        ),
        rec_order("orders.csv:8", EVIL_ORDER_ID, thb("300"), bkk(8, 30)),
    ]);
    let rec_line = |source: &str, amount: Money, at: DateTime<FixedOffset>| StatementLine {
        source: src(source),
        account: "123-4-56789-0".into(),
        booked_at: at,
        amount,
        counterparty: Party::default(),
        reference: None,
        description: None,
    };
    f.lines.extend([
        rec_line("kbank.csv:12", thb("800"), bkk(0, 3)),
        rec_line(OLD_LINE, thb("450"), bkk_on(11, 19, 16, 45)),
        rec_line(PAID_LINE, thb("300"), bkk_on(11, 20, 18, 0)),
    ]);
    let mut late = Slip::empty(Provider::Easyslip);
    late.file = Some(LATE_SLIP.into());
    late.amount = Some(thb("800"));
    late.transferred_at = Some(bkk_on(11, 20, 23, 55));
    late.sender.name = Some("นาง มาลี ศรีสุข".into());
    f.slips.push(SlipRead::Read(late));

    // The open set the run started from, as the ledger keeps it.
    let open = |kind: ItemKind, key: &str, first_seen: &str, status: Status| {
        let origin = carry::origin_day(key, today);
        let (record, verdict) = match kind {
            ItemKind::Order => {
                let o = f
                    .orders
                    .iter()
                    .find(|o| o.source.to_string() == key)
                    .unwrap();
                let v = f
                    .result
                    .orders
                    .iter()
                    .find(|v| v.source == o.source)
                    .unwrap();
                (
                    CarriedRecord::Order(o.clone()),
                    LastVerdict::Order(v.clone()),
                )
            }
            ItemKind::StatementLine => {
                let l = f
                    .lines
                    .iter()
                    .find(|l| l.source.to_string() == key)
                    .unwrap();
                let v = f
                    .result
                    .statement
                    .iter()
                    .find(|v| v.line == l.source)
                    .unwrap();
                (
                    CarriedRecord::StatementLine(l.clone()),
                    LastVerdict::StatementLine(v.clone()),
                )
            }
            ItemKind::Slip => {
                let v = f.result.slips.iter().find(|v| v.file == key).unwrap();
                let read = SlipRead::Pending {
                    file: key.into(),
                    reason: "quota".into(),
                };
                (CarriedRecord::Slip(read), LastVerdict::Slip(v.clone()))
            }
        };
        OpenItem {
            kind,
            key: key.into(),
            origin_day: origin,
            first_seen: first_seen.parse().unwrap(),
            status,
            record,
            verdict,
        }
    };
    let previous = vec![
        open(ItemKind::Order, LATE_ORDER, "2026-11-20", Status::Pending),
        open(ItemKind::Order, UNPAID_ORDER, "2026-11-12", Status::Unpaid),
        open(
            ItemKind::Order,
            OLD_ORDER,
            "2026-10-10",
            Status::AmountMismatch,
        ),
        open(
            ItemKind::StatementLine,
            OLD_LINE,
            "2026-11-19",
            Status::StatementUnmatched,
        ),
        open(
            ItemKind::StatementLine,
            PAID_LINE,
            "2026-11-20",
            Status::StatementUnmatched,
        ),
        open(ItemKind::Slip, LATE_SLIP, "2026-11-20", Status::Pending),
        open(ItemKind::Slip, WAITING_SLIP, "2026-11-20", Status::Pending),
    ];
    f.breaks = carry::breaks(today, &f.result, &previous);
    f
}

/// Who decided, and the note with markup (the page must escape it).
pub const SOMCHAI: &str = "somchai@shop.example";
pub const NOK: &str = "nok@shop.example";
pub const MARKUP_BY: &str = "o'neil <ops>";
pub const SCRIPT_NOTE: &str = "<script>alert('note')</script> payer is his wife";

/// When a decision was recorded: the morning after, in Bangkok.
pub fn decided_at(h: u32, m: u32) -> DateTime<FixedOffset> {
    bkk_on(11, 22, h, m)
}

/// A decision on the fixture day.
pub fn decision(
    kind: DecisionKind,
    case: CaseRef,
    by: &str,
    at: DateTime<FixedOffset>,
) -> Decision {
    Decision {
        day: DAY.parse().unwrap(),
        kind,
        case,
        with: vec![],
        amount: None,
        reason: None,
        note: String::new(),
        by: by.into(),
        at,
    }
}

/// The day of [`fixture`] after finance decided on it (what the matcher
/// gives with those decisions applied), with one decision of each kind that
/// stands and three stale ones:
///
/// | case | decision | status |
/// | --- | --- | --- |
/// | A-1001 | none | matched |
/// | A-1002 | write_off 50.00 THB bank_fee | matched |
/// | A-1003 | resolve cash | resolved |
/// | A-1004 | stale confirm, then stale link (shown) | duplicate_slip |
/// | A-1005 | link kbank.csv:8, kbank.csv:9 | matched |
/// | A-1006 | confirm (note with markup) | matched |
/// | A-1007 | write_off 100.00 KHR rounding | matched |
/// | A-1008 | write_off 20.00 THB bank_fee (recorded in UTC) | matched |
/// | A-1009 | stale write_off 250.00 KHR fx | unpaid |
/// | A-1010 | decline kbank.csv:10 | unpaid |
/// | A-1011 | link kbank.csv:14 (by a name with markup) | amount_mismatch |
/// | kbank.csv:10 | resolve not_ours | resolved |
pub fn decided_fixture() -> Fixture {
    let mut f = fixture();
    let khr = |s: &str| Money::parse(s, Currency::Khr).unwrap();
    let set = |o: &mut OrderOutcome, status: Status, reasons: Vec<Reason>| {
        o.status = status;
        o.reasons = reasons;
    };
    for o in &mut f.result.orders {
        match o.order_id.0.as_str() {
            "A-1002" => set(
                o,
                Status::Matched,
                vec![Reason::with(ReasonCode::WrittenOff, "50.00 THB bank_fee")],
            ),
            "A-1003" => set(
                o,
                Status::Resolved,
                vec![Reason::with(ReasonCode::ResolvedAs, "cash")],
            ),
            "A-1006" => set(
                o,
                Status::Matched,
                vec![Reason::with(ReasonCode::Decided, "confirm")],
            ),
            _ => {}
        }
    }
    f.result.orders.extend([
        order(
            "A-1007",
            Status::Matched,
            "SOK DARA",
            None,
            vec![SourceRef::new("aba-khr.csv", 2)],
            khr("40100"),
            Some(khr("40000")),
            Some(1.0),
            vec![Reason::with(ReasonCode::WrittenOff, "100.00 KHR rounding")],
            8,
        ),
        order(
            "A-1008",
            Status::Matched,
            "นาง มาลี ศรีสุข",
            None,
            vec![line(13)],
            thb("1000"),
            Some(thb("980")),
            Some(1.0),
            vec![Reason::with(ReasonCode::WrittenOff, "20.00 THB bank_fee")],
            9,
        ),
        order(
            "A-1009",
            Status::Unpaid,
            "CHAN THIDA",
            None,
            vec![],
            khr("40000"),
            None,
            None,
            vec![Reason::new(ReasonCode::StaleDecision)],
            10,
        ),
        order(
            "A-1010",
            Status::Unpaid,
            "MR. JOHN SMITH",
            None,
            vec![],
            thb("700"),
            None,
            None,
            vec![Reason::with(ReasonCode::Declined, "kbank.csv:10")],
            11,
        ),
        order(
            "A-1011",
            Status::AmountMismatch,
            "นาย ประสิทธิ์ มั่นคง",
            None,
            vec![line(14)],
            thb("600"),
            Some(thb("550")),
            Some(1.0),
            vec![
                Reason::with(ReasonCode::Decided, "link"),
                Reason::with(ReasonCode::ShortBy, "50.00 THB"),
            ],
            12,
        ),
    ]);
    for l in &mut f.result.statement {
        match l.line.to_string().as_str() {
            "kbank.csv:7" => l.status = Status::Matched,
            "aba-usd.csv:3" => l.status = Status::Matched,
            "kbank.csv:10" => {
                l.status = Status::Resolved;
                l.reasons = vec![Reason::with(ReasonCode::ResolvedAs, "not_ours")];
            }
            _ => {}
        }
    }
    f.result.statement.extend([
        stmt(
            SourceRef::new("aba-khr.csv", 2),
            Status::Matched,
            &["A-1007"],
            khr("40000"),
            Some("SOK DARA"),
            vec![],
        ),
        stmt(
            line(13),
            Status::Matched,
            &["A-1008"],
            thb("980"),
            Some("นาง มาลี ศรีสุข"),
            vec![],
        ),
        stmt(
            line(14),
            Status::AmountMismatch,
            &["A-1011"],
            thb("550"),
            Some("นาย ประสิทธิ์ มั่นคง"),
            vec![Reason::with(ReasonCode::ShortBy, "50.00 THB")],
        ),
    ]);
    for s in &mut f.result.slips {
        if s.file == "slip-1002.json" {
            s.status = Status::Matched;
        }
    }

    let utc = FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 22, 2, 30, 0)
        .unwrap();
    let write_off = |id: &str, amount: Money, reason: &str, at: DateTime<FixedOffset>| {
        let mut d = decision(DecisionKind::WriteOff, CaseRef::order(id), NOK, at);
        d.amount = Some(amount);
        d.reason = Some(reason.into());
        d
    };
    let mut applied = vec![
        write_off("A-1002", thb("50"), "bank_fee", decided_at(9, 0)),
        write_off("A-1007", khr("100"), "rounding", decided_at(9, 5)),
        write_off("A-1008", thb("20"), "bank_fee", utc),
    ];
    let mut resolve = decision(
        DecisionKind::Resolve,
        CaseRef::order("A-1003"),
        SOMCHAI,
        decided_at(9, 10),
    );
    resolve.reason = Some("cash".into());
    resolve.note = "paid at the counter".into();
    applied.push(resolve);
    let mut link = decision(
        DecisionKind::Link,
        CaseRef::order("A-1005"),
        NOK,
        decided_at(9, 15),
    );
    link.with = vec![CaseRef::line("kbank.csv:8"), CaseRef::line("kbank.csv:9")];
    applied.push(link);
    let mut confirm = decision(
        DecisionKind::Confirm,
        CaseRef::order("A-1006"),
        SOMCHAI,
        decided_at(9, 20),
    );
    confirm.note = SCRIPT_NOTE.into();
    applied.push(confirm);
    let mut decline = decision(
        DecisionKind::Decline,
        CaseRef::order("A-1010"),
        SOMCHAI,
        decided_at(9, 25),
    );
    decline.with = vec![CaseRef::line("kbank.csv:10")];
    applied.push(decline);
    let mut not_ours = decision(
        DecisionKind::Resolve,
        CaseRef::line("kbank.csv:10"),
        NOK,
        decided_at(9, 30),
    );
    not_ours.reason = Some("not_ours".into());
    applied.push(not_ours);
    // A link that stands but leaves the order short: not matched by it.
    let mut short = decision(
        DecisionKind::Link,
        CaseRef::order("A-1011"),
        MARKUP_BY,
        decided_at(9, 35),
    );
    short.with = vec![CaseRef::line("kbank.csv:14")];
    applied.push(short);

    let old = decision(
        DecisionKind::Confirm,
        CaseRef::order("A-1004"),
        "old@shop.example",
        decided_at(8, 0),
    );
    let mut relink = decision(
        DecisionKind::Link,
        CaseRef::order("A-1004"),
        NOK,
        decided_at(10, 0),
    );
    relink.with = vec![
        CaseRef::line("kbank.csv:10"),
        CaseRef::line("2026-11-20/kbank.csv:12"),
    ];
    relink.note = "=1+1".into();
    let mut fx = write_off("A-1009", khr("250"), "fx", decided_at(10, 5));
    fx.note = "ค่าเงิน".into();

    f.decisions = DayDecisions {
        applied: applied.into_iter().map(|d| (d.case.clone(), d)).collect(),
        stale: vec![
            (old, "the slip is a duplicate of A-1001".into()),
            (relink, "kbank.csv:10 is resolved".into()),
            (fx, "no statement line carries 39750.00 KHR".into()),
        ],
    };
    f
}
