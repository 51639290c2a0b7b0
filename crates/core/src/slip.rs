//! `Slip`: what a transfer slip says, whoever read it.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{Money, Party};

/// Who turned the slip image into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Easyslip,
    Nextocr,
    Clova,
    /// QR decode + tesseract on this machine.
    Local,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Easyslip => "easyslip",
            Provider::Nextocr => "nextocr",
            Provider::Clova => "clova",
            Provider::Local => "local",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A bank's transaction reference (`transRef`, `reference`, `trx`, `hash`):
/// the strongest key there is for a transfer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransRef(pub String);

impl TransRef {
    /// Trims and drops inner white space, which OCR and spreadsheets add.
    pub fn new(text: &str) -> Option<TransRef> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        (!t.is_empty()).then_some(TransRef(t))
    }
}

impl fmt::Display for TransRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The fields of a slip that can carry their own evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlipField {
    Amount,
    Fee,
    TransferredAt,
    TransRef,
    SenderName,
    SenderBank,
    SenderAccount,
    ReceiverName,
    ReceiverBank,
    ReceiverAccount,
}

/// Where a field's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldSource {
    /// A remote provider's structured answer.
    Provider,
    /// A QR code on the slip (CRC checked).
    Qr,
    /// Text recognised by OCR and parsed by layout rules.
    Ocr,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub source: FieldSource,
    /// In [0, 1] where the reader gives one.
    pub confidence: Option<f32>,
}

/// Everything a slip tells us. Fields are optional because readers differ;
/// `evidence` says, per field, where the value came from and how sure the
/// reader was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slip {
    pub provider: Provider,
    /// The slip file's name inside the day's `slips/` folder.
    pub file: Option<String>,
    /// Lower-case hex SHA-256 of the image bytes, when read from an image.
    pub image_sha256: Option<String>,
    pub sender: Party,
    pub receiver: Party,
    pub amount: Option<Money>,
    pub fee: Option<Money>,
    pub transferred_at: Option<DateTime<FixedOffset>>,
    pub trans_ref: Option<TransRef>,
    /// The raw QR payload when one was read.
    pub qr_payload: Option<String>,
    /// A remark or memo on the slip (often where customers type the order id).
    pub remark: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<SlipField, Evidence>,
    /// The provider's response body, verbatim, for audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_response: Option<String>,
}

impl Slip {
    /// An empty slip from the given provider, to be filled by a reader.
    pub fn empty(provider: Provider) -> Slip {
        Slip {
            provider,
            file: None,
            image_sha256: None,
            sender: Party::default(),
            receiver: Party::default(),
            amount: None,
            fee: None,
            transferred_at: None,
            trans_ref: None,
            qr_payload: None,
            remark: None,
            evidence: BTreeMap::new(),
            raw_response: None,
        }
    }

    /// The keys under which this slip is registered for duplicate detection.
    pub fn registry_keys(&self) -> Vec<SlipKey> {
        let mut keys = Vec::new();
        if let Some(r) = &self.trans_ref {
            keys.push(SlipKey::TransRef(r.0.clone()));
        }
        if let Some(q) = &self.qr_payload {
            keys.push(SlipKey::QrPayload(q.clone()));
        }
        if let Some(h) = &self.image_sha256 {
            keys.push(SlipKey::ImageSha256(h.clone()));
        }
        keys
    }
}

/// A key that identifies one real transfer slip: reusing any of them is a
/// `duplicate_slip`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum SlipKey {
    TransRef(String),
    QrPayload(String),
    ImageSha256(String),
}

impl SlipKey {
    pub fn kind(&self) -> &'static str {
        match self {
            SlipKey::TransRef(_) => "trans_ref",
            SlipKey::QrPayload(_) => "qr_payload",
            SlipKey::ImageSha256(_) => "image_sha256",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            SlipKey::TransRef(v) | SlipKey::QrPayload(v) | SlipKey::ImageSha256(v) => v,
        }
    }
}

/// The outcome of trying to read one slip file.
// A read slip is the common case and there is one value per slip file, so
// boxing it would add an allocation per slip to save space in the rare ones.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SlipRead {
    Read(Slip),
    /// Read, but nothing usable came out (no amount, bad file, provider said
    /// the slip is not a slip). Final for this input.
    Unreadable {
        file: String,
        reason: String,
    },
    /// Not read this run (quota exhausted, provider down); retried next run.
    Pending {
        file: String,
        reason: String,
    },
}

impl SlipRead {
    /// The slip's file name in the day's `slips/` folder (empty for a slip
    /// that came with none, which only tests build).
    pub fn file(&self) -> &str {
        match self {
            SlipRead::Read(slip) => slip.file.as_deref().unwrap_or(""),
            SlipRead::Unreadable { file, .. } | SlipRead::Pending { file, .. } => file,
        }
    }
}
