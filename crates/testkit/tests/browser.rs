//! The WebDriver client against a real headless Chromium: a small page
//! served from a std `TcpListener` is clicked, typed into, given keyboard
//! shortcuts and photographed. Needs chromium and chromium-driver.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use recon_testkit::browser::{self, Browser, key};
use serde_json::json;

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harness page</title>
<style>body { margin: 0; font: 16px sans-serif } #wide { width: 100% }</style>
</head><body>
<div id="wide"><button id="go" data-kind="primary">Go</button></div>
<div id="out">waiting</div>
<input id="name" type="text" value="">
<div id="keys"></div>
<ul id="list"><li>one</li><li>two</li><li hidden>three</li></ul>
<a id="next" href="/second">next</a>
<script>
  document.getElementById('go').addEventListener('click', () => {
    document.getElementById('out').textContent = 'clicked';
    setTimeout(() => {
      const d = document.createElement('div');
      d.id = 'late';
      d.textContent = 'arrived';
      document.body.appendChild(d);
    }, 200);
  });
  const seen = [];
  document.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'INPUT') return;
    seen.push(e.key);
    document.getElementById('keys').textContent = seen.join(',');
  });
</script>
</body></html>"#;

const SECOND: &str = r#"<!doctype html><html><head><meta charset="utf-8">
<title>Second page</title></head><body><p id="p">second</p></body></html>"#;

/// Serves `PAGE` at `/` and `SECOND` at `/second` on 127.0.0.1, one thread
/// per connection (Chromium opens speculative connections it may never use).
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).unwrap_or(0) == 0 {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = match path {
                    "/" => ("200 OK", PAGE),
                    "/second" => ("200 OK", SECOND),
                    _ => ("404 Not Found", ""),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn drives_a_local_page() {
    let base = serve();
    let started = Instant::now();
    let b = Browser::start(420, 800);
    eprintln!("browser started in {:?}", started.elapsed());

    b.goto(&format!("{base}/"));
    assert_eq!(b.title(), "Harness page");
    assert_eq!(b.current_url(), format!("{base}/"));
    assert!(b.source().contains(r#"id="keys""#));

    // Click: inline JS changes the div, and a late element appears.
    let out = b.find("#out").unwrap();
    assert_eq!(out.text(), "waiting");
    let go = b.find("#go").unwrap();
    assert_eq!(go.attr("data-kind").as_deref(), Some("primary"));
    assert_eq!(go.attr("no-such-attr"), None);
    assert!(go.is_displayed());
    go.click();
    assert_eq!(out.text(), "clicked");
    let late = b.wait_for("#late", Duration::from_secs(5)).unwrap();
    assert_eq!(late.text(), "arrived");
    let missing = b.find("#absent").unwrap_err();
    assert!(missing.contains("no such element"), "{missing}");
    assert!(
        b.wait_for("#absent", Duration::from_millis(200)).is_err(),
        "an absent element is not found by waiting"
    );

    // Lists, lookups within an element, visibility.
    let items = b.find_all("#list li");
    assert_eq!(items.len(), 3);
    assert!(b.find_all("#list .none").is_empty());
    let list = b.find("#list").unwrap();
    assert_eq!(list.find("li").unwrap().text(), "one");
    assert_eq!(list.find_all("li").len(), 3);
    assert!(list.find("p").is_err());
    assert!(!items[2].is_displayed());

    // Typing: the value property follows; Enter passes through; clear.
    let input = b.find("#name").unwrap();
    input.send_keys("Somchai");
    assert_eq!(input.property("value"), json!("Somchai"));
    input.send_keys(key::ENTER);
    input.clear();
    assert_eq!(input.property("value"), json!(""));
    input.send_keys("สมชาย");
    assert_eq!(input.property("value"), json!("สมชาย"));
    assert_eq!(
        b.find("#keys").unwrap().text(),
        "",
        "keys typed into the input do not reach the shortcuts"
    );

    // Keyboard shortcuts: keys go to the focused element, here the body.
    b.execute("document.activeElement.blur()", vec![]);
    b.keys("j");
    assert_eq!(b.find("#keys").unwrap().text(), "j");
    b.keys(&format!("k{}", key::ENTER));
    assert_eq!(b.find("#keys").unwrap().text(), "j,k,Enter");

    // Scripts, with an element argument.
    let text = b.execute(
        "return arguments[0].textContent + arguments[1]",
        vec![out.json(), json!("!")],
    );
    assert_eq!(text, json!("clicked!"));
    let inner = b.execute("return window.innerWidth", vec![]);
    let layout = b.execute("return document.documentElement.clientWidth", vec![]);
    eprintln!("window.innerWidth = {inner}, layout width = {layout}");
    assert_eq!(
        inner,
        json!(420),
        "the viewport is the window size asked for"
    );
    assert!(layout.as_f64().unwrap() <= 420.0, "layout width {layout}");
    let (x, y, w, h) = b.find("#wide").unwrap().rect();
    assert_eq!((x, y), (0.0, 0.0));
    assert!(w > 0.0 && w <= 420.0 && h > 0.0, "{w}x{h}");

    // Screenshot.
    let shot = browser::screenshot_dir().join("harness.png");
    let _ = std::fs::remove_file(&shot);
    b.screenshot(&shot);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", shot.display());

    // Resize, then navigation: link, back, refresh.
    b.set_window_size(800, 600);
    b.wait_until(
        |b| b.execute("return window.innerWidth", vec![]) == json!(800),
        Duration::from_secs(5),
    )
    .unwrap();
    b.find("#next").unwrap().click();
    b.wait_until(|b| b.title() == "Second page", Duration::from_secs(5))
        .unwrap();
    assert_eq!(b.current_url(), format!("{base}/second"));
    b.back();
    assert_eq!(b.title(), "Harness page");
    b.find("#go").unwrap().click();
    b.refresh();
    assert_eq!(b.find("#out").unwrap().text(), "waiting");
    assert!(
        b.wait_until(|_| false, Duration::from_millis(100)).is_err(),
        "a condition never met times out"
    );

    // An alert, accepted.
    b.execute("setTimeout(() => alert('hello'), 0)", vec![]);
    b.wait_until(|b| b.alert_text().is_some(), Duration::from_secs(5))
        .unwrap();
    assert_eq!(b.alert_text().as_deref(), Some("hello"));
    b.accept_alert();
    assert_eq!(b.alert_text(), None);
}

#[test]
fn two_browsers_run_at_once() {
    let base = serve();
    let (a, c) = thread::scope(|s| {
        let a = s.spawn(|| Browser::start(420, 800));
        let c = s.spawn(|| Browser::start(640, 480));
        (a.join().unwrap(), c.join().unwrap())
    });
    a.goto(&format!("{base}/"));
    c.goto(&format!("{base}/second"));
    a.find("#go").unwrap().click();
    assert_eq!(a.find("#out").unwrap().text(), "clicked");
    assert_eq!(c.find("#p").unwrap().text(), "second");
    assert_eq!(a.title(), "Harness page");
    assert_eq!(c.title(), "Second page");
    assert_eq!(
        c.execute("return window.innerWidth", vec![]),
        json!(640),
        "each browser keeps its own window size"
    );
    drop(a);
    // The other one is unaffected by the first one going away.
    c.refresh();
    assert_eq!(c.title(), "Second page");
}
