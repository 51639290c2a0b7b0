//! Choosing which candidate statement line pays which order when candidates
//! compete: the assignment with the most total evidence, and `ambiguous`
//! where two equally good assignments disagree.
//!
//! Candidates form a bipartite graph (payers on one side, statement lines on
//! the other). Connected groups are solved independently: a group of one
//! payer and one line is linked at once; a small group (at most the
//! configured number of payers and lines, and a bounded search space) is
//! solved exhaustively, keeping every optimal assignment to detect ties; a
//! larger group is solved greedily, best edge first, where an exact tie on a
//! payer or a line makes everyone in the tie ambiguous.

use std::collections::BTreeSet;

use crate::hash::Map;

/// A possible link: payer `unit` paid by statement line `line`, with an
/// integer evidence weight (integers, so ties are exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub unit: u32,
    pub line: u32,
    pub weight: i64,
}

/// What the solver decided.
#[derive(Debug, Default)]
pub(crate) struct Assignment {
    pub linked: Vec<(u32, u32)>,
    /// Payers with two equally good answers, with the lines in question.
    pub ambiguous: Vec<(u32, Vec<u32>)>,
}

/// Largest search space (product of candidate counts + 1) solved exactly.
const EXHAUSTIVE_SPACE: u64 = 200_000;
/// Optimal assignments remembered per group; beyond this every payer in the
/// group whose answer varies is ambiguous anyway.
const MAX_OPTIMA: usize = 64;

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

/// Solves all groups. Deterministic: output sorted by unit.
pub(crate) fn solve(mut edges: Vec<Edge>, exhaustive_limit: usize) -> Assignment {
    let mut out = Assignment::default();
    if edges.is_empty() {
        return out;
    }
    edges.sort_by_key(|e| (e.unit, e.line, std::cmp::Reverse(e.weight)));
    edges.dedup_by_key(|e| (e.unit, e.line));
    // Compact node ids: units then lines, only those that have edges.
    let mut units: Vec<u32> = edges.iter().map(|e| e.unit).collect();
    units.dedup();
    let mut lines: Vec<u32> = edges.iter().map(|e| e.line).collect();
    lines.sort_unstable();
    lines.dedup();
    let nu = units.len() as u32;
    let uid = |u: u32| units.binary_search(&u).map(|i| i as u32).unwrap_or(0);
    let lid = |l: u32| nu + lines.binary_search(&l).map(|i| i as u32).unwrap_or(0);
    let mut parent: Vec<u32> = (0..nu + lines.len() as u32).collect();
    for e in &edges {
        let a = find(&mut parent, uid(e.unit));
        let b = find(&mut parent, lid(e.line));
        if a != b {
            parent[a.max(b) as usize] = a.min(b);
        }
    }
    let mut keyed: Vec<(u32, Edge)> = edges
        .iter()
        .map(|e| (find(&mut parent, uid(e.unit)), *e))
        .collect();
    keyed.sort_by_key(|(root, e)| (*root, e.unit, e.line));
    let mut start = 0;
    while start < keyed.len() {
        let root = keyed[start].0;
        let mut end = start;
        while end < keyed.len() && keyed[end].0 == root {
            end += 1;
        }
        let group: Vec<Edge> = keyed[start..end].iter().map(|(_, e)| *e).collect();
        solve_group(&group, exhaustive_limit, &mut out);
        start = end;
    }
    out.linked.sort_unstable();
    out.ambiguous.sort();
    out
}

fn solve_group(group: &[Edge], limit: usize, out: &mut Assignment) {
    if group.len() == 1 {
        out.linked.push((group[0].unit, group[0].line));
        return;
    }
    let mut units: Vec<u32> = group.iter().map(|e| e.unit).collect();
    units.dedup();
    let mut lines: Vec<u32> = group.iter().map(|e| e.line).collect();
    lines.sort_unstable();
    lines.dedup();
    let small = units.len() <= limit && lines.len() <= limit.min(64);
    // Edges come sorted by unit: degrees are run lengths.
    let space = small.then(|| {
        group
            .chunk_by(|a, b| a.unit == b.unit)
            .try_fold(1u64, |acc, run| {
                acc.checked_mul(run.len() as u64 + 1)
                    .filter(|s| *s <= EXHAUSTIVE_SPACE)
            })
    });
    if matches!(space, Some(Some(_))) {
        exhaustive(group, &units, &lines, out);
    } else {
        greedy(group, out);
    }
}

struct Search<'a> {
    per_unit: Vec<Vec<(usize, i64)>>,
    lines: &'a [u32],
    choice: Vec<Option<usize>>,
    best: i64,
    optima: Vec<Vec<Option<usize>>>,
}

impl Search<'_> {
    fn go(&mut self, i: usize, used: u64, total: i64) {
        if i == self.per_unit.len() {
            if total > self.best {
                self.best = total;
                self.optima.clear();
            }
            if total == self.best && self.optima.len() < MAX_OPTIMA {
                self.optima.push(self.choice.clone());
            }
            return;
        }
        for k in 0..self.per_unit[i].len() {
            let (l, w) = self.per_unit[i][k];
            if used & (1 << l) == 0 {
                self.choice[i] = Some(l);
                self.go(i + 1, used | (1 << l), total + w);
            }
        }
        self.choice[i] = None;
        self.go(i + 1, used, total);
    }
}

