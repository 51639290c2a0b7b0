//! Money: an exact decimal amount in one ISO 4217 currency. Never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// The currencies Recon's customers are paid in. Adding one is a new variant
/// plus its ISO numeric code and minor digits below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Thai baht, ISO 4217 numeric 764.
    Thb,
    /// US dollar, ISO 4217 numeric 840 (widely used in Cambodia).
    Usd,
    /// Cambodian riel, ISO 4217 numeric 116.
    Khr,
}

impl Currency {
    pub const ALL: [Currency; 3] = [Currency::Thb, Currency::Usd, Currency::Khr];

    /// The ISO 4217 alphabetic code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Thb => "THB",
            Currency::Usd => "USD",
            Currency::Khr => "KHR",
        }
    }

    /// The ISO 4217 numeric code, as used in EMVCo QR tag 53.
    pub fn numeric(self) -> u16 {
        match self {
            Currency::Thb => 764,
            Currency::Usd => 840,
            Currency::Khr => 116,
        }
    }

    pub fn from_numeric(n: u16) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.numeric() == n)
    }

    /// Minor unit digits per ISO 4217. KHR is listed with 2 although riel
    /// amounts are whole in practice; we follow the standard so that a
    /// statement that does show cents is not rejected.
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Thb | Currency::Usd | Currency::Khr => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = CoreError;

    /// Accepts the alphabetic code (any case), the numeric code and the
    /// symbols/words banks print (`฿`, `บาท`, `$`, `៛`, `Riel`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let upper = t.to_ascii_uppercase();
        match upper.as_str() {
            "THB" | "764" | "฿" | "บาท" | "BAHT" => Ok(Currency::Thb),
            "USD" | "840" | "$" | "US$" => Ok(Currency::Usd),
            "KHR" | "116" | "៛" | "RIEL" | "RIELS" => Ok(Currency::Khr),
            _ => Err(CoreError::UnknownCurrency(t.to_string())),
        }
    }
}

/// An exact amount of money in one currency. Signed: on a statement a
/// positive amount is money in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// Parses a plain decimal (`1500`, `-12.50`) in the given currency.
    /// Rejects more fractional digits than the currency has, so that a
    /// mis-mapped column (a rate, a quantity) is caught at the edge.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, CoreError> {
        let amount =
            Decimal::from_str(text.trim()).map_err(|_| CoreError::BadAmount(text.to_string()))?;
        Money::checked(amount, currency)
    }

    /// Wraps an amount, refusing more fractional digits than the currency has
    /// (trailing zeros are fine: `1500.000` is 1500.00).
    pub fn checked(amount: Decimal, currency: Currency) -> Result<Money, CoreError> {
        let normalized = amount.normalize();
        if normalized.scale() > currency.minor_digits() {
            return Err(CoreError::TooManyDecimals {
                amount: amount.to_string(),
                currency,
            });
        }
        Ok(Money::new(amount, currency))
    }

    /// Integer minor units (satang, cents), the form columnar data and the
    /// ledger store. `None` if it does not fit an `i64`.
    pub fn to_minor(&self) -> Option<i64> {
        let scaled = self
            .amount
            .checked_mul(Decimal::from(10i64.pow(self.currency.minor_digits())))?;
        i64::try_from(scaled.round()).ok()
    }

    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money::new(Decimal::new(minor, currency.minor_digits()), currency)
    }

    pub fn is_positive(&self) -> bool {
        self.amount.is_sign_positive() && !self.amount.is_zero()
    }

    pub fn abs(&self) -> Money {
        Money::new(self.amount.abs(), self.currency)
    }

    /// `self - other` when both are in the same currency.
    pub fn checked_sub(&self, other: &Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| Money::new(self.amount - other.amount, self.currency))
    }

    /// `self + other` when both are in the same currency.
    pub fn checked_add(&self, other: &Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| Money::new(self.amount + other.amount, self.currency))
    }

    /// The amount as a plain decimal with exactly the currency's minor digits,
    /// no thousands separator, no symbol: `1500.00`, `-12.50`.
    pub fn plain(&self) -> String {
        let digits = self.currency.minor_digits();
        let rounded = self
            .amount
            .round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::MidpointNearestEven);
        format!("{:.*}", digits as usize, rounded)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.plain(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_has_minor_digits() {
        let m = Money::parse("1500", Currency::Thb).unwrap();
        assert_eq!(m.plain(), "1500.00");
        let m = Money::parse("-12.5", Currency::Usd).unwrap();
        assert_eq!(m.plain(), "-12.50");
        assert_eq!(m.to_string(), "-12.50 USD");
    }

    #[test]
    fn minor_units_round_trip() {
        let m = Money::parse("1234.56", Currency::Thb).unwrap();
        assert_eq!(m.to_minor(), Some(123456));
        assert_eq!(Money::from_minor(123456, Currency::Thb), m);
        assert_eq!(Money::from_minor(-5, Currency::Usd).plain(), "-0.05");
        assert_eq!(Money::new(Decimal::MAX, Currency::Thb).to_minor(), None);
    }

    #[test]
    fn too_many_decimals_is_rejected_but_trailing_zeros_are_not() {
        assert!(Money::parse("1.005", Currency::Thb).is_err());
        assert_eq!(
            Money::parse("1.500", Currency::Thb).unwrap().plain(),
            "1.50"
        );
        assert!(Money::parse("abc", Currency::Thb).is_err());
    }

    #[test]
    fn currency_from_codes_and_symbols() {
        assert_eq!("thb".parse::<Currency>().unwrap(), Currency::Thb);
        assert_eq!("บาท".parse::<Currency>().unwrap(), Currency::Thb);
        assert_eq!("116".parse::<Currency>().unwrap(), Currency::Khr);
        assert_eq!("$".parse::<Currency>().unwrap(), Currency::Usd);
        assert!("EUR".parse::<Currency>().is_err());
        assert_eq!(Currency::from_numeric(840), Some(Currency::Usd));
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies() {
        let a = Money::parse("10", Currency::Thb).unwrap();
        let b = Money::parse("3", Currency::Usd).unwrap();
        assert!(a.checked_sub(&b).is_none());
        let c = Money::parse("3", Currency::Thb).unwrap();
        assert_eq!(a.checked_sub(&c).unwrap().plain(), "7.00");
        assert_eq!(a.checked_add(&c).unwrap().plain(), "13.00");
    }

    #[test]
    fn serde_keeps_amount_exact() {
        let m = Money::parse("0.10", Currency::Thb).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"0.10","currency":"THB"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
