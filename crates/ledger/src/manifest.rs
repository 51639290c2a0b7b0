//! The run manifest chain: each successful run stores its
//! manifest (a JSON listing the SHA-256 of every input and report file)
//! with the SHA-256 of the manifest recorded before it, so an auditor can
//! check that no run's record was rewritten or removed afterwards.
//!
//! The chain follows the order manifests were recorded in (`manifest_seq`),
//! not run numbers: runs of different days overlap, and a run that started
//! first may finish (and record its manifest) second.

use std::fmt;

use recon_core::Day;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::SqlContext;
use crate::runs::parse_day;
use crate::{Ledger, LedgerError, RunId};

/// The top-level field of a manifest that names the previous manifest's
/// SHA-256 (a string, or null for the first manifest of a ledger).
pub const PREVIOUS_FIELD: &str = "previous_manifest_sha256";

/// Where a newly recorded manifest sits in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestLink {
    /// Lower-case hex SHA-256 of the manifest JSON's bytes.
    pub sha256: String,
    /// The manifest recorded just before it; `None` for the first.
    pub previous: Option<String>,
}

/// The outcome of [`Ledger::verify_manifest_chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCheck {
    /// Runs with a manifest, all of which were checked.
    pub runs_checked: usize,
    /// Everything wrong, in chain order; empty when the chain holds.
    pub broken: Vec<ChainBreak>,
}

impl ChainCheck {
    pub fn is_intact(&self) -> bool {
        self.broken.is_empty()
    }
}

/// One thing wrong with one run's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub run: RunId,
    pub day: Day,
    pub problem: ChainProblem,
}

impl fmt::Display for ChainBreak {
    /// One line for `recon verify`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "run {} (day {}): {}", self.run, self.day, self.problem)
    }
}

/// What is wrong with a run's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainProblem {
    /// The stored JSON does not hash to the stored SHA-256: the manifest
    /// was rewritten after it was recorded.
    HashMismatch {
        stored: Option<String>,
        computed: String,
    },
    /// A hash without its manifest JSON (written before the ledger kept the
    /// JSON, or the JSON was removed): nothing left to verify it against.
    JsonMissing { stored: String },
    /// The run's link to the previous manifest is not the manifest recorded
    /// before it: a manifest in between was removed or rewritten.
    PreviousMismatch {
        recorded: Option<String>,
        expected: Option<String>,
        /// The run whose manifest comes before it in the chain, if any.
        prior_run: Option<RunId>,
    },
    /// The manifest's own `previous_manifest_sha256` says something else
    /// than the ledger's link.
    JsonPreviousMismatch {
        in_json: Option<String>,
        in_ledger: Option<String>,
    },
    /// The manifest is not a JSON object with a `previous_manifest_sha256`
    /// string or null.
    UnreadableJson { detail: String },
    /// Manifests between this one and the one before it are gone (their
    /// runs were deleted).
    Gap { position: i64, expected: i64 },
}

fn short(sha: &Option<String>) -> String {
    match sha {
        Some(s) => s.get(..12).unwrap_or(s).to_string(),
        None => "none".to_string(),
    }
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::HashMismatch { stored, computed } => write!(
                f,
                "the manifest was changed after it was recorded (stored SHA-256 {}, the JSON hashes to {})",
                short(stored),
                short(&Some(computed.clone()))
            ),
            ChainProblem::JsonMissing { stored } => write!(
                f,
                "only the manifest's SHA-256 ({}) is stored, not the manifest itself",
                short(&Some(stored.clone()))
            ),
            ChainProblem::PreviousMismatch {
                recorded,
                expected,
                prior_run,
            } => {
                write!(f, "it links to previous manifest {} but ", short(recorded))?;
                match prior_run {
                    Some(p) => write!(
                        f,
                        "the manifest before it (run {p}) is {}: a manifest in between was removed or rewritten",
                        short(expected)
                    ),
                    None => f.write_str(
                        "it is the first manifest in the ledger: earlier manifests were removed",
                    ),
                }
            }
            ChainProblem::JsonPreviousMismatch { in_json, in_ledger } => write!(
                f,
                "the manifest names previous manifest {} but the ledger links it to {}",
                short(in_json),
                short(in_ledger)
            ),
            ChainProblem::UnreadableJson { detail } => {
                write!(f, "the manifest cannot be read: {detail}")
            }
            ChainProblem::Gap { position, expected } => write!(
                f,
                "it is manifest #{position} but #{expected} comes next: the runs in between were removed"
            ),
        }
    }
}

