//! One cell of a table ([`Cell`]) and its plain text: the CSV form (before
//! formula defusing), which the XLSX and the page also show. Digits, days,
//! times and amounts are written here directly rather than through chrono's
//! or the decimal's format machinery (a million-row day writes millions).

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat, Timelike};
use recon_core::{CaseRef, Day, Money, NameScore, OrderId, Reason, SourceRef};

/// One cell, with its type kept so the XLSX can write numbers as numbers.
/// Text borrows from the day's result; joined ids and reasons are joined
/// only when rendered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    /// `file:line`.
    Source(&'a SourceRef),
    /// Statement lines joined with `|` (never empty).
    Sources(&'a [SourceRef]),
    /// Order ids joined with `|` (never empty).
    Orders(&'a [OrderId]),
    /// What an exception row points at, `|`-joined: slip file, statement
    /// lines, order ids (never all empty).
    Related {
        slip: Option<&'a str>,
        lines: &'a [SourceRef],
        orders: &'a [OrderId],
    },
    /// Reasons joined with `; ` (never empty).
    Reasons(&'a [Reason]),
    /// The ids of the cases a decision goes with, joined with `|` (never
    /// empty).
    Cases(&'a [CaseRef]),
    Money(Money),
    /// Money in another currency than its row's (`currency` column): text
    /// with its code, `12.50 USD`, so that it is neither read nor summed
    /// as the row's currency.
    ForeignMoney(Money),
    Score(NameScore),
    Time(DateTime<FixedOffset>),
    /// A calendar day (`origin_day`, `first_seen`): a date cell in the XLSX.
    Date(Day),
    Count(u64),
}

impl<'a> Cell<'a> {
    pub(super) fn text_opt(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::Text)
    }

    pub(super) fn money_opt(m: Option<Money>) -> Cell<'a> {
        m.map_or(Cell::Empty, Cell::Money)
    }

    /// `m` in a row of `currency`: a money cell, or, in another currency,
    /// [`Cell::ForeignMoney`].
    pub(super) fn money_in(m: Option<Money>, currency: recon_core::Currency) -> Cell<'a> {
        match m {
            Some(m) if m.currency != currency => Cell::ForeignMoney(m),
            m => Cell::money_opt(m),
        }
    }

    pub(super) fn time_opt(t: Option<DateTime<FixedOffset>>) -> Cell<'a> {
        t.map_or(Cell::Empty, Cell::Time)
    }

    pub(super) fn sources(ids: &'a [SourceRef]) -> Cell<'a> {
        if ids.is_empty() {
            Cell::Empty
        } else {
            Cell::Sources(ids)
        }
    }

    pub(super) fn orders(ids: &'a [OrderId]) -> Cell<'a> {
        if ids.is_empty() {
            Cell::Empty
        } else {
            Cell::Orders(ids)
        }
    }

    pub(super) fn reasons(reasons: &'a [Reason]) -> Cell<'a> {
        if reasons.is_empty() {
            Cell::Empty
        } else {
            Cell::Reasons(reasons)
        }
    }

    pub(super) fn cases(cases: &'a [CaseRef]) -> Cell<'a> {
        if cases.is_empty() {
            Cell::Empty
        } else {
            Cell::Cases(cases)
        }
    }

    /// Text, or nothing for an empty string.
    pub(super) fn text_nonempty(s: &'a str) -> Cell<'a> {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    pub(super) fn related(
        slip: Option<&'a str>,
        lines: &'a [SourceRef],
        orders: &'a [OrderId],
    ) -> Cell<'a> {
        if slip.is_none() && lines.is_empty() && orders.is_empty() {
            Cell::Empty
        } else {
            Cell::Related {
                slip,
                lines,
                orders,
            }
        }
    }

    /// True for the cells written as text (in the XLSX, a string).
    pub(crate) fn is_text(&self) -> bool {
        matches!(
            self,
            Cell::Text(_)
                | Cell::Source(_)
                | Cell::Sources(_)
                | Cell::Orders(_)
                | Cell::Related { .. }
                | Cell::Reasons(_)
                | Cell::Cases(_)
                | Cell::ForeignMoney(_)
        )
    }

    /// The cell's text when it is a text cell: borrowed as it is, or
    /// joined into `scratch`.
    pub(crate) fn as_text<'s>(&self, scratch: &'s mut String) -> Option<&'s str>
    where
        'a: 's,
    {
        match *self {
            Cell::Text(s) => Some(s),
            ref c if c.is_text() => {
                scratch.clear();
                c.write_plain(scratch);
                Some(scratch.as_str())
            }
            _ => None,
        }
    }

    /// Appends the CSV form (before formula defusing) to `out`.
    pub(crate) fn write_plain(&self, out: &mut String) {
        match *self {
            Cell::Empty => {}
            Cell::Text(s) => out.push_str(s),
            Cell::Source(s) => push_source(out, s),
            Cell::Sources(ids) => {
                for (i, s) in ids.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    push_source(out, s);
                }
            }
            Cell::Orders(ids) => {
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    out.push_str(&id.0);
                }
            }
            Cell::Related {
                slip,
                lines,
                orders,
            } => {
                let mut first = true;
                let mut sep = |out: &mut String| {
                    if !std::mem::take(&mut first) {
                        out.push('|');
                    }
                };
                if let Some(slip) = slip {
                    sep(out);
                    out.push_str(slip);
                }
                for s in lines {
                    sep(out);
                    push_source(out, s);
                }
                for id in orders {
                    sep(out);
                    out.push_str(&id.0);
                }
            }
            Cell::Reasons(reasons) => {
                // As `recon_core::join_reasons`, without its copies.
                for (i, r) in reasons.iter().enumerate() {
                    if i > 0 {
                        out.push_str("; ");
                    }
                    let _ = write!(out, "{r}");
                }
            }
            Cell::Cases(cases) => {
                for (i, c) in cases.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    out.push_str(&c.id);
                }
            }
            Cell::Money(m) => push_money(out, &m),
            Cell::ForeignMoney(m) => {
                push_money(out, &m);
                out.push(' ');
                out.push_str(m.currency.code());
            }
            Cell::Score(s) if s.is_finite() => {
                let _ = write!(out, "{s:.3}");
            }
            Cell::Score(_) => {}
            Cell::Time(t) => push_time(out, &t),
            Cell::Date(d) => push_day(out, d),
            Cell::Count(n) => push_u64(out, n),
        }
    }

    /// The CSV form (before formula defusing), as a new string.
    pub(crate) fn plain(&self) -> String {
        let mut s = String::new();
        self.write_plain(&mut s);
        s
    }
}

pub(super) fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// Two digits, zero-padded (`n` < 100).
fn push_2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn push_source(out: &mut String, s: &SourceRef) {
    out.push_str(&s.file);
    out.push(':');
    push_u64(out, s.line);
}

/// `Day`'s own form (`2026-11-21`) without going through chrono's format
/// machinery (a million-row day writes several million days).
pub(crate) fn push_day(out: &mut String, d: Day) {
    let date = d.date();
    match u32::try_from(date.year()) {
        Ok(y @ 1000..=9999) => {
            push_u64(out, y.into());
            out.push('-');
            push_2(out, date.month());
            out.push('-');
            push_2(out, date.day());
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
}

/// RFC 3339 with the offset it was booked in, seconds unless there is a
/// fraction (chrono's `to_rfc3339_opts(AutoSi, false)`), written directly
/// for whole seconds of ordinary years.
fn push_time(out: &mut String, t: &DateTime<FixedOffset>) {
    let local = t.naive_local();
    let offset = t.offset().local_minus_utc();
    let fast = local.nanosecond() == 0 && offset % 60 == 0 && matches!(local.year(), 1000..=9999);
    if !fast {
        out.push_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        return;
    }
    push_u64(out, local.year() as u64);
    out.push('-');
    push_2(out, local.month());
    out.push('-');
    push_2(out, local.day());
    out.push('T');
    push_2(out, local.hour());
    out.push(':');
    push_2(out, local.minute());
    out.push(':');
    push_2(out, local.second());
    out.push(if offset < 0 { '-' } else { '+' });
    let minutes = offset.unsigned_abs() / 60;
    push_2(out, minutes / 60);
    out.push(':');
    push_2(out, minutes % 60);
}

/// [`Money::plain`] (the currency's minor digits, banker's rounding)
/// written from the integer mantissa when no rounding is needed, which is
/// every amount the domain makes.
pub(crate) fn push_money(out: &mut String, m: &Money) {
    let digits = m.currency.minor_digits();
    let scale = m.amount.scale();
    let mantissa = m.amount.mantissa();
    if scale > digits || mantissa == 0 || digits > 18 {
        out.push_str(&m.plain());
        return;
    }
    let Some(minor) = 10i128
        .checked_pow(digits - scale)
        .and_then(|p| mantissa.checked_mul(p))
    else {
        out.push_str(&m.plain());
        return;
    };
    if minor < 0 {
        out.push('-');
    }
    let minor = minor.unsigned_abs();
    let unit = 10u128.pow(digits);
    let (int, frac) = (minor / unit, minor % unit);
    match u64::try_from(int) {
        Ok(i) => push_u64(out, i),
        Err(_) => {
            let _ = write!(out, "{int}");
        }
    }
    if digits > 0 {
        out.push('.');
        let _ = write!(out, "{frac:0width$}", width = digits as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use recon_core::ReasonCode;
    use recon_core::{Currency, Decimal};

    #[test]
    fn cells_render_per_contract() {
        let m = Money::parse("1500", Currency::Thb).unwrap();
        assert_eq!(Cell::Money(m).plain(), "1500.00");
        assert_eq!(Cell::money_in(Some(m), m.currency).plain(), "1500.00");
        let usd = Money::new(
            rust_decimal::Decimal::new(1250, 2),
            recon_core::Currency::Usd,
        );
        let foreign = Cell::money_in(Some(usd), m.currency);
        assert_eq!(foreign.plain(), "12.50 USD");
        assert!(foreign.is_text(), "never summed as the row's currency");
        assert_eq!(Cell::Score(0.91666).plain(), "0.917");
        assert_eq!(Cell::Score(1.0).plain(), "1.000");
        assert_eq!(Cell::Score(f64::NAN).plain(), "");
        let bkk = FixedOffset::east_opt(7 * 3600).unwrap();
        let t = bkk.with_ymd_and_hms(2026, 11, 21, 14, 5, 0).unwrap();
        assert_eq!(Cell::Time(t).plain(), "2026-11-21T14:05:00+07:00");
        let lines = [
            SourceRef::new("kbank.csv", 6),
            SourceRef::new("kbank.csv", 9),
        ];
        assert_eq!(Cell::sources(&lines).plain(), "kbank.csv:6|kbank.csv:9");
        assert_eq!(Cell::sources(&[]), Cell::Empty);
        let ids = [OrderId("A-1".into()), OrderId("=A-2".into())];
        assert_eq!(Cell::orders(&ids).plain(), "A-1|=A-2");
        assert_eq!(
            Cell::related(Some("a.png"), &lines[..1], &ids).plain(),
            "a.png|kbank.csv:6|A-1|=A-2"
        );
        assert_eq!(Cell::related(Some(""), &[], &[]).plain(), "");
        assert_ne!(Cell::related(Some(""), &[], &[]), Cell::Empty);
        assert_eq!(Cell::related(None, &[], &[]), Cell::Empty);
        let reasons = [
            Reason::with(ReasonCode::ShortBy, "50.00 THB"),
            Reason::with(ReasonCode::NameScore, "0.41"),
        ];
        assert_eq!(
            Cell::reasons(&reasons).plain(),
            recon_core::join_reasons(&reasons)
        );
        let with = [CaseRef::line("kbank.csv:6"), CaseRef::line("=kbank.csv:9")];
        assert_eq!(Cell::cases(&with).plain(), "kbank.csv:6|=kbank.csv:9");
        assert!(Cell::cases(&with).is_text());
        assert_eq!(Cell::cases(&[]), Cell::Empty);
        assert_eq!(Cell::text_nonempty(""), Cell::Empty);
        assert_eq!(Cell::Count(0).plain(), "0");
        assert_eq!(Cell::Count(u64::MAX).plain(), u64::MAX.to_string());
    }

    #[test]
    fn money_is_written_as_money_plain_says() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "1",
            "-1",
            "0.5",
            "-0.05",
            "12.3",
            "1500",
            "-50.00",
            "0.01",
            "999999999999.99",
            "-123456789012345678.5",
            "0.001",
            "0.005",
            "0.015",
            "-2.675",
            "79228162514264337593543950335",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        values.push(Decimal::MAX);
        values.push(Decimal::MIN);
        values.push(Decimal::new(-7, 0));
        for v in values {
            for c in Currency::ALL {
                let m = Money::new(v, c);
                let mut out = String::new();
                push_money(&mut out, &m);
                assert_eq!(out, m.plain(), "{v} {c}");
            }
        }
    }

    #[test]
    fn times_and_days_are_written_as_chrono_writes_them() {
        let mut times = Vec::new();
        for (secs, offset) in [
            (0, 7 * 3600),
            (59, -5 * 3600 - 30 * 60),
            (86_399, 0),
            (3_600, 14 * 3600),
            (1, 45),
            (7, -(3 * 3600 + 17)),
        ] {
            let tz = FixedOffset::east_opt(offset).unwrap();
            let base = tz.with_ymd_and_hms(2026, 1, 9, 0, 0, 0).unwrap();
            times.push(base + chrono::Duration::seconds(secs));
            times.push(base + chrono::Duration::milliseconds(secs * 1000 + 250));
            times.push(base + chrono::Duration::nanoseconds(secs * 1_000_000_000 + 7));
        }
        let tz = FixedOffset::east_opt(0).unwrap();
        times.push(tz.with_ymd_and_hms(999, 12, 31, 23, 59, 59).unwrap());
        times.push(tz.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap());
        for t in times {
            let mut out = String::new();
            push_time(&mut out, &t);
            assert_eq!(out, t.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        }
        for s in [
            "2026-11-21",
            "2026-01-01",
            "1999-12-31",
            "1000-01-01",
            "9999-12-31",
        ] {
            let d: Day = s.parse().unwrap();
            let mut out = String::new();
            push_day(&mut out, d);
            assert_eq!(out, d.to_string());
        }
        for y in [1, 999, 10_000, -5] {
            let d = Day::new(chrono::NaiveDate::from_ymd_opt(y, 3, 4).unwrap());
            let mut out = String::new();
            push_day(&mut out, d);
            assert_eq!(out, d.to_string());
        }
    }
}