fn exhaustive(group: &[Edge], units: &[u32], lines: &[u32], out: &mut Assignment) {
    let per_unit: Vec<Vec<(usize, i64)>> = units
        .iter()
        .map(|u| {
            group
                .iter()
                .filter(|e| e.unit == *u)
                .map(|e| (lines.binary_search(&e.line).unwrap_or(0), e.weight))
                .collect()
        })
        .collect();
    let mut s = Search {
        choice: vec![None; units.len()],
        per_unit,
        lines,
        best: i64::MIN,
        optima: Vec::new(),
    };
    s.go(0, 0, 0);
    let mut blocked: BTreeSet<u32> = BTreeSet::new();
    let mut decided: Vec<(u32, Option<u32>)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let first = s.optima.first().and_then(|o| o[i]);
        if s.optima.iter().all(|o| o[i] == first) {
            decided.push((*u, first.map(|l| s.lines[l])));
        } else {
            let cands: BTreeSet<u32> = s
                .optima
                .iter()
                .filter_map(|o| o[i].map(|l| s.lines[l]))
                .collect();
            blocked.extend(cands.iter().copied());
            out.ambiguous.push((*u, cands.into_iter().collect()));
        }
    }
    for (u, l) in decided {
        if let Some(l) = l
            && !blocked.contains(&l)
        {
            out.linked.push((u, l));
        }
    }
}

fn greedy(group: &[Edge], out: &mut Assignment) {
    let mut edges = group.to_vec();
    edges.sort_by_key(|e| (std::cmp::Reverse(e.weight), e.unit, e.line));
    let mut done_units: BTreeSet<u32> = BTreeSet::new();
    let mut done_lines: BTreeSet<u32> = BTreeSet::new();
    let mut i = 0;
    while i < edges.len() {
        // A run of equal weight: ties can only happen inside it.
        let mut j = i;
        while j < edges.len() && edges[j].weight == edges[i].weight {
            j += 1;
        }
        // Within the run, the edges of each unit and of each line.
        let mut by_unit: Map<u32, Vec<usize>> = Map::default();
        let mut by_line: Map<u32, Vec<usize>> = Map::default();
        for (k, x) in edges[i..j].iter().enumerate() {
            by_unit.entry(x.unit).or_default().push(i + k);
            by_line.entry(x.line).or_default().push(i + k);
        }
        for k in i..j {
            let e = edges[k];
            if done_units.contains(&e.unit) || done_lines.contains(&e.line) {
                continue;
            }
            let free = |x: &Edge| !done_units.contains(&x.unit) && !done_lines.contains(&x.line);
            let mut tie_units: BTreeSet<u32> = BTreeSet::new();
            let mut tie_lines: BTreeSet<u32> = BTreeSet::new();
            let same_unit = by_unit.get(&e.unit).map_or(&[][..], Vec::as_slice);
            let same_line = by_line.get(&e.line).map_or(&[][..], Vec::as_slice);
            for x in same_unit.iter().chain(same_line).map(|idx| &edges[*idx]) {
                if free(x) {
                    tie_units.insert(x.unit);
                    tie_lines.insert(x.line);
                }
            }
            if tie_units.len() == 1 && tie_lines.len() == 1 {
                out.linked.push((e.unit, e.line));
                done_units.insert(e.unit);
                done_lines.insert(e.line);
            } else {
                let cands: Vec<u32> = tie_lines.iter().copied().collect();
                for u in &tie_units {
                    out.ambiguous.push((*u, cands.clone()));
                    done_units.insert(*u);
                }
                done_lines.extend(tie_lines);
            }
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(unit: u32, line: u32, weight: i64) -> Edge {
        Edge { unit, line, weight }
    }

    #[test]
    fn single_pairs_link() {
        let a = solve(vec![e(1, 10, 5), e(2, 20, 5)], 8);
        assert_eq!(a.linked, vec![(1, 10), (2, 20)]);
        assert!(a.ambiguous.is_empty());
    }

    #[test]
    fn best_total_wins_over_best_single_edge() {
        // greedy would take (1,10,9) and leave 2 alone; total 9 < 8+7.
        let edges = vec![e(1, 10, 9), e(1, 20, 8), e(2, 10, 7)];
        let a = solve(edges.clone(), 8);
        assert_eq!(a.linked, vec![(1, 20), (2, 10)]);
        assert!(a.ambiguous.is_empty());
    }

    #[test]
    fn equal_answers_are_ambiguous_exhaustive_and_greedy() {
        let edges = vec![e(1, 10, 5), e(1, 20, 5), e(2, 10, 5), e(2, 20, 5)];
        for limit in [8, 1] {
            let a = solve(edges.clone(), limit);
            assert!(a.linked.is_empty(), "limit {limit}: {a:?}");
            assert_eq!(a.ambiguous.len(), 2, "limit {limit}");
            assert_eq!(a.ambiguous[0], (1, vec![10, 20]));
        }
        // one line, two equal payers
        let a = solve(vec![e(1, 10, 5), e(2, 10, 5)], 8);
        assert!(a.linked.is_empty());
        assert_eq!(a.ambiguous, vec![(1, vec![10]), (2, vec![10])]);
    }

    #[test]
    fn unambiguous_part_of_a_group_is_still_linked() {
        // unit 3 clearly owns line 30; units 1 and 2 tie on 10/20.
        let edges = vec![
            e(1, 10, 5),
            e(1, 20, 5),
            e(2, 10, 5),
            e(2, 20, 5),
            e(3, 30, 9),
            e(3, 10, 1),
        ];
        let a = solve(edges, 8);
        assert_eq!(a.linked, vec![(3, 30)]);
        assert_eq!(a.ambiguous.len(), 2);
    }
}
