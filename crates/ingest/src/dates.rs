//! Dates and times as banks and shops write them: ISO 8601 (the fast path
//! for the canonical layouts), any chrono `strftime` pattern, Thai
//! Buddhist-era years (2569 → 2026), Thai month names and abbreviations
//! (`พฤศจิกายน`, `พ.ย.`), Thai digits, separate date and time columns.

use std::borrow::Cow;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
};
use serde::Deserialize;

/// How years are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuddhistEra {
    /// A year from 2400 to 2699 is a Buddhist-era year and loses 543 (it
    /// is 1857–2156 CE; no statement is dated 2400 CE or later); any other
    /// year is Common Era. ISO 8601 text is read the same way: `2569-11-21`
    /// is a Thai export's 2026, `9999-12-31` is 9999 and refused
    /// ([`YEARS`]), never 9456.
    #[default]
    Auto,
    /// Years are always Common Era.
    Never,
    /// Years are always Buddhist era: four digits lose 543, and two digits
    /// (`%y`, as in `21/11/69`) are 25xx Buddhist era, so 69 is 2026.
    Always,
}

/// The years read as Buddhist era under [`BuddhistEra::Auto`].
const BE_YEARS: std::ops::Range<i32> = 2400..2700;
const BE_OFFSET: i32 = 543;

/// The Common-Era years a date may have once read: anything else is a typo
/// or a placeholder (`9999-12-31`, `0001-01-01`) and is refused with the
/// row, not reported as a payment in another century.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// A moment as read from a cell, before the time zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// A calendar date with no time of day.
    Date(NaiveDate),
    /// A local wall-clock time, read in the job's time zone.
    Local(NaiveDateTime),
    /// A time that carried its own UTC offset.
    Fixed(DateTime<FixedOffset>),
}

#[cfg(test)]
impl When {
    pub(crate) fn date(&self) -> NaiveDate {
        match self {
            When::Date(d) => *d,
            When::Local(dt) => dt.date(),
            When::Fixed(dt) => dt.date_naive(),
        }
    }
}

/// One entry of a profile's `date_formats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// `iso8601`: `YYYY-MM-DD`, optionally `[T ]HH:MM[:SS[.fff]]` and `Z` or
    /// `±HH:MM`. Parsed by hand: this is the hot path of a million-row file.
    Iso,
    /// A chrono pattern with an offset (`%z`, `%:z`).
    WithOffset(String),
    /// A chrono pattern with a time of day but no offset.
    DateTime(String),
    /// A chrono pattern with a date only.
    DateOnly(String),
}

impl DateFormat {
    /// Compiles a format string, refusing patterns chrono does not know.
    pub(crate) fn compile(text: &str) -> Result<DateFormat, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("iso8601") || t.eq_ignore_ascii_case("rfc3339") {
            return Ok(DateFormat::Iso);
        }
        if t.is_empty() {
            return Err("a date format is empty".into());
        }
        if StrftimeItems::new(t).any(|i| matches!(i, Item::Error)) {
            return Err(format!("date format {t:?} is not a valid chrono pattern"));
        }
        let has = |specs: &[&str]| specs.iter().any(|s| t.contains(s));
        Ok(if has(&["%z", "%:z", "%::z", "%#z"]) {
            DateFormat::WithOffset(t.to_string())
        } else if has(&["%H", "%I", "%M", "%S", "%T", "%R", "%k", "%l", "%r", "%X"]) {
            DateFormat::DateTime(t.to_string())
        } else {
            DateFormat::DateOnly(t.to_string())
        })
    }

    pub(crate) fn pattern(&self) -> &str {
        match self {
            DateFormat::Iso => "iso8601",
            DateFormat::WithOffset(p) | DateFormat::DateTime(p) | DateFormat::DateOnly(p) => p,
        }
    }
}

