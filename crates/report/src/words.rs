//! Plain words for people, in English and Thai: what a status means, what
//! a person should do about a case in it, and what a reason says.
//!
//! The CSVs keep the machine-readable words (`amount_mismatch`,
//! `short_by=50.00 THB`): they are a contract finance filters and counts
//! by. The page a person reads (`summary.html`) says the same in words.
//! A reason read back from an old ledger with a code this build does not
//! know keeps its raw text, so nothing is ever hidden.
//!
//! Details are shown as the matcher wrote them (amounts, ids, days, names,
//! masked accounts); only their shape is read: a `linked_by` word, a
//! `duplicate_of` `<who>@<day>`, a comma-separated list, a score.

use recon_core::{Reason, ReasonCode, Status};

/// The status in a few English words.
pub fn status_en(status: Status) -> &'static str {
    match status {
        Status::Matched => "Paid",
        Status::DuplicateSlip => "Slip used before",
        Status::ReceiverMismatch => "Paid to another account",
        Status::AmountMismatch => "Paid a different amount",
        Status::NameMismatch => "Paid by someone else",
        Status::SlipNotOnStatement => "Slip, but no money arrived",
        Status::StatementUnmatched => "Money in, no order",
        Status::Unpaid => "Not paid",
        Status::Ambiguous => "More than one possible match",
        Status::UnreadableSlip => "Slip could not be read",
        Status::Pending => "Waiting",
        Status::Resolved => "Settled outside Recon",
    }
}

/// The status in a few Thai words.
pub fn status_th(status: Status) -> &'static str {
    match status {
        Status::Matched => "ชำระแล้ว",
        Status::DuplicateSlip => "สลิปซ้ำ",
        Status::ReceiverMismatch => "โอนเข้าบัญชีอื่น",
        Status::AmountMismatch => "ยอดเงินไม่ตรง",
        Status::NameMismatch => "ผู้โอนไม่ใช่ลูกค้า",
        Status::SlipNotOnStatement => "มีสลิป แต่เงินไม่เข้า",
        Status::StatementUnmatched => "เงินเข้า ไม่มีคำสั่งซื้อ",
        Status::Unpaid => "ยังไม่ชำระ",
        Status::Ambiguous => "จับคู่ได้หลายทาง",
        Status::UnreadableSlip => "อ่านสลิปไม่ได้",
        Status::Pending => "รอดำเนินการ",
        Status::Resolved => "ปิดรายการนอกระบบแล้ว",
    }
}

/// What the status means, in one English sentence (the page's legend).
pub fn meaning_en(status: Status) -> &'static str {
    match status {
        Status::Matched => "The slip, the money on our statement and the order agree.",
        Status::DuplicateSlip => {
            "The slip (its transaction reference, QR code or picture) already paid another order, today or on an earlier day."
        }
        Status::ReceiverMismatch => "The slip pays an account that is not ours.",
        Status::AmountMismatch => "The money that came in is less or more than the order.",
        Status::NameMismatch => {
            "The money fits by amount and time, but the person who paid is not the customer."
        }
        Status::SlipNotOnStatement => {
            "The slip says paid, but no money reached our statement in the grace period: possibly fake."
        }
        Status::StatementUnmatched => "Money came into our account and no order claims it.",
        Status::Unpaid => "No slip and no money for the order.",
        Status::Ambiguous => "Two answers are equally good; Recon never guesses.",
        Status::UnreadableSlip => "The slip picture could not be read.",
        Status::Pending => {
            "The money (or the order) may still arrive within the grace period; it becomes a problem when the grace ends."
        }
        Status::Resolved => "A person settled it outside Recon (cash, refund, not ours…).",
    }
}

/// What the status means, in one Thai sentence.
pub fn meaning_th(status: Status) -> &'static str {
    match status {
        Status::Matched => "สลิป เงินในบัญชี และคำสั่งซื้อ ตรงกันทั้งหมด",
        Status::DuplicateSlip => {
            "สลิปนี้ (เลขอ้างอิง คิวอาร์โค้ด หรือรูปภาพ) เคยใช้ชำระคำสั่งซื้ออื่นแล้ว วันนี้หรือวันก่อน"
        }
        Status::ReceiverMismatch => "สลิปโอนเข้าบัญชีที่ไม่ใช่ของเรา",
        Status::AmountMismatch => "เงินที่เข้ามาน้อยหรือมากกว่ายอดคำสั่งซื้อ",
        Status::NameMismatch => "ยอดเงินและเวลาตรง แต่ผู้โอนไม่ใช่ลูกค้า",
        Status::SlipNotOnStatement => "สลิประบุว่าโอนแล้ว แต่ไม่พบเงินในบัญชีภายในเวลาที่รอ อาจเป็นสลิปปลอม",
        Status::StatementUnmatched => "มีเงินเข้าบัญชี แต่ไม่มีคำสั่งซื้อใดเป็นเจ้าของ",
        Status::Unpaid => "ไม่มีทั้งสลิปและเงินสำหรับคำสั่งซื้อนี้",
        Status::Ambiguous => "มีคำตอบที่ดีเท่ากันสองทาง ระบบไม่เดา",
        Status::UnreadableSlip => "อ่านรูปสลิปไม่ได้",
        Status::Pending => "เงิน (หรือคำสั่งซื้อ) อาจยังมาภายในเวลาที่รอ หากไม่มาจะกลายเป็นรายการที่ต้องตรวจ",
        Status::Resolved => "มีผู้ปิดรายการนอกระบบแล้ว (เงินสด คืนเงิน ไม่ใช่ของเรา…)",
    }
}

