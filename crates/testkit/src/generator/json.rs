//! Saved provider response bodies: EasySlip v2 `/verify/bank` for Thai
//! slips, NextOCR `/ocr_api_receipt` for Cambodian receipts, in the shapes
//! their documentation gives (ref/easyslip-verify-bank-api.txt,
//! ref/nextocr-bank-receipt-api.txt).
//!
//! Written by a small JSON printer of our own rather than serde_json so that
//! amounts appear exactly as the providers print them (`1500.00`, never
//! `1500.0` from a float) and the layout is stable byte for byte.

use recon_core::{Currency, Money};

use super::names::{OTHER_RECEIVERS, OTHER_RECEIVERS_KH, Script};
use super::plan::{KH_BANKS, PlannedSlip, Receiver, THAI_BANKS};
use recon_ocr_client::qr::slip_verification_payload;

/// Our receiving accounts (as `jobs/nightly.toml` has them).
pub(crate) const OUR_THB_NAME_TH: &str = "บริษัท ร้านดี จำกัด";
pub(crate) const OUR_THB_NAME_EN: &str = "RANDEE CO., LTD.";
pub(crate) const OUR_THB_ACCOUNT: &str = "123-4-56789-0";
/// The account as a slip masks it.
pub(crate) const OUR_THB_ACCOUNT_MASKED: &str = "xxx-x-x6789-x";
/// Our PromptPay tax id `0105561234567` as a slip masks it.
const OUR_PROMPTPAY_MASKED: &str = "01xxxxxxxxx67";
pub(crate) const OUR_KH_NAME: &str = "RANDEE TRADING CO., LTD.";
pub(crate) const OUR_USD_ACCOUNT: &str = "001 234 567";
pub(crate) const OUR_KHR_ACCOUNT: &str = "001 234 568";

