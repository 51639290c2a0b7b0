//! The review page as finance uses it: the real `recon review` server over
//! the sample days, driven by a real headless Chromium through
//! chromedriver, on a desktop and on a 420 px phone. Screenshots of the
//! queue and of a case land in `<target>/browser-screenshots/` for a person
//! to look at.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::world::{Payment, slip_json};
use common::{copy_dir, read_csv, text, workspace};
use recon_testkit::browser::{Browser, screenshot_dir};

const D1: &str = "2026-11-20";
const D2: &str = "2026-11-21";
const WAIT: Duration = Duration::from_secs(30);

/// The sample days, with one more order on the 21st that two statement
/// lines carry the slip's transaction reference: `ambiguous`.
struct Desk {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        for d in [D1, D2] {
            copy_dir(
                &workspace().join("sample-data").join(d),
                &root.join("data").join(d),
            );
        }
        let day = root.join("data").join(D2);
        let p = Payment {
            order: "ORD-AMB-1",
            name: "นาย สมชาย ทดสอบ",
            thb: "4321.00",
            ordered_at: "2026-11-21T14:00:00+07:00",
            paid_at: "2026-11-21T14:03:00+07:00",
            trans_ref: "016325140300BTF07777",
            payer: "",
        };
        std::fs::write(day.join("slips/ORD-AMB-1.json"), slip_json(&p)).unwrap();
        let orders = day.join("orders/orders.csv");
        let mut body = std::fs::read_to_string(&orders).unwrap();
        body.push_str(&format!(
            "{},{},{},THB,{},ORD-AMB-1.json\n",
            p.order, p.name, p.thb, p.ordered_at
        ));
        std::fs::write(&orders, body).unwrap();
        // Two lines carry the slip's transaction reference: Recon cannot
        // tell which is the payment.
        let line = |at: &str| {
            format!(
                "123-4-56789-0,{at},4321.00,THB,สมชาย ทดสอบ,,,{},Incoming transfer\n",
                p.trans_ref
            )
        };
        std::fs::write(
            day.join("statements/extra.csv"),
            format!(
                "account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description\n{}{}",
                line("2026-11-21T14:05:00+07:00"),
                line("2026-11-21T14:09:00+07:00")
            ),
        )
        .unwrap();
        let desk = Desk { _tmp: tmp, root };
        for d in [D1, D2] {
            let out = desk.recon(&["reconcile", "--day", d]).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{d}: {}", text(&out));
        }
        desk
    }

    fn recon(&self, args: &[&str]) -> Command {
        let mut cmd = self.recon_ledger(args);
        cmd.arg("--data")
            .arg(self.root.join("data"))
            .arg("--out")
            .arg(self.root.join("reports"));
        cmd
    }

    /// A command that takes only `--ledger` (decisions).
    fn recon_ledger(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
        cmd.current_dir(workspace())
            .args(["--config", "jobs/nightly.toml"])
            .args(args)
            .arg("--ledger")
            .arg(self.root.join("ledger.sqlite"))
            .env("RECON_LOG", "warn");
        cmd
    }

    fn statuses(&self, day: &str) -> std::collections::BTreeMap<String, String> {
        read_csv(
            &self
                .root
                .join("reports")
                .join(day)
                .join("reconciliation.csv"),
        )
        .into_iter()
        .map(|r| (r["order_id"].clone(), r["status"].clone()))
        .collect()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `recon review`, stopped on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(desk: &Desk, extra: &[&str]) -> Server {
        let port = free_port();
        let port_s = port.to_string();
        let mut args = vec!["review", "--port", &port_s, "--user", "Khun Noi"];
        args.extend_from_slice(extra);
        let child = desk
            .recon(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "recon review did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_on_page(b: &Browser) -> String {
    b.wait_for("#case", WAIT)
        .unwrap()
        .attr("data-status")
        .unwrap()
}

/// Waits for the page after a decision and fails with its message when
/// the decision was refused.
fn recorded(b: &Browser) {
    let answered = b.wait_until(
        |b| b.find("#done").is_ok() || b.find("#error").is_ok(),
        WAIT,
    );
    if let Err(e) = answered {
        let src = b.source();
        panic!(
            "{e}: no answer to the decision at {}: {}",
            b.current_url(),
            &src[..src.len().min(600)]
        );
    }
    if let Ok(e) = b.find("#error") {
        panic!("the decision was refused: {}", e.text());
    }
}

fn open_case(b: &Browser, s: &Server, id: &str) {
    b.goto(&format!("{}/day/{D2}/case?kind=order&id={id}", s.base));
    b.wait_for("#case", WAIT).unwrap();
}

fn no_sideways_scroll(b: &Browser, what: &str) {
    let widths = b.execute(
        "return [document.documentElement.scrollWidth, window.innerWidth]",
        vec![],
    );
    let (scroll, inner) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(
        scroll <= inner,
        "{what}: the page scrolls sideways ({scroll} > {inner})"
    );
}

/// Everything a finance person does on the morning after, at one width.
fn clear_the_morning(width: u32, height: u32, tag: &str) {
    let desk = Desk::new();
    let before = desk.statuses(D2);
    assert_eq!(before["ORD-20261121-0004"], "name_mismatch");
    assert_eq!(before["ORD-20261121-0011"], "amount_mismatch");
    assert_eq!(before["ORD-AMB-1"], "ambiguous");
    let server = Server::start(&desk, &[]);
    let b = Browser::start(width, height);
    let shots = screenshot_dir();

    // The queue: one row per case, the count on top, riskiest first.
    b.goto(&format!("{}/", server.base));
    b.wait_for("tr.case", WAIT).unwrap();
    assert!(b.current_url().ends_with(&format!("/day/{D2}")));
    let open: usize = b.find("#open-count").unwrap().text().parse().unwrap();
    let rows = b.find_all("tr.case");
    assert_eq!(rows.len(), open, "the default view lists the open cases");
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(desk.root.join("reports").join(D2).join("summary.json")).unwrap(),
    )
    .unwrap();
    if let Some(n) = summary["cases"]["open"].as_u64() {
        assert_eq!(
            open as u64, n,
            "the page and summary.json count cases alike"
        );
    }
    assert_eq!(
        rows[0].attr("data-status").as_deref(),
        Some("duplicate_slip"),
        "the riskiest case comes first"
    );
    no_sideways_scroll(&b, "queue");
    b.screenshot(shots.join(format!("review-queue-{tag}.png")));

    // The keyboard: j selects the first row, Enter opens it.
    b.keys("j");
    b.wait_for("tr.case.sel", WAIT).unwrap();
    b.keys(recon_testkit::browser::key::ENTER);
    b.wait_for("#case", WAIT).unwrap();
    assert_eq!(status_on_page(&b), "duplicate_slip");

    // A search by amount finds the order.
    b.goto(&format!("{}/day/{D2}?q=4,321.00", server.base));
    b.wait_for("h2", WAIT).unwrap();
    let found = b.find_all("tr.case");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].attr("data-id").as_deref(), Some("ORD-AMB-1"));

    // A case with a picture: the slip beside the bank line and the order.
    open_case(&b, &server, "ORD-20261121-0011");
    let img = b.wait_for("#slip-picture", WAIT).unwrap();
    b.wait_until(
        |b| {
            b.execute(
                "var i=document.getElementById('slip-picture');return i.complete&&i.naturalWidth>0",
                vec![],
            ) == serde_json::Value::Bool(true)
        },
        WAIT,
    )
    .expect("the slip picture loads");
    assert!(img.is_displayed());
    assert!(b.find(".panel.line").is_ok() && b.find(".panel.order").is_ok());
    no_sideways_scroll(&b, "case");
    b.screenshot(shots.join(format!("review-case-{tag}.png")));

    // Write off the difference as a bank fee (the amount is filled in).
    let amount = b.find("#write-off-amount").unwrap();
    assert_eq!(amount.property("value").as_str(), Some("10.00"));
    b.find("#write-off-reason option[value=bank_fee]")
        .unwrap()
        .click();
    b.find("#write-off-note").unwrap().send_keys("KBank fee");
    b.find("#write_off button").unwrap().click();
    recorded(&b);
    assert_eq!(status_on_page(&b), "matched");

    // Confirm a name mismatch with the keyboard alone.
    open_case(&b, &server, "ORD-20261121-0004");
    assert_eq!(status_on_page(&b), "name_mismatch");
    b.keys("c");
    recorded(&b);
    assert_eq!(status_on_page(&b), "matched");

    // Link the ambiguous order to the second of its candidate lines.
    open_case(&b, &server, "ORD-AMB-1");
    assert_eq!(status_on_page(&b), "ambiguous");
    let cands = b.find_all("#link input[name=with]");
    assert_eq!(cands.len(), 2, "both lines are offered");
    let chosen = cands[1].attr("value").unwrap();
    let other = cands[0].attr("value").unwrap();
    assert!(
        b.find_all("#link td.score").len() == 2,
        "each candidate shows its score"
    );
    cands[1].click();
    b.find("#link button").unwrap().click();
    recorded(&b);
    assert_eq!(status_on_page(&b), "matched");
    assert!(
        b.find(".panel.line h3").unwrap().text().contains(&chosen),
        "the order is paid by the line chosen"
    );

    // After a reload, and after the day is reconciled again from the
    // command line, every decision still stands.
    b.refresh();
    assert_eq!(status_on_page(&b), "matched");
    let out = desk.recon(&["reconcile", "--day", D2]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let after = desk.statuses(D2);
    for id in ["ORD-20261121-0011", "ORD-20261121-0004", "ORD-AMB-1"] {
        assert_eq!(after[id], "matched", "{id} after the rerun");
        open_case(&b, &server, id);
        assert_eq!(
            status_on_page(&b),
            "matched",
            "{id} on the page after the rerun"
        );
    }
    let decisions = desk
        .recon_ledger(&["decisions", "--day", D2])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&decisions.stdout).to_string();
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(
        listed.lines().all(|l| l.contains("by Khun Noi")),
        "{listed}"
    );

    // The three decided cases left the queue; the candidate line not
    // chosen is money no order claims now, a case of its own.
    b.goto(&format!("{}/day/{D2}", server.base));
    b.wait_for("tr.case", WAIT).unwrap();
    let now: usize = b.find("#open-count").unwrap().text().parse().unwrap();
    assert_eq!(now, open - 3 + 1);
    let ids: Vec<String> = b
        .find_all("tr.case")
        .iter()
        .filter_map(|r| r.attr("data-id"))
        .collect();
    for id in ["ORD-20261121-0011", "ORD-20261121-0004", "ORD-AMB-1"] {
        assert!(!ids.iter().any(|i| i == id), "{id} is still listed");
    }
    assert!(
        ids.contains(&other),
        "the other line {other} is listed: {ids:?}"
    );
}

