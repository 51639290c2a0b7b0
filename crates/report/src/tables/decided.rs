//! The day's decisions looked up by the row they are about.
//!
//! A decision names its case as the reports do ([`CaseRef`]): an order by
//! its id, a statement line by `<file>:<line>` (carried ones with their
//! `<day>/` prefix), a slip by its file name. A row is looked up without
//! building its name: statement-line ids are split into file and line once,
//! here, so a day of a million lines makes no string per row. A day
//! without decisions looks nothing up at all.

use recon_core::{CaseRef, Decision, ItemKind, SourceRef};

use super::HashMap;

/// Decisions by the row they are about; for a case named twice, the later
/// one (the order given: `applied` is one per case, `stale` is in the order
/// the decisions were recorded, so the latest wins).
#[derive(Debug, Default)]
pub(crate) struct DecisionIndex<'a> {
    orders: HashMap<&'a str, &'a Decision>,
    /// By (file, line) of the `<file>:<line>` id.
    lines: HashMap<(&'a str, u64), &'a Decision>,
    slips: HashMap<&'a str, &'a Decision>,
}

impl<'a> DecisionIndex<'a> {
    pub(crate) fn new(decisions: impl IntoIterator<Item = &'a Decision>) -> DecisionIndex<'a> {
        let mut index = DecisionIndex::default();
        for d in decisions {
            let CaseRef { kind, id } = &d.case;
            match kind {
                ItemKind::Order => {
                    index.orders.insert(id.as_str(), d);
                }
                ItemKind::StatementLine => {
                    // An id that is not `<file>:<line>` names no row.
                    if let Some((file, line)) = id.rsplit_once(':')
                        && let Ok(line) = line.parse()
                    {
                        index.lines.insert((file, line), d);
                    }
                }
                ItemKind::Slip => {
                    index.slips.insert(id.as_str(), d);
                }
            }
        }
        index
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.orders.is_empty() && self.lines.is_empty() && self.slips.is_empty()
    }

    pub(crate) fn order(&self, order_id: &str) -> Option<&'a Decision> {
        if self.orders.is_empty() {
            return None;
        }
        self.orders.get(order_id).copied()
    }

    pub(crate) fn line(&self, line: &SourceRef) -> Option<&'a Decision> {
        if self.lines.is_empty() {
            return None;
        }
        self.lines.get(&(line.file.as_str(), line.line)).copied()
    }

    pub(crate) fn slip(&self, file: &str) -> Option<&'a Decision> {
        if self.slips.is_empty() {
            return None;
        }
        self.slips.get(file).copied()
    }

    /// A case by its kind and id as written (the exception rows of breaks
    /// that have no row of their own).
    pub(crate) fn case(&self, kind: ItemKind, id: &str) -> Option<&'a Decision> {
        match kind {
            ItemKind::Order => self.order(id),
            ItemKind::StatementLine => {
                let (file, line) = id.rsplit_once(':')?;
                self.line(&SourceRef::new(file, line.parse().ok()?))
            }
            ItemKind::Slip => self.slip(id),
        }
    }
}

/// The word a page shows for a decision that stands: `confirmed by …`.
pub(crate) fn past_tense(kind: recon_core::DecisionKind) -> &'static str {
    use recon_core::DecisionKind as K;
    match kind {
        K::Confirm => "confirmed",
        K::Link => "linked",
        K::Decline => "declined",
        K::WriteOff => "written off",
        K::Resolve => "resolved",
        K::Reopen => "reopened",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use recon_core::DecisionKind;

    fn decision(kind: ItemKind, id: &str, note: &str) -> Decision {
        Decision {
            day: "2026-11-21".parse().unwrap(),
            kind: DecisionKind::Confirm,
            case: CaseRef {
                kind,
                id: id.into(),
            },
            with: vec![],
            amount: None,
            reason: None,
            note: note.into(),
            by: "somchai".into(),
            at: chrono::FixedOffset::east_opt(7 * 3600)
                .unwrap()
                .with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
                .unwrap(),
        }
    }

    #[test]
    fn rows_find_their_decision_by_the_name_the_reports_give_them() {
        let ds = [
            decision(ItemKind::Order, "A-1", "first"),
            decision(ItemKind::StatementLine, "2026-11-20/kbank.csv:12", ""),
            decision(ItemKind::StatementLine, "kbank.csv:12", ""),
            decision(ItemKind::StatementLine, "no-line-number", ""),
            decision(ItemKind::Slip, "a.png", ""),
            decision(ItemKind::Order, "A-1", "later"),
        ];
        let index = DecisionIndex::new(&ds);
        assert_eq!(index.order("A-1").unwrap().note, "later");
        assert!(index.order("A-2").is_none());
        let carried = SourceRef::new("2026-11-20/kbank.csv", 12);
        assert_eq!(index.line(&carried).unwrap().case.id, carried.to_string());
        let own = SourceRef::new("kbank.csv", 12);
        assert_eq!(index.line(&own).unwrap().case.id, "kbank.csv:12");
        assert!(index.line(&SourceRef::new("kbank.csv", 13)).is_none());
        assert!(index.slip("a.png").is_some() && index.slip("b.png").is_none());
        assert!(
            index
                .case(ItemKind::StatementLine, "2026-11-20/kbank.csv:12")
                .is_some()
        );
        assert!(index.case(ItemKind::Order, "kbank.csv:12").is_none());
        assert!(DecisionIndex::new([]).is_empty());
    }
}
