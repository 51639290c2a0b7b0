use super::*;

fn rows(pairs: &[(&str, &str)]) -> Vec<Row> {
    pairs
        .iter()
        .enumerate()
        .map(|(i, (id, status))| Row {
            id: id.to_string(),
            status: status.parse().unwrap(),
            order_id: String::new(),
            line: i as u64 + 2,
        })
        .collect()
}

fn lines(triples: &[(&str, &str, &str)]) -> Vec<Row> {
    triples
        .iter()
        .enumerate()
        .map(|(i, (id, status, order))| Row {
            id: id.to_string(),
            status: status.parse().unwrap(),
            order_id: order.to_string(),
            line: i as u64 + 2,
        })
        .collect()
}

/// Seven labelled orders; the report gets one wrong each way, names
/// an order the truth lacks and leaves one out.
fn hand_example() -> Comparison {
    let truth = rows(&[
        ("O-1", "matched"),
        ("O-2", "matched"),
        ("O-3", "amount_mismatch"),
        ("O-4", "duplicate_slip"),
        ("O-5", "unpaid"),
        ("O-6", "matched"),
        ("O-10", "name_mismatch"),
    ]);
    let got = rows(&[
        ("O-10", "name_mismatch"),
        ("O-1", "matched"),
        ("O-2", "name_mismatch"),
        ("O-3", "matched"),
        ("O-4", "duplicate_slip"),
        ("O-5", "unpaid"),
        ("O-9", "matched"),
    ]);
    compare(&truth, &got)
}

fn score(c: &Comparison, word: &str) -> StatusScore {
    *c.statuses
        .iter()
        .find(|s| s.status.as_str() == word)
        .unwrap_or_else(|| panic!("no row for {word}"))
}

#[test]
fn precision_recall_and_counts_by_hand() {
    let c = hand_example();
    assert_eq!((c.truth, c.reported), (7, 7));
    assert_eq!(c.missing.count, 1);
    assert_eq!(c.missing.items, ["O-6"]);
    assert_eq!(c.extra.count, 1);
    assert_eq!(c.extra.items, ["O-9"]);
    // Sorted by word; a status only the truth has is listed too.
    let words: Vec<&str> = c.statuses.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(
        words,
        [
            "amount_mismatch",
            "duplicate_slip",
            "matched",
            "name_mismatch",
            "unpaid"
        ]
    );
    // matched: truth O-1 O-2 O-6, reported O-1 O-3 (O-9 is extra): 1 right.
    let m = score(&c, "matched");
    assert_eq!((m.correct, m.truth, m.reported), (1, 3, 2));
    assert_eq!(m.precision(), Some(0.5));
    assert_eq!(fixed4(m.recall()), "0.3333");
    // name_mismatch: truth O-10, reported O-2 and O-10.
    let n = score(&c, "name_mismatch");
    assert_eq!((n.correct, n.truth, n.reported), (1, 1, 2));
    assert_eq!((n.precision(), n.recall()), (Some(0.5), Some(1.0)));
    // amount_mismatch: never reported, so precision is undefined.
    let a = score(&c, "amount_mismatch");
    assert_eq!((a.correct, a.truth, a.reported), (0, 1, 0));
    assert_eq!(a.precision(), None);
    assert_eq!(fixed4(a.precision()), "-");
    assert_eq!(a.recall(), Some(0.0));
    let d = score(&c, "duplicate_slip");
    assert_eq!((d.precision(), d.recall()), (Some(1.0), Some(1.0)));
    // O-1, O-4, O-5, O-10 right out of 7.
    assert_eq!(c.correct, 4);
    assert_eq!(fixed4(c.accuracy()), "0.5714");
}

