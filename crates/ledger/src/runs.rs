//! Run history: one row per reconciliation of one day, from start to finish.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use recon_core::{Day, InputFile};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::error::SqlContext;
use crate::{Ledger, LedgerError};

/// A run's number in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Everything matched, nothing quarantined.
    Clean,
    /// Finished; there are exceptions or rejected rows for a person to review.
    Exceptions,
    /// Did not finish: the day's previous results stand.
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Clean => "clean",
            RunStatus::Exceptions => "exceptions",
            RunStatus::Failed => "failed",
        }
    }

    /// The process exit code the README documents for cron (0 clean,
    /// 2 exceptions to review, 1 failure). Stored with the run so that
    /// `recon history` shows what cron saw.
    pub fn exit_code(self) -> i32 {
        match self {
            RunStatus::Clean => 0,
            RunStatus::Exceptions => 2,
            RunStatus::Failed => 1,
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [RunStatus::Clean, RunStatus::Exceptions, RunStatus::Failed]
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown run status {s:?}"))
    }
}

/// One run as the ledger remembers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    pub id: RunId,
    pub day: Day,
    pub started_at: DateTime<FixedOffset>,
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// `None` while the run is going, or when its process died before
    /// finishing (the day lock tells the two apart).
    pub status: Option<RunStatus>,
    pub exit_code: Option<i32>,
    pub inputs: Vec<InputFile>,
    pub summary_json: Option<String>,
    pub manifest_sha256: Option<String>,
    pub previous_manifest_sha256: Option<String>,
}

impl fmt::Display for RunRecord {
    /// One line for `recon history` and `recon status`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "run {}  day {}  ", self.id, self.day)?;
        match (self.status, self.exit_code) {
            (Some(s), Some(code)) => write!(f, "{s} (exit {code})")?,
            (Some(s), None) => write!(f, "{s}")?,
            (None, _) => f.write_str("unfinished")?,
        }
        write!(f, "  started {}", self.started_at.to_rfc3339())?;
        if let Some(end) = self.finished_at {
            let ms = (end - self.started_at).num_milliseconds();
            write!(f, "  took {}.{:03} s", ms / 1000, (ms % 1000).abs())?;
        }
        write!(f, "  {} input files", self.inputs.len())?;
        if let Some(summary) = &self.summary_json {
            write!(f, "  {summary}")?;
        }
        Ok(())
    }
}

const RUN_COLUMNS: &str = "id, day, started_at, finished_at, status, exit_code, inputs_json, \
     summary_json, manifest_sha256, previous_manifest_sha256";

pub(crate) fn parse_day(table: &'static str, row: &str, text: &str) -> Result<Day, LedgerError> {
    text.parse().map_err(|_| LedgerError::Corrupt {
        table,
        row: row.to_string(),
        detail: format!("{text:?} is not a day"),
    })
}

fn parse_instant(row: &str, text: &str) -> Result<DateTime<FixedOffset>, LedgerError> {
    DateTime::parse_from_rfc3339(text).map_err(|e| LedgerError::Corrupt {
        table: "runs",
        row: row.to_string(),
        detail: format!("{text:?} is not an RFC 3339 time: {e}"),
    })
}

/// The raw columns of a `runs` row, decoded outside the rusqlite closure so
/// that a damaged row becomes a `Corrupt` error naming it.
struct RawRun {
    id: i64,
    day: String,
    started_at: String,
    finished_at: Option<String>,
    status: Option<String>,
    exit_code: Option<i32>,
    inputs_json: String,
    summary_json: Option<String>,
    manifest_sha256: Option<String>,
    previous_manifest_sha256: Option<String>,
}

impl RawRun {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<RawRun> {
        Ok(RawRun {
            id: r.get(0)?,
            day: r.get(1)?,
            started_at: r.get(2)?,
            finished_at: r.get(3)?,
            status: r.get(4)?,
            exit_code: r.get(5)?,
            inputs_json: r.get(6)?,
            summary_json: r.get(7)?,
            manifest_sha256: r.get(8)?,
            previous_manifest_sha256: r.get(9)?,
        })
    }

