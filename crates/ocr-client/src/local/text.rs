//! Reading slip fields out of recognised text lines, with layout rules per
//! bank.
//!
//! Owns: text clean-up after OCR (Thai digits, the decomposed SARA AM,
//! mask characters), label matching that forgives one misread character,
//! amounts with currency words, dates in Thai (Buddhist era, `พ.ย.`) and
//! English forms, parties (name, bank, masked account) and the reference.
//!
//! A [`Layout`] is one bank's words and habits: which labels it prints,
//! how it writes the year, what currency a bare amount is in. Unknown
//! slips use the generic layout, which knows every bank's labels.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

use recon_core::{Currency, Money};

use super::tesseract::OcrLine;

/// A value read from the text, with the confidence of the line(s) it came
/// from.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub value: T,
    pub confidence: f32,
}

fn found<T>(value: T, confidence: f32) -> Found<T> {
    Found { value, confidence }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartyText {
    pub name: Option<Found<String>>,
    pub bank: Option<Found<String>>,
    pub account: Option<Found<String>>,
}

/// Everything the text of one slip gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrFields {
    /// The bank whose app issued the slip.
    pub bank: Option<Found<String>>,
    pub amount: Option<Found<Money>>,
    pub fee: Option<Found<Money>>,
    pub transferred_at: Option<Found<DateTime<FixedOffset>>>,
    pub trans_ref: Option<Found<String>>,
    pub sender: PartyText,
    pub receiver: PartyText,
    pub remark: Option<Found<String>>,
}

/// One bank's slip layout.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub bank: &'static str,
    pub from: &'static [&'static str],
    pub to: &'static [&'static str],
    pub amount: &'static [&'static str],
    pub fee: &'static [&'static str],
    pub reference: &'static [&'static str],
    pub remark: &'static [&'static str],
    /// Currency of an amount printed without one.
    pub currency: Currency,
    /// A two-digit year is Buddhist era (KBank prints `69` for 2569).
    pub short_year_is_buddhist: bool,
    /// How the app masks account numbers: `x` hidden, `#` a shown digit,
    /// anything else a separator. OCR of Thai text turns `x` into `%`,
    /// `๐` or `2`; knowing where the app hides digits undoes that.
    pub account_mask: Option<&'static str>,
}

const THAI_MASK: Option<&str> = Some("xxx-x-x####-x");

const THAI_FROM: &[&str] = &["จาก", "ผู้โอน", "From"];
const THAI_TO: &[&str] = &["ไปยัง", "ไปที่", "ผู้รับ", "To"];
const THAI_AMOUNT: &[&str] = &["จำนวนเงิน", "จำนวน", "ยอดเงิน", "Amount"];
const THAI_FEE: &[&str] = &["ค่าธรรมเนียม", "Fee"];
const THAI_REMARK: &[&str] = &["บันทึกช่วยจำ", "หมายเหตุ", "Remark", "Memo"];
const EN_FROM: &[&str] = &["From", "Sender", "จาก"];
const EN_TO: &[&str] = &["To", "Receiver", "Beneficiary", "ไปยัง"];
const EN_AMOUNT: &[&str] = &["Amount", "Transfer amount", "จำนวนเงิน"];
const EN_FEE: &[&str] = &["Fee", "Transaction fee", "ค่าธรรมเนียม"];
const EN_REMARK: &[&str] = &["Remark", "Memo", "Purpose", "Note"];
const ALL_REFERENCES: &[&str] = &[
    "เลขที่รายการ",
    "รหัสอ้างอิง",
    "เลขที่อ้างอิง",
    "Transaction reference",
    "Transaction ID",
    "Trx. ID",
    "Trx ID",
    "Reference No.",
    "Reference",
    "Ref. No.",
    "Ref",
];

