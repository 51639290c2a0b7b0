//! Masked account numbers and proxies: do two of them name the same account?
//!
//! Slips and statements show accounts masked in bank-specific ways
//! (`xxx-x-x5678-x`, `093 XXX XXX`, `123-4-xxxxx-5`). We compare
//! [`AccountMask::positions`] (separators removed, every mask character
//! written `x`) position by position, aligned on the right because banks
//! pad and prefix on the left (a PromptPay phone `0812345678` vs
//! `66812345678`). Only positions where both sides show a digit are
//! evidence.

use recon_core::AccountMask;

/// What two account texts say about being the same account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountVerdict {
    /// Every position visible on both sides agrees, and at least
    /// [`MIN_AGREEING_DIGITS`] of them do.
    Same,
    /// At least one position visible on both sides differs.
    Different,
    /// Too few positions visible on both sides to say.
    Unknown,
}

/// Fewer agreeing digits than this prove nothing (one digit agrees by chance
/// one time in ten).
pub const MIN_AGREEING_DIGITS: usize = 3;

/// Compares two possibly masked account numbers (see module doc).
pub fn compare_accounts(a: &AccountMask, b: &AccountMask) -> AccountVerdict {
    compare_positions(&a.positions(), &b.positions())
}

fn compare_positions(a: &str, b: &str) -> AccountVerdict {
    let mut agreeing = 0;
    for (x, y) in a.bytes().rev().zip(b.bytes().rev()) {
        if x == b'x' || y == b'x' {
            continue;
        }
        if x != y {
            return AccountVerdict::Different;
        }
        agreeing += 1;
    }
    if agreeing >= MIN_AGREEING_DIGITS {
        AccountVerdict::Same
    } else {
        AccountVerdict::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountVerdict::*;

    #[test]
    fn masked_accounts_table() {
        let cases: &[(&str, &str, AccountVerdict)] = &[
            ("xxx-x-x6789-x", "123-4-56789-0", Same),
            ("xxx-x-x5678-x", "123-4-56789-0", Different),
            ("123-4-xxxxx-0", "123-4-56789-0", Same),
            ("123-4-xxxxx-5", "123-4-56789-0", Different),
            ("1234567890", "123-4-56789-0", Same),
            ("093 XXX XXX", "093 123 456", Same),
            ("093 XXX XXX", "094 123 456", Different),
            ("08xxxxxxxx89", "0812345689", Unknown), // right-aligned: 89 only
            ("08xxxxxx89", "0812345689", Same),
            ("xxx-x-xxxxx-x", "123-4-56789-0", Unknown),
            ("***-*-*6789-*", "123-4-56789-0", Same),
            ("•••6789", "123-4-56789-0", Different), // no trailing mask: 6789 vs 7890
            ("001 234 567", "001234567", Same),
            ("001 234 567", "001 234 568", Different),
            ("", "123", Unknown),
            ("0105561234567", "0105561234567", Same),
        ];
        for (a, b, want) in cases {
            let got = compare_accounts(&AccountMask::new(*a), &AccountMask::new(*b));
            assert_eq!(got, *want, "{a} vs {b}");
            let back = compare_accounts(&AccountMask::new(*b), &AccountMask::new(*a));
            assert_eq!(back, *want, "{b} vs {a} (symmetry)");
        }
    }
}
