//! Builders for matcher behaviour tests: the sample data conventions of the
//! contract (Asia/Bangkok +07:00, our KBANK / ABA accounts) in a few lines.
#![allow(dead_code)]

pub mod generator;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use recon_core::{
    AccountMask, Currency, Day, DayResult, Money, Order, OrderId, OrderOutcome, Party, PriorUse,
    Provider, Proxy, ProxyKind, Slip, SlipKey, SlipOutcome, SlipRead, SourceRef, StatementLine,
    StatementOutcome, TransRef,
};
use recon_matcher::{DayInput, MatchConfig, OurAccount, match_day};

pub fn tz() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00")
}

pub fn day() -> Day {
    Day::new(NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"))
}

/// `hh:mm` or `hh:mm:ss` on the test day, Bangkok time.
pub fn at(hhmm: &str) -> DateTime<FixedOffset> {
    let mut parts = hhmm
        .split(':')
        .map(|p| p.parse::<u32>().expect("hh:mm[:ss]"));
    let (h, m) = (parts.next().expect("hh"), parts.next().expect("mm"));
    let s = parts.next().unwrap_or(0);
    tz().with_ymd_and_hms(2026, 11, 21, h, m, s)
        .single()
        .expect("time")
}

pub fn window() -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let start = tz()
        .with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
        .single()
        .unwrap();
    (start, start + chrono::Duration::days(1))
}

pub fn thb(s: &str) -> Money {
    Money::parse(s, Currency::Thb).unwrap()
}

pub fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).unwrap()
}

/// Our receiving accounts, as the sample job config and the generator
/// have them.
pub fn our_accounts() -> Vec<OurAccount> {
    recon_testkit::labelled::our_accounts()
}

pub fn order(id: &str, customer: &str, amount: Money, time: &str, slip: Option<&str>) -> Order {
    Order {
        source: SourceRef::new("orders.csv", 0),
        order_id: OrderId(id.into()),
        customer_name: customer.into(),
        amount,
        ordered_at: at(time),
        slip: slip.map(Into::into),
    }
}

/// A money-in line on the KBank statement; `line` is the CSV line number.
pub fn line(
    n: u64,
    time: &str,
    amount: Money,
    payer: &str,
    reference: Option<&str>,
) -> StatementLine {
    StatementLine {
        source: SourceRef::new("kbank.csv", n),
        account: "123-4-56789-0".into(),
        booked_at: at(time),
        amount,
        counterparty: Party {
            name: (!payer.is_empty()).then(|| payer.to_string()),
            account: Some(AccountMask::new("xxx-x-x1234-x")),
            ..Party::default()
        },
        reference: reference.map(Into::into),
        description: None,
    }
}

/// A slip read by EasySlip, paid to our KBank account.
pub fn slip(file: &str, sender: &str, amount: Money, time: &str, trans_ref: Option<&str>) -> Slip {
    let mut s = Slip::empty(Provider::Easyslip);
    s.file = Some(file.into());
    s.sender = Party {
        name: Some(sender.into()),
        bank: Some("SCB".into()),
        account: Some(AccountMask::new("xxx-x-x4321-x")),
        ..Party::default()
    };
    s.receiver = Party {
        name: Some("บริษัท ร้านดี จำกัด".into()),
        alt_name: Some("RANDEE CO., LTD.".into()),
        bank: Some("KBANK".into()),
        account: Some(AccountMask::new("xxx-x-x6789-x")),
        proxy: None,
    };
    s.amount = Some(amount);
    s.transferred_at = Some(at(time));
    s.trans_ref = trans_ref.and_then(TransRef::new);
    s
}

pub fn paid_to_someone_else(mut s: Slip) -> Slip {
    s.receiver = Party {
        name: Some("นาย มิจฉา ชีพ".into()),
        bank: Some("KTB".into()),
        account: Some(AccountMask::new("xxx-x-x5555-x")),
        proxy: Some(Proxy {
            kind: ProxyKind::Msisdn,
            value: AccountMask::new("08xxxxxx99"),
        }),
        alt_name: None,
    };
    s
}

/// One day's input, owned, so tests can build it up and run it.
#[derive(Default, Clone)]
pub struct Case {
    pub orders: Vec<Order>,
    pub lines: Vec<StatementLine>,
    pub slips: Vec<SlipRead>,
    pub prior: BTreeMap<SlipKey, PriorUse>,
    pub config: Option<MatchConfig>,
    pub decided: recon_matcher::Decided,
}

impl Case {
    pub fn run(&self) -> DayResult {
        let accounts = our_accounts();
        let input = DayInput {
            day: day(),
            window: window(),
            orders: &self.orders,
            lines: &self.lines,
            slips: &self.slips,
            our_accounts: &accounts,
            prior_uses: &self.prior,
            decided: &self.decided,
        };
        let config = self.config.clone().unwrap_or_default();
        match_day(&input, &config)
    }
}

/// The default config without grace: each day judged alone, as before
/// days carried their open items.
pub fn no_grace() -> MatchConfig {
    MatchConfig {
        grace: recon_matcher::Grace::NONE,
        ..MatchConfig::default()
    }
}

impl Case {
    /// A case judged without grace (see [`no_grace`]).
    pub fn without_grace() -> Case {
        Case {
            config: Some(no_grace()),
            ..Case::default()
        }
    }
}

pub fn read(s: Slip) -> SlipRead {
    SlipRead::Read(s)
}

pub trait Find {
    fn order(&self, id: &str) -> &OrderOutcome;
    fn line(&self, file: &str, n: u64) -> &StatementOutcome;
    fn slip(&self, file: &str) -> &SlipOutcome;
}

impl Find for DayResult {
    fn order(&self, id: &str) -> &OrderOutcome {
        self.orders
            .iter()
            .find(|o| o.order_id.0 == id)
            .unwrap_or_else(|| panic!("no outcome for order {id}"))
    }
    fn line(&self, file: &str, n: u64) -> &StatementOutcome {
        self.statement
            .iter()
            .find(|l| l.line.file == file && l.line.line == n)
            .unwrap_or_else(|| panic!("no outcome for line {file}:{n}"))
    }
    fn slip(&self, file: &str) -> &SlipOutcome {
        self.slips
            .iter()
            .find(|s| s.file == file)
            .unwrap_or_else(|| panic!("no outcome for slip {file}"))
    }
}

/// `code=detail` strings of an outcome's reasons, for readable asserts.
pub fn reasons(r: &[recon_core::Reason]) -> Vec<String> {
    r.iter().map(ToString::to_string).collect()
}

pub fn has_reason(r: &[recon_core::Reason], text: &str) -> bool {
    reasons(r).iter().any(|x| x == text)
}