/// What a person should do about a case in this status (English).
pub fn next_step_en(status: Status) -> &'static str {
    match status {
        Status::Matched => "Nothing to do",
        Status::DuplicateSlip => {
            "Do not ship: this slip already paid another order; ask the customer for the real payment"
        }
        Status::ReceiverMismatch => {
            "Do not ship: the money went to an account that is not ours; ask the customer to pay our account"
        }
        Status::AmountMismatch => {
            "Check the difference: write it off (bank fee, rounding) or ask the customer for the rest"
        }
        Status::NameMismatch => {
            "Check who paid: confirm if this payer pays for the customer, otherwise decline the link"
        }
        Status::SlipNotOnStatement => {
            "Do not ship: the slip's money never reached our account; check with the bank, the slip may be fake"
        }
        Status::StatementUnmatched => {
            "Find whose money this is: link it to its order, or resolve it (not ours, refunded)"
        }
        Status::Unpaid => "Remind the customer, or resolve the order (paid in cash, cancelled)",
        Status::Ambiguous => "Pick the right one: link the order to one of the candidate lines",
        Status::UnreadableSlip => {
            "Open the slip picture and check it by eye, or ask the customer for a clearer one"
        }
        Status::Pending => {
            "Nothing yet: the money (or the order) may still come; it comes back if it does not"
        }
        Status::Resolved => "Nothing to do: a person settled it",
    }
}

/// What a person should do about a case in this status (Thai).
pub fn next_step_th(status: Status) -> &'static str {
    match status {
        Status::Matched => "ไม่ต้องทำอะไร",
        Status::DuplicateSlip => "อย่าเพิ่งส่งสินค้า: สลิปนี้เคยใช้ชำระคำสั่งซื้ออื่นแล้ว ขอหลักฐานการชำระจริงจากลูกค้า",
        Status::ReceiverMismatch => "อย่าเพิ่งส่งสินค้า: เงินโอนเข้าบัญชีที่ไม่ใช่ของเรา ให้ลูกค้าโอนเข้าบัญชีของเรา",
        Status::AmountMismatch => {
            "ตรวจส่วนต่าง: ตัดจำหน่าย (ค่าธรรมเนียมธนาคาร ปัดเศษ) หรือขอเงินส่วนที่เหลือจากลูกค้า"
        }
        Status::NameMismatch => "ตรวจว่าใครโอน: ยืนยันหากผู้โอนจ่ายแทนลูกค้า มิฉะนั้นให้ปฏิเสธการจับคู่",
        Status::SlipNotOnStatement => {
            "อย่าเพิ่งส่งสินค้า: เงินตามสลิปไม่เข้าบัญชีของเรา ตรวจสอบกับธนาคาร สลิปอาจปลอม"
        }
        Status::StatementUnmatched => {
            "หาว่าเงินนี้เป็นของใคร: จับคู่กับคำสั่งซื้อ หรือปิดรายการ (ไม่ใช่ของเรา คืนเงินแล้ว)"
        }
        Status::Unpaid => "แจ้งเตือนลูกค้า หรือปิดรายการ (ชำระเงินสด ยกเลิก)",
        Status::Ambiguous => "เลือกคู่ที่ถูก: จับคู่คำสั่งซื้อกับรายการเดินบัญชีที่เป็นไปได้รายการหนึ่ง",
        Status::UnreadableSlip => "เปิดรูปสลิปตรวจด้วยตา หรือขอสลิปที่ชัดกว่าจากลูกค้า",
        Status::Pending => "ยังไม่ต้องทำ: เงิน (หรือคำสั่งซื้อ) อาจยังมา หากไม่มาจะกลับมาในรายการ",
        Status::Resolved => "ไม่ต้องทำอะไร: มีผู้ปิดรายการแล้ว",
    }
}

/// The language a reason is put in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Th,
}

