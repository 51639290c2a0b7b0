//! Running the tesseract engine on one image.
//!
//! We call the `tesseract` command (Debian `tesseract-ocr` with the `tha`,
//! `eng` and `khm` data) rather than binding libtesseract: no C toolchain or
//! bindgen in the build, a crash or hang in the engine cannot take the
//! batch down (it runs in its own process under a timeout), and the same
//! binary is what a person can run by hand to see what the reader saw.
//!
//! One run writes two renderings of the same recognition: `txt` (lines with
//! tesseract's own word spacing, which matters for Thai where "words" in the
//! TSV are syllables) and `tsv` (per-word confidences). Lines are paired in
//! order; when the two disagree in count, the text is rebuilt from the TSV.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::LocalError;

/// One recognised line: its text and the mean of its words' confidences,
/// scaled to [0, 1], plus the height of its tallest word with a digit in it
/// (apps print the headline amount large; Thai marks make words tall, so
/// only words with digits count).
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    pub text: String,
    pub confidence: f32,
    pub height: u32,
    pub top: u32,
}

/// How to call the engine.
#[derive(Debug, Clone)]
pub struct Engine {
    pub program: PathBuf,
    /// `tha+eng` by default. Adding `khm` to every pass costs time and makes
    /// tesseract read some Thai words as Khmer (`นาย` → `ឃាម` in our round
    /// trips), so Khmer gets its own pass, see [`Engine::cambodian_languages`].
    pub languages: String,
    /// The languages of a second pass over slips whose first pass says
    /// they are Cambodian (ABA, ACLEDA) yet found Thai letters on them.
    pub cambodian_languages: String,
    pub timeout: Duration,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            program: PathBuf::from("tesseract"),
            languages: "tha+eng".into(),
            cambodian_languages: "khm+eng".into(),
            timeout: Duration::from_secs(60),
        }
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, LocalError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let dir = base.join(format!("recon-ocr-{}-{n}-{nanos}", std::process::id()));
            if std::fs::create_dir(&dir).is_ok() {
                return Ok(TempDir(dir));
            }
        }
        Err(LocalError::Tesseract(format!(
            "cannot create a scratch folder in {}",
            base.display()
        )))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Engine {
    /// Recognises a PNG image (bytes) and returns its lines, top to bottom.
    pub fn recognise(&self, png: &[u8]) -> Result<Vec<OcrLine>, LocalError> {
        self.recognise_in(png, &self.languages)
    }

    /// Recognises with the given tesseract language list (`khm+eng`).
    pub fn recognise_in(&self, png: &[u8], languages: &str) -> Result<Vec<OcrLine>, LocalError> {
        let dir = TempDir::new()?;
        let out_base = dir.0.join("out");
        self.run(
            png,
            &out_base,
            &["-l", languages, "--psm", "6", "txt", "tsv"],
        )?;
        let read = |ext: &str| {
            std::fs::read_to_string(out_base.with_extension(ext))
                .map_err(|e| LocalError::Tesseract(format!("tesseract wrote no {ext} output: {e}")))
        };
        Ok(pair_lines(&read("txt")?, &read("tsv")?))
    }

    /// The clockwise turn (0, 90, 180, 270) that puts the page upright,
    /// from tesseract's orientation detection (`--psm 0`, the `osd` data).
    /// `None` when it cannot tell (too little text).
    pub fn upright_turn(&self, png: &[u8]) -> Result<Option<u32>, LocalError> {
        let dir = TempDir::new()?;
        let out_base = dir.0.join("out");
        match self.run(png, &out_base, &["--psm", "0"]) {
            Ok(()) => {}
            // "Too few characters" makes tesseract fail; that is no answer,
            // not an error.
            Err(LocalError::Tesseract(_)) => return Ok(None),
            Err(e) => return Err(e),
        }
        let osd = std::fs::read_to_string(out_base.with_extension("osd")).unwrap_or_default();
        Ok(osd_turn(&osd))
    }

    fn run(&self, png: &[u8], out_base: &std::path::Path, args: &[&str]) -> Result<(), LocalError> {
        let mut child = Command::new(&self.program)
            .arg("stdin")
            .arg(out_base)
            .args(args)
            // One thread: the batch already runs slips side by side, and
            // OpenMP threads on a 2-core machine only fight each other.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                LocalError::Tesseract(format!(
                    "cannot start {} ({e}); install tesseract-ocr, tesseract-ocr-tha and tesseract-ocr-khm",
                    self.program.display()
                ))
            })?;
        // Fed from a thread so that an engine that stops reading cannot
        // block us past the timeout. An engine that dies early closes the
        // pipe; its exit status says more than the write error, so that
        // is what we report.
        let feeder = child.stdin.take().map(|mut stdin| {
            let png = png.to_vec();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&png);
            })
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(LocalError::Timeout(self.timeout));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(LocalError::Tesseract(format!("waiting for tesseract: {e}"))),
            }
        };
        if let Some(f) = feeder {
            let _ = f.join();
        }
        if !status.success() {
            let mut err = String::new();
            if let Some(mut s) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut s, &mut err);
            }
            return Err(LocalError::Tesseract(format!(
                "tesseract exited with {status}: {}",
                err.trim()
            )));
        }
        Ok(())
    }
}

