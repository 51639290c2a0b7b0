//! Planning a day: who orders what, who pays how, which problems are
//! planted where, and what the reconciliation must conclude. Pure: no I/O,
//! everything drawn from one seeded ChaCha stream, so the same options give
//! the same plan on every machine.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use recon_core::{Currency, Day, Status};

use super::names::{
    NameNoise, OTHER_RECEIVERS, OTHER_RECEIVERS_KH, Origin, Person, SUPPLIERS, is_thai_mark,
};
use super::{GenError, GenOptions, PriorSlip};

mod draw;
mod model;

use draw::*;
pub(crate) use model::*;

pub(crate) fn plan_day(opts: &GenOptions) -> Result<DayPlan, GenError> {
    opts.validate()?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let n = opts.orders;
    let r = &opts.rates;

    // 1. Currencies: exact shares, shuffled, so a small day still has some
    //    of each.
    let mut currencies = Vec::with_capacity(n);
    let usd = count(opts.currencies.usd, n).max(usize::from(opts.currencies.usd > 0.0 && n >= 10));
    let khr = count(opts.currencies.khr, n).max(usize::from(opts.currencies.khr > 0.0 && n >= 10));
    currencies.extend(std::iter::repeat_n(Currency::Usd, usd.min(n)));
    currencies.extend(std::iter::repeat_n(
        Currency::Khr,
        khr.min(n - currencies.len()),
    ));
    currencies.resize(n, Currency::Thb);
    currencies.shuffle(&mut rng);

    // 2. Kinds: exact counts per planted problem, shuffled.
    let prior_dups = count(r.prior_day_duplicate, n).min(opts.previous_day_slips.len());
    let planted = [
        (
            OrderKind::PaidNoReference,
            count(r.line_without_reference, n),
        ),
        (OrderKind::PaidWithoutSlip, count(r.paid_without_slip, n)),
        (OrderKind::PaidWithoutSlipNameTypo, count(r.name_typo, n)),
        (OrderKind::PaidMaskedLineName, count(r.masked_line_name, n)),
        // Someone else paid: the odd one of them with the reference.
        (
            OrderKind::PaidByOtherPayer,
            count(r.other_payer, n).div_ceil(2),
        ),
        (OrderKind::PaidByThirdParty, count(r.other_payer, n) / 2),
        (OrderKind::Unpaid, count(r.unpaid, n)),
        (OrderKind::AmountMismatch, count(r.amount_mismatch, n)),
        (OrderKind::DuplicateSameDay, count(r.duplicate_slip, n)),
        (OrderKind::DuplicatePriorDay, prior_dups),
        (OrderKind::ReceiverMismatch, count(r.receiver_mismatch, n)),
        (
            OrderKind::SlipNotOnStatement,
            count(r.slip_not_on_statement, n),
        ),
        (OrderKind::NameMismatch, count(r.name_mismatch, n)),
        (OrderKind::UnreadableSlip, count(r.unreadable_slip, n)),
        (OrderKind::MalformedRow, count(r.malformed_order, n)),
    ];
    let mut kinds = Vec::with_capacity(n);
    for (kind, c) in planted {
        kinds.extend(std::iter::repeat_n(kind, c));
    }
    if kinds.len() > n {
        return Err(GenError::Options(format!(
            "the problem rates plant {} problems in {n} orders; they must add up to at most 1",
            kinds.len()
        )));
    }
    kinds.resize(n, OrderKind::Paid);
    kinds.shuffle(&mut rng);
    ensure_duplicates_follow_originals(&mut kinds);

    // 3. Order times across the day, sorted: order ids follow time. Orders
    //    end by 22:00 so that slip and booking stay inside the day.
    let midnight = local_midnight(opts.day)?;
    // Shops sell mostly from 08:00; a few night owls order before.
    let mut seconds: Vec<i64> = (0..n)
        .map(|_| {
            if rng.random_bool(0.1) {
                rng.random_range(1_800..28_800)
            } else {
                rng.random_range(28_800..79_200)
            }
        })
        .collect();
    seconds.sort_unstable();

    let extra_lines =
        count(r.unknown_transfer, n) + count(r.money_out, n) + count(r.malformed_statement_line, n);
    let mut pools: BTreeMap<Currency, AmountPool> = Currency::ALL
        .into_iter()
        .map(|c| {
            let expected = currencies.iter().filter(|&&x| x == c).count() * 2 + extra_lines;
            (c, AmountPool::for_currency(c, expected))
        })
        .collect();
    let mut refs = RefMaker::new(opts.previous_day_slips.iter().map(|p| p.trans_ref.clone()));
    let mut prior = opts.previous_day_slips.iter();
    let mut book = TransferBook::default();

    let width = n.to_string().len().max(4);
    let day_code = opts.day.date().format("%Y%m%d").to_string();
    let mut orders = Vec::with_capacity(n);
    let mut lines = Vec::new();
    let mut seq = 0u64;
    // Paid orders whose slip a later order may copy (same-day duplicates).
    let mut originals: Vec<usize> = Vec::new();
    let bank_layouts = opts.bank_layouts;
    let file_for = |c: Currency| match (bank_layouts, c) {
        (false, _) => StatementFile::Canonical,
        (true, Currency::Thb) => StatementFile::Kbank,
        (true, _) => StatementFile::AbaUsd,
    };

    let mut malformed_orders = 0usize;
    for i in 0..n {
        let mut kind = kinds[i];
        let order_id = format!("ORD-{day_code}-{:0width$}", i + 1);
        let ordered_at = midnight + Duration::seconds(seconds[i]);
        let mut currency = currencies[i];
        let copied = match kind {
            OrderKind::DuplicatePriorDay => prior.next().map(|p| p.facts.clone()),
            OrderKind::DuplicateSameDay if !originals.is_empty() => {
                let j = originals.swap_remove(rng.random_range(0..originals.len()));
                let original: &PlannedOrder = &orders[j];
                original.slip.as_ref().map(|s| s.facts.clone())
            }
            _ => None,
        };
        if copied.is_none()
            && matches!(
                kind,
                OrderKind::DuplicateSameDay | OrderKind::DuplicatePriorDay
            )
        {
            // Nothing to copy (cannot happen after the placement above):
            // an honest order keeps the expected outcome true.
            kind = OrderKind::Paid;
        }
        if let Some(f) = &copied {
            currency = f.currency;
        }
        let origin = origin_for(&mut rng, currency);
        let mut customer = Person::random(&mut rng, origin);
        let with_honorific = rng.random_bool(if origin == Origin::Thai { 0.5 } else { 0.3 });

        // The price: one of the popular ones for a share of the orders.
        // Orders whose money can only be told by amount + name (no slip),
        // and a stranger's money at a slip's amount and time, keep an
        // amount of their own; fakes copy a popular price twice as often
        // as honest orders do (what a faker would pay is what many pay).
        let crowd_chance = match kind {
            _ if copied.is_some() => 0.0,
            OrderKind::PaidWithoutSlip
            | OrderKind::PaidWithoutSlipNameTypo
            | OrderKind::NameMismatch
            | OrderKind::MalformedRow => 0.0,
            OrderKind::SlipNotOnStatement => (2.0 * r.crowded_share).min(1.0),
            _ => r.crowded_share,
        };
        let prices = crowded_prices(currency);
        let mut crowded_price = (crowd_chance > 0.0 && rng.random_bool(crowd_chance))
            .then(|| prices[rng.random_range(0..prices.len())]);
        let amount_diff = {
            let d = payment_differences(currency);
            d[rng.random_range(0..d.len())]
        };
        let over = rng.random_bool(0.5);

        // The transfer the customer (or someone) made, if any.
        let mut paid_at = ordered_at + Duration::seconds(payment_delay(&mut rng));
        let bank = sender_bank(&mut rng, currency);
        // Who really sent money: a relative or a mule for third-party
        // payers (slip and statement both name them), a stranger whose
        // money merely has the slip's amount and time for `name_mismatch`.
        let third_party = |rng: &mut ChaCha8Rng, customer: &Person| {
            if rng.random_bool(0.5) {
                Person::relative_of(rng, customer)
            } else {
                Person::random_unlike(rng, customer.origin, customer)
            }
        };
        let mut other = match kind {
            OrderKind::PaidByOtherPayer | OrderKind::PaidByThirdParty => {
                Some(third_party(&mut rng, &customer))
            }
            OrderKind::NameMismatch => {
                Some(Person::random_unlike(&mut rng, customer.origin, &customer))
            }
            _ => None,
        };
        // What the transfer moved: the order's price, or another amount.
        let paid_amount = |price: i64, pool: &AmountPool| -> i64 {
            if kind != OrderKind::AmountMismatch {
                return price;
            }
            if prices.contains(&price) {
                // A popular price paid wrong: the wrong amounts repeat too,
                // but never land on another popular price.
                let wrong = if over {
                    price + amount_diff
                } else {
                    price - amount_diff
                };
                if wrong > 0 && !prices.contains(&wrong) {
                    wrong
                } else if !prices.contains(&(price + amount_diff)) {
                    price + amount_diff
                } else {
                    price + 2 * amount_diff
                }
            } else {
                // Under-payment when the price allows it; over-payment when
                // that amount is taken or the price is small.
                let under = price - amount_diff;
                if price > amount_diff * 2 && !pool.is_used(under) && !over {
                    under
                } else {
                    let mut up = price + amount_diff;
                    while pool.is_used(up) {
                        up += pool.step;
                    }
                    up
                }
            }
        };
        // A transfer this order puts on a slip or the statement, checked
        // against the namesakes' transfers of the same amount.
        let transfers = !matches!(
            kind,
            OrderKind::PaidWithoutSlip
                | OrderKind::PaidWithoutSlipNameTypo
                | OrderKind::NameMismatch
                | OrderKind::Unpaid
                | OrderKind::UnreadableSlip
                | OrderKind::MalformedRow
                | OrderKind::DuplicateSameDay
                | OrderKind::DuplicatePriorDay
        );
        let pays_for_self = other.is_none();
        let mut tries = 0;
        while let (true, Some(price)) = (transfers, crowded_price) {
            let pool = pools.get(&currency).expect("a pool per currency");
            let payer = other.unwrap_or(customer);
            let at = (paid_at - midnight).num_seconds();
            if book.is_free(currency, paid_amount(price, pool), payer.identity(), at) {
                break;
            }
            // Another moment, then another person; failing that, the
            // order keeps an amount of its own (very large days run out of
            // room on the popular prices for a small pool of names).
            tries += 1;
            match tries {
                1..=3 => paid_at = ordered_at + Duration::seconds(payment_delay(&mut rng)),
                4..=6 if pays_for_self => customer = Person::random(&mut rng, origin),
                4..=6 => other = Some(third_party(&mut rng, &customer)),
                _ => crowded_price = None,
            }
        }
        let payer = other.unwrap_or(customer);
        // A relative shares the customer's family name: only the given name
        // tells them apart, so no document masks it (two visible letters
        // would be all the evidence there is).
        let relative = other.is_some_and(|o| o.identity().2 == customer.identity().2);
        let noise = |rng: &mut ChaCha8Rng, rates| {
            let mut n = NameNoise::draw(rng, rates);
            if relative {
                n.mask_given = 0;
            }
            n
        };
        let pool = pools.get_mut(&currency).expect("a pool per currency");
        let amount_minor = match (&copied, crowded_price) {
            (Some(f), _) => {
                pool.reserve(f.amount_minor);
                f.amount_minor
            }
            (None, Some(price)) => price,
            (None, None) => pool.draw(&mut rng),
        };
        let paid_minor = paid_amount(amount_minor, pool);
        pool.reserve(paid_minor);
        if transfers {
            let at = (paid_at - midnight).num_seconds();
            book.add(currency, paid_minor, payer.identity(), at);
        }
        let receiver = match kind {
            OrderKind::ReceiverMismatch => Receiver::Other(match currency {
                Currency::Thb => rng.random_range(0..OTHER_RECEIVERS.len()),
                _ => rng.random_range(0..OTHER_RECEIVERS_KH.len()),
            }),
            _ => Receiver::Ours {
                via_promptpay: currency == Currency::Thb && rng.random_bool(0.3),
            },
        };
        let slip_sender = match kind {
            // The slip of a stranger's money names the customer.
            OrderKind::NameMismatch => customer,
            _ => payer,
        };
        let facts = match copied {
            Some(f) => f,
            None => SlipFacts {
                currency,
                amount_minor: paid_minor,
                paid_at,
                trans_ref: refs.for_currency(&mut rng, currency, bank, paid_at),
                sender: slip_sender,
                sender_noise: noise(&mut rng, SLIP_NOISE),
                sender_bank: bank,
                sender_account: masked_account(&mut rng, currency),
                receiver,
            },
        };

        let has_slip = !matches!(
            kind,
            OrderKind::PaidWithoutSlip
                | OrderKind::PaidWithoutSlipNameTypo
                | OrderKind::Unpaid
                | OrderKind::MalformedRow
        );
        let slip = has_slip.then(|| PlannedSlip {
            facts: facts.clone(),
            order_amount_minor: amount_minor,
            seen_before: matches!(
                kind,
                OrderKind::DuplicateSameDay | OrderKind::DuplicatePriorDay
            ),
            truncated: kind == OrderKind::UnreadableSlip,
        });

        let on_statement = matches!(
            kind,
            OrderKind::Paid
                | OrderKind::PaidNoReference
                | OrderKind::PaidWithoutSlip
                | OrderKind::PaidWithoutSlipNameTypo
                | OrderKind::PaidMaskedLineName
                | OrderKind::PaidByOtherPayer
                | OrderKind::PaidByThirdParty
                | OrderKind::AmountMismatch
                | OrderKind::NameMismatch
        );
        let mut line_reference = false;
        if on_statement {
            // Most banks print no reference on the statement; some lines
            // carry the slip's transRef (without a slip, the bank's own).
            line_reference = match kind {
                OrderKind::PaidByOtherPayer => true,
                OrderKind::PaidNoReference
                | OrderKind::PaidMaskedLineName
                | OrderKind::PaidByThirdParty
                | OrderKind::NameMismatch => false,
                _ => rng.random_bool(r.reference_share),
            };
            let reference = line_reference.then(|| facts.trans_ref.clone());
            let line_account = match kind {
                OrderKind::NameMismatch => masked_account(&mut rng, currency),
                _ => facts.sender_account.clone(),
            };
            let mut line_noise = noise(&mut rng, LINE_NOISE);
            if kind == OrderKind::PaidMaskedLineName && line_noise.mask_family == 0 {
                line_noise.mask_family = 2;
                line_noise.typo = None;
            }
            if kind == OrderKind::PaidWithoutSlipNameTypo {
                // The customer's typo is the one slip in the names; a
                // second one on the statement, or a mask that shows the
                // letters the typo changed, would leave no fair match (the
                // typo sits after the second letter).
                line_noise.typo = None;
                line_noise.mask_given = line_noise.mask_given.min(2);
                line_noise.mask_family = line_noise.mask_family.min(2);
            }
            // The money lands 0-120 s after the slip's time (the KBank
            // export shows minutes only).
            let booked_at = facts.paid_at + Duration::seconds(rng.random_range(0..=120));
            seq += 1;
            lines.push(PlannedLine {
                file: file_for(currency),
                booked_at,
                currency,
                amount_minor: facts.amount_minor,
                counterparty_name: statement_name(&payer, currency, &line_noise),
                counterparty_account: line_account,
                counterparty_bank: bank_short(currency, facts.sender_bank),
                reference,
                channel: channel_for(&mut rng, currency, facts.sender_bank),
                kind: LineKind::Payment,
                defect: None,
                // A line linked to an order shares the order's verdict.
                expected: kind.expected(),
                seq,
                line_no: 0,
            });
        }
        let defect = (kind == OrderKind::MalformedRow).then(|| {
            malformed_orders += 1;
            [Defect::Amount, Defect::Time, Defect::Currency][(malformed_orders - 1) % 3]
        });
        if kind == OrderKind::Paid {
            originals.push(i);
        }
        orders.push(PlannedOrder {
            order_id,
            kind,
            customer,
            with_honorific,
            currency,
            amount_minor,
            ordered_at,
            slip,
            line_reference,
            crowded: prices.contains(&amount_minor),
            defect,
            line_no: i as u64 + 2,
        });
    }

    // 4. Lines no order explains: unknown payers, money out, broken rows.
    let mut extra = Vec::new();
    extra.extend(std::iter::repeat_n(
        LineKind::UnknownTransfer,
        count(r.unknown_transfer, n),
    ));
    extra.extend(std::iter::repeat_n(
        LineKind::MoneyOut,
        count(r.money_out, n),
    ));
    extra.extend(std::iter::repeat_n(
        LineKind::Malformed,
        count(r.malformed_statement_line, n),
    ));
    let mut malformed_lines = 0usize;
    for kind in extra {
        // Broken rows take turns: KBank date, canonical amount, KBank amount,
        // canonical date, so that each parser meets each kind of damage.
        let broken = (kind == LineKind::Malformed).then(|| {
            malformed_lines += 1;
            [
                (Currency::Thb, Defect::Time),
                (Currency::Usd, Defect::Amount),
                (Currency::Thb, Defect::Amount),
                (Currency::Usd, Defect::Time),
            ][(malformed_lines - 1) % 4]
        });
        let currency = match broken {
            Some((currency, _)) if bank_layouts => currency,
            _ => {
                let roll: f64 = rng.random();
                if roll < opts.currencies.usd {
                    Currency::Usd
                } else if roll < opts.currencies.usd + opts.currencies.khr {
                    Currency::Khr
                } else {
                    Currency::Thb
                }
            }
        };
        let booked_at = midnight + Duration::seconds(rng.random_range(1_800..84_000));
        let amount = pools
            .get_mut(&currency)
            .expect("a pool per currency")
            .draw(&mut rng);
        let bank = sender_bank(&mut rng, currency);
        seq += 1;
        let line = match kind {
            LineKind::MoneyOut => {
                let supplier = SUPPLIERS[rng.random_range(0..SUPPLIERS.len())];
                PlannedLine {
                    file: file_for(currency),
                    booked_at,
                    currency,
                    amount_minor: -amount,
                    counterparty_name: match currency {
                        Currency::Thb => supplier.0.to_string(),
                        _ => supplier.1.to_string(),
                    },
                    counterparty_account: masked_account(&mut rng, currency),
                    counterparty_bank: bank_short(currency, bank),
                    reference: None,
                    channel: if currency == Currency::Thb {
                        "Internet"
                    } else {
                        ""
                    },
                    kind,
                    defect: None,
                    expected: Some(Status::StatementUnmatched),
                    seq,
                    line_no: 0,
                }
            }
            LineKind::UnknownTransfer | LineKind::Malformed | LineKind::Payment => {
                let origin = origin_for(&mut rng, currency);
                let payer = Person::random(&mut rng, origin);
                let reference = rng
                    .random_bool(0.5)
                    .then(|| refs.for_currency(&mut rng, currency, bank, booked_at));
                PlannedLine {
                    file: file_for(currency),
                    booked_at,
                    currency,
                    amount_minor: amount,
                    counterparty_name: statement_name(
                        &payer,
                        currency,
                        &NameNoise::draw(&mut rng, LINE_NOISE),
                    ),
                    counterparty_account: masked_account(&mut rng, currency),
                    counterparty_bank: bank_short(currency, bank),
                    reference,
                    channel: channel_for(&mut rng, currency, bank),
                    kind,
                    defect: broken.map(|(_, defect)| defect),
                    expected: broken.is_none().then_some(Status::StatementUnmatched),
                    seq,
                    line_no: 0,
                }
            }
        };
        lines.push(line);
    }

    // 5. Each statement file in booking order, numbered by physical line.
    let mut by_file: BTreeMap<StatementFile, Vec<PlannedLine>> = BTreeMap::new();
    if bank_layouts {
        by_file.insert(StatementFile::Kbank, Vec::new());
        by_file.insert(StatementFile::AbaUsd, Vec::new());
    } else {
        by_file.insert(StatementFile::Canonical, Vec::new());
    }
    for line in lines {
        by_file.entry(line.file).or_default().push(line);
    }
    let statements = by_file
        .into_iter()
        .map(|(file, mut lines)| {
            lines.sort_by_key(|l| (l.booked_at, l.seq));
            for (k, l) in lines.iter_mut().enumerate() {
                l.line_no = file.first_line() + k as u64;
            }
            StatementPlan {
                file,
                opening_minor: rng.random_range(25_000_000..90_000_000),
                lines,
            }
        })
        .collect();

    let reusable = orders
        .iter()
        .filter(|o| o.kind == OrderKind::Paid)
        .filter_map(|o| {
            let s = o.slip.as_ref()?;
            Some(PriorSlip {
                day: opts.day,
                order_id: o.order_id.clone(),
                trans_ref: s.facts.trans_ref.clone(),
                amount: s.facts.amount(),
                facts: s.facts.clone(),
            })
        })
        .take(REUSABLE_SLIPS)
        .collect();

    Ok(DayPlan {
        day: opts.day,
        orders,
        statements,
        reusable,
    })
}

