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
//!
//! The parts: `layout` (the banks' layouts and words), `labels` (line
//! clean-up and label matching), `amount`, `date` (dates and times)
//! and `party` (accounts and names); this module holds the fields read,
//! the reference and [`parse`], which puts them together.

use chrono::{DateTime, FixedOffset, TimeZone};

use recon_core::Money;

use super::tesseract::OcrLine;

mod amount;
mod date;
mod labels;
mod layout;
mod party;

pub use amount::{amount_in, currency_in};
pub use date::{date_in, time_in};
pub use labels::{after_label, clean};
pub use layout::{GENERIC, LAYOUTS, Layout, bank_in, layout_for};
pub use party::{account_in, masked_account_in};

use amount::decimal_re;
use date::local_offset;
use party::clean_name;

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
    use rust_decimal::Decimal;

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
