//! Slip images: a few THB orders of a day upload a picture of the bank
//! app's slip instead of a saved provider body, so that the sample days run
//! the local reader (QR + tesseract) end to end during `recon reconcile`.
//!
//! The picture is drawn by the local reader's own renderer
//! (`crate::render`) from the same facts the EasySlip
//! body would carry: sending bank, transRef (→ the slip-verification QR),
//! amount, time, sender and receiver names and masked accounts.
//!
//! Which orders get an image is chosen so that the planted status does not
//! hang on how well tesseract reads a name: `paid` orders whose statement
//! line carries the transRef (the QR gives it exactly) and whose slip
//! prints the sender's name whole, at a price of their own (not a popular
//! one), plus one
//! `receiver_mismatch` or `amount_mismatch` (amount and receiver are the
//! fields the reader gets right on every round-trip slip). The choice is drawn from a stream of its
//! own, so asking for images changes no other file of the day.

use std::collections::BTreeMap;

use crate::render::{Encoding, RenderOptions, SlipSpec, render};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use recon_core::Money;

use super::GenError;
use super::json::{OUR_THB_ACCOUNT_MASKED, OUR_THB_NAME_EN, OUR_THB_NAME_TH};
use super::names::{OTHER_RECEIVERS, Script};
use super::plan::{DayPlan, OrderKind, PlannedOrder, PlannedSlip, Receiver, THAI_BANKS};

/// Mixed into the day's seed for the image stream, so it never replays the
/// planning stream.
const IMAGE_STREAM: u64 = 0x1A6E_511F;

/// Sending banks whose app layout the local reader has rules for; other
/// Thai banks fall back to generic rules and are left as JSON here.
const READER_LAYOUTS: [&str; 4] = ["KBANK", "SCB", "KTB", "BBL"];

/// JPEG quality of the one photo-like slip: what a phone gallery saves.
const JPEG_QUALITY: u8 = 85;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Png,
    Jpeg,
}

/// The orders of a day whose slip is an image, by order id.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageSlips(BTreeMap<String, Format>);

impl ImageSlips {
    /// Up to `count` image slips for the day planned with `seed`: one
    /// `receiver_mismatch` (else `amount_mismatch`) when the day has a THB
    /// one and `count` ≥ 2, the rest `paid` orders, one of them a JPEG.
    pub fn choose(plan: &DayPlan, count: usize, seed: u64) -> ImageSlips {
        if count == 0 {
            return ImageSlips::default();
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ IMAGE_STREAM);
        // A slip another order of the day copies stays JSON, so a same-day
        // duplicate never hangs on the reader. (A later day may still reuse
        // an image slip: the QR gives its transRef exactly.)
        let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &plan.orders {
            if let Some(s) = &o.slip {
                *shared.entry(s.facts.trans_ref.as_str()).or_insert(0) += 1;
            }
        }
        let eligible = |o: &PlannedOrder, want: OrderKind| {
            o.kind == want
                && o.currency == recon_core::Currency::Thb
                && o.defect.is_none()
                // A receiver mismatch has no line; the others' lines show
                // the transRef, so the link never hangs on a name.
                && (o.line_reference || want == OrderKind::ReceiverMismatch)
                // A paid one off the popular prices: its amount is its own
                // on the statement too.
                && (!o.crowded || want != OrderKind::Paid)
                && o.slip.as_ref().is_some_and(|s| {
                    !s.truncated
                        && !s.seen_before
                        // The picture prints the name whole: no mask or
                        // typo for tesseract to stumble on.
                        && s.facts.sender_noise.is_clean()
                        && shared.get(s.facts.trans_ref.as_str()) == Some(&1)
                        && READER_LAYOUTS.contains(&THAI_BANKS[s.facts.sender_bank].1)
                })
        };
        let pick = |want: OrderKind| -> Vec<&str> {
            plan.orders
                .iter()
                .filter(|o| eligible(o, want))
                .map(|o| o.order_id.as_str())
                .collect()
        };
        let mut chosen = BTreeMap::new();
        let mut mismatches = pick(OrderKind::ReceiverMismatch);
        if mismatches.is_empty() {
            // The statement line carries the transRef, so the link does not
            // hang on the payer's name either.
            mismatches = pick(OrderKind::AmountMismatch);
        }
        let mut paid_wanted = count;
        if count >= 2 && !mismatches.is_empty() {
            let id = mismatches[rng.random_range(0..mismatches.len())];
            chosen.insert(id.to_string(), Format::Png);
            paid_wanted -= 1;
        }
        let mut paid = pick(OrderKind::Paid);
        paid.shuffle(&mut rng);
        paid.truncate(paid_wanted);
        paid.sort_unstable();
        for (k, id) in paid.iter().enumerate() {
            let format = if k == 0 { Format::Jpeg } else { Format::Png };
            chosen.insert(id.to_string(), format);
        }
        ImageSlips(chosen)
    }

    /// The file name in `slips/` when the order's slip is an image.
    pub fn file_name(&self, order_id: &str) -> Option<String> {
        self.0.get(order_id).map(|f| match f {
            Format::Png => format!("{order_id}.png"),
            Format::Jpeg => format!("{order_id}.jpg"),
        })
    }

    /// The image bytes of the order's slip, when it is an image.
    pub fn render(&self, order: &PlannedOrder) -> Result<Option<Vec<u8>>, GenError> {
        let (Some(format), Some(slip)) = (self.0.get(&order.order_id), &order.slip) else {
            return Ok(None);
        };
        let opts = RenderOptions {
            encoding: match format {
                Format::Png => Encoding::Png,
                Format::Jpeg => Encoding::Jpeg(JPEG_QUALITY),
            },
            ..RenderOptions::default()
        };
        render(&spec(slip), &opts)
            .map(Some)
            .map_err(|e| GenError::Options(format!("slip image of {}: {e}", order.order_id)))
    }
}