/// A customer's typing slip: one letter of the longest word doubled
/// (`Smith` → `Smiith`, `สมชาย` → `สมชชาย`). One letter in a name keeps it
/// the same person for any fair comparison.
pub(crate) fn double_a_letter(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let Some((longest, _)) = words
        .iter()
        .enumerate()
        .max_by_key(|(k, w)| (w.chars().count(), std::cmp::Reverse(*k)))
    else {
        return name.to_string();
    };
    let chars: Vec<char> = words[longest].chars().collect();
    let mut at = chars.len() / 2;
    while at < chars.len() && (is_thai_mark(chars[at]) || !chars[at].is_alphabetic()) {
        at += 1;
    }
    if at >= chars.len() {
        return name.to_string();
    }
    let mut typo: String = chars[..=at].iter().collect();
    typo.push(chars[at]);
    typo.extend(&chars[at + 1..]);
    let mut out = words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    out[longest] = typo;
    out.join(" ")
}

/// A same-day duplicate copies the slip of an earlier paid order, so every
/// duplicate needs one more paid order before it than duplicates before it.
/// Swaps a duplicate with a later paid order when the day starts with one;
/// a duplicate that cannot be placed becomes a plain paid order.
fn ensure_duplicates_follow_originals(kinds: &mut [OrderKind]) {
    let mut paid = 0usize;
    let mut dups = 0usize;
    for i in 0..kinds.len() {
        if kinds[i] == OrderKind::DuplicateSameDay && paid <= dups {
            match (i + 1..kinds.len()).find(|&k| kinds[k] == OrderKind::Paid) {
                Some(k) => kinds.swap(i, k),
                None => kinds[i] = OrderKind::Paid,
            }
        }
        match kinds[i] {
            OrderKind::Paid => paid += 1,
            OrderKind::DuplicateSameDay => dups += 1,
            _ => {}
        }
    }
}

