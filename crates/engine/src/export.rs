//! `recon export`: a reconciled day's payments in the layouts the books
//! import ([`recon_report::export`]), made from the day's last result as
//! the ledger holds it and the day's statement lines, written atomically
//! into a folder of the caller's choosing. The files are byte for byte the
//! ones `[[export]]` writes beside the reports on a run of the same day.
//!
//! Reading only, like [`crate::view`]: no lock, no provider call, nothing
//! written to the ledger or the report folder (which holds exactly what
//! its run recorded, see `recon verify`).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use recon_core::Day;
use recon_report::export::{self, ExportFormat};

use crate::EngineError;
use crate::config::JobConfig;
use crate::reconcile::RunPaths;
use crate::view::DayView;

/// Writes `format`'s files for `day` into `out_dir` and returns their
/// paths. Each file is written to a temporary name, flushed to the disk
/// and renamed into place: a reader sees the old file or the new one.
pub fn export_day(
    config: &JobConfig,
    paths: &RunPaths,
    day: Day,
    format: ExportFormat,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, EngineError> {
    let Some(view) = DayView::load(config, paths, day)? else {
        return Err(EngineError::Usage(format!(
            "{day} has not been reconciled: run `recon reconcile --day {day}` first"
        )));
    };
    let payments = export::payments(
        &view.result,
        |s| view.lines.get(&s.to_string()),
        config.timezone,
    )
    .map_err(|e| {
        EngineError::Usage(format!(
            "{day}: {e}; the day's input folder {} must still hold its statements",
            paths.data_dir.join(day.to_string()).display()
        ))
    })?;
    std::fs::create_dir_all(out_dir).map_err(|e| EngineError::io(out_dir, e))?;
    let mut written = Vec::new();
    for (name, bytes) in export::render(format, &payments, &config.currencies()) {
        let path = out_dir.join(&name);
        write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        EngineError::io(path, e)
    })
}