/// Lower-case hex SHA-256 of `text`'s bytes.
fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The manifest's own `previous_manifest_sha256`, or why it has none.
fn previous_in_json(json: &str) -> Result<Option<String>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "not a JSON object".to_string())?;
    match object.get(PREVIOUS_FIELD) {
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(serde_json::Value::Null) => Ok(None),
        Some(other) => Err(format!("{PREVIOUS_FIELD} is {other}, not a string or null")),
        None => Err(format!("no {PREVIOUS_FIELD} field")),
    }
}

impl Ledger {
    /// Records `run`'s manifest at the end of the chain, in one IMMEDIATE
    /// transaction so that concurrent runs (other days, other processes)
    /// still make one linear chain: `build` gets the SHA-256 of the
    /// manifest recorded last (`None` for the first) and returns the JSON,
    /// whose top-level `previous_manifest_sha256` must name that same hash.
    /// The JSON is stored as given with its SHA-256.
    ///
    /// A run has at most one manifest ([`LedgerError::ManifestExists`]);
    /// a JSON that would not verify is refused
    /// ([`LedgerError::BadManifest`]) and nothing is recorded.
    pub fn record_manifest_with(
        &self,
        run: RunId,
        build: impl FnOnce(Option<&str>) -> String,
    ) -> Result<ManifestLink, LedgerError> {
        let ctx = || format!("recording the manifest of run {run}");
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(ctx)?;
        let existing: Option<Option<String>> = tx
            .query_row(
                "SELECT manifest_sha256 FROM runs WHERE id = ?1",
                [run.0],
                |r| r.get(0),
            )
            .optional()
            .context(ctx)?;
        match existing {
            None => return Err(LedgerError::UnknownRun(run)),
            Some(Some(_)) => return Err(LedgerError::ManifestExists(run)),
            Some(None) => {}
        }
        let last: Option<(String, Option<i64>)> = tx
            .query_row(
                "SELECT manifest_sha256, manifest_seq FROM runs
                 WHERE manifest_sha256 IS NOT NULL
                 ORDER BY manifest_seq IS NULL, manifest_seq DESC, id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context(ctx)?;
        let (previous, last_seq) = match last {
            Some((sha, seq)) => (Some(sha), seq.unwrap_or(0)),
            None => (None, 0),
        };
        let json = build(previous.as_deref());
        match previous_in_json(&json) {
            Ok(named) if named == previous => {}
            Ok(named) => {
                return Err(LedgerError::BadManifest {
                    run,
                    detail: format!(
                        "names previous manifest {} but the last recorded one is {}",
                        short(&named),
                        short(&previous)
                    ),
                });
            }
            Err(detail) => {
                return Err(LedgerError::BadManifest {
                    run,
                    detail: format!("is unusable: {detail}"),
                });
            }
        }
        let sha256 = sha256_hex(&json);
        tx.execute(
            "UPDATE runs SET manifest_json = ?2, manifest_sha256 = ?3,
                 previous_manifest_sha256 = ?4, manifest_seq = ?5
             WHERE id = ?1",
            params![run.0, json, sha256, previous, last_seq + 1],
        )
        .context(ctx)?;
        tx.commit().context(ctx)?;
        Ok(ManifestLink { sha256, previous })
    }

    /// `run`'s manifest JSON as recorded, `None` when it has none: a run
    /// that failed or is still going, or a run that is not in the ledger
    /// (`recon verify` reports a day whose run was removed instead of
    /// stopping at it).
    pub fn manifest(&self, run: RunId) -> Result<Option<String>, LedgerError> {
        let found: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT manifest_json FROM runs WHERE id = ?1",
                [run.0],
                |r| r.get(0),
            )
            .optional()
            .context(|| format!("reading the manifest of run {run}"))?;
        Ok(found.flatten())
    }

