//! Days are not islands: money followed across consecutive days.
//!
//! Each scenario runs several days the way the nightly job does: the open
//! set a day leaves (`recon_core::carry::open_after`) goes back into the
//! next day's `match_day` beside that day's own rows (`split_open`), and the
//! break lifecycle (`carry::breaks`) says what was new, persisting or
//! resolved.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use common::generator::generate;
use common::*;
use recon_core::carry::{self, DayInputs};
use recon_core::{
    Break, Day, DayResult, Lifecycle, Money, OpenItem, Order, OrderId, PriorUse, SlipKey, SlipRead,
    StatementLine, Status,
};
use recon_matcher::{DayInput, Grace, MatchConfig, match_day};

fn d(n: u32) -> Day {
    Day::new(NaiveDate::from_ymd_opt(2026, 11, 19 + n).expect("date"))
}

/// `hh:mm` Bangkok time on day `day`.
fn on(day: Day, hhmm: &str) -> DateTime<FixedOffset> {
    let (h, m) = hhmm.split_once(':').expect("hh:mm");
    let date = day.date();
    tz().from_local_datetime(
        &date
            .and_hms_opt(h.parse().unwrap(), m.parse().unwrap(), 0)
            .expect("time"),
    )
    .single()
    .expect("time")
}

fn window_of(day: Day) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let start = on(day, "00:00");
    (start, start + chrono::Duration::days(1))
}

fn order_on(
    day: Day,
    row: u64,
    id: &str,
    customer: &str,
    amount: Money,
    hhmm: &str,
    slip_file: Option<&str>,
) -> Order {
    let mut o = order(id, customer, amount, "00:00", slip_file);
    o.source.line = row;
    o.ordered_at = on(day, hhmm);
    o
}

fn line_on(
    day: Day,
    n: u64,
    hhmm: &str,
    amount: Money,
    payer: &str,
    reference: Option<&str>,
) -> StatementLine {
    let mut l = line(n, "00:00", amount, payer, reference);
    l.booked_at = on(day, hhmm);
    l
}

fn slip_on(
    day: Day,
    file: &str,
    sender: &str,
    amount: Money,
    hhmm: &str,
    trans_ref: Option<&str>,
) -> SlipRead {
    let mut s = slip(file, sender, amount, "00:00", trans_ref);
    s.transferred_at = Some(on(day, hhmm));
    read(s)
}

/// The ledger's part of a nightly run, kept in memory: the open set and the
/// slip registry.
struct Books {
    config: MatchConfig,
    open: Vec<OpenItem>,
    prior: BTreeMap<SlipKey, PriorUse>,
    /// Every day's slip registrations, as the ledger keeps them.
    registry: Vec<(SlipKey, PriorUse)>,
}

struct Run {
    result: DayResult,
    breaks: Vec<Break>,
}

impl Run {
    fn brk(&self, key: &str) -> &Break {
        self.breaks
            .iter()
            .find(|b| b.key == key)
            .unwrap_or_else(|| panic!("no break {key} in {:?}", self.breaks))
    }
}

impl Books {
    fn new(grace: Grace) -> Books {
        Books {
            config: MatchConfig {
                grace,
                ..MatchConfig::default()
            },
            open: Vec::new(),
            prior: BTreeMap::new(),
            registry: Vec::new(),
        }
    }

    /// Runs `day` with its own rows and the open set of the days before.
    fn run(
        &mut self,
        day: Day,
        orders: Vec<Order>,
        lines: Vec<StatementLine>,
        slips: Vec<SlipRead>,
    ) -> Run {
        let (carried, frozen) = carry::split_open(&self.open);
        let frozen: Vec<OpenItem> = frozen.into_iter().cloned().collect();
        let mut all_orders = orders.clone();
        all_orders.extend(carried.orders);
        let mut all_lines = lines.clone();
        all_lines.extend(carried.lines);
        let mut all_slips = slips.clone();
        all_slips.extend(carried.slips);
        // The ledger answers earlier days' registrations of every key.
        self.prior = BTreeMap::new();
        for (k, p) in &self.registry {
            if p.day < day {
                self.prior.entry(k.clone()).or_insert_with(|| p.clone());
            }
        }
        let accounts = our_accounts();
        let input = DayInput {
            day,
            window: window_of(day),
            orders: &all_orders,
            lines: &all_lines,
            slips: &all_slips,
            our_accounts: &accounts,
            prior_uses: &self.prior,
            decided: &recon_matcher::Decided::default(),
        };
        let mut result = match_day(&input, &self.config);
        carry::append_frozen(&mut result, &frozen.iter().collect::<Vec<_>>());
        let breaks = carry::breaks(day, &result, &self.open);
        let open = carry::open_after(
            day,
            &result,
            DayInputs {
                orders: &orders,
                lines: &lines,
                slips: &slips,
            },
            &self.open,
            &breaks,
        );
        self.open = open;
        // Register the slips read today under the orders that used them.
        for s in &all_slips {
            let SlipRead::Read(slip) = s else { continue };
            let file = slip.file.clone().unwrap_or_default();
            let order_id = result
                .slips
                .iter()
                .find(|o| o.file == file)
                .and_then(|o| o.order_ids.first().cloned());
            for k in slip.registry_keys() {
                self.registry.push((
                    k,
                    PriorUse {
                        day,
                        order_id: order_id.clone(),
                        file: file.clone(),
                    },
                ));
            }
        }
        Run { result, breaks }
    }
}

