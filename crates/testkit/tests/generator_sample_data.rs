//! The committed `sample-data/` days are exactly what the generator writes:
//! regenerating them into a temporary folder reproduces every file byte for
//! byte. If this fails after a deliberate generator change, run
//! `recon-gen --sample` (or `write_sample_data("sample-data")`) and commit
//! the new days together with the change.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use recon_testkit::generator::write_sample_data;

fn committed_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

/// Files of the generated folders of one day, relative path → bytes.
fn day_files(day_dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    for sub in ["statements", "orders", "slips", "expected"] {
        walk(day_dir, &day_dir.join(sub), &mut out);
    }
    out
}

#[test]
fn committed_sample_data_is_reproduced() {
    let tmp = tempfile::tempdir().unwrap();
    write_sample_data(tmp.path()).unwrap();
    for day in ["2026-11-20", "2026-11-21"] {
        let fresh = day_files(&tmp.path().join(day));
        let committed = day_files(&committed_root().join(day));
        let fresh_names: Vec<_> = fresh.keys().collect();
        let committed_names: Vec<_> = committed.keys().collect();
        assert_eq!(fresh_names, committed_names, "{day}: the file lists differ");
        for (path, bytes) in &fresh {
            assert!(
                bytes == &committed[path],
                "{day}/{}: the committed file differs from what the generator writes",
                path.display()
            );
        }
    }
}

fn planted(day: &str) -> Vec<(String, String)> {
    let text = fs::read_to_string(committed_root().join(day).join("expected/planted.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let (item, what) = l.split_once(',').unwrap();
            (item.to_string(), what.to_string())
        })
        .collect()
}

#[test]
fn each_sample_day_carries_every_planted_problem() {
    for day in ["2026-11-20", "2026-11-21"] {
        let kinds: Vec<String> = planted(day).into_iter().map(|(_, w)| w).collect();
        for kind in [
            "unpaid",
            "unknown_transfer",
            "money_out",
            "malformed_order_row",
            "amount_mismatch",
            "duplicate_slip_same_day",
            "receiver_mismatch",
            "slip_not_on_statement",
            "name_mismatch",
            "unreadable_slip",
            "paid_without_slip",
            "paid_line_without_reference",
            "paid_by_other_payer_with_reference",
            "paid_by_third_party",
            "paid_without_slip_name_typo",
            "paid_line_with_masked_name",
        ] {
            assert!(kinds.iter().any(|k| k == kind), "{day} has no {kind}");
        }
        assert!(
            kinds.iter().any(|k| k.starts_with("malformed_statement")),
            "{day} has no malformed statement row"
        );
    }
}

#[test]
fn the_second_day_reuses_a_slip_of_the_first() {
    let reused: Vec<String> = planted("2026-11-21")
        .into_iter()
        .filter(|(_, w)| w == "duplicate_slip_prior_day")
        .map(|(order, _)| order)
        .collect();
    assert_eq!(reused.len(), 1);
    let slip_ref = |day: &str, file: &str| -> String {
        let body: serde_json::Value = serde_json::from_slice(
            &fs::read(committed_root().join(day).join("slips").join(file)).unwrap(),
        )
        .unwrap();
        body["data"]["rawSlip"]["transRef"]
            .as_str()
            .or(body["fields"]["reference"].as_str())
            .unwrap()
            .to_string()
    };
    let reused_ref = slip_ref("2026-11-21", &format!("{}.json", reused[0]));
    let day20_refs: Vec<String> = fs::read_dir(committed_root().join("2026-11-20/slips"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            serde_json::from_slice::<serde_json::Value>(
                &fs::read(committed_root().join("2026-11-20/slips").join(&name)).unwrap(),
            )
            .ok()
            .map(|_| slip_ref("2026-11-20", &name))
        })
        .collect();
    assert!(
        day20_refs.contains(&reused_ref),
        "{reused_ref} is not a slip of 2026-11-20"
    );
}
