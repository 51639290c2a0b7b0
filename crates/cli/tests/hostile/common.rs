//! The hostile day: a private copy of the sample day, the `recon` binary run
//! on it, and readers for what it wrote.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const DAY: &str = "2026-11-21";

/// The repository root (the workspace folder).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed job config, used as is unless a test writes its own.
pub fn nightly_toml() -> String {
    fs::read_to_string(repo().join("jobs/nightly.toml")).expect("jobs/nightly.toml")
}

/// Environment variables a developer's shell may carry that would change
/// what a run does; every run starts without them.
const SCRUBBED_ENV: &[&str] = &[
    "RECON_LOG",
    "RECON_TEST_ABORT_AT",
    "RECON_TEST_FULL_AT",
    "EASYSLIP_API_KEY",
    "NEXTOCR_USERNAME",
    "NEXTOCR_SECRET_KEY",
    "CLOVA_OCR_SECRET",
    "RUST_BACKTRACE",
];

/// A day folder of our own: `<tmp>/data/<DAY>/{statements,orders,slips}`,
/// reports in `<tmp>/out`, the ledger in `<tmp>/var/ledger.sqlite`.
pub struct HostileDay {
    pub root: tempfile::TempDir,
    pub config: PathBuf,
}

/// What one `recon` process did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code 2: the run finished and there is something to review.
    #[track_caller]
    pub fn assert_finished_with_exceptions(&self) {
        assert_eq!(
            self.code,
            Some(2),
            "expected exit 2 (finished, exceptions to review)\nstderr:\n{}",
            tail(&self.stderr)
        );
    }

    /// Exit code 3: the run finished, but its OCR provider was stopped
    /// (refused, unreachable): the operator's, not finance's.
    #[track_caller]
    pub fn assert_provider_stopped(&self) {
        assert_eq!(
            self.code,
            Some(3),
            "expected exit 3 (finished, OCR provider stopped)\nstderr:\n{}",
            tail(&self.stderr)
        );
    }

    /// Everything the process printed.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// The last lines of a long log, for assertion messages.
pub fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

impl HostileDay {
    /// A fresh copy of the sample day (inputs only, not `expected/`).
    pub fn new() -> HostileDay {
        let root = tempfile::tempdir().expect("tempdir");
        let src = repo().join("sample-data").join(DAY);
        let dst = root.path().join("data").join(DAY);
        for kind in ["statements", "orders", "slips"] {
            let to = dst.join(kind);
            fs::create_dir_all(&to).unwrap();
            let mut names: Vec<_> = fs::read_dir(src.join(kind))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            for from in names {
                fs::copy(&from, to.join(from.file_name().unwrap())).unwrap();
            }
        }
        let config = root.path().join("nightly.toml");
        fs::write(&config, nightly_toml()).unwrap();
        let day = HostileDay { root, config };
        day.warm_ocr_cache();
        day
    }

    /// Fills this day's (new) ledger with the local reader's answers for the
    /// sample's slip images, as a nightly ledger has them after the first
    /// night: the hostile tests are about what surrounds OCR, and reading
    /// the same five images with tesseract in every test would cost a
    /// minute. The answers come from one real read of the sample day.
    fn warm_ocr_cache(&self) {
        let warm = warm_ocr_answers();
        if warm.is_empty() {
            return;
        }
        let ledger = recon_ledger::Ledger::open(&self.ledger_path()).expect("ledger");
        for (sha256, slip) in warm {
            recon_core::SlipCache::store(&ledger, sha256, slip);
        }
    }

    pub fn day_dir(&self) -> PathBuf {
        self.root.path().join("data").join(DAY)
    }