fn until(day: Day) -> String {
    format!("until {day}")
}

#[test]
fn late_booking_after_midnight_is_matched_next_day() {
    let mut books = Books::new(Grace::default());
    // Day 1: paid at 23:55, no money on day 1's statement.
    let r1 = books.run(
        d(1),
        vec![order_on(
            d(1),
            5,
            "ORD-1",
            "นาย สมชาย ใจดี",
            thb("1500"),
            "23:40",
            Some("s1.json"),
        )],
        vec![],
        vec![slip_on(
            d(1),
            "s1.json",
            "นาย สมชาย ใจดี",
            thb("1500"),
            "23:55",
            None,
        )],
    );
    let o = r1.result.order("ORD-1");
    assert_eq!(o.status, Status::Pending, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "no_statement_line"));
    assert!(has_reason(
        &o.reasons,
        &format!("awaiting_statement={}", until(d(2)))
    ));
    let s = r1.result.slip("s1.json");
    assert_eq!(s.status, Status::Pending);
    assert!(has_reason(
        &s.reasons,
        &format!("awaiting_statement={}", until(d(2)))
    ));
    assert_eq!(r1.brk("2026-11-20/orders.csv:5").lifecycle, Lifecycle::New);

    // Day 2: the bank booked it at 00:03.
    let r2 = books.run(
        d(2),
        vec![],
        vec![line_on(
            d(2),
            6,
            "00:03",
            thb("1500"),
            "นาย สมชาย ใจดี",
            None,
        )],
        vec![],
    );
    let o = r2.result.order("ORD-1");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.source.to_string(), "2026-11-20/orders.csv:5");
    assert_eq!(o.slip.as_deref(), Some("2026-11-20/s1.json"));
    assert_eq!(o.statement_lines[0].to_string(), "kbank.csv:6");
    assert!(has_reason(&o.reasons, "linked_by=amount_and_name"));
    let s = r2.result.slip("2026-11-20/s1.json");
    assert_eq!(s.status, Status::Matched);
    assert_eq!(
        s.statement_line.as_ref().unwrap().to_string(),
        "kbank.csv:6"
    );
    let l = r2.result.line("kbank.csv", 6);
    assert_eq!(l.status, Status::Matched);
    assert_eq!(l.order_ids, vec![OrderId("ORD-1".into())]);
    let b = r2.brk("2026-11-20/orders.csv:5");
    assert_eq!((b.lifecycle, b.age_days), (Lifecycle::Resolved, 1));
    assert_eq!(
        b.resolved_by.as_deref(),
        Some("2026-11-20/s1.json|kbank.csv:6")
    );
    assert_eq!(r2.brk("2026-11-20/s1.json").lifecycle, Lifecycle::Resolved);
    assert!(books.open.is_empty(), "{:?}", books.open);
}