    /// Walks every run with a manifest in chain order and checks that each
    /// stored JSON still hashes to its stored SHA-256, links to the manifest
    /// recorded before it, and says so itself (`previous_manifest_sha256`).
    /// It does not read report files: `recon verify` checks those against
    /// the manifests.
    pub fn verify_manifest_chain(&self) -> Result<ChainCheck, LedgerError> {
        struct Row {
            id: i64,
            day: String,
            seq: Option<i64>,
            json: Option<String>,
            sha: Option<String>,
            previous: Option<String>,
        }
        let ctx = || "verifying the manifest chain".to_string();
        let rows = {
            let conn = self.conn();
            let mut stmt = conn
                .prepare(
                    "SELECT id, day, manifest_seq, manifest_json, manifest_sha256,
                            previous_manifest_sha256
                     FROM runs
                     WHERE manifest_sha256 IS NOT NULL OR manifest_json IS NOT NULL
                     ORDER BY manifest_seq IS NULL, manifest_seq, id",
                )
                .context(ctx)?;
            stmt.query_map([], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    day: r.get(1)?,
                    seq: r.get(2)?,
                    json: r.get(3)?,
                    sha: r.get(4)?,
                    previous: r.get(5)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?
        };

        let mut broken = Vec::new();
        // The link the next manifest must carry, and whose it is.
        let mut expected: Option<String> = None;
        let mut prior_run: Option<RunId> = None;
        let mut expected_seq = 1;
        for row in &rows {
            let run = RunId(row.id);
            let day = parse_day("runs", &format!("id {}", row.id), &row.day)?;
            let mut report = |problem| broken.push(ChainBreak { run, day, problem });

            if let Some(seq) = row.seq {
                if seq != expected_seq {
                    report(ChainProblem::Gap {
                        position: seq,
                        expected: expected_seq,
                    });
                }
                expected_seq = seq + 1;
            } else {
                expected_seq += 1;
            }
            let computed = row.json.as_deref().map(sha256_hex);
            match (&row.json, &computed) {
                (Some(json), Some(computed)) => {
                    if row.sha.as_ref() != Some(computed) {
                        report(ChainProblem::HashMismatch {
                            stored: row.sha.clone(),
                            computed: computed.clone(),
                        });
                    }
                    match previous_in_json(json) {
                        Ok(in_json) if in_json == row.previous => {}
                        Ok(in_json) => report(ChainProblem::JsonPreviousMismatch {
                            in_json,
                            in_ledger: row.previous.clone(),
                        }),
                        Err(detail) => report(ChainProblem::UnreadableJson { detail }),
                    }
                }
                _ => report(ChainProblem::JsonMissing {
                    stored: row.sha.clone().unwrap_or_default(),
                }),
            }
            if row.previous != expected {
                report(ChainProblem::PreviousMismatch {
                    recorded: row.previous.clone(),
                    expected: expected.clone(),
                    prior_run,
                });
            }
            // The next run links to this one's recorded hash (a rewritten
            // JSON is reported here, once, not again on every later run).
            expected = row.sha.clone().or(computed);
            prior_run = Some(run);
        }
        Ok(ChainCheck {
            runs_checked: rows.len(),
            broken,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lower_case_hex_of_the_bytes() {
        // The SHA-256 of "abc" (FIPS 180-2 test vector).
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_previous_field_is_read_or_its_absence_explained() {
        assert_eq!(
            previous_in_json(r#"{"previous_manifest_sha256":"ab"}"#),
            Ok(Some("ab".into()))
        );
        assert_eq!(
            previous_in_json(r#"{"previous_manifest_sha256":null,"x":1}"#),
            Ok(None)
        );
        assert!(previous_in_json("{}").unwrap_err().contains("no previous"));
        assert!(previous_in_json("[1]").unwrap_err().contains("object"));
        assert!(previous_in_json("{").unwrap_err().contains("not JSON"));
        assert!(
            previous_in_json(r#"{"previous_manifest_sha256":3}"#)
                .unwrap_err()
                .contains("not a string")
        );
    }

    #[test]
    fn problems_read_as_one_line_naming_the_run() {
        let b = ChainBreak {
            run: RunId(7),
            day: "2026-11-21".parse().unwrap(),
            problem: ChainProblem::PreviousMismatch {
                recorded: Some("a".repeat(64)),
                expected: Some("b".repeat(64)),
                prior_run: Some(RunId(5)),
            },
        };
        let line = b.to_string();
        assert!(line.starts_with("run 7 (day 2026-11-21): "), "{line}");
        assert!(line.contains("run 5"), "{line}");
        assert!(
            line.contains("aaaaaaaaaaaa") && line.contains("bbbbbbbbbbbb"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
}
