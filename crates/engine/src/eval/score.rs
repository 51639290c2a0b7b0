//! Comparing reported rows with the truth: per-status scores, confusions, wrong links.

use std::collections::{BTreeMap, HashMap};

use recon_core::Status;

use super::{CONFUSION_EXAMPLES, EXAMPLES, FRAUD, Row, natural_cmp};

/// A count and the first few of what it counts (the smallest ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples<T = String> {
    pub count: usize,
    pub items: Vec<T>,
    pub(super) cap: usize,
}

impl<T> Examples<T> {
    fn new(cap: usize) -> Self {
        Examples {
            count: 0,
            items: Vec::new(),
            cap,
        }
    }

    /// Counts one; keeps it if fewer than `cap` are kept (callers push in
    /// natural id order, so the smallest are kept).
    fn push(&mut self, item: T) {
        self.count += 1;
        if self.items.len() < self.cap {
            self.items.push(item);
        }
    }
}

/// Precision and recall of one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusScore {
    pub status: Status,
    /// Items whose truth and report are both this status.
    pub correct: usize,
    /// Items whose truth is this status.
    pub truth: usize,
    /// Items of the truth reported with this status.
    pub reported: usize,
}

impl StatusScore {
    /// correct / reported, `None` when nothing was reported so.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.correct, self.reported)
    }
    /// correct / truth, `None` when the truth has none.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.correct, self.truth)
    }
}

/// Items of one truth status reported as another (`None`: missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub truth: Status,
    pub reported: Option<Status>,
    pub ids: Examples,
}

impl Confusion {
    pub fn reported_word(&self) -> &'static str {
        self.reported.map_or("(missing)", Status::as_str)
    }
}

/// A truth file compared with a report file.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Rows in the truth.
    pub truth: usize,
    /// Rows in the report.
    pub reported: usize,
    /// Truth ids the report lacks.
    pub missing: Examples,
    /// Report ids the truth lacks (not counted anywhere else).
    pub extra: Examples,
    /// Every status of the truth or reported for its ids, by word.
    pub statuses: Vec<StatusScore>,
    /// Truth ids reported with their truth status.
    pub correct: usize,
    /// Reported `matched`, truth anything else.
    pub false_matches: Examples,
    /// Truth `matched`, reported anything else.
    pub false_alarms: Examples,
    /// Truth status in [`FRAUD`].
    pub fraud_total: usize,
    /// ... and reported, as anything but `matched`.
    pub fraud_flagged: usize,
    /// Every (truth, reported) pair that differs, most frequent first, ties
    /// by truth word then reported word.
    pub confusions: Vec<Confusion>,
}

impl Comparison {
    /// correct / truth, `None` for an empty truth.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.correct, self.truth)
    }
}

pub(super) fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Compares labelled rows with reported rows (ids unique on each side, as
/// [`parse_rows`] guarantees).
pub fn compare(truth: &[Row], reported: &[Row]) -> Comparison {
    let got: HashMap<&str, Status> = reported.iter().map(|r| (r.id.as_str(), r.status)).collect();
    let mut ordered: Vec<&Row> = truth.iter().collect();
    ordered.sort_by(|a, b| natural_cmp(&a.id, &b.id));

    // Keyed by word, so the table comes out sorted by the status word.
    let mut scores: BTreeMap<&'static str, StatusScore> = BTreeMap::new();
    let mut c = Comparison {
        truth: truth.len(),
        reported: reported.len(),
        missing: Examples::new(EXAMPLES),
        extra: Examples::new(EXAMPLES),
        statuses: Vec::new(),
        correct: 0,
        false_matches: Examples::new(EXAMPLES),
        false_alarms: Examples::new(EXAMPLES),
        fraud_total: 0,
        fraud_flagged: 0,
        confusions: Vec::new(),
    };
    let mut pairs: HashMap<(Status, Option<Status>), Examples> = HashMap::new();
    let blank = |status: Status| StatusScore {
        status,
        correct: 0,
        truth: 0,
        reported: 0,
    };
    for row in ordered {
        let truth = row.status;
        let reported = got.get(row.id.as_str()).copied();
        scores
            .entry(truth.as_str())
            .or_insert_with(|| blank(truth))
            .truth += 1;
        match reported {
            Some(r) => {
                scores
                    .entry(r.as_str())
                    .or_insert_with(|| blank(r))
                    .reported += 1
            }
            None => c.missing.push(row.id.clone()),
        }
        if reported == Some(truth) {
            c.correct += 1;
            scores
                .get_mut(truth.as_str())
                .expect("counted above")
                .correct += 1;
        } else {
            pairs
                .entry((truth, reported))
                .or_insert_with(|| Examples::new(CONFUSION_EXAMPLES))
                .push(row.id.clone());
        }
        if reported == Some(Status::Matched) && truth != Status::Matched {
            c.false_matches.push(row.id.clone());
        }
        if truth == Status::Matched && reported.is_some_and(|r| r != Status::Matched) {
            c.false_alarms.push(row.id.clone());
        }
        if FRAUD.contains(&truth) {
            c.fraud_total += 1;
            if reported.is_some_and(|r| r != Status::Matched) {
                c.fraud_flagged += 1;
            }
        }
    }
    let known: std::collections::HashSet<&str> = truth.iter().map(|r| r.id.as_str()).collect();
    let mut extra: Vec<&str> = reported
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !known.contains(id))
        .collect();
    extra.sort_by(|a, b| natural_cmp(a, b));
    for id in extra {
        c.extra.push(id.to_string());
    }
    c.statuses = scores.into_values().collect();
    c.confusions = pairs
        .into_iter()
        .map(|((truth, reported), ids)| Confusion {
            truth,
            reported,
            ids,
        })
        .collect();
    c.confusions.sort_by(|a, b| {
        b.ids
            .count
            .cmp(&a.ids.count)
            .then_with(|| a.truth.as_str().cmp(b.truth.as_str()))
            .then_with(|| a.reported_word().cmp(b.reported_word()))
    });
    c
}

/// A statement line both sides call `matched`, linked to different orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongLink {
    pub statement_line: String,
    pub truth_order_id: String,
    pub reported_order_id: String,
}

/// The lines both sides call `matched` whose order links differ (`A|B`
/// and `B|A` are the same link), in natural line order. The cells were
/// undefused whole by [`parse_rows`], as the report defuses them whole.
pub fn wrong_links(truth: &[Row], reported: &[Row]) -> Examples<WrongLink> {
    fn orders(cell: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = cell
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
    let got: HashMap<&str, &Row> = reported.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut both: Vec<(&Row, &Row)> = truth
        .iter()
        .filter(|t| t.status == Status::Matched)
        .filter_map(|t| got.get(t.id.as_str()).map(|g| (t, *g)))
        .filter(|(t, g)| g.status == Status::Matched && orders(&t.order_id) != orders(&g.order_id))
        .collect();
    both.sort_by(|a, b| natural_cmp(&a.0.id, &b.0.id));
    let mut links = Examples::new(EXAMPLES);
    for (t, g) in both {
        links.push(WrongLink {
            statement_line: t.id.clone(),
            truth_order_id: t.order_id.clone(),
            reported_order_id: g.order_id.clone(),
        });
    }
    links
}