/// A JSON value with numbers kept as the text to print.
enum J {
    Obj(Vec<(&'static str, J)>),
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

fn s(text: impl Into<String>) -> J {
    J::Str(text.into())
}

impl J {
    /// Pretty (two-space indentation, as most API consoles save a body) or,
    /// with no indent, compact on one line (a line of a slip bundle).
    fn write(&self, out: &mut String, indent: Option<usize>) {
        match self {
            J::Obj(fields) if fields.is_empty() => out.push_str("{}"),
            J::Obj(fields) => {
                out.push('{');
                if indent.is_some() {
                    out.push('\n');
                }
                for (k, (key, value)) in fields.iter().enumerate() {
                    if let Some(level) = indent {
                        push_indent(out, level + 1);
                    }
                    push_string(out, key);
                    out.push_str(if indent.is_some() { ": " } else { ":" });
                    value.write(out, indent.map(|l| l + 1));
                    if k + 1 < fields.len() {
                        out.push(',');
                    }
                    if indent.is_some() {
                        out.push('\n');
                    }
                }
                if let Some(level) = indent {
                    push_indent(out, level);
                }
                out.push('}');
            }
            J::Str(text) => push_string(out, text),
            J::Num(text) => out.push_str(text),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Null => out.push_str("null"),
        }
    }
}

fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// A JSON string literal; non-ASCII stays as UTF-8, as the providers send it.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn thai_bank(index: usize) -> J {
    let (code, short, name, _) = THAI_BANKS[index];
    J::Obj(vec![
        ("id", s(code)),
        ("name", s(name)),
        ("short", s(short)),
    ])
}

fn thai_bank_by_short(short: &str) -> J {
    let index = THAI_BANKS.iter().position(|b| b.1 == short).unwrap_or(0);
    thai_bank(index)
}

fn number(m: Money) -> J {
    J::Num(m.plain())
}

/// The EasySlip v2 `VerifyBankResponse` the shop saved when it verified the
/// slip for its order (`remark`, `matchAmount`, `matchAccount`,
/// `checkDuplicate`).
fn easyslip(slip: &PlannedSlip, order_id: &str) -> J {
    let f = &slip.facts;
    let paid = f.amount();
    let ordered = Money::from_minor(slip.order_amount_minor, f.currency);
    let sender_bank_code = THAI_BANKS[f.sender_bank].0;
    let payload = slip_verification_payload(sender_bank_code, &f.trans_ref).unwrap_or_default();
    let sender_th = f.sender_name(Script::Bank);
    let sender_en = f.sender_name(Script::Latin);

    let (receiver, matched_account) = match f.receiver {
        Receiver::Ours { via_promptpay } => {
            let mut account = vec![
                (
                    "name",
                    J::Obj(vec![("th", s(OUR_THB_NAME_TH)), ("en", s(OUR_THB_NAME_EN))]),
                ),
                (
                    "bank",
                    J::Obj(vec![
                        ("type", s("BANKAC")),
                        ("account", s(OUR_THB_ACCOUNT_MASKED)),
                    ]),
                ),
            ];
            if via_promptpay {
                account.push((
                    "proxy",
                    J::Obj(vec![
                        ("type", s("NATID")),
                        ("account", s(OUR_PROMPTPAY_MASKED)),
                    ]),
                ));
            }
            let receiver = J::Obj(vec![
                ("bank", thai_bank_by_short("KBANK")),
                ("account", J::Obj(account)),
                ("merchantId", J::Null),
            ]);
            let matched = J::Obj(vec![
                (
                    "bank",
                    J::Obj(vec![
                        ("nameTh", s("กสิกรไทย")),
                        ("nameEn", s("KASIKORNBANK")),
                        ("code", s("004")),
                        ("shortCode", s("KBANK")),
                    ]),
                ),
                ("nameTh", s(OUR_THB_NAME_TH)),
                ("nameEn", s(OUR_THB_NAME_EN)),
                ("type", s("JURISTIC")),
                ("bankNumber", s(OUR_THB_ACCOUNT)),
            ]);
            (receiver, matched)
        }
        Receiver::Other(k) => {
            let (th, en, bank, account) = OTHER_RECEIVERS[k % OTHER_RECEIVERS.len()];
            let receiver = J::Obj(vec![
                ("bank", thai_bank_by_short(bank)),
                (
                    "account",
                    J::Obj(vec![
                        ("name", J::Obj(vec![("th", s(th)), ("en", s(en))])),
                        (
                            "bank",
                            J::Obj(vec![("type", s("BANKAC")), ("account", s(account))]),
                        ),
                    ]),
                ),
                ("merchantId", J::Null),
            ]);
            // matchAccount found none of our registered accounts.
            (receiver, J::Null)
        }
    };

    let raw_slip = J::Obj(vec![
        ("payload", s(payload)),
        ("transRef", s(f.trans_ref.clone())),
        (
            "date",
            s(f.paid_at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()),
        ),
        ("countryCode", s("TH")),
        (
            "amount",
            J::Obj(vec![
                ("amount", number(paid)),
                (
                    "local",
                    J::Obj(vec![
                        ("amount", number(paid)),
                        ("currency", s(f.currency.code())),
                    ]),
                ),
            ]),
        ),
        ("fee", J::Num("0".into())),
        ("ref1", s("")),
        ("ref2", s("")),
        ("ref3", s("")),
        (
            "sender",
            J::Obj(vec![
                ("bank", thai_bank(f.sender_bank)),
                (
                    "account",
                    J::Obj(vec![
                        (
                            "name",
                            J::Obj(vec![("th", s(sender_th)), ("en", s(sender_en))]),
                        ),
                        (
                            "bank",
                            J::Obj(vec![
                                ("type", s("BANKAC")),
                                ("account", s(f.sender_account.clone())),
                            ]),
                        ),
                    ]),
                ),
            ]),
        ),
        ("receiver", receiver),
    ]);
    J::Obj(vec![
        ("success", J::Bool(true)),
        (
            "data",
            J::Obj(vec![
                ("remark", s(order_id)),
                ("isDuplicate", J::Bool(slip.seen_before)),
                ("matchedAccount", matched_account),
                ("amountInOrder", number(ordered)),
                ("amountInSlip", number(paid)),
                ("isAmountMatched", J::Bool(paid == ordered)),
                ("rawSlip", raw_slip),
            ]),
        ),
        ("message", s("Bank slip verified successfully")),
    ])
}

/// A NextOCR receipt body: `status`, `bank`, `fields.*` as strings, `msg`.
fn nextocr(slip: &PlannedSlip) -> J {
    let f = &slip.facts;
    // Riel are whole on receipts; dollars have cents.
    let amount = match f.currency {
        Currency::Khr => (f.amount_minor / 100).to_string(),
        _ => f.amount().plain(),
    };
    let when = f.paid_at.format("%Y-%m-%d %I:%M%p").to_string();
    let receiver = match f.receiver {
        Receiver::Ours { .. } => OUR_KH_NAME,
        Receiver::Other(k) => OTHER_RECEIVERS_KH[k % OTHER_RECEIVERS_KH.len()],
    };
    J::Obj(vec![
        ("bank", s(KH_BANKS[f.sender_bank % KH_BANKS.len()].0)),
        (
            "fields",
            J::Obj(vec![
                ("amount", s(amount)),
                ("apv", J::Null),
                ("bank_method", J::Null),
                ("currency", s(f.currency.code())),
                ("finished_at", s(when.clone())),
                ("from_account", s(f.sender_account.clone())),
                ("hash", J::Null),
                ("paid_by", s(f.sender_name(Script::Latin))),
                ("receiver_bank_name", s(receiver)),
                ("reference", s(f.trans_ref.clone())),
                ("trx", J::Null),
                ("trx_date", s(when)),
            ]),
        ),
        ("msg", s("OCR text extracted successfully.")),
        ("status", J::Bool(true)),
    ])
}

/// The bytes of a saved slip file: the provider's body for the slip's
/// currency, cut short when the upload broke off.
/// `compact` writes it on one line without a line end (a line of a slip
/// bundle); otherwise pretty with a final line end (a file of its own).
pub(crate) fn slip_body(slip: &PlannedSlip, order_id: &str, compact: bool) -> String {
    let json = match slip.facts.currency {
        Currency::Thb => easyslip(slip, order_id),
        Currency::Usd | Currency::Khr => nextocr(slip),
    };
    let mut body = String::with_capacity(if compact { 1_600 } else { 2_400 });
    json.write(&mut body, if compact { None } else { Some(0) });
    if !compact {
        body.push('\n');
    }
    if slip.truncated {
        let mut cut = body.len() * 55 / 100;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut);
    }
    body
}
