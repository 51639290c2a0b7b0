//! Who paid and who was paid: names, banks, (masked) accounts, proxies.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An account number as a source gave it, possibly masked
/// (`xxx-x-x5678-x`, `093 XXX XXX`, `123-4-xxxxx-5`).
///
/// `Debug` and `Display` show the masked form so that a full number never
/// reaches a log by accident; [`AccountMask::as_given`] is for reports and
/// comparisons.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountMask(String);

impl AccountMask {
    pub fn new(text: impl Into<String>) -> AccountMask {
        AccountMask(text.into().trim().to_string())
    }

    /// The text exactly as the source gave it.
    pub fn as_given(&self) -> &str {
        &self.0
    }

    /// Digits and mask characters with separators removed: `xxx-x-x5678-x`
    /// becomes `xxxxx5678x`; any of `x`, `X`, `*`, `•` is a masked position
    /// and is written `x`.
    pub fn positions(&self) -> String {
        self.0
            .chars()
            .filter_map(|c| match c {
                '0'..='9' => Some(c),
                'x' | 'X' | '*' | '•' | '#' => Some('x'),
                _ => None,
            })
            .collect()
    }

    /// The visible digits only.
    pub fn visible_digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }

    /// A form safe for logs: only the last four visible digits remain.
    pub fn masked(&self) -> String {
        crate::mask::account(&self.0)
    }
}

impl fmt::Debug for AccountMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountMask({})", self.masked())
    }
}

impl fmt::Display for AccountMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A PromptPay / Bakong style proxy that stands in for an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProxyKind {
    /// National id or tax id.
    Natid,
    /// Mobile number.
    Msisdn,
    Ewalletid,
    Email,
    Billerid,
    /// A Bakong account id such as `name@bank`.
    Bakong,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub value: AccountMask,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proxy({:?}, {})", self.kind, self.value.masked())
    }
}

/// One side of a transfer. Every part is optional because sources differ in
/// what they show.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// The name as shown, in the script the source used first (often Thai).
    pub name: Option<String>,
    /// The same name in another script when the source gives both
    /// (EasySlip gives `th` and `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_name: Option<String>,
    /// Bank short code (`KBANK`, `SCB`, `ABA`, `ACLEDA`) when known.
    pub bank: Option<String>,
    pub account: Option<AccountMask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Proxy>,
}

impl Party {
    /// The names to compare, first the primary one.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.name
            .iter()
            .chain(self.alt_name.iter())
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.alt_name.is_none()
            && self.bank.is_none()
            && self.account.is_none()
            && self.proxy.is_none()
    }
}

impl fmt::Debug for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Party")
            .field("name", &self.name.as_deref().map(crate::mask::name))
            .field("alt_name", &self.alt_name.as_deref().map(crate::mask::name))
            .field("bank", &self.bank)
            .field("account", &self.account)
            .field("proxy", &self.proxy)
            .finish()
    }
}

/// A bank known by its Bank of Thailand institution code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThaiBank {
    pub code: &'static str,
    pub short: &'static str,
    pub name: &'static str,
}

static THAI_BANKS_CSV: &str = include_str!("../data/thai-bank-codes.csv");

fn thai_banks() -> &'static [ThaiBank] {
    static BANKS: std::sync::OnceLock<Vec<ThaiBank>> = std::sync::OnceLock::new();
    BANKS.get_or_init(|| {
        THAI_BANKS_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut parts = l.splitn(3, ',');
                let code = parts.next().unwrap_or_default();
                let short = parts.next().unwrap_or_default();
                let name = parts.next().unwrap_or_default();
                ThaiBank { code, short, name }
            })
            .collect()
    })
}

/// Looks a Thai bank up by its 3-digit code (`004`) or short name (`KBANK`,
/// any case).
pub fn thai_bank(code_or_short: &str) -> Option<ThaiBank> {
    let key = code_or_short.trim();
    thai_banks()
        .iter()
        .find(|b| b.code == key || b.short.eq_ignore_ascii_case(key))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_positions_drop_separators() {
        assert_eq!(AccountMask::new("xxx-x-x5678-x").positions(), "xxxxx5678x");
        assert_eq!(AccountMask::new("093 XXX XXX").positions(), "093xxxxxx");
        assert_eq!(AccountMask::new("123-4-xxxxx-5").visible_digits(), "12345");
    }

    #[test]
    fn debug_never_shows_full_account_or_name() {
        let p = Party {
            name: Some("Somchai Jaidee".into()),
            account: Some(AccountMask::new("123-4-56789-0")),
            ..Party::default()
        };
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("56789"), "{dbg}");
        assert!(!dbg.contains("Jaidee"), "{dbg}");
        assert!(dbg.contains("xx789-0"), "{dbg}");
    }

    #[test]
    fn bank_table_is_read_from_data() {
        assert_eq!(thai_bank("004").unwrap().short, "KBANK");
        assert_eq!(thai_bank("scb").unwrap().code, "014");
        assert_eq!(thai_banks().len(), 20);
        assert!(thai_bank("999").is_none());
    }
}