#[test]
fn slip_before_money_pends_then_matches_money_booked_a_day_later() {
    let mut books = Books::new(Grace::default());
    let r1 = books.run(
        d(1),
        vec![order_on(
            d(1),
            2,
            "ORD-2",
            "KAIYA VENY",
            thb("820.50"),
            "09:00",
            Some("s2.json"),
        )],
        vec![],
        vec![slip_on(
            d(1),
            "s2.json",
            "KAIY*** VENY***",
            thb("820.50"),
            "09:10",
            Some("TR-2"),
        )],
    );
    assert_eq!(r1.result.order("ORD-2").status, Status::Pending);
    // Day 2: booked at 15:00 the next day, 30 hours after the slip (further
    // than the same-day gap), no reference: amount and name.
    let r2 = books.run(
        d(2),
        vec![],
        vec![
            line_on(d(2), 7, "15:00", thb("820.50"), "MS VENY KAIYA", None),
            // The same amount from someone else is not taken.
            line_on(d(2), 8, "15:01", thb("820.50"), "นาย ปรีชา ทองคำ", None),
        ],
        vec![],
    );
    let o = r2.result.order("ORD-2");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.statement_lines[0].to_string(), "kbank.csv:7");
    assert_eq!(
        r2.result.line("kbank.csv", 8).status,
        Status::StatementUnmatched
    );
    assert_eq!(
        r2.brk("2026-11-20/orders.csv:2").lifecycle,
        Lifecycle::Resolved
    );
    // The stray line is today's new break; the order and slip are closed.
    assert_eq!(books.open.len(), 1);
    assert_eq!(books.open[0].key, "2026-11-21/kbank.csv:8");
}

#[test]
fn money_before_slip_matches_the_carried_line() {
    let mut books = Books::new(Grace::default());
    // Day 1 22:01: money that no order claims yet.
    let r1 = books.run(
        d(1),
        vec![],
        vec![line_on(d(1), 7, "22:01", thb("640"), "นาย สมชาย ใจดี", None)],
        vec![],
    );
    let l = r1.result.line("kbank.csv", 7);
    assert_eq!(l.status, Status::StatementUnmatched);
    assert!(has_reason(&l.reasons, "no_order"));
    // Day 2: the order and its slip (sent day 1 at 22:00) arrive.
    let r2 = books.run(
        d(2),
        vec![order_on(
            d(2),
            3,
            "ORD-3",
            "สมชาย ใจดี",
            thb("640"),
            "08:00",
            Some("s3.json"),
        )],
        vec![],
        vec![slip_on(
            d(1),
            "s3.json",
            "นาย สมชาย ใจดี",
            thb("640"),
            "22:00",
            None,
        )],
    );
    let o = r2.result.order("ORD-3");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.statement_lines[0].to_string(), "2026-11-20/kbank.csv:7");
    let l = r2.result.line("2026-11-20/kbank.csv", 7);
    assert_eq!(l.status, Status::Matched);
    assert!(
        !has_reason(&l.reasons, "outside_day_window"),
        "{:?}",
        l.reasons
    );
    let b = r2.brk("2026-11-20/kbank.csv:7");
    assert_eq!(b.lifecycle, Lifecycle::Resolved);
    assert_eq!(b.resolved_by.as_deref(), Some("ORD-3"));
    assert!(books.open.is_empty(), "{:?}", books.open);
}