#[test]
fn false_matches_false_alarms_and_fraud_by_hand() {
    let c = hand_example();
    // O-3 is amount_mismatch reported matched.
    assert_eq!(c.false_matches.count, 1);
    assert_eq!(c.false_matches.items, ["O-3"]);
    // O-2 is matched reported name_mismatch; O-6 is missing, no alarm.
    assert_eq!(c.false_alarms.count, 1);
    assert_eq!(c.false_alarms.items, ["O-2"]);
    // Fraud truths: O-3 (reported matched: not flagged), O-4 (flagged).
    assert_eq!((c.fraud_flagged, c.fraud_total), (1, 2));
    let e = Evaluation {
        orders: c,
        statement: StatementEval::Skipped("test".into()),
    };
    assert_eq!(
        e.summary(),
        "accuracy 0.5714; false matches 1; fraud flagged 1/2"
    );
}

#[test]
fn a_missing_fraud_order_is_not_flagged() {
    // score.py would say 2/2: it counts a missing order as not matched.
    let truth = rows(&[
        ("A", "duplicate_slip"),
        ("B", "receiver_mismatch"),
        ("C", "matched"),
    ]);
    let got = rows(&[("B", "receiver_mismatch")]);
    let c = compare(&truth, &got);
    assert_eq!((c.fraud_flagged, c.fraud_total), (1, 2));
    assert_eq!(c.missing.items, ["A", "C"]);
    // Nor is a missing matched order a false alarm.
    assert_eq!(c.false_alarms.count, 0);
}

#[test]
fn confusions_most_frequent_first_ties_by_words_smallest_ids() {
    let c = hand_example();
    let seen: Vec<(&str, &str, usize, Vec<String>)> = c
        .confusions
        .iter()
        .map(|k| {
            (
                k.truth.as_str(),
                k.reported_word(),
                k.ids.count,
                k.ids.items.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("amount_mismatch", "matched", 1, vec!["O-3".to_string()]),
            ("matched", "(missing)", 1, vec!["O-6".to_string()]),
            ("matched", "name_mismatch", 1, vec!["O-2".to_string()]),
        ]
    );

    // Five unpaid orders reported pending beat two matched reported
    // unpaid; the examples are the three smallest in natural order.
    let truth = rows(&[
        ("O-10", "unpaid"),
        ("O-2", "unpaid"),
        ("O-33", "unpaid"),
        ("O-4", "unpaid"),
        ("O-100", "unpaid"),
        ("O-7", "matched"),
        ("O-8", "matched"),
    ]);
    let got = rows(&[
        ("O-10", "pending"),
        ("O-2", "pending"),
        ("O-33", "pending"),
        ("O-4", "pending"),
        ("O-100", "pending"),
        ("O-7", "unpaid"),
        ("O-8", "unpaid"),
    ]);
    let c = compare(&truth, &got);
    assert_eq!(c.confusions.len(), 2);
    assert_eq!(c.confusions[0].truth, Status::Unpaid);
    assert_eq!(c.confusions[0].reported, Some(Status::Pending));
    assert_eq!(c.confusions[0].ids.count, 5);
    assert_eq!(c.confusions[0].ids.items, ["O-2", "O-4", "O-10"]);
    assert_eq!(c.confusions[1].ids.count, 2);
    assert_eq!(c.accuracy(), Some(0.0));
    assert_eq!(c.false_alarms.items, ["O-7", "O-8"]);
}

#[test]
fn at_most_ten_confusions_are_printed() {
    // Every status word reported as the next one: one pair per status word.
    let words: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let mut truth = Vec::new();
    let mut got = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let id = format!("O-{i}");
        truth.push((id.clone(), *w));
        got.push((id, words[(i + 1) % words.len()]));
    }
    let truth: Vec<(&str, &str)> = truth.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    let c = compare(&rows(&truth), &rows(&got));
    assert_eq!(c.confusions.len(), Status::ALL.len());
    let e = Evaluation {
        orders: c,
        statement: StatementEval::Skipped("x".into()),
    };
    let text = e.text();
    assert!(
        text.contains(&format!(
            "confusions (truth -> reported, 10 of {}):",
            Status::ALL.len()
        )),
        "{text}"
    );
    let listed = text
        .lines()
        .filter(|l| l.contains(" -> ") && l.starts_with("  "))
        .count();
    assert_eq!(listed, 10, "{text}");
    assert_eq!(
        e.json()["orders"]["confusions"].as_array().unwrap().len(),
        10
    );
}

