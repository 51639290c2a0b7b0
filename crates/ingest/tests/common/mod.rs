//! Helpers shared by the behaviour tests.
#![allow(dead_code)]

use std::path::PathBuf;

use recon_core::Rejection;

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn bangkok() -> chrono_tz::Tz {
    chrono_tz::Asia::Bangkok
}

/// (line, column, value, reason) of each rejection, for compact asserts.
pub fn summary(rejected: &[Rejection]) -> Vec<(u64, String, String, String)> {
    rejected
        .iter()
        .map(|r| {
            (
                r.line.unwrap_or(0),
                r.column.clone().unwrap_or_default(),
                r.value.clone().unwrap_or_default(),
                r.reason.clone(),
            )
        })
        .collect()
}
