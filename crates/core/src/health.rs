//! How the slip reader fared in one run, told apart from what the slips
//! themselves say: a stopped provider (quota used up, credentials refused,
//! provider down, local reader broken) is the operator's problem and leaves
//! slips pending; a slip that is no slip is finance's. The CLI's exit code
//! and the final `run finished` event follow it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Provider;

/// From best to worst; the worst of two batches is the run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Every image that needed the reader got an answer (or none needed it).
    Ok,
    /// Some images were left pending after retries while others were read:
    /// they are tried again on the next run.
    Degraded,
    /// The reader could not be used this run: no image was read, or it was
    /// stopped (quota, credentials, configuration). Pending slips wait for
    /// an operator.
    Stopped,
}

impl HealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Ok => "ok",
            HealthStatus::Degraded => "degraded",
            HealthStatus::Stopped => "stopped",
        }
    }
}

impl fmt::Display for HealthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the reader stopped or left slips pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthReason {
    /// The provider said the account's quota is used up.
    QuotaExceeded,
    /// The provider refused the credentials (HTTP 401/403).
    CredentialsRefused,
    /// The provider cannot be called: a credential variable or base URL is
    /// missing from the environment or the config.
    NotConfigured,
    /// Timeouts, connection failures, 5xx or 429 after every retry.
    ProviderDown,
    /// The local reader failed as a program (tesseract missing, timed out).
    ReaderFailed,
    /// Answers that did not follow the provider's contract.
    Malformed,
}

impl HealthReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HealthReason::QuotaExceeded => "quota_exceeded",
            HealthReason::CredentialsRefused => "credentials_refused",
            HealthReason::NotConfigured => "not_configured",
            HealthReason::ProviderDown => "provider_down",
            HealthReason::ReaderFailed => "reader_failed",
            HealthReason::Malformed => "malformed_answers",
        }
    }

    /// Every further call this run would fail the same way.
    pub fn stops(self) -> bool {
        matches!(
            self,
            HealthReason::QuotaExceeded
                | HealthReason::CredentialsRefused
                | HealthReason::NotConfigured
        )
    }
}

/// One run's verdict on its slip reader: `summary.json` `provider_health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderHealth {
    pub provider: Provider,
    pub status: HealthStatus,
    /// Set unless `status` is `ok`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<HealthReason>,
    /// The first error that explains `reason`, as the provider client
    /// phrased it (secrets already blanked out).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    /// Slip images not read this run, to be tried again on the next.
    pub pending_slips: u64,
}

impl ProviderHealth {
    /// Nothing went wrong (also when no image needed reading).
    pub fn ok(provider: Provider) -> ProviderHealth {
        ProviderHealth {
            provider,
            status: HealthStatus::Ok,
            reason: None,
            message: None,
            pending_slips: 0,
        }
    }

    /// The worse of two batches of the same run (the day's own slips and
    /// the carried ones read again), pending slips added up.
    pub fn worst(self, other: ProviderHealth) -> ProviderHealth {
        let pending = self.pending_slips + other.pending_slips;
        let mut worse = if other.status > self.status {
            other
        } else {
            self
        };
        worse.pending_slips = pending;
        worse
    }

    pub fn is_stopped(&self) -> bool {
        self.status == HealthStatus::Stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worse_batch_wins_and_pending_slips_add_up() {
        let ok = ProviderHealth {
            pending_slips: 0,
            ..ProviderHealth::ok(Provider::Easyslip)
        };
        let stopped = ProviderHealth {
            provider: Provider::Easyslip,
            status: HealthStatus::Stopped,
            reason: Some(HealthReason::QuotaExceeded),
            message: Some("quota exceeded".into()),
            pending_slips: 3,
        };
        let degraded = ProviderHealth {
            status: HealthStatus::Degraded,
            reason: Some(HealthReason::ProviderDown),
            pending_slips: 2,
            ..ProviderHealth::ok(Provider::Easyslip)
        };
        let w = ok.clone().worst(stopped.clone());
        assert_eq!(
            (w.status, w.reason, w.pending_slips),
            (HealthStatus::Stopped, Some(HealthReason::QuotaExceeded), 3)
        );
        let w = stopped.clone().worst(degraded.clone());
        assert_eq!((w.status, w.pending_slips), (HealthStatus::Stopped, 5));
        let w = degraded.worst(ok);
        assert_eq!((w.status, w.pending_slips), (HealthStatus::Degraded, 2));
        let json = serde_json::to_string(&stopped).unwrap();
        assert_eq!(
            json,
            r#"{"provider":"easyslip","status":"stopped","reason":"quota_exceeded","message":"quota exceeded","pending_slips":3}"#
        );
    }
}
