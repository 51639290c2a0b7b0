//! A small blocking WebDriver client, for tests that drive a real headless
//! Chromium over a page served on 127.0.0.1 (the review page).
//!
//! Owns: one `chromedriver` child per [`Browser`] on a free local port, its
//! one session, and a temporary Chromium profile directory; all three go
//! away when the `Browser` is dropped (the session is deleted, which quits
//! Chromium, then the driver is killed and the profile removed). Speaks
//! W3C WebDriver's JSON over a minimal HTTP/1.1 client on
//! `std::net::TcpStream` (one request per connection, `Connection: close`,
//! plain or chunked bodies), so it adds no dependency beyond `serde_json`
//! and `base64`.
//!
//! Needs Debian's `chromium` and `chromium-driver` packages
//! (`/usr/bin/chromium`, `/usr/bin/chromedriver`); `scripts/test.sh`
//! installs them when missing.
//!
//! Failures panic with the driver's error and the tail of its log, which is
//! what a test wants, except the element lookups ([`Browser::find`],
//! [`Browser::wait_for`], [`Element::find`]) and waits, which return
//! `Err(String)` so a test can assert that something is absent.
//!
//! ```no_run
//! use std::time::Duration;
//! use recon_testkit::browser::Browser;
//!
//! let b = Browser::start(420, 800);
//! b.goto("http://127.0.0.1:8080/");
//! b.find("#approve").unwrap().click();
//! b.keys("j");
//! let row = b.wait_for(".row.selected", Duration::from_secs(5)).unwrap();
//! assert_eq!(row.text(), "order 1");
//! b.screenshot(recon_testkit::browser::screenshot_dir().join("review.png"));
//! ```

use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The W3C key under which an element reference travels (the spec's "web
/// element identifier").
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver key codes for [`Browser::keys`] and [`Element::send_keys`].
pub mod key {
    pub const ENTER: &str = "\u{E007}";
    pub const TAB: &str = "\u{E004}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const ARROW_DOWN: &str = "\u{E015}";
}

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";
const READY_TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);
/// Longest a single WebDriver call may take before the socket gives up;
/// above the 30 s page-load and script timeouts set on the session.
const CALL_TIMEOUT: Duration = Duration::from_secs(90);

/// Where tests put screenshots: `<target>/browser-screenshots`, with
/// `<target>` from `CARGO_TARGET_DIR` when set, else the workspace's
/// `target/`. Not created here; [`Browser::screenshot`] creates it.
pub fn screenshot_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    };
    target.join("browser-screenshots")
}

/// One headless Chromium behind its own chromedriver.
pub struct Browser {
    port: u16,
    session: String,
    child: Child,
    /// The Chromium profile and the driver's log; removed on drop.
    dir: tempfile::TempDir,
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser")
            .field("port", &self.port)
            .field("session", &self.session)
            .finish()
    }
}