pub const LAYOUTS: &[Layout] = &[
    Layout {
        bank: "KBANK",
        from: THAI_FROM,
        to: THAI_TO,
        amount: THAI_AMOUNT,
        fee: THAI_FEE,
        reference: &["เลขที่รายการ"],
        remark: THAI_REMARK,
        currency: Currency::Thb,
        short_year_is_buddhist: true,
        account_mask: THAI_MASK,
    },
    Layout {
        bank: "SCB",
        from: THAI_FROM,
        to: THAI_TO,
        amount: THAI_AMOUNT,
        fee: THAI_FEE,
        reference: &["รหัสอ้างอิง"],
        remark: THAI_REMARK,
        currency: Currency::Thb,
        short_year_is_buddhist: true,
        account_mask: THAI_MASK,
    },
    Layout {
        bank: "KTB",
        from: THAI_FROM,
        to: THAI_TO,
        amount: THAI_AMOUNT,
        fee: THAI_FEE,
        reference: &["เลขที่อ้างอิง", "รหัสอ้างอิง"],
        remark: THAI_REMARK,
        currency: Currency::Thb,
        short_year_is_buddhist: true,
        account_mask: THAI_MASK,
    },
    Layout {
        bank: "BBL",
        from: EN_FROM,
        to: EN_TO,
        amount: EN_AMOUNT,
        fee: EN_FEE,
        reference: &["Transaction reference", "Reference"],
        remark: EN_REMARK,
        currency: Currency::Thb,
        short_year_is_buddhist: false,
        account_mask: THAI_MASK,
    },
    Layout {
        bank: "ABA",
        from: EN_FROM,
        to: EN_TO,
        amount: EN_AMOUNT,
        fee: EN_FEE,
        reference: &["Trx. ID", "Trx ID", "Transaction ID"],
        remark: EN_REMARK,
        currency: Currency::Usd,
        short_year_is_buddhist: false,
        account_mask: Some("*** *** ###"),
    },
    Layout {
        bank: "ACLEDA",
        from: EN_FROM,
        to: EN_TO,
        amount: EN_AMOUNT,
        fee: EN_FEE,
        reference: &["Reference No.", "Ref. No.", "Reference"],
        remark: EN_REMARK,
        currency: Currency::Usd,
        short_year_is_buddhist: false,
        account_mask: Some("*** *** ###"),
    },
];

/// Any bank: every label any layout knows.
pub const GENERIC: Layout = Layout {
    bank: "",
    from: &["จาก", "ผู้โอน", "From", "Sender"],
    to: &["ไปยัง", "ไปที่", "ผู้รับ", "To", "Receiver", "Beneficiary"],
    amount: &["จำนวนเงิน", "จำนวน", "ยอดเงิน", "Amount", "Transfer amount"],
    fee: &["ค่าธรรมเนียม", "Fee", "Transaction fee"],
    reference: ALL_REFERENCES,
    remark: &["บันทึกช่วยจำ", "หมายเหตุ", "Remark", "Memo", "Note"],
    currency: Currency::Thb,
    short_year_is_buddhist: true,
    account_mask: THAI_MASK,
};

pub fn layout_for(bank: &str) -> Layout {
    LAYOUTS
        .iter()
        .find(|l| l.bank.eq_ignore_ascii_case(bank))
        .copied()
        .unwrap_or(GENERIC)
}

/// Words that name a bank, compared without spaces and in lower case.
const BANK_WORDS: &[(&str, &[&str])] = &[
    ("KBANK", &["กสิกร", "kasikorn", "k+", "kplus"]),
    ("SCB", &["ไทยพาณิชย์", "scb"]),
    ("KTB", &["กรุงไทย", "krungthai"]),
    ("BBL", &["กรุงเทพ", "bangkokbank", "bualuang"]),
    ("BAY", &["กรุงศรี", "krungsri"]),
    ("TTB", &["ทหารไทยธนชาต", "ทีทีบี", "ttb"]),
    ("GSB", &["ออมสิน", "gsb"]),
    ("ACLEDA", &["acleda"]),
    ("ABA", &["ababank", "aba"]),
];

/// The bank a piece of text names, if any. Short Latin words must stand
/// alone so that a name like "BABA" is not ABA.
pub fn bank_in(text: &str) -> Option<&'static str> {
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '+')
        .map(str::to_lowercase)
        .collect();
    for (bank, keys) in BANK_WORDS {
        for key in *keys {
            let short_latin = key.len() <= 4 && key.is_ascii();
            let hit = if short_latin {
                words.iter().any(|w| w == key)
            } else {
                squeezed.contains(key)
            };
            if hit {
                return Some(bank);
            }
        }
    }
    None
}

/// Cleans one OCR line: Thai digits to ASCII, the decomposed SARA AM
/// (NIKHAHIT + SARA AA, as tesseract writes it) to U+0E33, runs of white
/// space to one space.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '๐'..='๙' => {
                let d = c as u32 - '๐' as u32;
                out.push(char::from_digit(d, 10).unwrap_or('0'));
            }
            _ => out.push(c),
        }
    }
    let out = out.replace("\u{0E4D}\u{0E32}", "\u{0E33}");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn label_key(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// If `line` starts with one of `labels` (spaces ignored, case folded, one
/// misread character forgiven for labels of five to seven characters, two
/// from eight on: `จ้านวนเงิน` is `จำนวนเงิน`),
/// the rest of the line after it.
pub fn after_label<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for label in labels {
        let want = label_key(label);
        // Thai labels get two edits from eight characters on: tone marks
        // and vowels are what OCR misses. Latin labels one at most, or
        // "Transaction successful" would be "Transaction ID".
        let tolerance = match want.len() {
            0..=4 => 0,
            5..=7 => 1,
            _ if label.is_ascii() => 1,
            _ => 2,
        };
        // Try prefixes of the line a character shorter or longer than the
        // label, so that one dropped or doubled character still matches.
        for take in want.len().saturating_sub(tolerance)..=want.len() + tolerance {
            let mut consumed = 0;
            let mut end = None;
            let mut key = Vec::new();
            for (i, c) in line.char_indices() {
                if consumed == take {
                    end = Some(i);
                    break;
                }
                if !c.is_whitespace() {
                    key.extend(c.to_lowercase());
                    consumed += 1;
                }
            }
            let end = match end {
                Some(e) => e,
                None if consumed == take => line.len(),
                None => continue,
            };
            // A Latin label must end at a word boundary ("To" is not "Total").
            let rest = &line[end..];
            if want.last().is_some_and(char::is_ascii_alphanumeric)
                && rest.chars().next().is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let d = levenshtein(&key, &want);
            if d <= tolerance && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, rest));
            }
        }
    }
    best.map(|(_, rest)| rest.trim_start_matches([':', ' ', '.', '-']).trim())
}

