//! Personal data: full account numbers (ours and our customers') never
//! reach the logs, not even at debug level; the reports carry names and
//! amounts for finance, not payer account numbers.

use crate::common::HostileDay;

/// Full payer account numbers planted in the inputs where banks put them.
const PAYER_KBANK: &str = "987-6-54321-0";
const PAYER_SLIP: &str = "555-1-23456-7";

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[test]
fn full_account_numbers_never_reach_the_log() {
    let day = HostileDay::new();
    // A KBank row and an EasySlip slip that show the payer's full account.
    let kbank = day.read("statements/kbank.csv");
    let masked = b"xxx-x-x7995-x";
    let at = kbank
        .windows(masked.len())
        .position(|w| w == masked)
        .expect("sample payer account");
    let mut planted = kbank[..at].to_vec();
    planted.extend_from_slice(PAYER_KBANK.as_bytes());
    planted.extend_from_slice(&kbank[at + masked.len()..]);
    day.write("statements/kbank.csv", planted);
    let slip = String::from_utf8(day.read("slips/ORD-20261121-0002.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&slip).unwrap();
    let sender = v["data"]["rawSlip"]["sender"]["account"]["bank"]["account"]
        .as_str()
        .unwrap()
        .to_string();
    day.write(
        "slips/ORD-20261121-0002.json",
        slip.replace(&format!("\"{sender}\""), &format!("\"{PAYER_SLIP}\"")),
    );
    let run = day.reconcile();
    run.assert_finished_with_exceptions();
    assert!(run.stderr.contains("INFO"), "logging was on");

    let ours = [
        "123-4-56789-0",
        "001 234 567",
        "001 234 568",
        "0105561234567",
    ];
    for account in ours.iter().chain(&[PAYER_KBANK, PAYER_SLIP]) {
        for form in [account.to_string(), digits(account)] {
            assert!(
                !run.stderr.contains(&form),
                "the log shows the account {form}:\n{}",
                run.stderr
                    .lines()
                    .filter(|l| l.contains(&form))
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    // Payer accounts are not in any report either.
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for account in [PAYER_KBANK, PAYER_SLIP] {
            assert!(
                !text.contains(account),
                "{} shows {account}",
                path.display()
            );
            assert!(
                !text.contains(&digits(account)),
                "{} shows {account}",
                path.display()
            );
        }
    }
}
