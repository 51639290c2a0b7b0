//! Rows no field can hold (a NUL byte past the first 8 KB, a 1 MB cell)
//! are quarantined with a reason, and the quarantine quotes them short and
//! without control characters.

use recon_ingest::{OrderColumns, Profile, ReadOptions, read_orders, read_statement};

const HEADER: &str = "account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description\n";

fn filler(n: usize) -> String {
    (0..n)
        .map(|i| format!("001 234 567,2026-11-21T20:00:00+07:00,1.{:02},USD,FILLER {i},011 XXX XXX,ABA,,Incoming\n", i % 90 + 10))
        .collect()
}

fn read(text: &[u8]) -> recon_ingest::Ingested<recon_core::StatementLine> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aba.csv");
    std::fs::write(&path, text).unwrap();
    read_statement(
        &path,
        &Profile::builtin("canonical").unwrap(),
        &ReadOptions::new(chrono_tz::Asia::Bangkok),
    )
    .unwrap()
}

#[test]
fn a_nul_byte_past_the_first_8_kb_rejects_its_row_only() {
    let mut text = format!("{HEADER}{}", filler(200)).into_bytes();
    assert!(text.len() > 8192);
    text.extend_from_slice(
        b"001 234 567,2026-11-21T21:00:00+07:00,77.00,USD,NUL\0NAME,011,ABA,,In\n",
    );
    let got = read(&text);
    assert_eq!(got.rows.len(), 200);
    assert_eq!(got.rejected.len(), 1, "{:?}", got.rejected);
    let r = &got.rejected[0];
    assert_eq!(r.line, Some(202));
    assert!(r.reason.contains("NUL byte"), "{r:?}");
    assert_eq!(r.value.as_deref(), Some("NUL\u{FFFD}NAME"));
}

#[test]
fn a_megabyte_cell_is_rejected_and_quoted_short() {
    let long = "A".repeat(1 << 20);
    let text = format!(
        "{HEADER}001 234 567,2026-11-21T21:00:00+07:00,77.00,USD,{long},011,ABA,,In\n{}",
        filler(1)
    );
    let got = read(text.as_bytes());
    assert_eq!(got.rows.len(), 1);
    let r = &got.rejected[0];
    assert_eq!(r.line, Some(2));
    assert!(r.reason.contains("1048576 characters"), "{}", r.reason);
    let value = r.value.as_deref().unwrap();
    assert_eq!(value.chars().count(), 201);
    assert!(value.ends_with('…'));
}

#[test]
fn a_field_at_the_limit_is_still_data() {
    let name = "B".repeat(1024);
    let text =
        format!("{HEADER}001 234 567,2026-11-21T21:00:00+07:00,77.00,USD,{name},011,ABA,,In\n");
    let got = read(text.as_bytes());
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);
    assert_eq!(got.rows.len(), 1);
}

#[test]
fn an_order_with_a_nul_in_its_name_is_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    let mut text = b"order_id,customer_name,amount,currency,ordered_at,slip\n".to_vec();
    for i in 0..300 {
        text.extend_from_slice(
            format!("ORD-{i:04},Buyer {i},10.00,THB,2026-11-21T10:00:00+07:00,\n").as_bytes(),
        );
    }
    text.extend_from_slice(b"ORD-9999,Bad\0Buyer,10.00,THB,2026-11-21T10:00:00+07:00,\n");
    std::fs::write(&path, text).unwrap();
    let got = read_orders(&path, &OrderColumns::default(), chrono_tz::Asia::Bangkok).unwrap();
    assert_eq!(got.rows.len(), 300);
    assert_eq!(got.rejected.len(), 1);
    assert!(got.rejected[0].reason.contains("NUL byte"));
    assert!(!got.rejected[0].value.as_deref().unwrap().contains('\0'));
}

fn orders(bytes: &[u8]) -> recon_ingest::Ingested<recon_core::Order> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, bytes).unwrap();
    read_orders(&path, &OrderColumns::default(), chrono_tz::Asia::Bangkok).unwrap()
}

const ORDERS: &str = "order_id,customer_name,amount,currency,ordered_at,slip";

fn order_rows(n: usize, end: &str) -> String {
    let mut text = format!("{ORDERS}{end}");
    for i in 1..=n {
        text.push_str(&format!(
            "ORD-{i},Somchai Jaidee,{i}00.00,THB,2026-11-21T10:00:00+07:00,{end}"
        ));
    }
    text
}

#[test]
fn old_mac_line_ends_and_a_stray_cr_lose_no_order() {
    let got = orders(order_rows(55, "\r").as_bytes());
    assert_eq!(got.rows.len(), 55, "{:?}", got.rejected);
    assert!(got.rejected.is_empty());
    assert_eq!(got.rows[54].order_id.0, "ORD-55");
    assert_eq!(got.rows[54].source.line, 56);
    // One lone CR in a CRLF file ends its row instead of merging two.
    let text = order_rows(3, "\r\n").replacen("\r\nORD-2", "\rORD-2", 1);
    let got = orders(text.as_bytes());
    let ids: Vec<&str> = got.rows.iter().map(|o| o.order_id.0.as_str()).collect();
    assert_eq!(ids, ["ORD-1", "ORD-2", "ORD-3"], "{:?}", got.rejected);
}

#[test]
fn one_nul_byte_in_the_first_rows_quarantines_its_row_not_the_file() {
    let text = order_rows(55, "\n").replacen("ORD-7,", "ORD-\x007,", 1);
    let got = orders(text.as_bytes());
    assert_eq!(got.rows.len(), 54);
    assert_eq!(got.rejected.len(), 1, "{:?}", got.rejected);
    assert_eq!(got.rejected[0].line, Some(8));
    assert!(
        got.rejected[0].reason.contains("NUL byte"),
        "{:?}",
        got.rejected[0]
    );
}

#[test]
fn a_bom_or_zero_width_space_before_an_id_is_not_a_second_order() {
    let text = format!(
        "{}\u{FEFF}ORD-1,Somchai Jaidee,100.00,THB,2026-11-21T11:00:00+07:00,\n\u{200B}ORD-2\u{200B},Somchai Jaidee,200.00,THB,2026-11-21T11:00:00+07:00,\n",
        order_rows(2, "\n")
    );
    let got = orders(text.as_bytes());
    let ids: Vec<&str> = got.rows.iter().map(|o| o.order_id.0.as_str()).collect();
    assert_eq!(ids, ["ORD-1", "ORD-2"], "the copies are the same ids");
    assert_eq!(got.rejected.len(), 2, "{:?}", got.rejected);
    assert!(
        got.rejected.iter().all(|r| r.reason.contains("duplicate")),
        "{:?}",
        got.rejected
    );
}

#[test]
fn a_bidi_override_in_an_id_quarantines_its_row() {
    let text = order_rows(3, "\n").replacen("ORD-2,", "ORD-\u{202E}2,", 1);
    let got = orders(text.as_bytes());
    let ids: Vec<&str> = got.rows.iter().map(|o| o.order_id.0.as_str()).collect();
    assert_eq!(ids, ["ORD-1", "ORD-3"]);
    assert_eq!(got.rejected.len(), 1);
    assert!(
        got.rejected[0].reason.contains("U+202E"),
        "{:?}",
        got.rejected[0]
    );
}