#[test]
fn grace_expires_into_slip_not_on_statement() {
    let mut books = Books::new(Grace::default());
    let r1 = books.run(
        d(1),
        vec![order_on(
            d(1),
            4,
            "ORD-4",
            "Lek Dee",
            thb("777"),
            "09:00",
            Some("s4.json"),
        )],
        vec![],
        vec![slip_on(
            d(1),
            "s4.json",
            "LEK DEE",
            thb("777"),
            "09:05",
            None,
        )],
    );
    assert_eq!(r1.result.order("ORD-4").status, Status::Pending);
    // Origin + 1: still inside the grace, money for someone else only.
    let r2 = books.run(
        d(2),
        vec![],
        vec![line_on(d(2), 3, "10:00", thb("777"), "MALEE SRISUK", None)],
        vec![],
    );
    let o = r2.result.order("ORD-4");
    assert_eq!(o.status, Status::Pending, "{:?}", o.reasons);
    assert!(has_reason(
        &o.reasons,
        &format!("awaiting_statement={}", until(d(2)))
    ));
    let s = r2.result.slip("2026-11-20/s4.json");
    assert_eq!(s.status, Status::Pending);
    let b = r2.brk("2026-11-20/orders.csv:4");
    assert_eq!((b.lifecycle, b.age_days), (Lifecycle::Persisting, 1));
    assert_eq!(b.first_seen, d(1));
    // Origin + 2: the grace is over and no money came.
    let r3 = books.run(d(3), vec![], vec![], vec![]);
    let o = r3.result.order("ORD-4");
    assert_eq!(o.status, Status::SlipNotOnStatement, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "no_statement_line"));
    assert!(!o.reasons.iter().any(|r| r.code.starts_with("awaiting")));
    let s = r3.result.slip("2026-11-20/s4.json");
    assert_eq!(s.status, Status::SlipNotOnStatement);
    assert!(s.reasons.is_empty(), "{:?}", s.reasons);
    let b = r3.brk("2026-11-20/orders.csv:4");
    assert_eq!(
        (b.lifecycle, b.age_days, b.status),
        (Lifecycle::Persisting, 2, Status::SlipNotOnStatement)
    );
    // Money booked on the last day of the look-for-money period still counts.
    let mut late = Books::new(Grace::default());
    late.open = books_after_day2_open(&mut Books::new(Grace::default()));
    let r3 = late.run(
        d(3),
        vec![],
        vec![line_on(d(3), 9, "23:50", thb("777"), "LEK DEE", None)],
        vec![],
    );
    assert_eq!(r3.result.order("ORD-4").status, Status::Matched);
    // One more day, and it is too late for amount + name.
    let mut later = Books::new(Grace::default());
    later.open = books_after_day2_open(&mut Books::new(Grace::default()));
    let r3 = later.run(d(3), vec![], vec![], vec![]);
    assert_eq!(r3.result.order("ORD-4").status, Status::SlipNotOnStatement);
    let r4 = later.run(
        d(4),
        vec![],
        vec![line_on(d(4), 9, "00:10", thb("777"), "LEK DEE", None)],
        vec![],
    );
    assert_eq!(r4.result.order("ORD-4").status, Status::SlipNotOnStatement);
    assert_eq!(
        r4.result.line("kbank.csv", 9).status,
        Status::StatementUnmatched
    );
}

/// The open set after days 1 and 2 of `grace_expires_into_slip_not_on_statement`.
fn books_after_day2_open(books: &mut Books) -> Vec<OpenItem> {
    books.run(
        d(1),
        vec![order_on(
            d(1),
            4,
            "ORD-4",
            "Lek Dee",
            thb("777"),
            "09:00",
            Some("s4.json"),
        )],
        vec![],
        vec![slip_on(
            d(1),
            "s4.json",
            "LEK DEE",
            thb("777"),
            "09:05",
            None,
        )],
    );
    books.run(d(2), vec![], vec![], vec![]);
    assert_eq!(books.open.len(), 2, "{:?}", books.open);
    books.open.clone()
}

#[test]
fn a_carried_unpaid_order_is_paid_today() {
    let mut books = Books::new(Grace::default());
    let r1 = books.run(
        d(1),
        vec![
            order_on(
                d(1),
                2,
                "ORD-5",
                "Somchai Jaidee",
                thb("299"),
                "08:00",
                None,
            ),
            order_on(d(1), 3, "ORD-6", "Jane Roe", thb("100"), "08:00", None),
        ],
        vec![],
        vec![],
    );
    // The default grace lets only slips wait: an order without slip or
    // money is unpaid at once.
    let o = r1.result.order("ORD-5");
    assert_eq!(o.status, Status::Unpaid, "{:?}", o.reasons);
    assert!(o.reasons.is_empty());
    let r2 = books.run(
        d(2),
        vec![],
        vec![
            line_on(d(2), 9, "11:00", thb("299"), "MR. SOMCHIA JAIDEE", None),
            // By the order id in the description (the bank prints the
            // customer's name its own way).
            {
                let mut l = line_on(d(2), 10, "12:00", thb("100"), "MS JANE ROE", None);
                l.description = Some("Payment for ORD-6 thanks".into());
                l
            },
        ],
        vec![],
    );
    let o = r2.result.order("ORD-5");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.source.to_string(), "2026-11-20/orders.csv:2");
    assert!(has_reason(&o.reasons, "linked_by=amount_and_name"));
    let o = r2.result.order("ORD-6");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "linked_by=order_id_in_reference"));
    assert_eq!(
        r2.brk("2026-11-20/orders.csv:2").resolved_by.as_deref(),
        Some("kbank.csv:9")
    );
    assert!(books.open.is_empty());
}