/// An element of the current page, found by [`Browser::find`] and friends.
#[derive(Clone)]
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Element").field(&self.id).finish()
    }
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium
    /// session whose viewport is `width` × `height` CSS pixels
    /// (`window.innerWidth == width`, even below Chromium's 500 px minimum
    /// window width). Panics when chromedriver or Chromium cannot be
    /// started.
    pub fn start(width: u32, height: u32) -> Browser {
        let dir = tempfile::Builder::new()
            .prefix("recon-browser-")
            .tempdir()
            .unwrap_or_else(|e| panic!("browser: cannot create a temp dir: {e}"));
        let log = dir.path().join("chromedriver.log");
        let profile = dir.path().join("profile");

        // A port picked by binding :0 can be taken by someone else before
        // chromedriver binds it; a driver that exits early is retried.
        let mut last = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let mut child = spawn_driver(port, &log);
            match wait_ready(port, &mut child) {
                Ok(()) => {
                    let mut browser = Browser {
                        port,
                        session: String::new(),
                        child,
                        dir,
                    };
                    browser.session = browser.new_session(width, height, &profile);
                    browser.set_viewport(width, height);
                    return browser;
                }
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    last = e;
                }
            }
        }
        panic!(
            "browser: chromedriver did not become ready: {last}\n{}",
            log_tail(&log)
        );
    }

    fn new_session(&self, width: u32, height: u32, profile: &Path) -> String {
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.display()),
                "--lang=en-US",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            "prefs": { "intl.accept_languages": "en-US" },
        });
        if Path::new(CHROMIUM).exists() {
            options["binary"] = json!(CHROMIUM);
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": options,
                    "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 30_000 },
                    "unhandledPromptBehavior": "ignore",
                }
            }
        });
        let value = match http(self.port, "POST", "/session", Some(&caps)) {
            Ok(reply) => reply.into_value(),
            Err(e) => Err(e),
        };
        match value {
            Ok(v) => match v.get("sessionId").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => panic!("browser: new session answer has no sessionId: {v}"),
            },
            Err(e) => panic!(
                "browser: cannot open a Chromium session: {e}\n{}",
                log_tail(&self.log())
            ),
        }
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("chromedriver.log")
    }

    /// One command on this session (`path` is relative to
    /// `/session/{id}`), its `value` or the driver's error.
    fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let full = format!("/session/{}{path}", self.session);
        // W3C drivers want a JSON body on every POST, `{}` when empty.
        let body = match (method, body) {
            ("POST", None) => Some(json!({})),
            (_, b) => b,
        };
        http(self.port, method, &full, body.as_ref())?.into_value()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        match self.try_cmd(method, path, body) {
            Ok(v) => v,
            Err(e) => panic!(
                "browser: {method} {path} failed: {e}\n{}",
                log_tail(&self.log())
            ),
        }
    }

    fn element(&self, v: &Value) -> Result<Element<'_>, String> {
        match v.get(ELEMENT_KEY).and_then(Value::as_str) {
            Some(id) => Ok(Element {
                browser: self,
                id: id.to_string(),
            }),
            None => Err(format!("not an element reference: {v}")),
        }
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn current_url(&self) -> String {
        as_string(self.cmd("GET", "/url", None))
    }

    pub fn title(&self) -> String {
        as_string(self.cmd("GET", "/title", None))
    }

    /// The current page's HTML as the browser serialises it now.
    pub fn source(&self) -> String {
        as_string(self.cmd("GET", "/source", None))
    }

    pub fn refresh(&self) {
        self.cmd("POST", "/refresh", None);
    }

    pub fn back(&self) {
        self.cmd("POST", "/back", None);
    }

    /// The first element matching the CSS selector, now.
    pub fn find(&self, css: &str) -> Result<Element<'_>, String> {
        let v = self
            .try_cmd("POST", "/element", Some(by_css(css)))
            .map_err(|e| format!("find {css:?}: {e}"))?;
        self.element(&v)
    }

    /// Every element matching the CSS selector, now (maybe none).
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let v = self.cmd("POST", "/elements", Some(by_css(css)));
        elements(self, v)
    }

    /// The first element matching `css`, polling every 50 ms until one
    /// exists or `timeout` has passed.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element<'_>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css) {
                Ok(e) => return Ok(e),
                Err(e) if Instant::now() >= deadline => {
                    return Err(format!("waited {timeout:?}: {e}"));
                }
                Err(_) => thread::sleep(POLL),
            }
        }
    }

    /// Polls `cond` every 50 ms until it is true or `timeout` has passed.
    pub fn wait_until(
        &self,
        mut cond: impl FnMut(&Browser) -> bool,
        timeout: Duration,
    ) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if cond(self) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("condition not met within {timeout:?}"));
            }
            thread::sleep(POLL);
        }
    }

    /// Presses and releases each key of `text` in turn on whatever has the
    /// focus (the page body when nothing does), through the Actions API:
    /// what a page's keyboard shortcuts see. WebDriver key codes such as
    /// [`key::ENTER`] count as one key.
    pub fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            let c = c.to_string();
            actions.push(json!({ "type": "keyDown", "value": c }));
            actions.push(json!({ "type": "keyUp", "value": c }));
        }
        let body = json!({
            "actions": [{ "type": "key", "id": "keyboard", "actions": actions }]
        });
        self.cmd("POST", "/actions", Some(body));
        self.cmd("DELETE", "/actions", None);
    }

    /// Runs `script` as a function body in the page (`arguments[i]` are
    /// `args`; pass elements with [`Element::json`]) and returns what it
    /// returns. Panics when the script throws.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Resizes the window and makes the viewport exactly `width` ×
    /// `height` CSS pixels (see [`Browser::start`] on narrow sizes).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
        self.set_viewport(width, height);
    }

    /// Chromium will not make a window narrower than 500 px, so the size
    /// is also applied as a device-metrics override (desktop, scale 1):
    /// `window.innerWidth` is then what was asked for, phone widths too.
    /// It holds for this tab across navigations and reloads.
    fn set_viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": false,
            }),
        );
    }

    /// One Chrome DevTools Protocol command on the current tab, through
    /// chromedriver's `goog/cdp/execute`; its result.
    pub fn cdp(&self, method: &str, params: Value) -> Value {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": method, "params": params })),
        )
    }

    /// Writes a PNG of the viewport to `path`, creating its parent folders.
    pub fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let data = as_string(self.cmd("GET", "/screenshot", None));
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .unwrap_or_else(|e| panic!("browser: screenshot is not base64: {e}"));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("browser: cannot create {}: {e}", parent.display()));
        }
        fs::write(path, png)
            .unwrap_or_else(|e| panic!("browser: cannot write {}: {e}", path.display()));
    }

    /// The text of the open alert, confirm or prompt, if one is open.
    pub fn alert_text(&self) -> Option<String> {
        self.try_cmd("GET", "/alert/text", None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    }

    /// Accepts the open alert, confirm or prompt (OK).
    pub fn accept_alert(&self) {
        self.cmd("POST", "/alert/accept", None);
    }

    /// Dismisses the open confirm or prompt (Cancel).
    pub fn dismiss_alert(&self) {
        self.cmd("POST", "/alert/dismiss", None);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = http(self.port, "DELETE", &path, None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // `dir` (profile and log) is removed when the field drops.
    }
}

impl<'b> Element<'b> {
    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        self.browser
            .cmd(method, &format!("/element/{}{what}", self.id), body)
    }

    /// The reference to pass in [`Browser::execute`]'s `args`.
    pub fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    pub fn click(&self) {
        self.cmd("POST", "/click", None);
    }

    /// The rendered text (as a user sees it: hidden parts left out).
    pub fn text(&self) -> String {
        as_string(self.cmd("GET", "/text", None))
    }

    /// The attribute as written in the HTML, `None` when absent.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.cmd("GET", &format!("/attribute/{name}"), None)
            .as_str()
            .map(str::to_string)
    }

    /// The DOM property (`value`, `checked`, …), `null` when absent.
    pub fn property(&self, name: &str) -> Value {
        self.cmd("GET", &format!("/property/{name}"), None)
    }

    /// Types `text` into the element (focusing it first); WebDriver key
    /// codes such as [`key::ENTER`] pass through.
    pub fn send_keys(&self, text: &str) {
        self.cmd("POST", "/value", Some(json!({ "text": text })));
    }

    /// Empties an input or textarea.
    pub fn clear(&self) {
        self.cmd("POST", "/clear", None);
    }

    pub fn is_displayed(&self) -> bool {
        self.cmd("GET", "/displayed", None) == Value::Bool(true)
    }

    /// The first element inside this one matching the CSS selector.
    pub fn find(&self, css: &str) -> Result<Element<'b>, String> {
        let v = self
            .browser
            .try_cmd(
                "POST",
                &format!("/element/{}/element", self.id),
                Some(by_css(css)),
            )
            .map_err(|e| format!("find {css:?} within element: {e}"))?;
        self.browser.element(&v)
    }

    /// Every element inside this one matching the CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<Element<'b>> {
        let v = self.cmd("POST", "/elements", Some(by_css(css)));
        elements(self.browser, v)
    }

    /// Position and size in CSS pixels: `(x, y, width, height)`.
    pub fn rect(&self) -> (f64, f64, f64, f64) {
        let v = self.cmd("GET", "/rect", None);
        let n = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
        (n("x"), n("y"), n("width"), n("height"))
    }
}

