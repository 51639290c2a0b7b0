//! A small world of days for scenario tests: a job config, a canonical
//! statement, an order export and saved EasySlip responses built from a
//! sample slip, run through the real `recon` binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{read_csv, text, workspace};

pub const CONFIG: &str = r#"
timezone = "Asia/Bangkok"
cutoff = "00:00"
lookback_days = 45

[[accounts]]
name = "บริษัท ร้านดี จำกัด"
alt_name = "RANDEE CO., LTD."
bank = "KBANK"
account = "123-4-56789-0"
currency = "THB"
proxies = ["0105561234567"]

[matching.grace]
statement_days = 2
"#;

/// A customer payment: the order, its slip, and the statement line that
/// carries the money (any of them may be left out or put on another day).
pub struct Payment {
    pub order: &'static str,
    pub name: &'static str,
    pub thb: &'static str,
    pub ordered_at: &'static str,
    pub paid_at: &'static str,
    pub trans_ref: &'static str,
    /// Who paid, when not the customer (a relative): the slip's sender and
    /// the statement's payer. Empty for the customer.
    pub payer: &'static str,
}

pub struct World {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

impl World {
    pub fn new() -> World {
        World::with_config(CONFIG)
    }

    /// A world run with another job config.
    pub fn with_config(config: &str) -> World {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        fs::write(root.join("job.toml"), config).unwrap();
        World { _tmp: tmp, root }
    }

    pub fn day_dir(&self, day: &str) -> PathBuf {
        let dir = self.root.join("data").join(day);
        for kind in ["statements", "orders", "slips"] {
            fs::create_dir_all(dir.join(kind)).unwrap();
        }
        dir
    }

    /// Adds an order (and its slip file) to `day`'s order export.
    pub fn order(&self, day: &str, p: &Payment, with_slip: bool) {
        let dir = self.day_dir(day);
        let slip = if with_slip {
            let name = format!("{}.json", p.order);
            fs::write(dir.join("slips").join(&name), slip_json(p)).unwrap();
            name
        } else {
            String::new()
        };
        append(
            &dir.join("orders/orders.csv"),
            "order_id,customer_name,amount,currency,ordered_at,slip",
            &format!(
                "{},{},{},THB,{},{}",
                p.order, p.name, p.thb, p.ordered_at, slip
            ),
        );
    }

    /// Adds the payment's money to `day`'s statement, booked at `booked_at`.
    pub fn money(&self, day: &str, p: &Payment, booked_at: &str) {
        let dir = self.day_dir(day);
        let who = if p.payer.is_empty() { p.name } else { p.payer };
        let payer = who.split_once(' ').map_or(who, |(_, n)| n);
        append(
            &dir.join("statements/kbank.csv"),
            "account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description",
            &format!(
                "123-4-56789-0,{booked_at},{},THB,{payer},xxx-x-x1234-x,SCB,,Incoming transfer",
                p.thb
            ),
        );
    }

    /// `recon --config job.toml ARGS` in the world's folder.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = recon_cmd();
        cmd.current_dir(&self.root)
            .arg("--config")
            .arg(self.root.join("job.toml"))
            .args(args)
            .env("RECON_LOG", "warn");
        cmd
    }

    /// Runs a `recon` command on the world's data, reports and ledger.
    pub fn recon(&self, args: &[&str]) -> Output {
        self.recon_env(args, &[])
    }

    /// [`World::recon`] with environment variables set (fail points).
    pub fn recon_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        cmd.args([
            "--data",
            "data",
            "--out",
            "reports",
            "--ledger",
            "ledger.sqlite",
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// Runs a `recon` command that takes only `--ledger` (decisions,
    /// aliases, history).
    pub fn recon_ledger(&self, args: &[&str]) -> Output {
        self.command(args)
            .args(["--ledger", "ledger.sqlite"])
            .output()
            .unwrap()
    }

    /// Runs `recon reconcile --day` and checks it finished (0 or 2).
    pub fn run(&self, day: &str) -> Output {
        self.day_dir(day);
        let out = self.recon(&["reconcile", "--day", day]);
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{day} did not finish: {}",
            text(&out)
        );
        out
    }

    pub fn report(&self, day: &str, file: &str) -> Vec<BTreeMap<String, String>> {
        read_csv(&self.root.join("reports").join(day).join(file))
    }

    pub fn report_bytes(&self, day: &str) -> BTreeMap<String, Vec<u8>> {
        let dir = self.root.join("reports").join(day);
        fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }
}

pub fn append(path: &Path, header: &str, row: &str) {
    let mut body = fs::read_to_string(path).unwrap_or_else(|_| format!("{header}\n"));
    body.push_str(row);
    body.push('\n');
    fs::write(path, body).unwrap();
}

/// A saved EasySlip response for `p`, from a committed sample slip.
pub fn slip_json(p: &Payment) -> String {
    let sample = workspace().join("sample-data/2026-11-21/slips/ORD-20261121-0001.json");
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(sample).unwrap()).unwrap();
    let amount: serde_json::Value = serde_json::from_str(p.thb).unwrap();
    let data = &mut v["data"];
    data["remark"] = "".into();
    data["amountInOrder"] = amount.clone();
    data["amountInSlip"] = amount.clone();
    let raw = &mut data["rawSlip"];
    raw["payload"] = serde_json::Value::Null;
    raw["transRef"] = p.trans_ref.into();
    raw["date"] = p.paid_at.into();
    raw["amount"]["amount"] = amount.clone();
    raw["amount"]["local"]["amount"] = amount;
    let sender = if p.payer.is_empty() { p.name } else { p.payer };
    let english = sender.to_string();
    raw["sender"]["account"]["name"]["th"] = sender.into();
    raw["sender"]["account"]["name"]["en"] = english.into();
    serde_json::to_string_pretty(&v).unwrap()
}

/// The row of `rows` whose `column` is `value`.
pub fn row<'a>(
    rows: &'a [BTreeMap<String, String>],
    column: &str,
    value: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r[column] == value)
        .unwrap_or_else(|| panic!("no row with {column} = {value} in {rows:#?}"))
}

/// The exceptions.csv row of an item (`kind`, `id`).
pub fn exception<'a>(
    rows: &'a [BTreeMap<String, String>],
    kind: &str,
    id: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["kind"] == kind && r["id"] == id)
        .unwrap_or_else(|| panic!("no {kind} {id} in exceptions: {rows:#?}"))
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