    /// A path inside the day folder, e.g. `statements/kbank.csv`.
    pub fn input(&self, rel: &str) -> PathBuf {
        self.day_dir().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.input(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.input(rel)).unwrap()
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.input(rel)).unwrap();
    }

    /// Rewrites the job config (e.g. another `[ocr]` section).
    pub fn set_config(&self, text: &str) {
        fs::write(&self.config, text).unwrap();
    }

    pub fn out_dir(&self) -> PathBuf {
        self.root.path().join("out")
    }

    pub fn report_dir(&self) -> PathBuf {
        self.out_dir().join(DAY)
    }

    pub fn ledger_path(&self) -> PathBuf {
        self.root.path().join("var").join("ledger.sqlite")
    }

    /// The `recon reconcile` command for this day, with debug logs and no
    /// inherited credentials, under a 4 GB address-space limit so that a
    /// runaway allocation fails the test instead of the machine.
    pub fn command(&self, env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("ulimit -v 4000000 && exec \"$@\"")
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_recon"))
            .arg("--summary")
            .arg("--config")
            .arg(&self.config)
            .arg("reconcile")
            .arg("--day")
            .arg(DAY)
            .arg("--data")
            .arg(self.root.path().join("data"))
            .arg("--out")
            .arg(self.out_dir())
            .arg("--ledger")
            .arg(self.ledger_path())
            .current_dir(self.root.path());
        for var in SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        cmd.env("RECON_LOG", "debug");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn reconcile_with(&self, env: &[(&str, &str)]) -> Run {
        let out: Output = self.command(env).output().expect("run recon");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn reconcile(&self) -> Run {
        self.reconcile_with(&[])
    }

    /// `recon verify --day` on this day's ledger and reports.
    pub fn verify(&self) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_recon"))
            .arg("--config")
            .arg(&self.config)
            .args(["verify", "--day", DAY, "--data"])
            .arg(self.root.path().join("data"))
            .arg("--out")
            .arg(self.out_dir())
            .arg("--ledger")
            .arg(self.ledger_path())
            .current_dir(self.root.path())
            .output()
            .expect("run recon verify");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A report file's bytes.
    pub fn report_bytes(&self, name: &str) -> Vec<u8> {
        fs::read(self.report_dir().join(name)).unwrap_or_else(|e| panic!("report {name}: {e}"))
    }

    /// A report CSV as header-keyed rows.
    pub fn report_rows(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        csv_rows(&self.report_bytes(name))
    }

    /// quarantine.csv rows.
    pub fn quarantine(&self) -> Vec<BTreeMap<String, String>> {
        self.report_rows("quarantine.csv")
    }

    /// The quarantine rows about one input file.
    pub fn quarantined(&self, file: &str) -> Vec<BTreeMap<String, String>> {
        self.quarantine()
            .into_iter()
            .filter(|r| r["file"] == file)
            .collect()
    }

    /// order id → its reconciliation.csv row.
    pub fn orders(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        self.report_rows("reconciliation.csv")
            .into_iter()
            .map(|r| (r["order_id"].clone(), r))
            .collect()
    }

    /// Rewrites one order's `slip` cell in orders/orders.csv.
    pub fn set_order_slip(&self, order_id: &str, slip: &str) {
        let text = String::from_utf8(self.read("orders/orders.csv")).unwrap();
        let mut found = false;
        let out: Vec<String> = text
            .lines()
            .map(|line| {
                if line.starts_with(&format!("{order_id},")) {
                    found = true;
                    let (head, _) = line.rsplit_once(',').unwrap();
                    format!("{head},{}", csv_cell(slip))
                } else {
                    line.to_string()
                }
            })
            .collect();
        assert!(found, "no order {order_id} in the sample");
        self.write("orders/orders.csv", out.join("\n") + "\n");
    }
}

/// The local reader's answer for each slip image of the sample day, by
/// image SHA-256, from one cold run.
fn warm_ocr_answers() -> &'static Vec<(String, recon_core::Slip)> {
    static WARM: std::sync::OnceLock<Vec<(String, recon_core::Slip)>> = std::sync::OnceLock::new();
    WARM.get_or_init(|| {
        use sha2::Digest;
        let root = tempfile::tempdir().expect("tempdir");
        let cold = HostileDay {
            config: root.path().join("nightly.toml"),
            root,
        };
        let src = repo().join("sample-data").join(DAY);
        for kind in ["statements", "orders", "slips"] {
            let to = cold.day_dir().join(kind);
            fs::create_dir_all(&to).unwrap();
            for e in fs::read_dir(src.join(kind)).unwrap() {
                let from = e.unwrap().path();
                fs::copy(&from, to.join(from.file_name().unwrap())).unwrap();
            }
        }
        fs::write(&cold.config, nightly_toml()).unwrap();
        cold.reconcile().assert_finished_with_exceptions();
        let ledger = recon_ledger::Ledger::open(&cold.ledger_path()).expect("ledger");
        let mut answers = Vec::new();
        for e in fs::read_dir(cold.input("slips")).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "json") {
                continue;
            }
            let sha256 = hex::encode(sha2::Sha256::digest(fs::read(&path).unwrap()));
            if let Some(slip) =
                recon_core::SlipCache::cached(&ledger, &sha256, recon_core::Provider::Local)
            {
                answers.push((sha256, slip));
            }
        }
        answers.sort_by(|a, b| a.0.cmp(&b.0));
        answers
    })
}

/// A value as one CSV cell (quoted when it needs to be).
pub fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// CSV bytes (BOM allowed) as header-keyed rows.
pub fn csv_rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Every cell of a CSV, header included.
pub fn csv_cells(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    reader
        .records()
        .flat_map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The outcome of the untouched sample day, to compare a hostile day with.
pub fn baseline() -> &'static BTreeMap<String, BTreeMap<String, String>> {
    static BASELINE: std::sync::OnceLock<BTreeMap<String, BTreeMap<String, String>>> =
        std::sync::OnceLock::new();
    BASELINE.get_or_init(|| {
        let day = HostileDay::new();
        day.reconcile().assert_finished_with_exceptions();
        day.orders()
    })
}

/// Asserts that every order not in `touched` has the status, slip and
/// statement line it has on the untouched day: the rest of the day still
/// reconciles.
#[track_caller]
pub fn assert_rest_of_day_unchanged(day: &HostileDay, touched: &[&str]) {
    let now = day.orders();
    let before = baseline();
    let mut compared = 0;
    for (id, row) in before {
        if touched.contains(&id.as_str()) {
            continue;
        }
        let got = now
            .get(id)
            .unwrap_or_else(|| panic!("order {id} is missing from reconciliation.csv"));
        for col in ["status", "slip", "statement_line", "paid_amount"] {
            assert_eq!(got[col], row[col], "order {id}, column {col}");
        }
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} orders compared");
}

/// A minimal XLSX workbook (one sheet, inline strings), for hostile
/// workbooks that must otherwise be well formed.
pub fn xlsx_with_sheet(sheet_xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, &str); 5] = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet_xml),
        ];
        for (name, body) in parts {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

/// `<worksheet>` XML with one inline-string row per entry of `rows`.
pub fn sheet_xml(rows: &[&[&str]]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        xml.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            let text = cell
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            xml.push_str(&format!(
                "<c r=\"{col}{}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
                r + 1
            ));
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}
