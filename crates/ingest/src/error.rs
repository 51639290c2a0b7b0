//! File-level failures: a file that cannot be read at all. A single bad row
//! is never one of these; it becomes a [`recon_core::Rejection`].

use std::path::{Path, PathBuf};

/// Why a whole file could not be read. `Display` names the file and says
/// what is wrong in words a finance user can act on.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is empty: no header and no rows", path.display())]
    Empty { path: PathBuf },
    #[error("{} is not a text CSV file: it contains binary data ({detail})", path.display())]
    Binary { path: PathBuf, detail: String },
    #[error("{} has the wrong header{}: missing column(s) {}; found {}{}",
        path.display(),
        line.map(|l| format!(" at line {l}")).unwrap_or_default(),
        missing.join(", "),
        if found.is_empty() { "no header".to_string() } else { found.join(", ") },
        hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    WrongHeader {
        path: PathBuf,
        /// The row that was taken for the header, when there was one.
        line: Option<u64>,
        /// The expected column names that are not there.
        missing: Vec<String>,
        /// The header cells that were found.
        found: Vec<String>,
        hint: Option<String>,
    },
    #[error("cannot read workbook {}: {message}", path.display())]
    Workbook { path: PathBuf, message: String },
    #[error("{} has no sheet named {sheet:?} (sheets: {})", path.display(), sheets.join(", "))]
    NoSheet {
        path: PathBuf,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error("cannot read {}{}: {message}", path.display(), line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Csv {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("{}: unsupported file type {extension:?} (expected .csv, .xlsx or .xls)", path.display())]
    UnsupportedType { path: PathBuf, extension: String },
    #[error("statement {} has no currency: the profile has no currency column and none was given (set `currency` for this file in the job config)", path.display())]
    NoCurrency { path: PathBuf },
    #[error("profile {origin}: {message}")]
    Profile { origin: String, message: String },
}

impl IngestError {
    /// The file the error is about (for a profile error, the profile's origin).
    pub fn file_name(&self) -> String {
        match self.path() {
            Some(p) => file_name(p),
            None => match self {
                IngestError::Profile { origin, .. } => origin.clone(),
                _ => String::new(),
            },
        }
    }

    /// The path of the input file, when the error is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            IngestError::Open { path, .. }
            | IngestError::Empty { path }
            | IngestError::Binary { path, .. }
            | IngestError::WrongHeader { path, .. }
            | IngestError::Workbook { path, .. }
            | IngestError::NoSheet { path, .. }
            | IngestError::Csv { path, .. }
            | IngestError::UnsupportedType { path, .. }
            | IngestError::NoCurrency { path } => Some(path),
            IngestError::Profile { .. } => None,
        }
    }
}

/// The file name rows are attributed to (`SourceRef.file`, `Rejection.file`).
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