/// A reason in plain English words.
pub fn reason_en(reason: &Reason) -> String {
    reason_in(reason, Lang::En)
}

/// A reason in plain Thai words.
pub fn reason_th(reason: &Reason) -> String {
    reason_in(reason, Lang::Th)
}

/// Reasons in plain English words, joined with `; ` as the CSVs join them.
pub fn reasons_en(reasons: &[Reason]) -> String {
    reasons.iter().map(reason_en).collect::<Vec<_>>().join("; ")
}

/// Reasons in plain Thai words, joined with `; `.
pub fn reasons_th(reasons: &[Reason]) -> String {
    reasons.iter().map(reason_th).collect::<Vec<_>>().join("; ")
}

/// How money was linked (`linked_by`'s detail), as the end of a sentence.
fn linked_by(word: &str, lang: Lang) -> String {
    let (en, th) = match word {
        "trans_ref" => (
            "by the slip's transaction reference",
            "ด้วยเลขอ้างอิงรายการในสลิป",
        ),
        "order_id_in_reference" => (
            "by the order number in the transfer's reference",
            "ด้วยเลขคำสั่งซื้อในข้อความอ้างอิงการโอน",
        ),
        "amount_and_name" => ("by the amount and the payer's name", "ด้วยยอดเงินและชื่อผู้โอน"),
        "amount_and_time" => (
            "by the amount and the time of the transfer",
            "ด้วยยอดเงินและเวลาโอน",
        ),
        "split_payment" => (
            "as one payment made in several transfers",
            "เป็นการชำระที่แบ่งโอนหลายครั้ง",
        ),
        "one_transfer_many_orders" => (
            "as one transfer paying several orders",
            "เป็นการโอนครั้งเดียวที่ชำระหลายคำสั่งซื้อ",
        ),
        "decision" => ("by a person's decision", "ตามการตัดสินของผู้ตรวจ"),
        "none" => ("not linked", "ไม่ได้จับคู่"),
        other => {
            return match lang {
                Lang::En => format!("by {other}"),
                Lang::Th => format!("ด้วย {other}"),
            };
        }
    };
    pick(lang, en, th).to_string()
}

/// What repeated on a reused slip (`duplicate_key`'s detail).
fn slip_key(word: &str, lang: Lang) -> String {
    let (en, th) = match word {
        "trans_ref" => ("the transaction reference", "เลขอ้างอิงรายการ"),
        "qr_payload" => ("the QR code", "คิวอาร์โค้ด"),
        "image_sha256" => ("the very same picture", "รูปภาพเดียวกันทุกจุด"),
        other => return other.to_string(),
    };
    pick(lang, en, th).to_string()
}

/// Why a difference was written off (`written_off`'s reason word).
fn write_off_reason(word: &str, lang: Lang) -> String {
    let (en, th) = match word {
        "bank_fee" => ("bank fee", "ค่าธรรมเนียมธนาคาร"),
        "rounding" => ("rounding", "ปัดเศษ"),
        "fx" => ("exchange rate", "อัตราแลกเปลี่ยน"),
        "discount" => ("discount", "ส่วนลด"),
        "other" => ("other", "อื่น ๆ"),
        other => return other.to_string(),
    };
    pick(lang, en, th).to_string()
}

/// How a case was settled outside Recon (`resolved_as`'s detail).
fn resolution(word: &str, lang: Lang) -> String {
    let (en, th) = match word {
        "cash" => ("paid in cash", "ชำระเป็นเงินสด"),
        "refunded" => ("refunded", "คืนเงินแล้ว"),
        "chargeback" => ("charged back", "ถูกเรียกเงินคืน"),
        "not_ours" => ("not our money", "ไม่ใช่เงินของเรา"),
        "test_order" => ("a test order", "คำสั่งซื้อทดสอบ"),
        "other" => ("other", "อื่น ๆ"),
        other => return other.to_string(),
    };
    pick(lang, en, th).to_string()
}

/// A decision word as done (`confirm` → `Confirmed`).
fn decided_word(word: &str, lang: Lang) -> String {
    let (en, th) = match word {
        "confirm" => ("Confirmed", "ยืนยันแล้ว"),
        "link" => ("Linked", "จับคู่แล้ว"),
        "decline" => ("Declined", "ปฏิเสธการจับคู่แล้ว"),
        "write_off" => ("Written off", "ตัดจำหน่ายแล้ว"),
        "resolve" => ("Resolved", "ปิดรายการแล้ว"),
        "reopen" => ("Reopened", "เปิดรายการใหม่แล้ว"),
        other => return other.to_string(),
    };
    pick(lang, en, th).to_string()
}