    fn decode(self) -> Result<RunRecord, LedgerError> {
        let row = format!("id {}", self.id);
        let corrupt = |detail: String| LedgerError::Corrupt {
            table: "runs",
            row: row.clone(),
            detail,
        };
        let status = match &self.status {
            Some(s) => Some(s.parse::<RunStatus>().map_err(corrupt)?),
            None => None,
        };
        let inputs: Vec<InputFile> = serde_json::from_str(&self.inputs_json)
            .map_err(|e| corrupt(format!("inputs_json: {e}")))?;
        Ok(RunRecord {
            id: RunId(self.id),
            day: parse_day("runs", &row, &self.day)?,
            started_at: parse_instant(&row, &self.started_at)?,
            finished_at: match &self.finished_at {
                Some(t) => Some(parse_instant(&row, t)?),
                None => None,
            },
            status,
            exit_code: self.exit_code,
            inputs,
            summary_json: self.summary_json,
            manifest_sha256: self.manifest_sha256,
            previous_manifest_sha256: self.previous_manifest_sha256,
        })
    }
}

impl Ledger {
    /// Records the start of a run of `day` with the files it will read, kept
    /// in the caller's order (the CLI lists them deterministically).
    /// Committed at once, so a run that dies later still shows in history.
    pub fn begin_run(
        &self,
        day: Day,
        started_at: DateTime<FixedOffset>,
        inputs: &[InputFile],
    ) -> Result<RunId, LedgerError> {
        let inputs_json = serde_json::to_string(inputs).map_err(|e| LedgerError::Corrupt {
            table: "runs",
            row: format!("new run of {day}"),
            detail: format!("inputs cannot be written as JSON: {e}"),
        })?;
        let conn = self.conn();
        conn.execute(
            "INSERT INTO runs (day, started_at, inputs_json) VALUES (?1, ?2, ?3)",
            params![day.to_string(), started_at.to_rfc3339(), inputs_json],
        )
        .context(|| format!("starting a run of {day}"))?;
        Ok(RunId(conn.last_insert_rowid()))
    }

    /// Records how a run ended. `summary_json` must be a JSON value (the
    /// figures, or the error of a failed run).
    pub fn finish_run(
        &self,
        run: RunId,
        finished_at: DateTime<FixedOffset>,
        status: RunStatus,
        summary_json: &str,
    ) -> Result<(), LedgerError> {
        serde_json::from_str::<serde_json::Value>(summary_json)
            .map_err(|source| LedgerError::BadSummary { run, source })?;
        let changed = self
            .conn()
            .execute(
                "UPDATE runs SET finished_at = ?2, status = ?3, exit_code = ?4, summary_json = ?5
                 WHERE id = ?1",
                params![
                    run.0,
                    finished_at.to_rfc3339(),
                    status.as_str(),
                    status.exit_code(),
                    summary_json
                ],
            )
            .context(|| format!("finishing run {run}"))?;
        if changed == 0 {
            return Err(LedgerError::UnknownRun(run));
        }
        Ok(())
    }

    /// The most recent runs, newest first (by run number: the order they
    /// started in, whatever their clocks' offsets).
    pub fn history(&self, limit: usize) -> Result<Vec<RunRecord>, LedgerError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?1"
            ))
            .context(|| "reading run history".to_string())?;
        let raw = stmt
            .query_map([limit], RawRun::from_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(|| "reading run history".to_string())?;
        raw.into_iter().map(RawRun::decode).collect()
    }

    /// The latest run of `day`, finished or not.
    pub fn last_run(&self, day: Day) -> Result<Option<RunRecord>, LedgerError> {
        let raw = self
            .conn()
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE day = ?1 ORDER BY id DESC LIMIT 1"),
                [day.to_string()],
                RawRun::from_row,
            )
            .optional()
            .context(|| format!("reading the last run of {day}"))?;
        raw.map(RawRun::decode).transpose()
    }

    /// One run by number.
    pub fn run(&self, run: RunId) -> Result<Option<RunRecord>, LedgerError> {
        let raw = self
            .conn()
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                [run.0],
                RawRun::from_row,
            )
            .optional()
            .context(|| format!("reading run {run}"))?;
        raw.map(RawRun::decode).transpose()
    }
}
