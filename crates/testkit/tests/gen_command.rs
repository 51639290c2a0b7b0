//! `recon-gen` as a person runs it: a wrong slip form or a misspelt rate is
//! refused with a message naming what was wrong, and nothing is written.

use std::fs;
use std::process::Command;

const DAY: &str = "2026-11-21";

#[test]
fn bad_slip_forms_and_rate_files_are_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_recon-gen"))
        .args(["--day", DAY, "--orders", "5", "--slips", "zipped"])
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("per-order or bundled"));
    assert!(!tmp.path().join(DAY).exists(), "nothing is written");

    let rates = tmp.path().join("rates.toml");
    fs::write(&rates, "[rates]\nunpiad = 0.1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_recon-gen"))
        .args(["--day", DAY, "--orders", "5", "--rates"])
        .arg(&rates)
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("rates.toml") && err.contains("unpiad"),
        "{err}"
    );
    assert!(!tmp.path().join(DAY).exists(), "nothing is written");
}