/// Parses `text` with the first format that fits. The text is normalised
/// once (Thai digits and months, Buddhist-era years) for the chrono patterns.
pub(crate) fn parse_when(text: &str, formats: &[DateFormat], era: BuddhistEra) -> Option<When> {
    let text = text.trim();
    let mut normalised: Option<Cow<'_, str>> = None;
    for format in formats {
        let found = match format {
            DateFormat::Iso => parse_iso(text, era),
            other if era == BuddhistEra::Always => {
                let t = normalised.get_or_insert_with(|| normalise(text, era));
                parse_always_be(t, other)
            }
            other => {
                let t = normalised.get_or_insert_with(|| normalise(text, era));
                parse_chrono(t, other)
            }
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn parse_chrono(text: &str, format: &DateFormat) -> Option<When> {
    match format {
        DateFormat::Iso => None,
        DateFormat::WithOffset(p) => DateTime::parse_from_str(text, p).ok().map(When::Fixed),
        DateFormat::DateTime(p) => NaiveDateTime::parse_from_str(text, p).ok().map(When::Local),
        DateFormat::DateOnly(p) => NaiveDate::parse_from_str(text, p).ok().map(When::Date),
    }
}

/// Reads the fields first and builds the date from them, so that the
/// Buddhist-era year is converted before the day is checked (29/02/67 is
/// 2024-02-29, a day that 2067 does not have).
fn parse_always_be(text: &str, format: &DateFormat) -> Option<When> {
    let mut fields = Parsed::new();
    chrono::format::parse(&mut fields, text, StrftimeItems::new(format.pattern())).ok()?;
    let be_year = match (fields.year(), fields.year_mod_100()) {
        (Some(year), _) => year,
        (None, Some(yy)) => 2500 + yy,
        (None, None) => return None,
    };
    let mut ce = Parsed::new();
    ce.set_year(i64::from(be_year - BE_OFFSET)).ok()?;
    ce.set_month(i64::from(fields.month()?)).ok()?;
    ce.set_day(i64::from(fields.day()?)).ok()?;
    let date = ce.to_naive_date().ok()?;
    if let DateFormat::DateOnly(_) = format {
        return Some(When::Date(date));
    }
    let hour = fields.hour_div_12()? * 12 + fields.hour_mod_12()?;
    let time = NaiveTime::from_hms_nano_opt(
        hour,
        fields.minute()?,
        fields.second().unwrap_or(0),
        fields.nanosecond().unwrap_or(0),
    )?;
    let local = date.and_time(time);
    match (format, fields.offset()) {
        (DateFormat::WithOffset(_), Some(seconds)) => FixedOffset::east_opt(seconds)?
            .from_local_datetime(&local)
            .single()
            .map(When::Fixed),
        (DateFormat::WithOffset(_), None) => None,
        _ => Some(When::Local(local)),
    }
}

/// Parses a time-of-day column (`14:05`, `09:18 AM`).
pub(crate) fn parse_time(text: &str, formats: &[String]) -> Option<NaiveTime> {
    let mut text = Cow::Borrowed(text.trim());
    if !text.is_ascii() {
        // Thai clocks: `๑๔.๐๕ น.` is 14:05 ("น." is นาฬิกา, o'clock).
        let t = thai_digits(&text).replace("น.", "").replace('น', "");
        text = Cow::Owned(t.trim().to_string());
    }
    if text.contains('.') && !text.contains(':') {
        text = Cow::Owned(text.replace('.', ":"));
    }
    formats
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(&text, f).ok())
}

/// Joins a date (or date-time) with a separate time of day and places it in
/// the time zone. A date with no time at all is read as local midnight.
pub(crate) fn resolve<Z: TimeZone>(
    when: When,
    time: Option<NaiveTime>,
    tz: &Z,
) -> Result<DateTime<FixedOffset>, String> {
    let year = match when {
        When::Date(d) => d.year(),
        When::Local(dt) => dt.year(),
        When::Fixed(dt) => dt.year(),
    };
    if !YEARS.contains(&year) {
        return Err(format!(
            "year {year} is outside {}–{}: a typo or a placeholder date?",
            YEARS.start(),
            YEARS.end()
        ));
    }
    let local = match (when, time) {
        (When::Fixed(dt), None) => return Ok(dt),
        (When::Fixed(dt), Some(t)) => {
            let with_time = dt.date_naive().and_time(t);
            return dt
                .offset()
                .from_local_datetime(&with_time)
                .single()
                .ok_or_else(|| format!("{with_time} does not exist at offset {}", dt.offset()));
        }
        (When::Date(d), t) => d.and_time(t.unwrap_or(NaiveTime::MIN)),
        (When::Local(dt), None) => dt,
        (When::Local(dt), Some(t)) => dt.date().and_time(t),
    };
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Ok(dt.fixed_offset()),
        // A repeated hour at a DST change: the earlier reading, as clocks
        // showed it first.
        LocalResult::Ambiguous(first, _) => Ok(first.fixed_offset()),
        LocalResult::None => Err(format!(
            "local time {local} does not exist in the job's time zone"
        )),
    }
}

/// True when the text has a digit (ASCII or Thai): a cell with none cannot
/// be a date, so a trailing row whose date cell has none is a footer.
pub(crate) fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) || text.chars().any(|c| local_digit(c).is_some())
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|±HH[:]MM]`.
fn parse_iso(text: &str, era: BuddhistEra) -> Option<When> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut year = num(&b[0..4])? as i32;
    if era == BuddhistEra::Always || era == BuddhistEra::Auto && BE_YEARS.contains(&year) {
        year -= BE_OFFSET;
    }
    let date = NaiveDate::from_ymd_opt(year, num(&b[5..7])?, num(&b[8..10])?)?;
    if b.len() == 10 {
        return Some(When::Date(date));
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let hour = num(&b[11..13])?;
    let minute = num(&b[14..16])?;
    let mut pos = 16;
    let mut second = 0;
    let mut nanos = 0;
    if b.len() >= pos + 3 && b[pos] == b':' {
        second = num(&b[pos + 1..pos + 3])?;
        pos += 3;
        if pos < b.len() && matches!(b[pos], b'.' | b',') {
            pos += 1;
            let start = pos;
            while pos < b.len() && b[pos].is_ascii_digit() {
                pos += 1;
            }
            let digits = &b[start..pos];
            if digits.is_empty() {
                return None;
            }
            let mut n: u32 = 0;
            for i in 0..9 {
                n = n * 10 + digits.get(i).map_or(0, |d| u32::from(d - b'0'));
            }
            nanos = n;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = date.and_time(time);
    let rest = &b[pos..];
    if rest.is_empty() {
        return Some(When::Local(local));
    }
    let offset_seconds = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let h = num(&[*h1, *h2])? as i32;
            let m = num(&[*m1, *m2])? as i32;
            let s = h * 3600 + m * 60;
            if *sign == b'-' { -s } else { s }
        }
        [sign @ (b'+' | b'-'), h1, h2] => {
            let s = num(&[*h1, *h2])? as i32 * 3600;
            if *sign == b'-' { -s } else { s }
        }
        _ => return None,
    };
    let offset = FixedOffset::east_opt(offset_seconds)?;
    offset.from_local_datetime(&local).single().map(When::Fixed)
}

fn num(digits: &[u8]) -> Option<u32> {
    let mut n: u32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(d - b'0');
    }
    Some(n)
}

/// Thai months, full names first so that an abbreviation never eats part of
/// a full name; then dotted abbreviations, with and without the last dot,
/// then the undotted forms some exports use.
const THAI_MONTHS: [(&[&str], &str); 12] = [
    (&["มกราคม", "ม.ค.", "ม.ค", "มค"], "Jan"),
    (&["กุมภาพันธ์", "ก.พ.", "ก.พ", "กพ"], "Feb"),
    (&["มีนาคม", "มี.ค.", "มี.ค", "มีค"], "Mar"),
    (&["เมษายน", "เม.ย.", "เม.ย", "เมย"], "Apr"),
    (&["พฤษภาคม", "พ.ค.", "พ.ค", "พค"], "May"),
    (&["มิถุนายน", "มิ.ย.", "มิ.ย", "มิย"], "Jun"),
    (&["กรกฎาคม", "ก.ค.", "ก.ค", "กค"], "Jul"),
    (&["สิงหาคม", "ส.ค.", "ส.ค", "สค"], "Aug"),
    (&["กันยายน", "ก.ย.", "ก.ย", "กย"], "Sep"),
    (&["ตุลาคม", "ต.ค.", "ต.ค", "ตค"], "Oct"),
    (&["พฤศจิกายน", "พ.ย.", "พ.ย", "พย"], "Nov"),
    (&["ธันวาคม", "ธ.ค.", "ธ.ค", "ธค"], "Dec"),
];

/// Thai digits and month names to ASCII, Buddhist-era years to Common Era,
/// so that a chrono pattern such as `%d %b %Y` reads `21 พ.ย. 2569`.
pub(crate) fn normalise(text: &str, era: BuddhistEra) -> Cow<'_, str> {
    let mut out: Cow<'_, str> = Cow::Borrowed(text);
    if !text.is_ascii() {
        let mut s = thai_digits(text);
        for rank in 0..4 {
            for (names, english) in THAI_MONTHS {
                if s.contains(names[rank]) {
                    s = s.replace(names[rank], english);
                }
            }
        }
        // Thai dates often say พ.ศ. (Buddhist era) before the year.
        s = s.replace("พ.ศ.", "").replace("พ.ศ", "");
        out = Cow::Owned(s);
    }
    if era == BuddhistEra::Auto
        && let Some(converted) = be_years_to_ce(&out)
    {
        out = Cow::Owned(converted);
    }
    out
}

fn thai_digits(text: &str) -> String {
    text.chars().map(|c| local_digit(c).unwrap_or(c)).collect()
}

/// A Thai (`๐`–`๙`) or Khmer (`០`–`៩`) digit as its ASCII digit.
pub(crate) fn local_digit(c: char) -> Option<char> {
    let zero = match c {
        '๐'..='๙' => '๐',
        '០'..='៩' => '០',
        _ => return None,
    };
    char::from_digit(c as u32 - zero as u32, 10)
}

/// Rewrites every run of exactly four digits from 2400 to 2699 as the
/// Common-Era year. Done on the text, before chrono validates the date,
/// because 29/02/2567 is a real day (2024) in a year chrono would think is
/// not a leap year.
fn be_years_to_ce(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let year = num(&b[start..i]).unwrap_or(0) as i32;
                if BE_YEARS.contains(&year) {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&text[copied..start]);
                    s.push_str(&(year - BE_OFFSET).to_string());
                    copied = i;
                }
            }
        } else {
            i += 1;
        }
    }
    out.map(|mut s| {
        s.push_str(&text[copied..]);
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn iso_years_past_the_buddhist_era_window_are_common_era_and_refused() {
        let iso = formats(&["iso8601"]);
        let read = |text: &str| {
            let w = parse_when(text, &iso, BuddhistEra::Auto).unwrap();
            resolve(w, None, &bangkok())
        };
        // A Thai export's Buddhist-era year.
        assert_eq!(
            read("2569-11-21T10:00:00+07:00").unwrap().to_rfc3339(),
            "2026-11-21T10:00:00+07:00"
        );
        // Never shifted by 543: refused, naming the year.
        for (text, year) in [
            ("9999-12-31T10:00:00+07:00", "9999"),
            ("3000-01-01", "3000"),
            ("0001-01-01T00:00:00Z", "1"),
            ("1850-06-01", "1850"),
        ] {
            let err = read(text).unwrap_err();
            assert!(
                err.contains(&format!("year {year} is outside 1900–2199")),
                "{text}: {err}"
            );
        }
        // The same through a chrono pattern.
        let dmy = formats(&["%d/%m/%Y"]);
        let w = parse_when("21/11/2569", &dmy, BuddhistEra::Auto).unwrap();
        assert_eq!(w.date().year(), 2026);
        let w = parse_when("31/12/2999", &dmy, BuddhistEra::Auto).unwrap();
        assert!(resolve(w, None, &bangkok()).is_err());
    }

    fn formats(list: &[&str]) -> Vec<DateFormat> {
        list.iter()
            .map(|f| DateFormat::compile(f).unwrap())
            .collect()
    }

    fn bangkok() -> chrono_tz::Tz {
        chrono_tz::Asia::Bangkok
    }

    #[test]
    fn iso_with_offset_keeps_the_offset() {
        let w = parse_when(
            "2026-11-21T14:05:00+07:00",
            &formats(&["iso8601"]),
            BuddhistEra::Auto,
        )
        .unwrap();
        let dt = resolve(w, None, &bangkok()).unwrap();
        assert_eq!(dt.to_rfc3339(), "2026-11-21T14:05:00+07:00");
        let w = parse_when(
            "2026-11-21T07:05:00Z",
            &formats(&["iso8601"]),
            BuddhistEra::Auto,
        )
        .unwrap();
        assert_eq!(
            resolve(w, None, &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T07:05:00+00:00"
        );
        let w = parse_when(
            "2026-11-21 14:05:30.25-0500",
            &formats(&["iso8601"]),
            BuddhistEra::Auto,
        )
        .unwrap();
        let dt = resolve(w, None, &bangkok()).unwrap();
        assert_eq!(dt.offset().local_minus_utc(), -5 * 3600);
        assert_eq!(dt.nanosecond(), 250_000_000);
    }

    #[test]
    fn iso_without_offset_is_read_in_the_time_zone() {
        let f = formats(&["iso8601"]);
        let w = parse_when("2026-11-21 14:05", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(
            resolve(w, None, &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T14:05:00+07:00"
        );
        let w = parse_when("2026-11-21", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(
            resolve(w, None, &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T00:00:00+07:00"
        );
    }

    #[test]
    fn iso_rejects_near_misses() {
        let f = formats(&["iso8601"]);
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2026-11-21T25:00",
            "2026-11-21T14:05+7",
            "2026/11/21",
            "21-11-2026",
            "2026-11-21T14:05:00 junk",
            "",
        ] {
            assert!(parse_when(bad, &f, BuddhistEra::Auto).is_none(), "{bad}");
        }
    }

    #[test]
    fn buddhist_era_slash_dates() {
        let f = formats(&["%d/%m/%Y"]);
        let w = parse_when("21/11/2569", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(
            w,
            When::Date(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap())
        );
        // 2567 BE is 2024, a leap year; chrono alone would refuse this day.
        let w = parse_when("29/02/2567", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(w.date(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        // Common-era years are left alone under Auto.
        let w = parse_when("21/11/2026", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(w.date().year(), 2026);
        // Never: 2569 stays 2569.
        let w = parse_when("21/11/2569", &f, BuddhistEra::Never).unwrap();
        assert_eq!(w.date().year(), 2569);
        // Buddhist era in ISO form too.
        let w = parse_when("2569-11-21", &formats(&["iso8601"]), BuddhistEra::Auto).unwrap();
        assert_eq!(w.date().year(), 2026);
    }

    #[test]
    fn always_buddhist_era_reads_two_and_four_digit_years() {
        let f = formats(&[
            "%d/%m/%y %H:%M",
            "%d/%m/%y",
            "%d %b %y",
            "%d/%m/%Y %H:%M %z",
        ]);
        let e = BuddhistEra::Always;
        assert_eq!(
            parse_when("21/11/69", &f, e).unwrap().date(),
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        );
        // 2567 BE is 2024, a leap year; 2067 is not.
        assert_eq!(
            parse_when("29/02/67", &f, e).unwrap().date(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(parse_when("29/02/68", &f, e), None);
        assert_eq!(
            parse_when("21/11/69 09:05", &f, e),
            Some(When::Local(
                NaiveDate::from_ymd_opt(2026, 11, 21)
                    .unwrap()
                    .and_hms_opt(9, 5, 0)
                    .unwrap()
            ))
        );
        assert_eq!(
            parse_when("1 ม.ค. 70", &f, e).unwrap().date(),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        let w = parse_when("21/11/2569 14:05 +0700", &f, e).unwrap();
        assert_eq!(
            resolve(w, None, &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T14:05:00+07:00"
        );
        // ISO too: 2569-11-21 is 2026-11-21.
        assert_eq!(
            parse_when("2569-11-21", &formats(&["iso8601"]), e)
                .unwrap()
                .date()
                .year(),
            2026
        );
        assert_eq!(parse_when("31/02/69", &f, e), None);
    }

    #[test]
    fn thai_month_abbreviations_and_names() {
        let f = formats(&["%d %b %Y", "%d %b %Y %H:%M"]);
        let expect = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(
            parse_when("21 พ.ย. 2569", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            expect
        );
        assert_eq!(
            parse_when("21 พ.ย 2569", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            expect
        );
        assert_eq!(
            parse_when("21 พฤศจิกายน 2569", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            expect
        );
        assert_eq!(
            parse_when("21 พฤศจิกายน พ.ศ. 2569", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            expect
        );
        assert_eq!(
            parse_when("๒๑ พ.ย. ๒๕๖๙", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            expect
        );
        let w = parse_when("1 ม.ค. 2570 09:30", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(
            w,
            When::Local(
                NaiveDate::from_ymd_opt(2027, 1, 1)
                    .unwrap()
                    .and_hms_opt(9, 30, 0)
                    .unwrap()
            )
        );
        for (i, (names, _)) in THAI_MONTHS.iter().enumerate() {
            for name in names.iter() {
                let text = format!("5 {name} 2569");
                let w =
                    parse_when(&text, &f, BuddhistEra::Auto).unwrap_or_else(|| panic!("{text}"));
                assert_eq!(w.date().month() as usize, i + 1, "{text}");
            }
        }
    }

    #[test]
    fn english_month_with_twelve_hour_clock() {
        let f = formats(&["%b %d, %Y %I:%M %p"]);
        let w = parse_when("Nov 21, 2026 09:18 AM", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(
            resolve(w, None, &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T09:18:00+07:00"
        );
        let w = parse_when("Nov 21, 2026 09:18 PM", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(resolve(w, None, &bangkok()).unwrap().hour(), 21);
        // Banks print months and meridiems in any case.
        let w = parse_when("NOV 21, 2026 09:18 pm", &f, BuddhistEra::Auto).unwrap();
        assert_eq!(
            resolve(w, None, &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T21:18:00+07:00"
        );
        let full = formats(&["%B %d, %Y"]);
        assert_eq!(
            parse_when("November 21, 2026", &full, BuddhistEra::Auto)
                .unwrap()
                .date()
                .day(),
            21
        );
    }

    #[test]
    fn formats_are_tried_in_order() {
        let f = formats(&["%d/%m/%Y", "%m/%d/%Y"]);
        // Day first wins when both fit.
        assert_eq!(
            parse_when("03/04/2026", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            NaiveDate::from_ymd_opt(2026, 4, 3).unwrap()
        );
        // Only the second fits.
        assert_eq!(
            parse_when("04/23/2026", &f, BuddhistEra::Auto)
                .unwrap()
                .date(),
            NaiveDate::from_ymd_opt(2026, 4, 23).unwrap()
        );
        assert!(parse_when("2026-04-23", &f, BuddhistEra::Auto).is_none());
    }

    #[test]
    fn separate_time_column() {
        let times = vec![
            "%H:%M:%S".to_string(),
            "%H:%M".to_string(),
            "%I:%M %p".to_string(),
        ];
        let t = parse_time("14:05", &times).unwrap();
        let w = parse_when("21/11/2569", &formats(&["%d/%m/%Y"]), BuddhistEra::Auto).unwrap();
        assert_eq!(
            resolve(w, Some(t), &bangkok()).unwrap().to_rfc3339(),
            "2026-11-21T14:05:00+07:00"
        );
        assert_eq!(parse_time("09:18 PM", &times).unwrap().hour(), 21);
        assert_eq!(
            parse_time("14.05 น.", &times),
            NaiveTime::from_hms_opt(14, 5, 0)
        );
        assert_eq!(
            parse_time("๑๔:๐๕ น.", &times),
            NaiveTime::from_hms_opt(14, 5, 0)
        );
        assert!(parse_time("later", &times).is_none());
    }

    #[test]
    fn offset_patterns_and_bad_patterns() {
        let f = formats(&["%d/%m/%Y %H:%M %z"]);
        let w = parse_when("21/11/2026 14:05 +0700", &f, BuddhistEra::Auto).unwrap();
        assert!(matches!(w, When::Fixed(_)));
        assert!(DateFormat::compile("%d/%Q/%Y").is_err());
        assert!(DateFormat::compile("").is_err());
        assert_eq!(DateFormat::compile("ISO8601").unwrap(), DateFormat::Iso);
    }

    #[test]
    fn digits_tell_a_date_cell_from_a_footer() {
        assert!(has_digit("21/11/2569"));
        assert!(has_digit("๒๑"));
        assert!(has_digit("២១"));
        assert!(!has_digit("รวม"));
        assert!(!has_digit(""));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use chrono::{Datelike, Days};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn buddhist_era_dates_read_back_as_common_era(offset in 0u64..(365 * 150), thai_month in any::<bool>()) {
            let date = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Days::new(offset);
            let be = date.year() + BE_OFFSET;
            let (text, pattern) = if thai_month {
                let (names, _) = THAI_MONTHS[date.month0() as usize];
                (format!("{} {} {be}", date.day(), names[1]), "%d %b %Y")
            } else {
                (format!("{:02}/{:02}/{be}", date.day(), date.month()), "%d/%m/%Y")
            };
            let formats = [DateFormat::compile(pattern).unwrap()];
            prop_assert_eq!(parse_when(&text, &formats, BuddhistEra::Auto), Some(When::Date(date)), "{}", text);
        }

        #[test]
        fn iso_local_times_read_back(secs in 0i64..(86_400 * 365 * 80)) {
            let dt = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
                + chrono::Duration::seconds(secs);
            let text = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
            prop_assert_eq!(parse_when(&text, &[DateFormat::Iso], BuddhistEra::Auto), Some(When::Local(dt)));
            let with_offset = format!("{text}+07:00");
            let parsed = parse_when(&with_offset, &[DateFormat::Iso], BuddhistEra::Auto);
            prop_assert_eq!(parsed.map(|w| matches!(w, When::Fixed(f) if f.naive_local() == dt)), Some(true));
        }
    }
}