fn amount_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[^\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{2}|\d+)(?:[^\d]|$)")
            .unwrap_or_else(|e| unreachable!("static regex: {e}"))
    })
}

/// A thousands group after a digit and a comma: three characters, each a
/// digit or a character OCR often puts in place of one.
fn group_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(\d),([\d/OoIlSB]{3})(\D|$)")
            .unwrap_or_else(|e| unreachable!("static regex: {e}"))
    })
}

fn digit_look_alike(c: char) -> char {
    match c {
        '/' => '7',
        'O' | 'o' => '0',
        'I' | 'l' => '1',
        'S' => '5',
        'B' => '8',
        other => other,
    }
}

fn decimal_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\d[.,]\d{2}\b").unwrap_or_else(|e| unreachable!("static regex: {e}"))
    })
}

fn lost_point_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(\d{1,3}(?:,\d{3})+|\d+) (\d{2})(\D*)$")
            .unwrap_or_else(|e| unreachable!("static regex: {e}"))
    })
}

/// The currency a line names, if any.
pub fn currency_in(text: &str) -> Option<Currency> {
    let upper = text.to_uppercase();
    if text.contains("บาท") || upper.contains("THB") || text.contains('฿') {
        Some(Currency::Thb)
    } else if upper.contains("USD") || text.contains('$') {
        Some(Currency::Usd)
    } else if upper.contains("KHR") || text.contains('៛') || upper.contains("RIEL") {
        Some(Currency::Khr)
    } else {
        None
    }
}

/// The last amount on a line (the value sits right of the label).
pub fn amount_in(text: &str, default: Currency) -> Option<Money> {
    let currency = currency_in(text).unwrap_or(default);
    // OCR splits big numbers ("43, 577.00", "1 5,689.70"); the value is
    // alone right of its label, so spaces inside it carry nothing.
    // A decimal point OCR lost shows as a space before the last two
    // digits ("1,791 78 THB").
    let text = lost_point_re().replace(text, "$1.$2$3");
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // Inside a thousands group a look-alike can only be a digit that OCR
    // misread ("21,/01.03": the 7 read as a slash).
    let squeezed = group_re().replace_all(&squeezed, |caps: &regex::Captures| {
        let group: String = caps[2].chars().map(digit_look_alike).collect();
        format!("{},{group}{}", &caps[1], &caps[3])
    });
    let caps = amount_re().captures_iter(&squeezed).last()?;
    let digits = caps.get(1)?.as_str().replace(',', "");
    let d = Decimal::from_str(&digits).ok()?;
    Money::checked(d, currency).ok()
}

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
fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!("+07:00 is a valid offset"))
}

/// An account as printed, if the line is one: digits, mask characters
/// and separators only, at least four positions. Mask characters (and
/// what OCR makes of `*`: `k`, `K`, `X`) are written `x`.
pub fn account_in(text: &str) -> Option<String> {
    let t = text.trim();
    let mut out = String::new();
    let mut positions = 0;
    let mut digits = 0;
    for c in t.chars() {
        match c {
            '0'..='9' => {
                out.push(c);
                positions += 1;
                digits += 1;
            }
            'x' | 'X' | '*' | '•' | '#' | 'k' | 'K' | '×' | '%' => {
                out.push('x');
                positions += 1;
            }
            '-' | ' ' => out.push(c),
            _ => return None,
        }
    }
    (positions >= 4 && digits >= 1).then(|| out.trim().to_string())
}