/// `<decision> by <who>` (what `decided` and `stale_decision` start with)
/// in words: `Confirmed by nok`.
fn decision_by(text: &str, lang: Lang) -> String {
    match text.split_once(" by ") {
        Some((kind, who)) => match lang {
            Lang::En => format!("{} by {who}", decided_word(kind, lang)),
            Lang::Th => format!("{} โดย {who}", decided_word(kind, lang)),
        },
        None => text.to_string(),
    }
}

fn pick<'s>(lang: Lang, en: &'s str, th: &'s str) -> &'s str {
    match lang {
        Lang::En => en,
        Lang::Th => th,
    }
}

/// A list detail (`a,b` or `a|b`) for reading: `a, b`.
fn list(detail: &str) -> String {
    detail
        .split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A score in [0, 1] (`0.640`) as a percentage (`64%`); other text as it is.
fn percent(detail: &str) -> String {
    // A display figure, never money: a float is fine here.
    match detail.trim().parse::<f64>() {
        Ok(s) if (0.0..=1.0).contains(&s) => format!("{:.0}%", s * 100.0),
        _ => detail.to_string(),
    }
}

/// The leading whole number of a detail (`3 lines` → 3).
fn leading_number(detail: &str) -> Option<u64> {
    detail.split_whitespace().next()?.parse().ok()
}

fn reason_in(reason: &Reason, lang: Lang) -> String {
    let Some(code) = ReasonCode::ALL.into_iter().find(|c| reason.is(*c)) else {
        return reason.to_string();
    };
    let detail = reason.detail.as_deref().map(str::trim).unwrap_or_default();
    let has = !detail.is_empty();
    let en = lang == Lang::En;
    // `en` and `th` for a reason with a detail, and the words without one.
    let said = |with: String, without: &str| if has { with } else { without.to_string() };
    use ReasonCode as C;
    match code {
        C::LinkedBy => match lang {
            Lang::En => said(format!("Linked {}", linked_by(detail, lang)), "Linked"),
            Lang::Th => said(format!("จับคู่{}", linked_by(detail, lang)), "จับคู่แล้ว"),
        },
        C::ShortBy => match lang {
            Lang::En => said(
                format!("Paid {detail} less than the order"),
                "Paid less than the order",
            ),
            Lang::Th => said(format!("ชำระขาดไป {detail}"), "ชำระไม่ครบ"),
        },
        C::OverBy => match lang {
            Lang::En => said(
                format!("Paid {detail} more than the order"),
                "Paid more than the order",
            ),
            Lang::Th => said(format!("ชำระเกินมา {detail}"), "ชำระเกินยอด"),
        },
        C::FeeDeducted => match lang {
            Lang::En => said(
                format!("A bank fee of {detail} was taken off: still paid"),
                "A bank fee was taken off: still paid",
            ),
            Lang::Th => said(
                format!("ถูกหักค่าธรรมเนียมธนาคาร {detail}: ถือว่าชำระแล้ว"),
                "ถูกหักค่าธรรมเนียมธนาคาร: ถือว่าชำระแล้ว",
            ),
        },
        C::CurrencyDiffers => match lang {
            Lang::En => said(
                format!("The money came in {detail}, another currency than the order's"),
                "The money came in another currency",
            ),
            Lang::Th => said(
                format!("เงินเข้าเป็นสกุล {detail} ไม่ตรงกับสกุลเงินของคำสั่งซื้อ"),
                "เงินเข้าเป็นสกุลเงินอื่น",
            ),
        },
        C::SlipAmount => match lang {
            Lang::En => said(
                format!("The slip says {detail}"),
                "The slip says another amount",
            ),
            Lang::Th => said(format!("สลิประบุยอด {detail}"), "สลิประบุยอดอื่น"),
        },
        C::SplitPayment => match (leading_number(detail), lang) {
            (Some(n), Lang::En) => format!("Paid in {n} transfers"),
            (Some(n), Lang::Th) => format!("ชำระแบ่งโอน {n} ครั้ง"),
            (None, _) => pick(lang, "Paid in several transfers", "ชำระแบ่งโอนหลายครั้ง").into(),
        },
        C::PaidTogetherWith => match lang {
            Lang::En => said(
                format!("Paid in one transfer together with {}", list(detail)),
                "Paid in one transfer together with other orders",
            ),
            Lang::Th => said(
                format!("ชำระรวมในการโอนครั้งเดียวกับ {}", list(detail)),
                "ชำระรวมกับคำสั่งซื้ออื่นในการโอนครั้งเดียว",
            ),
        },
        C::DuplicateOf => {
            let (who, day) = match detail.rsplit_once('@') {
                Some((who, day)) => (who, Some(day)),
                None => (detail, None),
            };
            match (lang, day) {
                (_, _) if !has => pick(lang, "This slip was used before", "สลิปนี้เคยใช้แล้ว").into(),
                (Lang::En, Some(day)) => format!("This slip was already used by {who} on {day}"),
                (Lang::En, None) => format!("This slip was already used by {who}"),
                (Lang::Th, Some(day)) => format!("สลิปนี้เคยใช้แล้วกับ {who} เมื่อ {day}"),
                (Lang::Th, None) => format!("สลิปนี้เคยใช้แล้วกับ {who}"),
            }
        }
        C::DuplicateKey => match lang {
            Lang::En => said(
                format!("What repeats: {}", slip_key(detail, lang)),
                "Something on the slip repeats",
            ),
            Lang::Th => said(
                format!("สิ่งที่ซ้ำ: {}", slip_key(detail, lang)),
                "มีข้อมูลในสลิปซ้ำ",
            ),
        },
        C::ReusedBy => match lang {
            Lang::En => said(
                format!("Used again later by {}", list(detail)),
                "Used again later",
            ),
            Lang::Th => said(
                format!("ถูกใช้ซ้ำภายหลังโดย {}", list(detail)),
                "ถูกใช้ซ้ำภายหลัง",
            ),
        },
        C::ReceiverAccount => match lang {
            Lang::En => said(
                format!("The slip paid account {detail}, which is not ours"),
                "The slip paid an account that is not ours",
            ),
            Lang::Th => said(
                format!("สลิปโอนเข้าบัญชี {detail} ซึ่งไม่ใช่บัญชีของเรา"),
                "สลิปโอนเข้าบัญชีที่ไม่ใช่ของเรา",
            ),
        },
        C::ReceiverProxy => match lang {
            Lang::En => said(
                format!("The slip paid PromptPay/Bakong {detail}, which is not ours"),
                "The slip paid a PromptPay/Bakong id that is not ours",
            ),
            Lang::Th => said(
                format!("สลิปโอนเข้าพร้อมเพย์/บากอง {detail} ซึ่งไม่ใช่ของเรา"),
                "สลิปโอนเข้าพร้อมเพย์/บากองที่ไม่ใช่ของเรา",
            ),
        },
        C::ReceiverNameScore => match lang {
            Lang::En => said(
                format!(
                    "The receiver's name on the slip is {} like ours",
                    percent(detail)
                ),
                "The receiver's name on the slip is not ours",
            ),
            Lang::Th => said(
                format!(
                    "ชื่อผู้รับในสลิปใกล้เคียงชื่อเรา {}",
                    percent(detail)
                ),
                "ชื่อผู้รับในสลิปไม่ใช่ชื่อเรา",
            ),
        },
        C::ReceiverNotShown => pick(
            lang,
            "The slip does not show whom it paid",
            "สลิปไม่แสดงผู้รับเงิน",
        )
        .into(),
        C::Unreadable => match lang {
            Lang::En => said(
                format!("The slip could not be read: {detail}"),
                "The slip could not be read",
            ),
            Lang::Th => said(format!("อ่านสลิปไม่ได้: {detail}"), "อ่านสลิปไม่ได้"),
        },
        C::NotReadYet => match lang {
            Lang::En => said(
                format!("The slip is not read yet ({detail}): the next run reads it"),
                "The slip is not read yet: the next run reads it",
            ),
            Lang::Th => said(
                format!("ยังไม่ได้อ่านสลิป ({detail}): รอบถัดไปจะอ่าน"),
                "ยังไม่ได้อ่านสลิป: รอบถัดไปจะอ่าน",
            ),
        },
        C::SlipFileMissing => pick(
            lang,
            "The order names a slip file that is not in the slips folder",
            "คำสั่งซื้อระบุไฟล์สลิปที่ไม่มีในโฟลเดอร์สลิป",
        )
        .into(),
        C::SlipWithoutAmount => pick(
            lang,
            "The slip was read but shows no amount",
            "อ่านสลิปได้ แต่ไม่พบยอดเงิน",
        )
        .into(),
        C::SlipFoundByRemark => pick(
            lang,
            "The order had no slip; a slip's note names it",
            "คำสั่งซื้อไม่มีสลิปแนบ แต่มีสลิปที่บันทึกช่วยจำระบุคำสั่งซื้อนี้",
        )
        .into(),
        C::CandidateLines => match lang {
            Lang::En => said(
                format!("Could be paid by statement line {}", list(detail)),
                "Could be paid by more than one statement line",
            ),
            Lang::Th => said(
                format!("อาจชำระด้วยรายการเดินบัญชี {}", list(detail)),
                "อาจชำระด้วยรายการเดินบัญชีได้หลายรายการ",
            ),
        },
        C::CandidateOrders => match lang {
            Lang::En => said(
                format!("Could pay order {}", list(detail)),
                "Could pay more than one order",
            ),
            Lang::Th => said(
                format!("อาจเป็นเงินของคำสั่งซื้อ {}", list(detail)),
                "อาจเป็นเงินของคำสั่งซื้อได้หลายรายการ",
            ),
        },
        C::CompetingOrders => match lang {
            Lang::En => said(
                format!("Other orders could take the same money: {}", list(detail)),
                "Other orders could take the same money",
            ),
            Lang::Th => said(
                format!("คำสั่งซื้ออื่นที่อาจเป็นเจ้าของเงินเดียวกัน: {}", list(detail)),
                "มีคำสั่งซื้ออื่นที่อาจเป็นเจ้าของเงินเดียวกัน",
            ),
        },
        C::SeveralSplitCombinations => pick(
            lang,
            "More than one set of transfers adds up to the order",
            "มีชุดการโอนมากกว่าหนึ่งชุดที่รวมได้เท่ายอดคำสั่งซื้อ",
        )
        .into(),
        C::NameScore => match lang {
            Lang::En => said(
                format!(
                    "The payer's name is {} like the customer's",
                    percent(detail)
                ),
                "The payer's name was compared with the customer's",
            ),
            Lang::Th => said(
                format!("ชื่อผู้โอนใกล้เคียงชื่อลูกค้า {}", percent(detail)),
                "เปรียบเทียบชื่อผู้โอนกับชื่อลูกค้าแล้ว",
            ),
        },
        C::Customer => match lang {
            Lang::En => said(format!("Customer: {detail}"), "The customer is someone else"),
            Lang::Th => said(format!("ลูกค้า: {detail}"), "ลูกค้าเป็นคนอื่น"),
        },
        C::Payer => match lang {
            Lang::En => said(format!("Paid by: {detail}"), "Paid by someone else"),
            Lang::Th => said(format!("ผู้โอน: {detail}"), "ผู้โอนเป็นคนอื่น"),
        },
        C::PayerNameDiffers => pick(
            lang,
            "The bank writes the payer's name another way; the slip with the same transaction reference names the customer",
            "ธนาคารเขียนชื่อผู้โอนต่างจากชื่อลูกค้า แต่สลิปที่มีเลขอ้างอิงเดียวกันระบุชื่อลูกค้า",
        )
        .into(),
        C::PayerNameNotCompared => pick(
            lang,
            "No payer name to compare: neither the bank line nor the slip shows one",
            "ไม่มีชื่อผู้โอนให้เปรียบเทียบ: ทั้งรายการเดินบัญชีและสลิปไม่แสดงชื่อ",
        )
        .into(),
        C::SenderDiffersFromCustomer => pick(
            lang,
            "The slip's sender is not the customer",
            "ผู้โอนในสลิปไม่ใช่ลูกค้า",
        )
        .into(),
        C::SenderDiffersFromPayer => pick(
            lang,
            "The slip's sender is not the payer the bank shows (the bank's payer is the customer)",
            "ผู้โอนในสลิปไม่ตรงกับผู้โอนที่ธนาคารแสดง (ผู้โอนตามธนาคารคือลูกค้า)",
        )
        .into(),
        C::NoStatementLine => pick(
            lang,
            "No money on our statement matches this slip",
            "ไม่พบเงินตามสลิปนี้ในรายการเดินบัญชีของเรา",
        )
        .into(),
        C::MoneyOut => pick(
            lang,
            "Money going out of our account (not a payment)",
            "เงินออกจากบัญชีของเรา (ไม่ใช่การรับชำระ)",
        )
        .into(),
        C::NoOrder => pick(
            lang,
            "No order claims this money",
            "ไม่มีคำสั่งซื้อใดเป็นเจ้าของเงินนี้",
        )
        .into(),
        C::OutsideDayWindow => pick(
            lang,
            "Booked outside the business day",
            "บันทึกรายการนอกช่วงเวลาของวันทำการ",
        )
        .into(),
        C::SlipWithoutOrder => pick(
            lang,
            "A slip that no order names explains this money",
            "มีสลิปที่ไม่ได้ระบุคำสั่งซื้อตรงกับเงินนี้",
        )
        .into(),
        C::Orders => match (leading_number(detail), lang) {
            (Some(n), Lang::En) => format!("Paid {n} orders"),
            (Some(n), Lang::Th) => format!("ชำระ {n} คำสั่งซื้อ"),
            (None, _) => pick(lang, "Paid several orders", "ชำระหลายคำสั่งซื้อ").into(),
        },
        C::AwaitingStatement | C::AwaitingPayment | C::AwaitingOrder => {
            let until = detail.strip_prefix("until ").unwrap_or(detail);
            let (what_en, what_th) = match code {
                C::AwaitingStatement => (
                    "Waiting for the money to reach our statement",
                    "รอเงินเข้าบัญชี",
                ),
                C::AwaitingPayment => ("Waiting for the payment", "รอการชำระเงิน"),
                _ => ("Waiting for its order", "รอคำสั่งซื้อ"),
            };
            match (has, lang) {
                (true, Lang::En) => format!("{what_en} until {until}"),
                (true, Lang::Th) => format!("{what_th} ถึงวันที่ {until}"),
                (false, _) => pick(lang, what_en, what_th).into(),
            }
        }
        C::Decided => said(
            decision_by(detail, lang),
            pick(lang, "A person decided this case", "มีผู้ตัดสินรายการนี้แล้ว"),
        ),
        C::WrittenOff => {
            let (amount, why) = detail.rsplit_once(' ').unwrap_or((detail, ""));
            let why = write_off_reason(why, lang);
            match (has, lang) {
                (true, Lang::En) => format!("Difference of {amount} written off ({why})"),
                (true, Lang::Th) => format!("ตัดจำหน่ายส่วนต่าง {amount} ({why})"),
                (false, _) => pick(lang, "The difference was written off", "ตัดจำหน่ายส่วนต่างแล้ว").into(),
            }
        }
        C::ResolvedAs => match lang {
            Lang::En => said(
                format!("Settled outside Recon: {}", resolution(detail, lang)),
                "Settled outside Recon",
            ),
            Lang::Th => said(
                format!("ปิดรายการนอกระบบ: {}", resolution(detail, lang)),
                "ปิดรายการนอกระบบแล้ว",
            ),
        },
        C::StaleDecision => {
            let (who, why) = detail.split_once(": ").unwrap_or((detail, ""));
            let who = decision_by(who, lang);
            match (has, lang, why.is_empty()) {
                (false, _, _) => pick(
                    lang,
                    "An earlier decision no longer fits: decide again",
                    "การตัดสินเดิมใช้ไม่ได้แล้ว: โปรดตัดสินใหม่",
                )
                .into(),
                (true, Lang::En, true) => format!("An earlier decision no longer fits ({who}): decide again"),
                (true, Lang::En, false) => {
                    format!("An earlier decision no longer fits ({who}: {why}): decide again")
                }
                (true, Lang::Th, true) => format!("การตัดสินเดิมใช้ไม่ได้แล้ว ({who}): โปรดตัดสินใหม่"),
                (true, Lang::Th, false) => {
                    format!("การตัดสินเดิมใช้ไม่ได้แล้ว ({who}: {why}): โปรดตัดสินใหม่")
                }
            }
        }
        C::PayerAlias => match lang {
            Lang::En => said(
                format!("The payer is a confirmed payer for this customer (since {detail})"),
                "The payer is a confirmed payer for this customer",
            ),
            Lang::Th => said(
                format!("ผู้โอนเป็นผู้ชำระแทนลูกค้ารายนี้ที่ยืนยันแล้ว (ตั้งแต่ {detail})"),
                "ผู้โอนเป็นผู้ชำระแทนลูกค้ารายนี้ที่ยืนยันแล้ว",
            ),
        },
        C::Declined => match lang {
            Lang::En => said(
                format!(
                    "A person said this order does not go with {}",
                    list(detail)
                ),
                "A person declined a link of this order",
            ),
            Lang::Th => said(
                format!("ผู้ตรวจระบุว่าคำสั่งซื้อนี้ไม่คู่กับ {}", list(detail)),
                "ผู้ตรวจปฏิเสธการจับคู่ของคำสั่งซื้อนี้",
            ),
        },
        C::Expired => match (leading_number(detail), en) {
            (Some(n), true) => {
                format!("Open {n} days without a decision: no longer carried to later days")
            }
            (Some(n), false) => format!("ค้างอยู่ {n} วันโดยไม่มีการตัดสิน: จะไม่ยกไปวันถัดไปอีก"),
            (None, _) => pick(
                lang,
                "Open too long without a decision: no longer carried to later days",
                "ค้างนานเกินไปโดยไม่มีการตัดสิน: จะไม่ยกไปวันถัดไปอีก",
            )
            .into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A typical detail per code, in the shape the matcher writes it.
    fn sample_detail(code: ReasonCode) -> Option<&'static str> {
        use ReasonCode as C;
        Some(match code {
            C::LinkedBy => "trans_ref",
            C::ShortBy | C::OverBy | C::FeeDeducted | C::SlipAmount => "50.00 THB",
            C::CurrencyDiffers => "USD",
            C::SplitPayment => "3 lines",
            C::PaidTogetherWith | C::ReusedBy | C::CompetingOrders | C::CandidateOrders => {
                "ORD-2,ORD-3"
            }
            C::DuplicateOf => "ORD-1@2026-11-20",
            C::DuplicateKey => "qr_payload",
            C::ReceiverAccount => "xxx-x-xx789-0",
            C::ReceiverProxy => "xxx-xxx-1234",
            C::ReceiverNameScore | C::NameScore => "0.640",
            C::Unreadable => "no amount found",
            C::NotReadYet => "provider stopped: quota",
            C::CandidateLines => "kbank.csv:19,kbank.csv:20",
            C::Customer => "สมชาย ใจดี",
            C::Payer => "JOHN LIM",
            C::Orders => "2",
            C::AwaitingStatement | C::AwaitingPayment | C::AwaitingOrder => "until 2026-11-22",
            C::Decided => "confirm by nok",
            C::WrittenOff => "10.00 THB bank_fee",
            C::ResolvedAs => "cash",
            C::StaleDecision => "write_off by nok: the difference is now 5.00 THB",
            C::PayerAlias => "2026-11-20",
            C::Declined => "kbank.csv:4|kbank.csv:5",
            C::Expired => "46 days open",
            _ => return None,
        })
    }

    fn check(raw: &str, words: &str) {
        assert!(!words.is_empty(), "{raw}: no words");
        assert_ne!(words, raw, "{raw}: the raw text came back");
        for bad in ["\\u{", "\\\"", "\\n", "Some(", "None"] {
            assert!(!words.contains(bad), "{raw}: {words:?} has {bad}");
        }
    }

    #[test]
    fn every_reason_code_gets_words_in_both_languages() {
        for code in ReasonCode::ALL {
            let mut reasons = vec![Reason::new(code)];
            if let Some(d) = sample_detail(code) {
                reasons.push(Reason::with(code, d));
            }
            for r in &reasons {
                let raw = r.to_string();
                for words in [reason_en(r), reason_th(r)] {
                    check(&raw, &words);
                    // No machine code with an underscore shows through
                    // (`trans_ref`, `bank_fee`, the code itself).
                    if code.as_str().contains('_') {
                        assert!(!words.contains(code.as_str()), "{raw}: {words}");
                    }
                }
                assert!(
                    !reason_en(r).contains('_'),
                    "{raw}: {} keeps a machine word",
                    reason_en(r)
                );
            }
        }
    }

    #[test]
    fn every_status_gets_words_and_a_next_step() {
        for s in Status::ALL {
            for words in [
                status_en(s),
                status_th(s),
                next_step_en(s),
                next_step_th(s),
                meaning_en(s),
                meaning_th(s),
            ] {
                check(s.as_str(), words);
            }
        }
        assert_eq!(status_en(Status::AmountMismatch), "Paid a different amount");
        assert_eq!(status_th(Status::AmountMismatch), "ยอดเงินไม่ตรง");
        assert_eq!(
            next_step_en(Status::AmountMismatch),
            "Check the difference: write it off (bank fee, rounding) or ask the customer for the rest"
        );
    }

    #[test]
    fn details_are_read_into_sentences() {
        let r = |code, d: &str| reason_en(&Reason::with(code, d));
        assert_eq!(
            r(ReasonCode::ShortBy, "50.00 THB"),
            "Paid 50.00 THB less than the order"
        );
        assert_eq!(
            r(ReasonCode::LinkedBy, "trans_ref"),
            "Linked by the slip's transaction reference"
        );
        assert_eq!(
            r(ReasonCode::NameScore, "0.640"),
            "The payer's name is 64% like the customer's"
        );
        assert_eq!(
            r(ReasonCode::CandidateLines, "kbank.csv:19,kbank.csv:20"),
            "Could be paid by statement line kbank.csv:19, kbank.csv:20"
        );
        assert_eq!(
            r(ReasonCode::AwaitingStatement, "until 2026-11-22"),
            "Waiting for the money to reach our statement until 2026-11-22"
        );
        assert_eq!(
            r(ReasonCode::DuplicateOf, "ORD-1@2026-11-20"),
            "This slip was already used by ORD-1 on 2026-11-20"
        );
        assert_eq!(
            r(ReasonCode::WrittenOff, "10.00 THB bank_fee"),
            "Difference of 10.00 THB written off (bank fee)"
        );
        assert_eq!(
            reasons_en(&[
                Reason::with(ReasonCode::LinkedBy, "amount_and_name"),
                Reason::with(ReasonCode::ShortBy, "50.00 THB"),
            ]),
            "Linked by the amount and the payer's name; Paid 50.00 THB less than the order"
        );
    }

    #[test]
    fn an_unknown_code_keeps_its_raw_text() {
        let old = Reason {
            code: "retired_code".into(),
            detail: Some("x=1".into()),
        };
        assert_eq!(reason_en(&old), "retired_code=x=1");
        assert_eq!(reason_th(&old), "retired_code=x=1");
    }
}