#[test]
fn order_and_line_grace_make_them_pending_first() {
    let grace = Grace {
        statement_days: 2,
        order_days: 3,
        line_days: 1,
    };
    let mut books = Books::new(grace);
    let r1 = books.run(
        d(1),
        vec![order_on(
            d(1),
            2,
            "ORD-7",
            "Malee Srisuk",
            thb("700"),
            "08:00",
            None,
        )],
        vec![
            line_on(d(1), 4, "09:00", thb("555"), "X Y", Some("TRX")),
            line_on(d(1), 5, "09:30", thb("20"), "Z W", None),
            {
                let mut out = line_on(d(1), 6, "10:00", thb("-100"), "KBANK", None);
                out.counterparty.name = None;
                out
            },
        ],
        // Its money on the statement, no order names it.
        vec![slip_on(
            d(1),
            "orphan.json",
            "X Y",
            thb("555"),
            "09:00",
            Some("TRX"),
        )],
    );
    let o = r1.result.order("ORD-7");
    assert_eq!(o.status, Status::Pending);
    assert_eq!(
        reasons(&o.reasons),
        [format!("awaiting_payment={}", until(d(3)))]
    );
    let l = r1.result.line("kbank.csv", 5);
    assert_eq!(l.status, Status::Pending);
    assert!(has_reason(
        &l.reasons,
        &format!("awaiting_order={}", until(d(1)))
    ));
    let l = r1.result.line("kbank.csv", 4);
    assert_eq!(l.status, Status::Pending);
    assert!(has_reason(&l.reasons, "slip_without_order=orphan.json"));
    let s = r1.result.slip("orphan.json");
    assert_eq!(s.status, Status::Pending);
    assert!(has_reason(
        &s.reasons,
        &format!("awaiting_order={}", until(d(1)))
    ));
    // Money out is not a payment and never waits.
    assert_eq!(
        r1.result.line("kbank.csv", 6).status,
        Status::StatementUnmatched
    );
    // Day 2: the lines' grace is over, the order's is not.
    let r2 = books.run(d(2), vec![], vec![], vec![]);
    assert_eq!(r2.result.order("ORD-7").status, Status::Pending);
    assert_eq!(
        r2.result.line("2026-11-20/kbank.csv", 5).status,
        Status::StatementUnmatched
    );
    assert_eq!(
        r2.result.slip("2026-11-20/orphan.json").status,
        Status::StatementUnmatched
    );
    books.run(d(3), vec![], vec![], vec![]);
    let r4 = books.run(d(4), vec![], vec![], vec![]);
    let o = r4.result.order("ORD-7");
    assert_eq!(o.status, Status::Unpaid);
    assert_eq!(r4.brk("2026-11-20/orders.csv:2").age_days, 3);
}

#[test]
fn a_carried_slip_is_the_genuine_use_and_todays_reuse_the_duplicate() {
    for with_ledger in [false, true] {
        let mut books = Books::new(Grace::default());
        let r1 = books.run(
            d(1),
            vec![order_on(
                d(1),
                2,
                "ORD-8",
                "Lek Dee",
                thb("500"),
                "20:00",
                Some("a.png"),
            )],
            vec![],
            vec![slip_on(
                d(1),
                "a.png",
                "LEK DEE",
                thb("500"),
                "20:05",
                Some("TR-8"),
            )],
        );
        assert_eq!(r1.result.order("ORD-8").status, Status::Pending);
        if !with_ledger {
            books.registry.clear();
        }
        // Day 2: someone else's order reuses the slip under a new name; the
        // money (reference TR-8) is booked today.
        let reused = slip_on(d(1), "b.png", "LEK DEE", thb("500"), "20:05", Some("TR-8"));
        let r2 = books.run(
            d(2),
            // Placed before ORD-8 (exported a day late): the slip carried
            // from day 1 was still used there first.
            vec![{
                let mut o = order_on(
                    d(2),
                    2,
                    "ORD-9",
                    "Lek Dee",
                    thb("500"),
                    "00:00",
                    Some("b.png"),
                );
                o.ordered_at = on(d(1), "19:00");
                o
            }],
            vec![line_on(
                d(2),
                3,
                "00:20",
                thb("500"),
                "LEK DEE",
                Some("TR-8"),
            )],
            vec![reused],
        );
        let o = r2.result.order("ORD-8");
        assert_eq!(
            o.status,
            Status::Matched,
            "ledger {with_ledger}: {:?}",
            o.reasons
        );
        assert!(has_reason(&o.reasons, "linked_by=trans_ref"));
        assert_eq!(r2.result.slip("2026-11-20/a.png").status, Status::Matched);
        let o = r2.result.order("ORD-9");
        assert_eq!(o.status, Status::DuplicateSlip, "{:?}", o.reasons);
        assert!(
            has_reason(&o.reasons, "duplicate_of=ORD-8@2026-11-20"),
            "ledger {with_ledger}: {:?}",
            o.reasons
        );
        assert_eq!(r2.result.slip("b.png").status, Status::DuplicateSlip);
    }
}