/// An account read through a layout's mask, segment by segment: the line
/// must have as many segments as the mask (split at the mask's separator,
/// `-` or a space), the shown digits (`#`) must be digits at the end of
/// their segment. Hidden positions: `x` are always hidden, so whatever OCR
/// made of them (`%`, `๐`, `2`, a doubled `x`) becomes `x`; `*` are hidden
/// only when OCR shows no digit there (ABA masks a payer's account but
/// prints ours in full).
pub fn masked_account_in(text: &str, mask: &str) -> Option<String> {
    let sep = mask.chars().find(|c| !matches!(c, 'x' | '#' | '*'))?;
    let normalised: String = text
        .trim()
        .chars()
        .map(|c| if matches!(c, '–' | '—') { '-' } else { c })
        .filter(|c| sep == ' ' || !c.is_whitespace())
        .collect();
    // Stars come back as any letter (`BKK`); an `x` mask only as x-like.
    let star = mask.contains('*');
    if !star
        && normalised
            .chars()
            .any(|c| c.is_ascii_alphabetic() && !matches!(c, 'x' | 'X' | 'k' | 'K'))
    {
        return None;
    }
    let got: Vec<&str> = if sep == ' ' {
        normalised.split_whitespace().collect()
    } else {
        normalised.split(sep).collect()
    };
    let want: Vec<&str> = mask.split(sep).collect();
    if got.len() != want.len() || want.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    for (g, w) in got.iter().zip(&want) {
        let shown = w.chars().filter(|c| *c == '#').count();
        let gc: Vec<char> = g.chars().collect();
        if g.is_empty() || gc.len() < shown {
            return None;
        }
        let (hidden_part, digits) = gc.split_at(gc.len() - shown);
        if !digits.iter().all(char::is_ascii_digit) {
            return None;
        }
        // What tesseract makes of `*`: letters with a star-like shape.
        let star_like = |c: &char| {
            matches!(
                c,
                '*' | 'x' | 'X' | 'k' | 'K' | 'B' | 'R' | '%' | '#' | '•' | '×' | '+'
            )
        };
        if w.contains('*')
            && (!hidden_part.iter().all(star_like) || hidden_part.len() > w.len() + 2)
        {
            return None;
        }
        let hidden = w.len() - shown;
        out.push(format!(
            "{}{}",
            "x".repeat(hidden),
            digits.iter().collect::<String>()
        ));
    }
    Some(out.join(&sep.to_string()))
}

/// A name as printed. Slips print Latin names in capitals; OCR sometimes
/// drops to lower case in the middle (`Ms.`), so a mostly-capital name is
/// written all in capitals.
fn clean_name(text: &str) -> Option<String> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '|' | '_'));
    if t.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    let t = company_form(strip_residue(t));
    let t = t.as_str();
    let upper = t.chars().filter(char::is_ascii_uppercase).count();
    let lower = t.chars().filter(char::is_ascii_lowercase).count();
    if upper >= 3 * lower.max(1) || (lower == 0 && upper > 0) {
        Some(t.to_uppercase())
    } else {
        Some(t.to_string())
    }
}

/// Company forms OCR tends to garble: `CO., LTD.` read as `60., LTD.`
/// or `CCO., LTD.`; the Thai `บริษัท … จำกัด` whose last word came out
/// Latin (`dina`). The form is fixed by the first word, so it is restored.
fn company_form(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    for i in 1..words.len() {
        let next_is_ltd = words[i].trim_end_matches('.').eq_ignore_ascii_case("LTD");
        let before = words[i - 1];
        if next_is_ltd && before.ends_with(".,") && before.len() <= 5 && before != "CO.," {
            out[i - 1] = "CO.,".to_string();
        }
    }
    if words.len() >= 2 && words[0] == "บริษัท" {
        let last = words[words.len() - 1];
        if !last.is_empty() && last.chars().all(|c| c.is_ascii_alphanumeric()) {
            let n = out.len();
            out[n - 1] = "จำกัด".to_string();
        }
    }
    out.join(" ")
}

/// Titles a name starts with; OCR sometimes puts a stray character from
/// the label column in front of them (`หนาย`).
const TITLES: &[&str] = &[
    "นางสาว",
    "นาย",
    "นาง",
    "ด.ช.",
    "ด.ญ.",
    "บริษัท",
    "MR.",
    "MRS.",
    "MS.",
    "MISS",
];

fn strip_residue(name: &str) -> &str {
    if TITLES.iter().any(|t| name.starts_with(t)) {
        return name;
    }
    // One or two stray characters before a title.
    for (skip, (at, _)) in name.char_indices().enumerate().skip(1).take(2) {
        let rest = name[at..].trim_start();
        if TITLES.iter().any(|t| rest.starts_with(t)) && skip <= 2 {
            return rest;
        }
    }
    // A Latin name led by a token without a single Latin letter (`0៣`).
    if let Some((first, rest)) = name.split_once(' ') {
        let latin_rest = rest.chars().filter(char::is_ascii_alphabetic).count() >= 3;
        if latin_rest && !first.chars().any(|c| c.is_ascii_alphabetic()) {
            return rest.trim_start();
        }
    }
    name
}

