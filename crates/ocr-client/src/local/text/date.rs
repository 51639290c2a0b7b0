//! Dates and times as banks print them: Thai month names and Buddhist-era
//! years, English and numeric forms, and the slips' local offset.

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime};
use regex::Regex;
use std::sync::OnceLock;

use super::layout::Layout;

const THAI_MONTH_KEYS: [&[&str]; 12] = [
    &["มค", "มกราคม"],
    &["กพ", "กุมภาพันธ์"],
    &["มีค", "มีนาคม"],
    &["เมย", "เมษายน"],
    &["พค", "พฤษภาคม"],
    &["มิย", "มิถุนายน"],
    &["กค", "กรกฎาคม"],
    &["สค", "สิงหาคม"],
    &["กย", "กันยายน"],
    &["ตค", "ตุลาคม"],
    &["พย", "พฤศจิกายน"],
    &["ธค", "ธันวาคม"],
];
const ENGLISH_MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn thai_month(text: &str) -> Option<u32> {
    let key: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    THAI_MONTH_KEYS
        .iter()
        .position(|keys| keys.contains(&key.as_str()))
        .map(|i| i as u32 + 1)
}

fn english_month(text: &str) -> Option<u32> {
    let t = text.to_lowercase();
    ENGLISH_MONTHS
        .iter()
        .position(|m| t.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// A year as printed, to the Gregorian year: 4 digits above 2400 are
/// Buddhist era (2569 → 2026); 2 digits are Buddhist era when the layout
/// or the Thai month name says so (69 → 2026), else 20yy.
fn gregorian_year(y: i32, digits: usize, buddhist_short: bool) -> i32 {
    match digits {
        2 if buddhist_short => 2500 + y - 543,
        2 => 2000 + y,
        _ if y > 2400 => y - 543,
        _ => y,
    }
}

fn date_res() -> &'static [Regex; 4] {
    static RES: OnceLock<[Regex; 4]> = OnceLock::new();
    RES.get_or_init(|| {
        let r = |s: &str| Regex::new(s).unwrap_or_else(|e| unreachable!("static regex: {e}"));
        [
            // 21 พ.ย. 69 / 21 พฤศจิกายน 2569
            r(r"(\d{1,2})\s*([\x{0E01}-\x{0E4E}][\x{0E01}-\x{0E4E}.\s]{0,12}?)\s*(\d{4}|\d{2})\b"),
            // 21 Nov 2026
            r(r"(?i)\b(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})\b"),
            // Nov 21, 2026
            r(r"(?i)\b([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b"),
            // 21/11/2026, 21/11/2569, 21-11-26
            r(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b"),
        ]
    })
}

fn time_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)(?:[:.]([0-5]\d))?\b")
            .unwrap_or_else(|e| unreachable!("static regex: {e}"))
    })
}

/// A calendar date in a line, any of the forms banks print. Years outside
/// 1990–2200 are misreads, not dates.
pub fn date_in(text: &str, layout: &Layout) -> Option<NaiveDate> {
    date_in_any_year(text, layout).filter(|d| (1990..=2200).contains(&d.year()))
}

fn date_in_any_year(text: &str, layout: &Layout) -> Option<NaiveDate> {
    let [thai, day_mon, mon_day, numeric] = date_res();
    let num = |s: &str| s.parse::<i32>().ok();
    if let Some(c) = thai.captures(text)
        && let (Some(d), Some(m), Some(y)) = (num(&c[1]), thai_month(&c[2]), num(&c[3]))
    {
        let year = gregorian_year(y, c[3].len(), true);
        if let Some(date) = NaiveDate::from_ymd_opt(year, m, d as u32) {
            return Some(date);
        }
    }
    if let Some(c) = day_mon.captures(text)
        && let (Some(d), Some(m), Some(y)) = (num(&c[1]), english_month(&c[2]), num(&c[3]))
        && let Some(date) = NaiveDate::from_ymd_opt(gregorian_year(y, 4, false), m, d as u32)
    {
        return Some(date);
    }
    if let Some(c) = mon_day.captures(text)
        && let (Some(m), Some(d), Some(y)) = (english_month(&c[1]), num(&c[2]), num(&c[3]))
        && let Some(date) = NaiveDate::from_ymd_opt(gregorian_year(y, 4, false), m, d as u32)
    {
        return Some(date);
    }
    if let Some(c) = numeric.captures(text)
        && let (Some(d), Some(m), Some(y)) = (num(&c[1]), num(&c[2]), num(&c[3]))
    {
        let year = gregorian_year(y, c[3].len(), layout.short_year_is_buddhist);
        return NaiveDate::from_ymd_opt(year, m as u32, d as u32);
    }
    None
}

pub fn time_in(text: &str) -> Option<NaiveTime> {
    let c = time_re().captures(text)?;
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    NaiveTime::from_hms_opt(n(1)?, n(2)?, n(3).unwrap_or(0))
}

/// Thailand and Cambodia both keep UTC+7 all year, so a slip's local time
/// is +07:00 whichever of the two countries it comes from.
pub(super) fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!("+07:00 is a valid offset"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::text::{GENERIC, clean, layout_for};

    #[test]
    fn dates_in_every_form() {
        let g = &GENERIC;
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(date_in("21 พ.ย. 69 14:05 น.", g), d(2026, 11, 21));
        // Thai digits are turned to ASCII by `clean` first.
        assert_eq!(date_in("๒๑ พ.ย. ๒๕๖๙", g), None);
        assert_eq!(date_in(&clean("๒๑ พ.ย. ๒๕๖๙"), g), d(2026, 11, 21));
        assert_eq!(date_in("3 ม.ค. 2570 - 09:00", g), d(2027, 1, 3));
        assert_eq!(date_in("1 มีนาคม 2569", g), d(2026, 3, 1));
        assert_eq!(date_in("21 Nov 2026, 14:05", g), d(2026, 11, 21));
        assert_eq!(date_in("Nov 21, 2026 14:05", g), d(2026, 11, 21));
        assert_eq!(date_in("21/11/2569 14:05", g), d(2026, 11, 21));
        assert_eq!(
            date_in("21/11/2026 14:05", &layout_for("ACLEDA")),
            d(2026, 11, 21)
        );
        assert_eq!(date_in("31 ก.พ. 69", g), None);
        assert_eq!(date_in("21/11/0000", g), None);
        assert_eq!(
            time_in("21 Nov 2026, 14:05"),
            NaiveTime::from_hms_opt(14, 5, 0)
        );
        assert_eq!(time_in("09:07:33"), NaiveTime::from_hms_opt(9, 7, 33));
    }
}
