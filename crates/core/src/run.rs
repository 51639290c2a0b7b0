//! Types that cross between the ledger and the other stages, so that no
//! stage has to depend on the ledger crate itself.

use serde::{Deserialize, Serialize};

use crate::{Day, OrderId, Slip};

/// An earlier use of a slip key, from the ledger's slip registry. The matcher
/// turns a hit into `duplicate_slip`, naming this order and day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorUse {
    pub day: Day,
    pub order_id: Option<OrderId>,
    pub file: String,
}

/// One input file of a run, for the Summary sheet and the run manifest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputFile {
    /// `statements`, `orders` or `slips`.
    pub kind: String,
    /// Path relative to the day folder, e.g. `statements/kbank.csv`.
    pub name: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
}

/// One day's headline figures, for the 30-day trend chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub day: Day,
    pub orders: u64,
    pub matched: u64,
    /// The day's open cases (`recon_core::open_cases`: one payment
    /// problem, however many rows it touches; carried ones included), the
    /// figure the command line and `summary.json`'s `cases.open` give.
    /// Days recorded before runs kept that figure show their unmatched own
    /// orders instead.
    pub cases: u64,
}

/// Where read slips are remembered, so that a rerun never pays a provider
/// twice. The ledger implements it over SQLite; keys are the image SHA-256
/// (lower-case hex) and the provider that read it.
pub trait SlipCache: Send + Sync {
    fn cached(&self, image_sha256: &str, provider: crate::Provider) -> Option<Slip>;
    fn store(&self, image_sha256: &str, slip: &Slip);
    /// The provider's final "not a slip" answer for this image, as the
    /// reason it was reported with; `None` when it never gave one.
    fn refused(&self, _image_sha256: &str, _provider: crate::Provider) -> Option<String> {
        None
    }
    /// Keeps a final "not a slip" answer so that a rerun does not pay for it.
    fn store_refusal(&self, _image_sha256: &str, _provider: crate::Provider, _reason: &str) {}
}