#[test]
fn finance_clears_the_morning_on_a_desktop() {
    clear_the_morning(1280, 900, "desktop");
}

#[test]
fn finance_clears_the_morning_on_a_phone() {
    clear_the_morning(420, 860, "phone");
}

/// One raw HTTP request; returns the status code and the body.
fn http(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let out = String::from_utf8_lossy(&raw).into_owned();
    let code = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, out)
}

#[test]
fn the_page_refuses_what_it_must() {
    let desk = Desk::new();

    // Not on loopback without a token: the server does not start.
    let out = desk
        .recon(&[
            "review",
            "--bind",
            "0.0.0.0",
            "--port",
            &free_port().to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("--token"), "{}", text(&out));

    // A token file others can read is refused too.
    let token = "s3cret-token-for-the-review-page";
    let file = desk.root.join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = desk
        .recon(&["review", "--token-file", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("chmod 600"), "{}", text(&out));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();

    let server = Server::start(
        &desk,
        &["--bind", "0.0.0.0", "--token-file", file.to_str().unwrap()],
    );
    let queue = format!("/day/{D2}");
    let (code, _) = http(&server.base, "GET", &queue, &[], "");
    assert_eq!(code, 401, "no token, no page");
    let (code, _) = http(
        &server.base,
        "GET",
        &queue,
        &[("Authorization", "Bearer wrong-token-xxxxxxxx")],
        "",
    );
    assert_eq!(code, 401);
    let bearer = format!("Bearer {token}");
    let auth = [("Authorization", bearer.as_str())];
    let (code, page) = http(&server.base, "GET", &queue, &auth, "");
    assert_eq!(code, 200);
    assert!(page.contains("cases to review"));
    // Opening with ?token= sets the cookie and takes the token out of the
    // address.
    let (code, answer) = http(
        &server.base,
        "GET",
        &format!("{queue}?token={token}"),
        &[],
        "",
    );
    assert_eq!(code, 303);
    assert!(answer.contains("recon_token=") && answer.contains("HttpOnly"));

    // A POST without the form's CSRF token, or from another site, changes
    // nothing.
    let form = "kind=confirm&id=ORD-20261121-0004";
    let post = |headers: &[(&str, &str)], body: &str| {
        let mut h = auth.to_vec();
        h.push(("Content-Type", "application/x-www-form-urlencoded"));
        h.extend_from_slice(headers);
        http(&server.base, "POST", &format!("/day/{D2}/decide"), &h, body).0
    };
    assert_eq!(post(&[], form), 403);
    assert_eq!(
        post(
            &[("Origin", "https://evil.example")],
            &format!("{form}&csrf=guess")
        ),
        403
    );
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .map(|s| s.split('"').next().unwrap().to_string());
    // The queue has no form; a case page has one.
    let (_, case_page) = http(
        &server.base,
        "GET",
        &format!("/day/{D2}/case?kind=order&id=ORD-20261121-0004"),
        &auth,
        "",
    );
    let csrf = csrf.or_else(|| {
        case_page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_string())
    });
    let csrf = csrf.expect("a case page carries the form token");
    assert_eq!(
        post(
            &[("Sec-Fetch-Site", "cross-site")],
            &format!("{form}&csrf={csrf}")
        ),
        403,
        "a cross-site POST is refused even with the token"
    );
    assert_eq!(desk.statuses(D2)["ORD-20261121-0004"], "name_mismatch");
    let listed = desk.recon_ledger(&["decisions"]).output().unwrap();
    assert!(listed.stdout.is_empty(), "nothing was recorded");

    // Slip pictures only from the day's own slips/ folder.
    for bad in [
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "ORD-20261121-0002.json",
        "missing.png",
    ] {
        let (code, _) = http(
            &server.base,
            "GET",
            &format!("/day/{D2}/slip?name={bad}"),
            &auth,
            "",
        );
        assert_eq!(code, 404, "{bad}");
    }
    let (code, _) = http(
        &server.base,
        "GET",
        &format!("/day/{D2}/slip?name=ORD-20261121-0011.png"),
        &auth,
        "",
    );
    assert_eq!(code, 200);
    // A same-origin POST with the token records the decision.
    assert_eq!(post(&[], &format!("{form}&csrf={csrf}")), 303);
    assert_eq!(desk.statuses(D2)["ORD-20261121-0004"], "matched");
}
