//! Amounts as banks print them: thousands separators (`1,500.00`),
//! parentheses for negatives (`(1,200.00)`), leading or trailing minus signs,
//! currency symbols, Thai digits. The result is an exact `Decimal`, never a
//! float; numbers stored as floats by a spreadsheet are read through their
//! shortest decimal form, which is what the person typed.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

/// How a layout writes numbers. Part of a profile (`[numbers]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NumberStyle {
    /// The thousands separator, or empty for none.
    pub thousands: String,
    /// The decimal separator.
    pub decimal: String,
    /// `(1,200.00)` means -1200.00.
    pub parentheses_negative: bool,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            thousands: ",".into(),
            decimal: ".".into(),
            parentheses_negative: true,
        }
    }
}

impl NumberStyle {
    pub(crate) fn validate(&self) -> Result<(), String> {
        let one = |s: &str| s.chars().count() == 1;
        if !one(&self.decimal) {
            return Err(format!(
                "numbers.decimal must be one character, not {:?}",
                self.decimal
            ));
        }
        if !self.thousands.is_empty() && !one(&self.thousands) {
            return Err(format!(
                "numbers.thousands must be one character or empty, not {:?}",
                self.thousands
            ));
        }
        if self.thousands == self.decimal {
            return Err("numbers.thousands and numbers.decimal must differ".into());
        }
        if self.decimal.chars().any(|c| c.is_ascii_digit())
            || self.thousands.chars().any(|c| c.is_ascii_digit())
        {
            return Err("number separators cannot be digits".into());
        }
        Ok(())
    }

    fn thousands_char(&self) -> Option<char> {
        self.thousands.chars().next()
    }

    fn decimal_char(&self) -> char {
        self.decimal.chars().next().unwrap_or('.')
    }
}

/// Currency marks a bank may print inside an amount cell.
const CURRENCY_MARKS: [&str; 9] = ["THB", "USD", "KHR", "US$", "บาท", "฿", "$", "៛", "RIEL"];

/// Parses an amount cell's text. The error is the reason for the rejection.
pub(crate) fn parse_decimal(text: &str, style: &NumberStyle) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("amount is empty".into());
    }
    // Hot path: a plain `-1234.50` needs no clean-up.
    let decimal = style.decimal_char();
    if decimal == '.'
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return plain(t);
    }
    let mut s: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| match c {
            '−' | '–' => '-',
            _ => crate::dates::local_digit(c).unwrap_or(c),
        })
        .collect();
    for mark in CURRENCY_MARKS {
        let n = mark.len();
        if s.len() > n && s.get(..n).is_some_and(|h| h.eq_ignore_ascii_case(mark)) {
            s.drain(..n);
            break;
        }
        if s.len() > n
            && s.get(s.len() - n..)
                .is_some_and(|t| t.eq_ignore_ascii_case(mark))
        {
            s.truncate(s.len() - n);
            break;
        }
    }
    let mut body = s.as_str();
    let parenthesised = body.starts_with('(') && body.ends_with(')') && body.len() >= 2;
    if parenthesised {
        if !style.parentheses_negative {
            return Err(
                "parentheses around an amount, but this layout does not use them for negatives"
                    .into(),
            );
        }
        body = &body[1..body.len() - 1];
    }
    let mut signs = 0;
    let mut negative = parenthesised;
    if let Some(rest) = body.strip_prefix('-') {
        negative = true;
        signs += 1;
        body = rest;
    } else if let Some(rest) = body.strip_prefix('+') {
        signs += 1;
        body = rest;
    }
    if let Some(rest) = body.strip_suffix('-') {
        negative = true;
        signs += 1;
        body = rest;
    }
    if parenthesised && signs > 0 {
        return Err("both parentheses and a sign".into());
    }
    if signs > 1 {
        return Err("more than one sign".into());
    }
    let (int_part, frac_part) = match body.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let int_digits = match style.thousands_char() {
        Some(sep) if int_part.contains(sep) => grouped(int_part, sep)?,
        _ => int_part.to_string(),
    };
    let frac = frac_part.unwrap_or("");
    let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if int_digits.is_empty() && frac.is_empty() || !all_digits(&int_digits) || !all_digits(frac) {
        return Err("not an amount".into());
    }
    let mut normal = String::with_capacity(int_digits.len() + frac.len() + 2);
    if negative {
        normal.push('-');
    }
    normal.push_str(if int_digits.is_empty() {
        "0"
    } else {
        &int_digits
    });
    if !frac.is_empty() {
        normal.push('.');
        normal.push_str(frac);
    }
    plain(&normal)
}

fn plain(t: &str) -> Result<Decimal, String> {
    Decimal::from_str(t).map_err(|_| "not an amount".to_string())
}

/// Removes thousands separators, refusing groups that are not three digits
/// (a sign of a mis-mapped column or a decimal comma).
fn grouped(int_part: &str, sep: char) -> Result<String, String> {
    let groups: Vec<&str> = int_part.split(sep).collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
        return Err("thousands separators in the wrong places".into());
    }
    Ok(groups.concat())
}

