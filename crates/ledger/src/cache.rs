//! The OCR cache: a read slip (or the provider's final "not a slip"
//! answer) per image SHA-256 and provider, so that a rerun never pays a
//! provider twice for the same image.
//!
//! Best effort by design: a cache that cannot be read or written only costs
//! a provider call, so errors are logged (with the image hash, never slip
//! contents) and the run goes on. A damaged row reads as a miss.

use chrono::{SecondsFormat, Utc};
use recon_core::{Provider, Slip, SlipCache};
use rusqlite::{OptionalExtension, params};
use tracing::warn;

use crate::Ledger;

impl SlipCache for Ledger {
    fn cached(&self, image_sha256: &str, provider: Provider) -> Option<Slip> {
        let found: Result<Option<String>, _> = self
            .conn()
            .query_row(
                "SELECT slip_json FROM ocr_cache WHERE image_sha256 = ?1 AND provider = ?2",
                params![image_sha256, provider.as_str()],
                |r| r.get(0),
            )
            .optional();
        let json = match found {
            Ok(json) => json?,
            Err(e) => {
                warn!(image_sha256, %provider, error = %e, "OCR cache lookup failed; reading the slip again");
                return None;
            }
        };
        match serde_json::from_str::<Slip>(&json) {
            Ok(slip) if slip.provider == provider => Some(slip),
            Ok(slip) => {
                warn!(image_sha256, %provider, stored = %slip.provider, "OCR cache row names another provider; ignored");
                None
            }
            Err(e) => {
                warn!(image_sha256, %provider, error = %e, "OCR cache row is damaged; reading the slip again");
                None
            }
        }
    }

    fn store(&self, image_sha256: &str, slip: &Slip) {
        let json = match serde_json::to_string(slip) {
            Ok(json) => json,
            Err(e) => {
                warn!(image_sha256, error = %e, "slip cannot be cached");
                return;
            }
        };
        // The store time is bookkeeping for whoever prunes the cache; it
        // never reaches a report.
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let stored = self.conn().execute(
            "INSERT INTO ocr_cache (image_sha256, provider, slip_json, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (image_sha256, provider)
             DO UPDATE SET slip_json = excluded.slip_json, created_at = excluded.created_at",
            params![image_sha256, slip.provider.as_str(), json, now],
        );
        if let Err(e) = stored {
            warn!(image_sha256, provider = %slip.provider, error = %e, "slip could not be cached");
        }
    }

    fn refused(&self, image_sha256: &str, provider: Provider) -> Option<String> {
        let found = self
            .conn()
            .query_row(
                "SELECT reason FROM ocr_refusals WHERE image_sha256 = ?1 AND provider = ?2",
                params![image_sha256, provider.as_str()],
                |r| r.get(0),
            )
            .optional();
        match found {
            Ok(reason) => reason,
            Err(e) => {
                warn!(image_sha256, %provider, error = %e, "OCR refusal lookup failed; reading the slip again");
                None
            }
        }
    }

    fn store_refusal(&self, image_sha256: &str, provider: Provider, reason: &str) {
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let stored = self.conn().execute(
            "INSERT INTO ocr_refusals (image_sha256, provider, reason, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (image_sha256, provider)
             DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at",
            params![image_sha256, provider.as_str(), reason, now],
        );
        if let Err(e) = stored {
            warn!(image_sha256, %provider, error = %e, "refusal could not be cached");
        }
    }
}
