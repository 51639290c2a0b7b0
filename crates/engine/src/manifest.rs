//! The manifest a finished run records in the ledger: the SHA-256 of every
//! input and report of the day, the day it carried from, and the previous
//! manifest's SHA-256 (the chain). One type for writing it and for
//! `recon verify` reading it back.

use recon_core::Day;
use serde::{Deserialize, Serialize};

/// A run's manifest. Fields are in the order of the JSON text (sorted by
/// name, as earlier runs wrote them), so a manifest reads back to the same
/// value and writes out to the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub carried_from: Option<Day>,
    pub day: Day,
    /// The SHA-256 of the last decision recorded when the run began (the
    /// head of the ledger's decision chain), so an edited or deleted
    /// decision shows against the run. Absent while no decision exists,
    /// which keeps earlier manifests' bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisions_sha256: Option<String>,
    pub inputs: Vec<FileDigest>,
    pub previous_manifest_sha256: Option<String>,
    pub reports: Vec<FileDigest>,
    pub run_id: i64,
    pub tool_version: String,
}

/// One file of a manifest: its name inside the day's folder (`orders/x.csv`)
/// or report folder, its SHA-256 in hex and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    pub bytes: u64,
    pub name: String,
    pub sha256: String,
}

impl Manifest {
    /// The text stored in the ledger (pretty JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest serializes")
    }

    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_json_earlier_runs_wrote_and_reads_it_back() {
        let day: Day = "2026-11-21".parse().unwrap();
        let m = Manifest {
            carried_from: Some("2026-11-20".parse().unwrap()),
            day,
            decisions_sha256: None,
            inputs: vec![FileDigest {
                bytes: 10,
                name: "orders/orders.csv".into(),
                sha256: "ab".into(),
            }],
            previous_manifest_sha256: None,
            reports: vec![],
            run_id: 7,
            tool_version: "0.1.0".into(),
        };
        // What serde_json::json! wrote before this type existed.
        let earlier = serde_json::to_string_pretty(&serde_json::json!({
            "day": "2026-11-21",
            "run_id": 7,
            "tool_version": "0.1.0",
            "carried_from": "2026-11-20",
            "inputs": [{ "name": "orders/orders.csv", "sha256": "ab", "bytes": 10 }],
            "reports": [],
            "previous_manifest_sha256": null,
        }))
        .unwrap();
        assert_eq!(m.to_json(), earlier);
        assert_eq!(Manifest::from_json(&earlier).unwrap(), m);
        assert!(Manifest::from_json("{\"day\": 3}").is_err());
    }
}