/// The part of a raw OCR line right of its first wide gap (three or more
/// spaces): tesseract keeps the gap between a label column and its value.
fn value_column(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let at = trimmed.find("   ")?;
    let value = clean(&trimmed[at..]);
    (!value.is_empty()).then_some(value)
}

/// A reference is one token of at least six letters and digits, with at
/// least one digit (a word is not a reference).
/// The rest of a "Reference No." label whose "No." was misread is taken
/// off; references are printed in capitals, so a stray lower-case letter
/// is lifted.
fn reference_in(text: &str) -> Option<String> {
    let mut tokens: Vec<&str> = text.split_whitespace().collect();
    while tokens.len() > 1
        && matches!(
            tokens[0].trim_end_matches(['.', ',', ':']),
            "No" | "NO" | "no" | "#" | ""
        )
    {
        tokens.remove(0);
    }
    let r: String = tokens
        .concat()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let upper = r.chars().filter(char::is_ascii_uppercase).count();
    let lower = r.chars().filter(char::is_ascii_lowercase).count();
    let r = if upper > 3 * lower {
        r.to_uppercase()
    } else {
        r
    };
    (r.len() >= 6 && r.chars().any(|c| c.is_ascii_digit())).then_some(r)
}

/// Reads the fields from a slip's lines. `bank_hint` is the sending bank
/// when the QR already said (its layout is used then).
pub fn parse(lines: &[OcrLine], bank_hint: Option<&str>) -> OcrFields {
    let columns: Vec<Option<String>> = lines
        .iter()
        .filter(|l| !clean(&l.text).is_empty())
        .map(|l| value_column(&l.text))
        .collect();
    let lines: Vec<(String, f32, u32)> = lines
        .iter()
        .map(|l| (clean(&l.text), l.confidence, l.height))
        .filter(|l| !l.0.is_empty())
        .collect();
    let mut out = OcrFields::default();

    // The issuing bank: the QR's word, else the title (first lines), else
    // any line that names a bank.
    let title_bank = lines
        .iter()
        .take(3)
        .find_map(|l| bank_in(&l.0).map(|b| (b, l.1)));
    if let Some(b) = bank_hint {
        out.bank = Some(found(b.to_string(), 1.0));
    } else if let Some((b, conf)) = title_bank {
        out.bank = Some(found(b.to_string(), conf));
    }
    let layout = out.bank.as_ref().map_or(GENERIC, |b| layout_for(&b.value));
    // Labels of the bank's layout first, then everyone's: a layout rule
    // that misses should not lose a field the generic rule finds.
    let labels = |own: &'static [&'static str],
                  all: &'static [&'static str]|
     -> Vec<&'static str> { own.iter().chain(all.iter()).copied().collect() };
    let from = labels(layout.from, GENERIC.from);
    let to = labels(layout.to, GENERIC.to);
    let amount = labels(layout.amount, GENERIC.amount);
    let fee = labels(layout.fee, GENERIC.fee);
    let reference = labels(layout.reference, GENERIC.reference);
    let remark = labels(layout.remark, GENERIC.remark);
    let currency_default = lines
        .iter()
        .find_map(|l| currency_in(&l.0))
        .unwrap_or(layout.currency);

    let mut party_at: [Option<usize>; 2] = [None, None];
    let mut date_at = None;
    for (i, (text, conf, _)) in lines.iter().enumerate() {
        let conf = *conf;
        if out.amount.is_none()
            && let Some(rest) = after_label(text, &amount)
            && let Some(m) = amount_in(rest, currency_default)
        {
            out.amount = Some(found(m, conf));
            continue;
        }
        if out.fee.is_none()
            && let Some(rest) = after_label(text, &fee)
            && let Some(m) = amount_in(rest, currency_default)
        {
            out.fee = Some(found(m, conf));
            continue;
        }
        if out.trans_ref.is_none()
            && let Some(rest) = after_label(text, &reference)
            && let Some(r) = reference_in(rest)
        {
            out.trans_ref = Some(found(r, conf));
            continue;
        }
        if out.remark.is_none()
            && let Some(rest) = after_label(text, &remark)
            && !rest.is_empty()
        {
            out.remark = Some(found(rest.to_string(), conf));
            continue;
        }
        if party_at[0].is_none() && after_label(text, &from).is_some() {
            party_at[0] = Some(i);
            continue;
        }
        if party_at[1].is_none() && after_label(text, &to).is_some() {
            party_at[1] = Some(i);
            continue;
        }
        if out.transferred_at.is_none()
            && let Some(date) = date_in(text, &layout)
        {
            let time = time_in(text).or_else(|| lines.get(i + 1).and_then(|next| time_in(&next.0)));
            let local = date.and_time(time.unwrap_or_default());
            if let Some(at) = local_offset().from_local_datetime(&local).single() {
                out.transferred_at = Some(found(at, conf));
                date_at = Some(i);
                continue;
            }
        }
    }

    // Fallback for the amount: the line whose figures are tallest among
    // those with a currency word or a decimal amount (apps print the
    // amount large; the currency word may be misread).
    if out.amount.is_none() {
        out.amount = lines
            .iter()
            .filter(|l| currency_in(&l.0).is_some() || decimal_re().is_match(&l.0))
            .filter_map(|l| amount_in(&l.0, currency_default).map(|m| (l.2, found(m, l.1 * 0.8))))
            .filter(|(_, f)| f.value.is_positive())
            .max_by_key(|(h, _)| *h)
            .map(|(_, f)| f);
    }

    // A misread "from" label: the sender block still sits between the date
    // and the "to" label.
    let mut sender_unlabelled = false;
    if party_at[0].is_none()
        && let (Some(d), Some(t)) = (date_at, party_at[1])
        && d + 1 < t
    {
        party_at[0] = Some(d + 1);
        sender_unlabelled = true;
    }

    // Parties: the label line holds the name (or the next line does), then
    // a bank line and an account line follow, up to the next block.
    for (side, start) in party_at.iter().enumerate() {
        let Some(start) = *start else { continue };
        let end = match side {
            0 => party_at[1].unwrap_or(lines.len()).min(start + 5),
            _ => (start + 4).min(lines.len()),
        };
        let labels = if side == 0 { &from } else { &to };
        let mut party = PartyText::default();
        let (first, conf, _) = &lines[start];
        let rest = match after_label(first, labels) {
            Some(rest) => rest.to_string(),
            None if side == 0 && sender_unlabelled => {
                columns[start].clone().unwrap_or_else(|| first.clone())
            }
            None => String::new(),
        };
        let mut next = start + 1;
        if let Some(name) = clean_name(&rest) {
            party.name = Some(found(name, *conf));
        } else if let Some((t, c, _)) = lines.get(next)
            && account_in(t).is_none()
        {
            party.name = clean_name(t).map(|n| found(n, *c));
            next += 1;
        }
        for (t, c, _) in lines.iter().take(end).skip(next) {
            if party.account.is_none() {
                let through_mask = layout.account_mask.and_then(|m| masked_account_in(t, m));
                if let Some(a) = through_mask.or_else(|| account_in(t)) {
                    party.account = Some(found(a, *c));
                    continue;
                }
            }
            if party.bank.is_none()
                && let Some(b) = bank_in(t)
            {
                party.bank = Some(found(b.to_string(), *c));
            }
        }
        if side == 0 {
            out.sender = party;
        } else {
            out.receiver = party;
        }
    }
    // The sender's bank line is the issuing bank when the title was not
    // readable (white on a coloured bar).
    if out.bank.is_none() {
        out.bank = out.sender.bank.clone();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<OcrLine> {
        text.lines()
            .enumerate()
            .map(|(i, t)| OcrLine {
                text: t.to_string(),
                confidence: 0.9,
                height: if t.contains("1,500") { 40 } else { 25 },
                top: i as u32 * 40,
            })
            .collect()
    }

    #[test]
    fn clean_fixes_thai_digits_and_sara_am() {
        assert_eq!(clean("๒๑  พ.ย. ๒๕๖๙"), "21 พ.ย. 2569");
        assert_eq!(clean("จ\u{0E4D}\u{0E32}นวนเงิน"), "จำนวนเงิน");
    }

    #[test]
    fn labels_forgive_one_misread_character() {
        assert_eq!(
            after_label("จำนวนเงิน 1,500.00 บาท", &["จำนวนเงิน"]),
            Some("1,500.00 บาท")
        );
        assert_eq!(
            after_label("จำนวนเงน 1,500.00 บาท", &["จำนวนเงิน"]),
            Some("1,500.00 บาท")
        );
        assert_eq!(
            after_label("เลขที่ ราย การ: ABC123", &["เลขที่รายการ"]),
            Some("ABC123")
        );
        assert_eq!(after_label("Total 5", &["To"]), None);
        assert_eq!(after_label("To RANDEE", &["To"]), Some("RANDEE"));
        assert_eq!(after_label("Fee", &["Amount"]), None);
        assert_eq!(
            after_label("Transaction successful", &["Transaction ID"]),
            None
        );
        assert_eq!(
            after_label("จ้านวนเงิน 7,138.14", &["จำนวนเงิน"]),
            Some("7,138.14")
        );
    }

    #[test]
    fn amounts_and_currencies() {
        let m = amount_in("1,500.25 บาท", Currency::Usd).unwrap();
        assert_eq!(m.plain(), "1500.25");
        assert_eq!(m.currency, Currency::Thb);
        assert_eq!(
            amount_in("$ 12.50", Currency::Thb).unwrap().currency,
            Currency::Usd
        );
        assert_eq!(
            amount_in("50,000 KHR", Currency::Usd).unwrap().plain(),
            "50000.00"
        );
        assert_eq!(amount_in("no number", Currency::Thb), None);
        assert_eq!(
            amount_in("43, 577.00 บาท", Currency::Thb).unwrap().plain(),
            "43577.00"
        );
        assert_eq!(
            amount_in("1 5,689.70 บาท", Currency::Thb).unwrap().plain(),
            "15689.70"
        );
        // Seen on a rendered SCB slip: the 7 of 21,701.03 read as a slash.
        assert_eq!(
            amount_in("21 ,/01 .03 บาท", Currency::Thb).unwrap().plain(),
            "21701.03"
        );
        assert_eq!(
            amount_in("1,O5O.00 บาท", Currency::Thb).unwrap().plain(),
            "1050.00"
        );
        // A group of four is no thousands group: nothing is rewritten.
        assert_eq!(
            amount_in("1,/012 บาท", Currency::Thb).unwrap().plain(),
            "12.00"
        );
    }

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

    #[test]
    fn accounts_normalise_mask_characters() {
        assert_eq!(
            account_in("XXX-X-X1234-x").as_deref(),
            Some("xxx-x-x1234-x")
        );
        assert_eq!(account_in("kkk KKK 123").as_deref(), Some("xxx xxx 123"));
        assert_eq!(account_in("001 234 567").as_deref(), Some("001 234 567"));
        assert_eq!(account_in("ธ.กสิกรไทย"), None);
        assert_eq!(account_in("xxxx"), None);
    }

    #[test]
    fn a_layout_mask_undoes_misread_mask_characters() {
        let m = "xxx-x-x####-x";
        assert_eq!(
            masked_account_in("200-%-%6789-%", m).as_deref(),
            Some("xxx-x-x6789-x")
        );
        assert_eq!(
            masked_account_in("XXX-X-X1234-x", m).as_deref(),
            Some("xxx-x-x1234-x")
        );
        assert_eq!(
            masked_account_in("2000<-%-%0989-%", m).as_deref(),
            Some("xxx-x-x0989-x")
        );
        assert_eq!(
            masked_account_in("XXX-X-X3299-Xx", m).as_deref(),
            Some("xxx-x-x3299-x")
        );
        assert_eq!(masked_account_in("xxx-x-x12a4-x", m), None);
        let aba = "*** *** ###";
        assert_eq!(
            masked_account_in("kkk KKKK 862", aba).as_deref(),
            Some("xxx xxx 862")
        );
        assert_eq!(masked_account_in("001 234 567", aba), None);
        assert_eq!(
            masked_account_in("BKK KKK 516", aba).as_deref(),
            Some("xxx xxx 516")
        );
        assert_eq!(masked_account_in("SOK DARA 123", aba), None);
        assert_eq!(masked_account_in("001 234 567", m), None);
    }

    #[test]
    fn names_lose_ocr_residue_before_the_title() {
        assert_eq!(
            clean_name("หนาย ธนพล สุขสวัสดิ์").as_deref(),
            Some("นาย ธนพล สุขสวัสดิ์")
        );
        assert_eq!(clean_name("0៣ VANNAK PICH").as_deref(), Some("VANNAK PICH"));
        assert_eq!(
            clean_name("Ms. ANNA WONG").as_deref(),
            Some("MS. ANNA WONG")
        );
        assert_eq!(clean_name("นางสาว มานี").as_deref(), Some("นางสาว มานี"));
        assert_eq!(clean_name("สมชาย ใจดี").as_deref(), Some("สมชาย ใจดี"));
        assert_eq!(clean_name("x"), None);
        assert_eq!(
            clean_name("RANDEE TRADING 60., LTD.").as_deref(),
            Some("RANDEE TRADING CO., LTD.")
        );
        assert_eq!(
            clean_name("RANDEE CCO., LTD.").as_deref(),
            Some("RANDEE CO., LTD.")
        );
        assert_eq!(
            clean_name("บริษัท ร้านดี dina").as_deref(),
            Some("บริษัท ร้านดี จำกัด")
        );
    }

    #[test]
    fn references_drop_a_misread_label_tail() {
        assert_eq!(
            reference_in("No PHL2CJEQG7S6B20").as_deref(),
            Some("PHL2CJEQG7S6B20")
        );
        assert_eq!(
            reference_in("PLU4PQPB16Nj").as_deref(),
            Some("PLU4PQPB16NJ")
        );
        assert_eq!(
            reference_in("D74NBWJ71 2ZFOUUMK8").as_deref(),
            Some("D74NBWJ712ZFOUUMK8")
        );
        assert_eq!(reference_in("successful"), None);
    }

    #[test]
    fn garbage_lines_never_panic() {
        use recon_testkit::render::SampleRng;
        let palette: Vec<char> =
            "0123456789 ,.:-/xX*%กขคงจาบทนมยรลวสหอะัาิีุูเแโใไ่้๊๋์ำ๐๑๙ABCDEFGHIJKLMNOPQRSTUVWXYZabc฿$៛ញ"
                .chars()
                .collect();
        let mut rng = SampleRng::new(7);
        for _ in 0..300 {
            let n_lines = rng.below(12) as usize;
            let lines: Vec<OcrLine> = (0..n_lines)
                .map(|i| {
                    let len = rng.below(40) as usize;
                    let text: String = (0..len).map(|_| *rng.pick(&palette)).collect();
                    OcrLine {
                        text,
                        confidence: 0.5,
                        height: rng.below(60) as u32,
                        top: i as u32,
                    }
                })
                .collect();
            let hint = *rng.pick(&[None, Some("KBANK"), Some("ABA")]);
            let f = parse(&lines, hint);
            if let Some(a) = f.amount {
                assert!(a.value.amount >= Decimal::ZERO);
            }
        }
    }

    #[test]
    fn banks_are_named_by_their_words() {
        assert_eq!(bank_in("K+ กสิกรไทย"), Some("KBANK"));
        assert_eq!(bank_in("ธ.ไทยพาณิชย์"), Some("SCB"));
        assert_eq!(bank_in("ABA Bank"), Some("ABA"));
        assert_eq!(bank_in("MR BABA"), None);
        assert_eq!(bank_in("ACLEDA Bank"), Some("ACLEDA"));
    }

    #[test]
    fn a_kbank_slip_reads_field_by_field() {
        let text = "K+ กสิกรไทย
โอนเงินส\u{0E4D}\u{0E32}เร็จ
21 พ.ย. 69 14:05 น.
จาก นาย สมชาย ใจดี
ธ.กสิกรไทย
XXX-X-X1234-x
ไปยัง บริษัท ร้านดี จ\u{0E4D}\u{0E32}กัด
ธ.ไทยพาณิชย์
XXX-X-X6789-X
เลขที่รายการ 015325140500AQR01234
จ\u{0E4D}\u{0E32}นวนเงิน 1,500.25 บาท
ค่าธรรมเนียม 0.00 บาท
สแกนตรวจสอบสลิป";
        let f = parse(&lines(text), None);
        assert_eq!(f.bank.unwrap().value, "KBANK");
        assert_eq!(f.amount.unwrap().value.to_string(), "1500.25 THB");
        assert_eq!(f.fee.unwrap().value.plain(), "0.00");
        assert_eq!(
            f.transferred_at.unwrap().value.to_rfc3339(),
            "2026-11-21T14:05:00+07:00"
        );
        assert_eq!(f.trans_ref.unwrap().value, "015325140500AQR01234");
        assert_eq!(f.sender.name.unwrap().value, "นาย สมชาย ใจดี");
        assert_eq!(f.sender.bank.unwrap().value, "KBANK");
        assert_eq!(f.sender.account.unwrap().value, "xxx-x-x1234-x");
        assert_eq!(f.receiver.name.unwrap().value, "บริษัท ร้านดี จำกัด");
        assert_eq!(f.receiver.bank.unwrap().value, "SCB");
        assert_eq!(f.receiver.account.unwrap().value, "xxx-x-x6789-x");
    }

    #[test]
    fn an_aba_slip_reads_in_dollars() {
        let text = "ABA Bank
Transfer successful
Nov 21, 2026 14:05
From SOK DARA
ABA Bank
kkk KKK 123
To RANDEE TRADING CO., LTD.
ABA Bank
001 234 567
Trx. ID 015325140504AQR01234
Amount 1,500.25 USD
Fee 0.00 USD";
        let f = parse(&lines(text), None);
        assert_eq!(f.bank.unwrap().value, "ABA");
        assert_eq!(f.amount.unwrap().value.to_string(), "1500.25 USD");
        assert_eq!(f.sender.name.unwrap().value, "SOK DARA");
        assert_eq!(f.receiver.name.unwrap().value, "RANDEE TRADING CO., LTD.");
        assert_eq!(f.receiver.account.unwrap().value, "001 234 567");
        assert_eq!(f.trans_ref.unwrap().value, "015325140504AQR01234");
    }

    #[test]
    fn unlabelled_amount_falls_back_to_the_largest_money_line() {
        let f = parse(
            &lines("โอนเงินสำเร็จ\n1,500.00 บาท\nค่าธรรมเนียม 0.00 บาท"),
            None,
        );
        assert_eq!(f.amount.unwrap().value.plain(), "1500.00");
        assert!(parse(&lines("hello\nworld"), None).amount.is_none());
    }
}