/// What the bank app prints for the transfer: the facts of the EasySlip
/// body, in the app's language (Bangkok Bank's app prints Latin names).
fn spec(slip: &PlannedSlip) -> SlipSpec {
    let f = &slip.facts;
    let bank = THAI_BANKS[f.sender_bank].1;
    let thai_app = bank != "BBL";
    let (receiver_name, receiver_account, receiver_bank) = match f.receiver {
        // Paid through our PromptPay proxy or not, the EasySlip body carries
        // the bank account behind it, and so does the picture.
        Receiver::Ours { .. } => (
            if thai_app {
                OUR_THB_NAME_TH
            } else {
                OUR_THB_NAME_EN
            },
            OUR_THB_ACCOUNT_MASKED,
            "KBANK",
        ),
        Receiver::Other(k) => {
            let (th, en, bank, account) = OTHER_RECEIVERS[k % OTHER_RECEIVERS.len()];
            (if thai_app { th } else { en }, account, bank)
        }
    };
    SlipSpec {
        bank: bank.to_string(),
        amount: Money::from_minor(f.amount_minor, f.currency),
        fee: None,
        transferred_at: f.paid_at,
        sender_name: f.sender_name(if thai_app {
            Script::Bank
        } else {
            Script::Latin
        }),
        sender_account: f.sender_account.clone(),
        receiver_name: receiver_name.to_string(),
        receiver_account: receiver_account.to_string(),
        receiver_bank: receiver_bank.to_string(),
        trans_ref: f.trans_ref.clone(),
        qr_payload: None,
        remark: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{GenOptions, generate_day, plan::plan_day, sample_days};
    use super::*;

    #[test]
    fn choice_is_paid_thb_slips_plus_one_mismatch_and_one_jpeg() {
        // Planned as `write_sample_data` chains them: the 21st reuses
        // slips of the 20th.
        let [first, mut second] = sample_days();
        second.previous_day_slips = plan_day(&first).unwrap().reusable;
        for opts in [first, second] {
            let plan = plan_day(&opts).unwrap();
            let chosen = ImageSlips::choose(&plan, 5, opts.seed);
            assert_eq!(chosen.0.len(), 5, "{}", opts.day);
            let jpegs = chosen.0.values().filter(|f| **f == Format::Jpeg).count();
            assert_eq!(jpegs, 1, "{}", opts.day);
            let mut mismatches = 0;
            for id in chosen.0.keys() {
                let o = plan.orders.iter().find(|o| &o.order_id == id).unwrap();
                assert_eq!(o.currency, recon_core::Currency::Thb, "{id}");
                let bank = THAI_BANKS[o.slip.as_ref().unwrap().facts.sender_bank].1;
                assert!(READER_LAYOUTS.contains(&bank), "{id}: {bank}");
                match o.kind {
                    OrderKind::Paid => {}
                    OrderKind::ReceiverMismatch | OrderKind::AmountMismatch => mismatches += 1,
                    other => panic!("{id}: {other:?} should stay JSON"),
                }
            }
            assert_eq!(mismatches, 1, "{}", opts.day);
            // Same plan, same seed: same choice.
            let again = ImageSlips::choose(&plan, 5, opts.seed);
            assert_eq!(chosen.0, again.0);
            assert!(ImageSlips::choose(&plan, 0, opts.seed).0.is_empty());
        }
    }

    #[test]
    fn images_change_only_the_chosen_slips_and_their_slip_column() {
        let day = "2026-11-21".parse().unwrap();
        let json_only = tempfile::tempdir().unwrap();
        let with_images = tempfile::tempdir().unwrap();
        let mut opts = GenOptions::new(day, 80, 7);
        // Image slips are chosen among lines that show the transRef.
        opts.rates.reference_share = 0.5;
        generate_day(&opts, json_only.path()).unwrap();
        opts.image_slips = 4;
        generate_day(&opts, with_images.path()).unwrap();
        let a = json_only.path().join("2026-11-21");
        let b = with_images.path().join("2026-11-21");
        for f in [
            "statements/kbank.csv",
            "statements/aba-usd.csv",
            "expected/reconciliation.csv",
            "expected/statement.csv",
            "expected/planted.csv",
        ] {
            assert_eq!(
                std::fs::read(a.join(f)).unwrap(),
                std::fs::read(b.join(f)).unwrap(),
                "{f}"
            );
        }
        let orders_a = std::fs::read_to_string(a.join("orders/orders.csv")).unwrap();
        let orders_b = std::fs::read_to_string(b.join("orders/orders.csv")).unwrap();
        let mut images = 0;
        for (la, lb) in orders_a.lines().zip(orders_b.lines()) {
            if la == lb {
                continue;
            }
            let id = la.split(',').next().unwrap();
            let image = lb.rsplit(',').next().unwrap();
            assert!(la.ends_with(&format!("{id}.json")), "{la}");
            assert!(
                image == format!("{id}.png") || image == format!("{id}.jpg"),
                "{lb}"
            );
            let bytes = std::fs::read(b.join("slips").join(image)).unwrap();
            assert!(bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8"));
            assert!(!b.join("slips").join(format!("{id}.json")).exists());
            images += 1;
        }
        assert_eq!(images, 4);
    }
}