/// Local midnight of the day in Asia/Bangkok, the zone of every sample day.
pub(crate) fn local_midnight(day: Day) -> Result<DateTime<FixedOffset>, GenError> {
    let naive = day
        .date()
        .and_hms_opt(0, 0, 0)
        .ok_or_else(|| GenError::Options(format!("{day} has no midnight")))?;
    chrono_tz::Asia::Bangkok
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.fixed_offset())
        .ok_or_else(|| GenError::Options(format!("{day} has no local midnight in Asia/Bangkok")))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn duplicates_are_moved_after_an_original() {
        use OrderKind::*;
        let mut kinds = vec![DuplicateSameDay, Unpaid, Paid, DuplicateSameDay, Paid];
        ensure_duplicates_follow_originals(&mut kinds);
        assert_eq!(
            kinds,
            vec![Paid, Unpaid, DuplicateSameDay, Paid, DuplicateSameDay]
        );
        // Every duplicate has more paid orders before it than duplicates.
        let mut paid = 0;
        let mut dups = 0;
        for k in &kinds {
            match k {
                Paid => paid += 1,
                DuplicateSameDay => {
                    assert!(paid > dups, "{kinds:?}");
                    dups += 1;
                }
                _ => {}
            }
        }
        assert_eq!(dups, 2);
    }

    #[test]
    fn typos_double_one_letter() {
        assert_eq!(double_a_letter("John Smith"), "John Smiith");
        assert_eq!(double_a_letter("Sok Dara"), "Sok Darra");
        // สมชาย: the middle is ช, a consonant.
        assert_eq!(double_a_letter("สมชาย ใจดี"), "สมชชาย ใจดี");
        // กิตติศักดิ์: never a doubled vowel or tone mark.
        let typo = double_a_letter("กิตติศักดิ์ ใจดี");
        assert_eq!(typo.chars().count(), "กิตติศักดิ์ ใจดี".chars().count() + 1);
        assert!(
            !typo
                .chars()
                .zip(typo.chars().skip(1))
                .any(|(a, b)| a == b && is_thai_mark(a))
        );
    }

    #[test]
    fn a_duplicate_with_no_possible_original_becomes_paid() {
        let mut kinds = vec![OrderKind::DuplicateSameDay, OrderKind::Unpaid];
        ensure_duplicates_follow_originals(&mut kinds);
        assert_eq!(kinds, vec![OrderKind::Paid, OrderKind::Unpaid]);
    }

    #[test]
    fn amount_pool_never_repeats_and_grows_when_full() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut pool = AmountPool::for_currency(Currency::Khr, 50_000);
        let mut seen = HashSet::new();
        for _ in 0..50_000 {
            let a = pool.draw(&mut rng);
            assert!(a >= 1_000_000 && a % 10_000 == 0, "{a}");
            assert!(seen.insert(a));
        }
    }

    #[test]
    fn kbank_trans_ref_has_the_bank_shape() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut refs = RefMaker::new([]);
        let at = local_midnight("2026-11-21".parse().unwrap()).unwrap() + Duration::seconds(50_712);
        let r = refs.thai(&mut rng, "KBANK", at);
        assert!(r.starts_with("015325140512"), "{r}");
        assert_eq!(r.len(), 20);
        let other = refs.thai(&mut rng, "SCB", at);
        assert_eq!(other.len(), 24, "{other}");
        assert!(refs.cambodian(&mut rng).starts_with('6'));
    }
}