#[test]
fn wrong_links_only_between_lines_both_call_matched() {
    let truth = lines(&[
        ("k.csv:2", "matched", "O-1"),
        ("k.csv:3", "matched", "O-2|O-3"),
        ("k.csv:10", "matched", "O-4"),
        ("k.csv:4", "amount_mismatch", "O-5"),
        ("k.csv:5", "matched", "O-6"),
    ]);
    let got = lines(&[
        ("k.csv:2", "matched", "O-9"),
        ("k.csv:3", "matched", "O-3|O-2"),
        ("k.csv:10", "matched", "O-8"),
        ("k.csv:4", "matched", "O-7"),
        ("k.csv:5", "ambiguous", "O-1"),
    ]);
    let w = wrong_links(&truth, &got);
    assert_eq!(w.count, 2);
    let ids: Vec<&str> = w.items.iter().map(|l| l.statement_line.as_str()).collect();
    assert_eq!(ids, ["k.csv:2", "k.csv:10"]);
    assert_eq!(w.items[0].reported_order_id, "O-9");
    assert_eq!(w.items[0].truth_order_id, "O-1");
    let c = compare(&truth, &got);
    assert_eq!(c.false_matches.items, ["k.csv:4"]);
}

#[test]
fn parse_drops_bom_and_defusing_quote_and_trims() {
    let text = "\u{feff}status,order_id,extra\r\nmatched,'-7,x\r\n unpaid ,O-2,\"a\nb\"\r\n\r\n , ,\r\npending,'x,\r\n";
    let rows = parse_rows(text.as_bytes(), Path::new("r.csv"), ORDERS).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[0].id.as_str(), rows[0].status),
        ("-7", Status::Matched)
    );
    assert_eq!(
        (rows[1].id.as_str(), rows[1].status),
        ("O-2", Status::Unpaid)
    );
    // A quote before an ordinary character stays.
    assert_eq!(rows[2].id, "'x");
    // Physical lines: the quoted field spans lines 3 and 4, line 5 is
    // empty and line 6 blank cells (skipped, like the empty line).
    assert_eq!([rows[0].line, rows[1].line, rows[2].line], [2, 3, 7]);
}

#[test]
fn parse_errors_name_file_line_and_column() {
    let p = Path::new("t/truth_orders.csv");
    let err = parse_rows(
        "order_id,status\nO-1,matched\nO-2,paid\n".as_bytes(),
        p,
        ORDERS,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("t/truth_orders.csv: line 3, column status: \"paid\" is not a status (expected one of matched, duplicate_slip,"),
        "{err}"
    );
    let err = parse_rows("id,status\n".as_bytes(), p, ORDERS)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "t/truth_orders.csv: line 1: no column order_id (the header is `id,status`; expected order_id,status)"
    );
    // `'=O-1` is the report's way of writing `=O-1`: the same id.
    let err = parse_rows(
        "order_id,status\n=O-1,matched\nO-2,unpaid\n'=O-1,unpaid\n".as_bytes(),
        p,
        ORDERS,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "t/truth_orders.csv: line 4, column order_id: \"=O-1\" appears twice, on line 2 and on line 4"
    );
    let err = parse_rows(
        "order_id,status\nO-1,matched\n ,unpaid\n".as_bytes(),
        p,
        ORDERS,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(err, "t/truth_orders.csv: line 3, column order_id: empty");
    let err = parse_rows("statement_line,status\n".as_bytes(), p, LINES)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no column order_id"), "{err}");
}

#[test]
fn natural_order_reads_numbers_as_numbers() {
    let mut ids = vec!["k.csv:10", "O-10", "k.csv:9", "O-2", "O-02", "b", "a"];
    ids.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        ids,
        ["O-02", "O-2", "O-10", "a", "b", "k.csv:9", "k.csv:10"]
    );
}