#[test]
fn two_items_of_one_day_keep_the_same_day_gap() {
    // A slip at 09:00 and a line at 22:00 the same day are 13 hours apart:
    // not this slip's money by amount and name, whatever the grace.
    let mut books = Books::new(Grace::default());
    let r = books.run(
        d(2),
        vec![order_on(
            d(2),
            2,
            "ORD-10",
            "Lek Dee",
            thb("640"),
            "08:55",
            Some("s.json"),
        )],
        vec![line_on(d(2), 3, "22:00", thb("640"), "LEK DEE", None)],
        vec![slip_on(
            d(2),
            "s.json",
            "LEK DEE",
            thb("640"),
            "09:00",
            None,
        )],
    );
    let o = r.result.order("ORD-10");
    assert_eq!(o.status, Status::Pending, "{:?}", o.reasons);
    assert!(o.statement_lines.is_empty());
    assert_eq!(
        r.result.line("kbank.csv", 3).status,
        Status::StatementUnmatched
    );
    // Carried, the same two are still of one day.
    let r = books.run(d(3), vec![], vec![], vec![]);
    assert_eq!(r.result.order("ORD-10").status, Status::Pending);
    assert!(r.result.order("ORD-10").statement_lines.is_empty());
}

#[test]
fn no_grace_is_the_one_day_behaviour() {
    let mut books = Books::new(Grace::NONE);
    let r1 = books.run(
        d(1),
        vec![order_on(
            d(1),
            4,
            "ORD-11",
            "Lek Dee",
            thb("777"),
            "09:00",
            Some("s.json"),
        )],
        vec![],
        vec![slip_on(
            d(1),
            "s.json",
            "LEK DEE",
            thb("777"),
            "09:05",
            None,
        )],
    );
    assert_eq!(r1.result.order("ORD-11").status, Status::SlipNotOnStatement);
    assert_eq!(r1.result.slip("s.json").status, Status::SlipNotOnStatement);
    // Money 30 hours after the slip: only the same-day gap applies.
    let r2 = books.run(
        d(2),
        vec![],
        vec![line_on(d(2), 3, "15:05", thb("777"), "LEK DEE", None)],
        vec![],
    );
    assert_eq!(r2.result.order("ORD-11").status, Status::SlipNotOnStatement);

    // On generated days, a grace only turns a final "nothing arrived yet"
    // verdict into pending; everything else is identical.
    for seed in [3u64, 11] {
        let mut alone = generate(seed, 400).case;
        alone.config = Some(no_grace());
        let none = alone.run();
        let mut graced = alone.clone();
        let mut cfg = graced.config.clone().unwrap_or_default();
        cfg.grace = Grace {
            statement_days: 2,
            order_days: 1,
            line_days: 1,
        };
        graced.config = Some(cfg);
        let with = graced.run();
        assert_eq!(none.orders.len(), with.orders.len());
        let mut pended = 0;
        for (a, b) in none.orders.iter().zip(&with.orders) {
            assert!(!a.reasons.iter().any(|r| r.code.starts_with("awaiting")));
            match a.status {
                Status::SlipNotOnStatement | Status::Unpaid => {
                    assert_eq!(b.status, Status::Pending, "{b:?}");
                    assert_eq!(&b.reasons[..a.reasons.len()], &a.reasons[..]);
                    pended += 1;
                }
                _ => assert_eq!(a, b),
            }
        }
        assert!(pended > 0);
        for (a, b) in none.statement.iter().zip(&with.statement) {
            if a.status == Status::StatementUnmatched && a.amount.is_positive() {
                assert_eq!(b.status, Status::Pending, "{b:?}");
            } else {
                assert_eq!(a, b);
            }
        }
    }
}