/// A number a spreadsheet stored as a float, read through its shortest
/// round-trip decimal form (`1500.5` stays `1500.5`, never `1500.4999…`).
pub(crate) fn decimal_from_f64(value: f64) -> Result<Decimal, String> {
    if !value.is_finite() {
        return Err("not a finite number".into());
    }
    let text = format!("{value}");
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| format!("number {text} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn p(s: &str) -> Result<Decimal, String> {
        parse_decimal(s, &NumberStyle::default())
    }

    #[test]
    fn plain_amounts() {
        assert_eq!(p("1500.00").unwrap(), dec("1500.00"));
        assert_eq!(p("-12.5").unwrap(), dec("-12.5"));
        assert_eq!(p(" 7 ").unwrap(), dec("7"));
        assert_eq!(p("+7.10").unwrap(), dec("7.10"));
        assert_eq!(p(".50").unwrap(), dec("0.50"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(p("1,500.00").unwrap(), dec("1500.00"));
        assert_eq!(p("12,345,678.90").unwrap(), dec("12345678.90"));
        assert_eq!(p("-1,200").unwrap(), dec("-1200"));
        assert_eq!(
            p("1,50.00").unwrap_err(),
            "thousands separators in the wrong places"
        );
        assert_eq!(
            p("1234,500.00").unwrap_err(),
            "thousands separators in the wrong places"
        );
        assert_eq!(
            p(",500").unwrap_err(),
            "thousands separators in the wrong places"
        );
    }

    #[test]
    fn parentheses_are_negative() {
        assert_eq!(p("(1,200.00)").unwrap(), dec("-1200.00"));
        assert_eq!(p("(5)").unwrap(), dec("-5"));
        assert!(p("(-5)").is_err());
        let no_paren = NumberStyle {
            parentheses_negative: false,
            ..NumberStyle::default()
        };
        assert!(
            parse_decimal("(5)", &no_paren)
                .unwrap_err()
                .contains("parentheses")
        );
    }

    #[test]
    fn trailing_minus_and_unicode_minus() {
        assert_eq!(p("1,500.00-").unwrap(), dec("-1500.00"));
        assert_eq!(p("−3.00").unwrap(), dec("-3.00"));
        assert!(p("-3.00-").is_err());
    }

    #[test]
    fn currency_marks_and_thai_digits() {
        assert_eq!(p("฿1,500.00").unwrap(), dec("1500.00"));
        assert_eq!(p("1,500.00 บาท").unwrap(), dec("1500.00"));
        assert_eq!(p("USD 12.00").unwrap(), dec("12.00"));
        assert_eq!(p("$(12.00)").unwrap(), dec("-12.00"));
        assert_eq!(p("๑,๕๐๐.๐๐").unwrap(), dec("1500.00"));
        assert_eq!(p("40,000 ៛").unwrap(), dec("40000"));
        assert_eq!(p("៤០,០០០៛").unwrap(), dec("40000"));
    }

    #[test]
    fn decimal_comma_style() {
        let eu = NumberStyle {
            thousands: ".".into(),
            decimal: ",".into(),
            parentheses_negative: true,
        };
        assert_eq!(parse_decimal("1.500,25", &eu).unwrap(), dec("1500.25"));
        assert_eq!(parse_decimal("-0,5", &eu).unwrap(), dec("-0.5"));
        let none = NumberStyle {
            thousands: String::new(),
            ..NumberStyle::default()
        };
        assert_eq!(parse_decimal("1,500", &none).unwrap_err(), "not an amount");
        assert!(eu.validate().is_ok());
        assert!(
            NumberStyle {
                thousands: ".".into(),
                ..NumberStyle::default()
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn junk_is_not_an_amount() {
        for bad in ["", "abc", "12.3.4", "1 2x", "-", "()", "12..0", "1e5", "."] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn floats_from_spreadsheets_are_read_exactly() {
        assert_eq!(decimal_from_f64(1500.5).unwrap(), dec("1500.5"));
        assert_eq!(decimal_from_f64(0.1).unwrap(), dec("0.1"));
        assert_eq!(decimal_from_f64(-1200.0).unwrap(), dec("-1200"));
        assert_eq!(decimal_from_f64(1234.56).unwrap().to_string(), "1234.56");
        assert!(decimal_from_f64(f64::NAN).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Writes minor units the way a bank might: grouped thousands, and a
    /// negative as `-x`, `x-` or `(x)`.
    fn bank_style(minor: i64, negative_style: u8) -> String {
        let abs = minor.unsigned_abs();
        let int = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let body = format!("{grouped}.{:02}", abs % 100);
        match (minor < 0, negative_style % 3) {
            (false, _) => body,
            (true, 0) => format!("-{body}"),
            (true, 1) => format!("{body}-"),
            (true, _) => format!("({body})"),
        }
    }

    proptest! {
        #[test]
        fn bank_written_amounts_read_back_exactly(minor in -10_000_000_000_000i64..10_000_000_000_000, style in any::<u8>()) {
            let text = bank_style(minor, style);
            prop_assert_eq!(parse_decimal(&text, &NumberStyle::default()), Ok(Decimal::new(minor, 2)), "{}", text);
        }
    }
}
