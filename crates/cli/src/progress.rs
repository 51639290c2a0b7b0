//! Progress for long steps: a bar on a terminal, plain log lines under cron.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use tracing::info;

pub struct Progress {
    what: &'static str,
    total: u64,
    done: AtomicU64,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(what: &'static str, total: u64) -> Progress {
        let bar = (std::io::stderr().is_terminal() && total > 0).then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} ({eta})")
                    .expect("static template is valid")
                    .progress_chars("=> "),
            );
            bar.set_message(what);
            bar
        });
        Progress {
            what,
            total,
            done: AtomicU64::new(0),
            bar,
        }
    }

    /// Adds `n` finished items. Without a terminal it logs at every tenth.
    pub fn inc(&self, n: u64) {
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let now = before + n;
        match &self.bar {
            Some(bar) => bar.inc(n),
            None => {
                let step = (self.total / 10).max(1);
                if before / step != now / step || now == self.total {
                    info!(step = self.what, done = now, total = self.total, "progress");
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The engine's [`recon_engine::Progress`] as the command line shows it:
/// one [`Progress`] per step.
#[derive(Default)]
pub struct Steps {
    current: Mutex<Option<Progress>>,
}

impl recon_engine::Progress for Steps {
    fn start(&self, step: &'static str, total: u64) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        *current = Some(Progress::new(step, total));
    }

    fn advance(&self, _: &'static str, n: u64) {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = current.as_ref() {
            p.inc(n);
        }
    }

    fn finish(&self, _: &'static str) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = current.take() {
            p.finish();
        }
    }
}
