//! Slip names in the order export are customer input: `../`, absolute
//! paths and symbolic links must never make Recon read outside the day's
//! data folder.

use std::os::unix::fs::symlink;

use crate::common::{DAY, HostileDay, assert_rest_of_day_unchanged};

/// A valid saved EasySlip body for `order`'s amount whose transRef is
/// `marker`: if Recon ever read it, the marker would show in the reports.
fn outside_slip(day: &HostileDay, order: &str, marker: &str) -> Vec<u8> {
    let sample = String::from_utf8(day.read(&format!("slips/{order}.json"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&sample).unwrap();
    let trans_ref = v["data"]["rawSlip"]["transRef"]
        .as_str()
        .unwrap()
        .to_string();
    sample.replace(&trans_ref, marker).into_bytes()
}

/// The marker appears in no report and not in the ledger file.
#[track_caller]
fn assert_never_read(day: &HostileDay, marker: &str) {
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(marker),
            "{} carries data read from outside the data folder",
            path.display()
        );
    }
    let ledger = std::fs::read(day.ledger_path()).unwrap();
    assert!(
        !String::from_utf8_lossy(&ledger).contains(marker),
        "the ledger carries data read from outside the data folder"
    );
}

#[test]
fn parent_and_absolute_slip_names_are_unreadable_and_never_read() {
    let day = HostileDay::new();
    let outside = day.root.path().join("outside.json");
    std::fs::write(
        &outside,
        outside_slip(&day, "ORD-20261121-0001", "OUTSIDE0DOTDOT0REF"),
    )
    .unwrap();
    let cases = [
        ("ORD-20261121-0001", "../../outside.json".to_string()),
        ("ORD-20261121-0002", "../orders/orders.csv".to_string()),
        (
            "ORD-20261121-0003",
            "../../../../../../../../etc/passwd".to_string(),
        ),
        ("ORD-20261121-0005", outside.display().to_string()),
        ("ORD-20261121-0007", "..\\..\\outside.json".to_string()),
    ];
    for (order, name) in &cases {
        day.remove(&format!("slips/{order}.json"));
        day.set_order_slip(order, name);
    }
    let run = day.reconcile();
    run.assert_finished_with_exceptions();

    let orders = day.orders();
    for (order, name) in &cases {
        let row = &orders[*order];
        assert_eq!(row["status"], "unreadable_slip", "{order}: {row:?}");
        assert_eq!(
            &row["slip"], name,
            "{order}: the slip cell shows the name given"
        );
        assert!(
            row["reasons"].contains("not a plain file name inside slips/"),
            "{order}: {}",
            row["reasons"]
        );
    }
    assert_never_read(&day, "OUTSIDE0DOTDOT0REF");
    let touched: Vec<&str> = cases.iter().map(|(o, _)| *o).collect();
    assert_rest_of_day_unchanged(&day, &touched);
}

#[test]
fn a_symbolic_link_in_slips_is_not_followed() {
    let day = HostileDay::new();
    let order = "ORD-20261121-0001";
    let outside = day.root.path().join("outside.json");
    std::fs::write(&outside, outside_slip(&day, order, "OUTSIDE0SYMLINK0REF")).unwrap();
    day.remove(&format!("slips/{order}.json"));
    symlink(&outside, day.input(&format!("slips/{order}.json"))).unwrap();
    day.reconcile().assert_finished_with_exceptions();

    let row = &day.orders()[order];
    assert_eq!(row["status"], "unreadable_slip", "{row:?}");
    assert!(
        row["reasons"].contains("symbolic link"),
        "{}",
        row["reasons"]
    );
    assert_never_read(&day, "OUTSIDE0SYMLINK0REF");
    assert_rest_of_day_unchanged(&day, &[order]);
}

#[test]
fn a_symbolic_link_for_the_slips_folder_is_not_followed() {
    let day = HostileDay::new();
    let order = "ORD-20261121-0001";
    let elsewhere = day.root.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join(format!("{order}.json")),
        outside_slip(&day, order, "OUTSIDE0LINKEDDIR0REF"),
    )
    .unwrap();
    std::fs::remove_dir_all(day.input("slips")).unwrap();
    symlink(&elsewhere, day.input("slips")).unwrap();
    let run = day.reconcile();
    assert!(
        run.code == Some(1) || run.code == Some(2),
        "a clear failure or a finished run: {run:?}"
    );
    assert!(
        run.stderr.contains("symbolic link") || run.stderr.contains("symlink"),
        "the error says the folder is a link"
    );
    if run.code == Some(2) {
        assert_never_read(&day, "OUTSIDE0LINKEDDIR0REF");
    }
}

#[test]
fn a_symbolic_link_for_a_statement_is_quarantined_not_skipped() {
    let day = HostileDay::new();
    let outside = day.root.path().join(format!("kbank-{DAY}.csv"));
    std::fs::write(&outside, day.read("statements/kbank.csv")).unwrap();
    day.remove("statements/kbank.csv");
    symlink(&outside, day.input("statements/kbank.csv")).unwrap();
    day.reconcile().assert_finished_with_exceptions();

    let rows = day.quarantined("kbank.csv");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0]["reason"].contains("symbolic link"), "{rows:?}");
}

#[test]
fn a_named_pipe_as_a_slip_does_not_hang_the_run() {
    // Reading a FIFO blocks until someone writes to it: a slip name that
    // points at one must be refused, not opened.
    let day = HostileDay::new();
    let order = "ORD-20261121-0001";
    day.remove(&format!("slips/{order}.json"));
    let fifo = day.input("slips/pipe.jpg");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    day.set_order_slip(order, "pipe.jpg");
    let started = std::time::Instant::now();
    day.reconcile().assert_finished_with_exceptions();
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let row = &day.orders()[order];
    assert_eq!(row["status"], "unreadable_slip", "{row:?}");
    assert!(
        row["reasons"].contains("not a regular file"),
        "{}",
        row["reasons"]
    );
    assert_rest_of_day_unchanged(&day, &[order]);
}