fn by_css(css: &str) -> Value {
    json!({ "using": "css selector", "value": css })
}

fn elements(browser: &Browser, v: Value) -> Vec<Element<'_>> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                browser
                    .element(item)
                    .unwrap_or_else(|e| panic!("browser: {e}"))
            })
            .collect(),
        other => panic!("browser: expected a list of elements, got {other}"),
    }
}

fn as_string(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => panic!("browser: expected a string, got {other}"),
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("browser: cannot bind 127.0.0.1:0: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("browser: no local address: {e}"))
        .port()
}

fn spawn_driver(port: u16, log: &Path) -> Child {
    let program = if Path::new(DRIVER).exists() {
        DRIVER
    } else {
        "chromedriver"
    };
    Command::new(program)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "browser: cannot run {program}: {e} \
                 (install Debian's chromium and chromium-driver; scripts/test.sh does)"
            )
        })
}

/// Polls `GET /status` until the driver says ready; fails when the driver
/// exits first or after [`READY_TIMEOUT`].
fn wait_ready(port: u16, child: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("chromedriver on port {port} exited: {status}"));
        }
        if let Ok(reply) = http(port, "GET", "/status", None) {
            let ready = reply.body.pointer("/value/ready") == Some(&Value::Bool(true));
            // Ours, not someone else's server on the same port: still alive.
            if ready && matches!(child.try_wait(), Ok(None)) {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "chromedriver on port {port} not ready after {READY_TIMEOUT:?}"
            ));
        }
        thread::sleep(POLL);
    }
}