/// Reads `Rotate: N` from tesseract's OSD report.
fn osd_turn(osd: &str) -> Option<u32> {
    osd.lines()
        .find_map(|l| l.strip_prefix("Rotate:"))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|v| matches!(v, 0 | 90 | 180 | 270))
}

/// A TSV line: (block, paragraph, line) key, word texts with their boxes and
/// confidences.
#[derive(Default)]
struct TsvLine {
    words: Vec<(String, f32, u32, u32, u32)>, // text, conf, left, width, height
    top: u32,
}

fn parse_tsv(tsv: &str) -> Vec<TsvLine> {
    let mut lines: Vec<((u32, u32, u32), TsvLine)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().unwrap_or(0);
        let text = cols[11].trim();
        if text.is_empty() {
            continue;
        }
        let key = (num(2), num(3), num(4));
        let conf = cols[10].trim().parse::<f32>().unwrap_or(0.0).max(0.0) / 100.0;
        let word = (text.to_string(), conf, num(6), num(8), num(9));
        match lines.last_mut() {
            Some((k, l)) if *k == key => l.words.push(word),
            _ => lines.push((
                key,
                TsvLine {
                    words: vec![word],
                    top: num(7),
                },
            )),
        }
    }
    lines.into_iter().map(|(_, l)| l).collect()
}

fn pair_lines(txt: &str, tsv: &str) -> Vec<OcrLine> {
    let tsv_lines = parse_tsv(tsv);
    let txt_lines: Vec<&str> = txt.lines().filter(|l| !l.trim().is_empty()).collect();
    let same_shape = txt_lines.len() == tsv_lines.len();
    tsv_lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let n = l.words.len().max(1) as f32;
            let confidence = l.words.iter().map(|w| w.1).sum::<f32>() / n;
            let height = l
                .words
                .iter()
                .filter(|w| {
                    w.0.chars()
                        .any(|c| c.is_ascii_digit() || ('๐'..='๙').contains(&c))
                })
                .map(|w| w.4)
                .max()
                .unwrap_or(0);
            let text = if same_shape {
                txt_lines[i].to_string()
            } else {
                rebuild_text(l)
            };
            OcrLine {
                text,
                confidence,
                height,
                top: l.top,
            }
        })
        .collect()
}

/// Joins TSV words, with a space where the gap is wider than a third of
/// the line's typical word height (Thai syllables sit closer than that).
fn rebuild_text(line: &TsvLine) -> String {
    let mut heights: Vec<u32> = line.words.iter().map(|w| w.4).collect();
    heights.sort_unstable();
    let typical = heights.get(heights.len() / 2).copied().unwrap_or(20) as f32;
    let mut out = String::new();
    let mut prev_right: Option<u32> = None;
    for (text, _, left, width, _) in &line.words {
        if let Some(r) = prev_right {
            let gap = left.saturating_sub(r) as f32;
            let latin = text.chars().next().is_some_and(|c| c.is_ascii());
            if gap > typical / 3.0 || latin {
                out.push(' ');
            }
        }
        out.push_str(text);
        prev_right = Some(left + width);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t720\t1180\t-1\t
4\t1\t1\t1\t1\t0\t39\t33\t198\t29\t-1\t
5\t1\t1\t1\t1\t1\t39\t36\t40\t26\t90\tK+
5\t1\t1\t1\t1\t2\t94\t42\t15\t20\t80\tก
5\t1\t1\t1\t1\t3\t111\t33\t14\t29\t70\tส
5\t1\t1\t1\t2\t1\t39\t90\t100\t30\t50\tAmount
5\t1\t1\t1\t2\t2\t150\t88\t100\t44\t50\t1,500.00
";

    #[test]
    fn lines_pair_txt_text_with_tsv_confidence() {
        let lines = pair_lines("K+ กส\n\nAmount 1,500.00\n", TSV);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "K+ กส");
        assert!((lines[0].confidence - 0.8).abs() < 1e-4);
        assert_eq!(lines[0].height, 0, "no digits on the line");
        assert_eq!(lines[1].text, "Amount 1,500.00");
        assert_eq!(lines[1].height, 44);
        assert_eq!(lines[1].top, 90);
    }

    #[test]
    fn text_is_rebuilt_from_gaps_when_txt_disagrees() {
        let lines = pair_lines("only one line\n", TSV);
        assert_eq!(lines[0].text, "K+ กส");
    }

    #[test]
    fn osd_report_gives_the_turn() {
        let osd = "Page number: 0\nOrientation in degrees: 270\nRotate: 90\nOrientation confidence: 9.1\n";
        assert_eq!(osd_turn(osd), Some(90));
        assert_eq!(osd_turn("Rotate: 45"), None);
        assert_eq!(osd_turn(""), None);
    }

    #[test]
    fn a_missing_engine_is_a_typed_error() {
        let engine = Engine {
            program: PathBuf::from("/nonexistent/tesseract"),
            ..Engine::default()
        };
        assert!(matches!(
            engine.recognise(b"x"),
            Err(LocalError::Tesseract(m)) if m.contains("cannot start")
        ));
    }

    #[test]
    fn garbage_input_is_a_typed_error_not_a_panic() {
        let err = Engine::default().recognise(b"not an image").unwrap_err();
        assert!(matches!(err, LocalError::Tesseract(_)), "{err}");
    }
}