#[test]
fn absurd_grace_values_do_not_panic() {
    let mut books = Books::new(Grace {
        statement_days: u32::MAX,
        order_days: u32::MAX,
        line_days: u32::MAX,
    });
    books.config.max_slip_line_gap_minutes = i64::MIN;
    books.run(
        d(1),
        vec![order_on(
            d(1),
            2,
            "ORD-12",
            "Lek Dee",
            thb("500"),
            "09:00",
            Some("s.json"),
        )],
        vec![line_on(d(1), 3, "09:00", thb("1"), "X Y", None)],
        vec![slip_on(
            d(1),
            "s.json",
            "LEK DEE",
            thb("500"),
            "09:05",
            None,
        )],
    );
    let r = books.run(
        d(4),
        vec![order_on(
            d(4),
            2,
            "ORD-13",
            "Malee Srisuk",
            thb("10"),
            "09:00",
            None,
        )],
        vec![line_on(d(4), 3, "23:59", thb("500"), "LEK DEE", None)],
        vec![],
    );
    // The slip's money, three days later, with no limit on the wait.
    assert_eq!(r.result.order("ORD-12").status, Status::Matched);
    let o = r.result.order("ORD-13");
    assert_eq!(o.status, Status::Pending);
    assert!(o.reasons[0].code == "awaiting_payment", "{:?}", o.reasons);
}

#[test]
fn carried_and_own_rows_in_any_order_give_the_same_day() {
    let mut books = Books::new(Grace::default());
    books.run(
        d(1),
        vec![
            order_on(
                d(1),
                2,
                "ORD-20",
                "Lek Dee",
                thb("500"),
                "20:00",
                Some("a.png"),
            ),
            order_on(d(1), 3, "ORD-21", "Malee Srisuk", thb("700"), "21:00", None),
            order_on(
                d(1),
                4,
                "ORD-22",
                "Somchai Jaidee",
                thb("640"),
                "22:00",
                Some("c.png"),
            ),
        ],
        vec![line_on(d(1), 7, "22:01", thb("99"), "X Y", None)],
        vec![
            slip_on(d(1), "a.png", "LEK DEE", thb("500"), "20:05", Some("TR-20")),
            slip_on(d(1), "c.png", "SOMCHAI JAIDEE", thb("640"), "23:55", None),
        ],
    );
    assert_eq!(books.open.len(), 6, "{:?}", books.open);
    let (carried, _) = carry::split_open(&books.open);
    let mut orders = vec![
        order_on(
            d(2),
            2,
            "ORD-23",
            "Lek Dee",
            thb("500"),
            "07:00",
            Some("b.png"),
        ),
        order_on(d(2), 3, "ORD-24", "Nok Noi", thb("99"), "07:00", None),
    ];
    orders.extend(carried.orders);
    let mut lines = vec![
        line_on(d(2), 3, "00:20", thb("500"), "LEK DEE", Some("TR-20")),
        line_on(d(2), 4, "00:03", thb("640"), "MR. SOMCHAI JAIDEE", None),
        line_on(d(2), 5, "11:00", thb("700"), "MALEE SRISUK", None),
    ];
    lines.extend(carried.lines);
    let mut slips = vec![slip_on(
        d(1),
        "b.png",
        "LEK DEE",
        thb("500"),
        "20:05",
        Some("TR-20"),
    )];
    slips.extend(carried.slips);
    let accounts = our_accounts();
    let prior = BTreeMap::new();
    let run = |orders: &[Order], lines: &[StatementLine], slips: &[SlipRead]| {
        let input = DayInput {
            day: d(2),
            window: window_of(d(2)),
            orders,
            lines,
            slips,
            our_accounts: &accounts,
            prior_uses: &prior,
            decided: &recon_matcher::Decided::default(),
        };
        match_day(&input, &MatchConfig::default())
    };
    let first = run(&orders, &lines, &slips);
    for id in ["ORD-20", "ORD-21", "ORD-22"] {
        assert_eq!(first.order(id).status, Status::Matched, "{id}");
    }
    assert_eq!(first.order("ORD-23").status, Status::DuplicateSlip);
    // Money from someone else of the same amount, carried: not this order's.
    assert_eq!(first.order("ORD-24").status, Status::Unpaid);
    assert_eq!(
        first.line("2026-11-20/kbank.csv", 7).status,
        Status::StatementUnmatched
    );
    orders.reverse();
    lines.reverse();
    slips.reverse();
    assert_eq!(run(&orders, &lines, &slips), first);
    orders.rotate_left(2);
    lines.rotate_left(3);
    slips.rotate_left(1);
    assert_eq!(run(&orders, &lines, &slips), first);
}
