//! Is a slip paid to one of our accounts?

use super::*;

pub(super) struct OurPrepared {
    pub(super) account: AccountMask,
    pub(super) proxies: Vec<AccountMask>,
    pub(super) names: Vec<NormalizedName>,
}

/// Is the slip's receiver one of our accounts? By account digits, by
/// PromptPay proxy, or by name ≥ threshold; nothing shown is not a mismatch.
pub(super) fn check_receiver(
    slip: &Slip,
    ours: &[OurPrepared],
    threshold: f64,
) -> (Receiver, Vec<Reason>) {
    let r = &slip.receiver;
    let mut shown = false;
    if let Some(acc) = &r.account {
        if acc.positions().bytes().any(|b| b.is_ascii_digit()) {
            shown = true;
        }
        for o in ours {
            if compare_accounts(acc, &o.account) == AccountVerdict::Same
                || o.proxies
                    .iter()
                    .any(|p| compare_accounts(acc, p) == AccountVerdict::Same)
            {
                return (Receiver::Ours, vec![]);
            }
        }
    }
    if let Some(proxy) = &r.proxy {
        shown = true;
        for o in ours {
            if o.proxies
                .iter()
                .chain(std::iter::once(&o.account))
                .any(|p| compare_accounts(&proxy.value, p) == AccountVerdict::Same)
            {
                return (Receiver::Ours, vec![]);
            }
        }
    }
    let mut best: Option<f64> = None;
    for n in r.names() {
        let nn = names::normalize_name(n);
        if nn.is_empty() {
            continue;
        }
        shown = true;
        for o in ours {
            for on in &o.names {
                let s = names::similarity_any_kind(&nn, on);
                best = Some(best.map_or(s, |b: f64| b.max(s)));
            }
        }
    }
    if best.is_some_and(|b| b >= threshold) {
        return (Receiver::Ours, vec![]);
    }
    if !shown {
        return (Receiver::NotShown, vec![]);
    }
    let mut reasons = Vec::new();
    if let Some(acc) = &r.account {
        reasons.push(Reason::with(ReasonCode::ReceiverAccount, acc.masked()));
    }
    if let Some(p) = &r.proxy {
        reasons.push(Reason::with(ReasonCode::ReceiverProxy, p.value.masked()));
    }
    if let Some(b) = best {
        reasons.push(Reason::with(ReasonCode::ReceiverNameScore, score_reason(b)));
    }
    (Receiver::NotOurs, reasons)
}