fn log_tail(log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(20);
    format!(
        "chromedriver log ({}), last lines:\n{}",
        log.display(),
        lines[start..].join("\n")
    )
}

/// A WebDriver answer: HTTP status and JSON body.
struct Reply {
    status: u16,
    body: Value,
}

impl Reply {
    /// The `value` of a success, or `"<error>: <message>"` of a failure.
    fn into_value(self) -> Result<Value, String> {
        let value = match self.body {
            Value::Object(mut map) => map.remove("value").unwrap_or(Value::Null),
            other => other,
        };
        let error = value.get("error").and_then(Value::as_str);
        if self.status == 200 && error.is_none() {
            return Ok(value);
        }
        let message = value
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        Err(format!(
            "HTTP {}: {}: {message}",
            self.status,
            error.unwrap_or("unknown error")
        ))
    }
}

/// One HTTP/1.1 request to the driver on 127.0.0.1:`port`, one connection.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Reply, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .map_err(|e| format!("connect 127.0.0.1:{port}: {e}"))?;
    stream
        .set_read_timeout(Some(CALL_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(CALL_TIMEOUT)))
        .map_err(|e| format!("socket timeout: {e}"))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Accept: application/json\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        request.push_str("Content-Type: application/json; charset=utf-8\r\n");
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.flush())
        .map_err(|e| format!("send {method} {path}: {e}"))?;

    let mut reader = BufReader::new(stream);
    let (status, headers) = read_head(&mut reader).map_err(|e| format!("{method} {path}: {e}"))?;
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let raw = if chunked {
        read_chunked(&mut reader)
    } else if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        let mut buf = vec![0; len];
        reader.read_exact(&mut buf).map(|()| buf)
    } else {
        let mut buf = Vec::new();
        reader.read_to_end(&mut buf).map(|_| buf)
    }
    .map_err(|e| format!("{method} {path}: reading the body: {e}"))?;

    let body = if raw.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&raw).map_err(|e| {
            format!(
                "{method} {path}: HTTP {status}, body is not JSON ({e}): {}",
                String::from_utf8_lossy(&raw[..raw.len().min(300)])
            )
        })?
    };
    Ok(Reply { status, body })
}

/// The status code and headers, skipping any `1xx` interim answers.
fn read_head(reader: &mut impl BufRead) -> Result<(u16, Vec<(String, String)>), String> {
    loop {
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("reading the status line: {e}"))?;
        if line.is_empty() {
            return Err("connection closed before an answer".into());
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("bad status line {:?}", line.trim_end()))?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader
                .read_line(&mut h)
                .map_err(|e| format!("reading headers: {e}"))?;
            let h = h.trim_end_matches(['\r', '\n']);
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        if !(100..200).contains(&status) {
            return Ok((status, headers));
        }
    }
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let mut out = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(bad("chunked body ended without a last chunk".into()));
        }
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| bad(format!("bad chunk size {:?}", line.trim_end())))?;
        if size == 0 {
            // Trailers, then the blank line (or EOF).
            loop {
                let mut t = String::new();
                if reader.read_line(&mut t)? == 0 || t.trim_end().is_empty() {
                    return Ok(out);
                }
            }
        }
        let start = out.len();
        out.resize(start + size, 0);
        reader.read_exact(&mut out[start..])?;
        let mut crlf = String::new();
        reader.read_line(&mut crlf)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        let wire = b"4\r\n{\"va\r\nB;ext=1\r\nlue\":[1,2]}\r\n0\r\nX-Trailer: y\r\n\r\n";
        let body = read_chunked(&mut &wire[..]).unwrap();
        assert_eq!(body, br#"{"value":[1,2]}"#);
    }

    #[test]
    fn head_skips_interim_answers() {
        let wire =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}";
        let (status, headers) = read_head(&mut &wire[..]).unwrap();
        assert_eq!(status, 404);
        assert_eq!(headers, vec![("Content-Length".into(), "2".into())]);
    }

    #[test]
    fn driver_errors_read_as_error_and_message() {
        let reply = Reply {
            status: 404,
            body: json!({ "value": {
                "error": "no such element",
                "message": "no such element: Unable to locate element\n  (Session info: x)",
                "stacktrace": "..."
            }}),
        };
        assert_eq!(
            reply.into_value().unwrap_err(),
            "HTTP 404: no such element: no such element: Unable to locate element"
        );
    }
}
