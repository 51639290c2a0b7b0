//! The frame every page shares: escaping, money and time for people, the
//! style sheet (phone width and print included) and the few lines of
//! script that give the pages their keyboard.

use std::fmt::Write;

use chrono::{DateTime, FixedOffset};
use recon_core::{Money, Status};

pub use recon_report::esc;

/// Percent-encodes a query value.
pub fn url(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// `12345.5 THB` → `12,345.50 THB`.
pub fn money(m: &Money) -> String {
    format!(
        "{} {}",
        recon_report::grouped(&m.plain()),
        m.currency.code()
    )
}

pub fn time(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// The badge class of a status: the colour families of the reports.
pub fn tone(status: Status) -> &'static str {
    match status {
        Status::Matched => "ok",
        Status::Resolved => "done",
        Status::DuplicateSlip | Status::ReceiverMismatch | Status::SlipNotOnStatement => "risk",
        Status::AmountMismatch
        | Status::NameMismatch
        | Status::Ambiguous
        | Status::UnreadableSlip => "check",
        Status::StatementUnmatched | Status::Unpaid => "open",
        Status::Pending => "wait",
    }
}

/// The status as a badge: English words, the Thai below.
pub fn badge(status: Status) -> String {
    format!(
        "<span class=\"badge {}\" data-status=\"{}\">{}<small lang=\"th\">{}</small></span>",
        tone(status),
        status.as_str(),
        esc(recon_report::words::status_en(status)),
        esc(recon_report::words::status_th(status)),
    )
}

const CSS: &str = r#"
*{box-sizing:border-box}
body{font-family:"Noto Sans Thai","Noto Sans Khmer","Noto Sans",Tahoma,Arial,sans-serif;margin:0;color:#1d2327;background:#f6f7f8;font-size:15px;line-height:1.45}
header{background:#263238;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 18px;align-items:baseline}
header a{color:#fff}header h1{font-size:18px;margin:0}header .who{margin-left:auto;font-size:13px;opacity:.85}
main{padding:12px 16px;max-width:1280px}
h2{font-size:17px;margin:18px 0 8px}
a{color:#0b57d0}
.badge{display:inline-block;border-radius:4px;padding:1px 7px;font-weight:600;font-size:13px;line-height:1.3}
.badge small{display:block;font-weight:400;font-size:11px}
.badge.risk{background:#fde7e9;color:#a50e0e}.badge.check{background:#fff1e0;color:#8a4600}
.badge.open{background:#fbf5d5;color:#6b5900}.badge.wait{background:#e3efff;color:#0b3d91}
.badge.ok{background:#e4f4e6;color:#1e5e24}.badge.done{background:#eceff1;color:#37474f}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:6px 0 12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#555}
input,select,textarea,button{font:inherit;font-size:14px}
input[type=search]{min-width:14em}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid #e1e4e6;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef0f2;font-size:13px}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.case{cursor:pointer}tr.case:hover{background:#f3f7ff}tr.case.sel{outline:2px solid #0b57d0;outline-offset:-2px;background:#eef4ff}
.next{font-size:13px;color:#444}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px}
.panel{background:#fff;border:1px solid #dde1e4;border-radius:6px;padding:10px 12px;min-width:0}
.panel h3{margin:0 0 6px;font-size:15px}
.panel dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}
.panel dt{color:#666;font-size:13px}.panel dd{margin:0;overflow-wrap:anywhere}
.slip img{max-width:100%;height:auto;border:1px solid #ccc;border-radius:4px;display:block;margin-bottom:8px}
ul.why{margin:4px 0 0;padding-left:20px}ul.why li small{display:block;color:#555}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
.actions form{background:#fff;border:1px solid #dde1e4;border-radius:6px;padding:10px;display:flex;flex-wrap:wrap;gap:6px;align-items:end;min-width:0;max-width:100%}
.actions form h4{width:100%;margin:0;font-size:14px}
button{background:#0b57d0;color:#fff;border:0;border-radius:4px;padding:6px 12px;cursor:pointer}
button.quiet{background:#eceff1;color:#1d2327}
kbd{font-family:inherit;font-size:11px;border:1px solid #bbb;border-radius:3px;padding:0 3px;margin-left:4px;background:#fff;color:#333}
.note{background:#e4f4e6;border:1px solid #9ccc9f;border-radius:6px;padding:8px 12px;margin:8px 0}
.error{background:#fde7e9;border:1px solid #e4989f;border-radius:6px;padding:8px 12px;margin:8px 0;white-space:pre-wrap}
.muted{color:#666;font-size:13px}
.legend{font-size:13px;color:#444}
@media (max-width:640px){
  main{padding:8px}
  table.queue thead{display:none}
  table.queue,table.queue tbody,table.queue tr,table.queue td{display:block;width:100%}
  table.queue tr{border-bottom:1px solid #ccd;padding:6px 0}
  table.queue td{border:0;padding:2px 8px}
  table.queue td[data-label]::before{content:attr(data-label) ": ";color:#666;font-size:12px}
  table.queue td.n{text-align:left}
  input[type=search]{min-width:0;width:100%}
  form.filters label{flex:1 1 40%}
  table.cands,table.cands tbody,table.cands tr,table.cands td{display:block;width:100%}
  table.cands thead{display:none}
}
@media print{
  header{background:none;color:#000;border-bottom:1px solid #000}header a{color:#000}
  form.filters,.actions,kbd,script{display:none}
  body{background:#fff}tr{break-inside:avoid}.panel{break-inside:avoid}
}
"#;

/// The keyboard: `j`/`k` (or the arrows) move through the queue, Enter
/// opens, `/` searches; on a case each action has its key (shown beside
/// it), `n` goes to the next case and Escape or `u` back to the queue.
const JS: &str = r#"
(function(){
  var rows=[].slice.call(document.querySelectorAll('tr.case'));
  function pick(i){rows.forEach(function(r){r.classList.remove('sel')});if(rows[i]){rows[i].classList.add('sel');rows[i].scrollIntoView({block:'nearest'})}}
  rows.forEach(function(r){r.addEventListener('click',function(e){if(e.target.tagName!=='A'){location=r.dataset.href}})});
  document.addEventListener('keydown',function(e){
    if(e.ctrlKey||e.metaKey||e.altKey)return;
    var t=e.target;
    if(t.matches&&t.matches('input,select,textarea')){if(e.key==='Escape'){t.blur()}return}
    var k=e.key,i=rows.findIndex(function(r){return r.classList.contains('sel')});
    if(rows.length){
      if(k==='j'||k==='ArrowDown'){e.preventDefault();pick(Math.min(i+1,rows.length-1));return}
      if(k==='k'||k==='ArrowUp'){e.preventDefault();pick(Math.max(i-1,0));return}
      if(k==='Enter'&&i>=0){location=rows[i].dataset.href;return}
    }
    if(k==='/'){var q=document.getElementById('q');if(q){e.preventDefault();q.focus()}return}
    if(k==='Escape'||k==='u'){var up=document.getElementById('up');if(up){location=up.href}return}
    if(k==='n'){var nx=document.getElementById('next');if(nx){location=nx.href}return}
    var el=document.querySelector('[data-key="'+k+'"]');
    if(el){e.preventDefault();if(el.dataset.press){el.click()}else{el.focus()}}
  });
})();
"#;

/// A whole page around `body`.
pub fn page(title: &str, day: Option<&str>, user: &str, body: &str) -> String {
    let mut h = String::with_capacity(body.len() + CSS.len() + JS.len() + 512);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header><h1>Recon review</h1>",
        esc(title)
    );
    if let Some(d) = day {
        let _ = write!(
            h,
            "<a id=\"up\" href=\"/day/{d}\">Cases of {d}</a>",
            d = esc(d)
        );
    }
    let _ = write!(
        h,
        "<span class=\"who\">deciding as <b id=\"user\">{}</b></span></header>\n<main>\n{body}\n</main>\n<script>{JS}</script>\n</body>\n</html>\n",
        esc(user)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use recon_core::{Currency, Decimal};

    #[test]
    fn money_and_urls_for_people() {
        let m = Money::new(Decimal::new(123456750, 2), Currency::Thb);
        assert_eq!(money(&m), "1,234,567.50 THB");
        let m = Money::new(Decimal::new(-5000, 0), Currency::Khr);
        assert_eq!(money(&m), "-5,000.00 KHR");
        assert_eq!(url("2026-11-20/kbank.csv:7"), "2026-11-20%2Fkbank.csv%3A7");
        assert_eq!(esc("<a href=\"x\">'"), "&lt;a href=&quot;x&quot;&gt;&#39;");
    }
}
