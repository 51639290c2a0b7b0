//! Amounts as printed: the currency a line names and the last amount on
//! it, undoing what OCR does to big numbers (split groups, look-alike
//! digits, a lost decimal point).

use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

use recon_core::{Currency, Money};

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

pub(super) fn decimal_re() -> &'static Regex {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
