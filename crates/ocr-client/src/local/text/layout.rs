//! The banks' slip layouts ([`Layout`]): which labels each bank prints, how
//! it writes the year, what currency a bare amount is in and how it masks
//! accounts, plus the generic layout and the words that name a bank.

use recon_core::Currency;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banks_are_named_by_their_words() {
        assert_eq!(bank_in("K+ กสิกรไทย"), Some("KBANK"));
        assert_eq!(bank_in("ธ.ไทยพาณิชย์"), Some("SCB"));
        assert_eq!(bank_in("ABA Bank"), Some("ABA"));
        assert_eq!(bank_in("MR BABA"), None);
        assert_eq!(bank_in("ACLEDA Bank"), Some("ACLEDA"));
    }
}
