//! Reading provider bodies exactly: JSON numbers into `Decimal` through their
//! text (never through `f64`), bodies that are not the promised JSON into a
//! typed error, and image formats from their magic bytes.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use recon_core::{Decimal, Provider};
use serde::de::{Error as _, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::OcrError;
use crate::error::{EXCERPT_CHARS, excerpt};

/// A decimal read from a JSON number (or a numeric string) via its exact
/// text, so `1500.10` stays `1500.10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num(pub Decimal);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        // Borrowed from the body: a number costs no allocation.
        let raw: &RawValue = Deserialize::deserialize(d)?;
        let text = raw.get().trim();
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        parse_decimal(text).map(Num).ok_or_else(|| {
            D::Error::custom(format!(
                "not a decimal number: {}",
                recon_core::mask::shorten(text, 40)
            ))
        })
    }
}

/// Accepts `1500`, `1500.00`, `1,500.00`, `1.5e3`; nothing else.
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let t: Cow<str> = if t.contains(',') {
        t.chars().filter(|c| *c != ',').collect::<String>().into()
    } else {
        t.into()
    };
    if t.is_empty() {
        return None;
    }
    Decimal::from_str(&t)
        .ok()
        .or_else(|| Decimal::from_scientific(&t).ok())
}

/// A JSON string of a provider body, borrowed from the body unless it
/// has escapes to undo: most strings of a body are never kept, and the ones
/// that are kept become `Slip` fields once. Reads exactly what a `String`
/// reads (a JSON string, or `null` as the `None` of an `Option<Text>`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn into_owned(self) -> Text<'static> {
        Text(Cow::Owned(self.0.into_owned()))
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Text<'static> {
    fn from(s: &str) -> Text<'static> {
        Text(Cow::Owned(s.to_string()))
    }
}

impl From<String> for Text<'static> {
    fn from(s: String) -> Text<'static> {
        Text(Cow::Owned(s))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            // The words `String` uses, so that error texts stay the same.
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Text<'de>, E> {
                std::str::from_utf8(v)
                    .map(|s| Text(Cow::Owned(s.to_string())))
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
            }
        }
        d.deserialize_string(V)
    }
}

/// The slip with the body it was read from as its `raw_response`, for
/// audit: what a provider answered over HTTP, or what `parse_saved` was
/// handed (`read_slips` leaves saved bodies out: the file is the record).
///
/// A body that repeats a credential it was sent (some gateways echo the key
/// even in a success) has it blanked out before the slip is kept: the
/// `raw_response` goes into the OCR cache in the ledger.
pub(crate) fn with_raw(
    mut slip: recon_core::Slip,
    bytes: &[u8],
    secrets: &[&str],
) -> recon_core::Slip {
    let mut raw = String::from_utf8_lossy(bytes).into_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if raw.contains(s) {
            raw = raw.replace(s, "***");
        }
    }
    slip.raw_response = Some(raw);
    slip
}

/// A decoded body plus what is needed to explain a failure.
pub(crate) struct Body<'a> {
    pub provider: Provider,
    /// `None` for a saved response.
    pub status: Option<u16>,
    pub content_type: Option<&'a str>,
    pub bytes: &'a [u8],
    pub secrets: &'a [&'a str],
}

impl<'a> Body<'a> {
    pub fn malformed(&self, reason: impl Into<String>) -> OcrError {
        let mut reason = reason.into();
        for s in self.secrets.iter().filter(|s| s.len() >= 4) {
            reason = reason.replace(s, "***");
        }
        // serde's messages quote the value they refused, whatever its size.
        let reason = recon_core::mask::shorten(&reason, 2 * EXCERPT_CHARS).into_owned();
        OcrError::Malformed {
            provider: self.provider,
            status: self.status,
            reason,
            excerpt: excerpt(self.bytes, self.secrets),
        }
    }

    /// Decodes the body as `T`, or says precisely why it is not the JSON the
    /// contract promises.
    pub fn json<T: Deserialize<'a>>(&self) -> Result<T, OcrError> {
        let head = self
            .bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &self.bytes[i..])
            .unwrap_or(&[]);
        if head.is_empty() {
            return Err(self.malformed("empty body"));
        }
        let html_type = self.content_type.is_some_and(|c| c.contains("html"));
        if html_type || head.starts_with(b"<") {
            return Err(self.malformed("an HTML page instead of JSON"));
        }
        if let Some(ct) = self.content_type
            && !ct.to_ascii_lowercase().contains("json")
        {
            return Err(self.malformed(format!("content type {ct:?} instead of application/json")));
        }
        serde_json::from_slice(self.bytes).map_err(|e| {
            if e.is_eof() {
                self.malformed(format!(
                    "truncated JSON (ends at line {} column {})",
                    e.line(),
                    e.column()
                ))
            } else if e.is_syntax() {
                self.malformed(format!("malformed JSON: {e}"))
            } else {
                self.malformed(format!("JSON not in the documented shape: {e}"))
            }
        })
    }
}

/// The image format from magic bytes: the four EasySlip accepts.
pub(crate) fn image_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::Webp)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageFormat {
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
        }
    }

    /// The short name CLOVA's `images[].format` wants.
    pub fn short(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_echoed_in_a_successful_answer_is_not_kept() {
        let key = "sk-live-echoed-0123456789";
        let body = include_str!("../tests/data/easyslip-success.json").replacen(
            '{',
            &format!("{{\"echo\":\"{key}\","),
            1,
        );
        let slip = crate::read_saved_body(body.as_bytes(), recon_core::Currency::Thb).unwrap();
        let kept = with_raw(slip, body.as_bytes(), &[key]);
        let raw = kept.raw_response.unwrap();
        assert!(
            !raw.contains(key) && raw.contains("\"echo\":\"***\""),
            "{raw}"
        );
    }

    #[derive(Deserialize)]
    struct Amounts {
        a: Num,
        b: Num,
        c: Num,
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        let v: Amounts = serde_json::from_str(r#"{"a": 1500.10, "b": "2.75", "c": 0.1}"#).unwrap();
        assert_eq!(v.a.0.to_string(), "1500.10");
        assert_eq!(v.b.0.to_string(), "2.75");
        assert_eq!(v.c.0.to_string(), "0.1");
        assert!(serde_json::from_str::<Amounts>(r#"{"a": "abc", "b": 1, "c": 1}"#).is_err());
        assert!(serde_json::from_str::<Amounts>(r#"{"a": true, "b": 1, "c": 1}"#).is_err());
    }

    #[test]
    fn decimal_text_forms() {
        assert_eq!(parse_decimal("1,500.00").unwrap().to_string(), "1500.00");
        assert_eq!(parse_decimal("1.5e3").unwrap(), Decimal::from(1500));
        assert!(parse_decimal("").is_none());
        assert!(parse_decimal("12abc").is_none());
    }

    fn body<'a>(bytes: &'a [u8], ct: Option<&'a str>) -> Body<'a> {
        Body {
            provider: Provider::Nextocr,
            status: Some(200),
            content_type: ct,
            bytes,
            secrets: &[],
        }
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        let trunc = body(
            br#"{"status": true, "fields": {"amount": "2."#,
            Some("application/json"),
        );
        let e = trunc.json::<serde_json::Value>().unwrap_err();
        assert!(e.to_string().contains("truncated JSON"), "{e}");
        let html = body(b"<!DOCTYPE html><h1>502 Bad Gateway</h1>", None);
        assert!(
            html.json::<serde_json::Value>()
                .unwrap_err()
                .to_string()
                .contains("HTML")
        );
        let plain = body(b"{}", Some("text/plain"));
        assert!(
            plain
                .json::<serde_json::Value>()
                .unwrap_err()
                .to_string()
                .contains("text/plain")
        );
        let empty = body(b"  ", Some("application/json"));
        assert!(
            empty
                .json::<serde_json::Value>()
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
    }

    #[test]
    fn magic_bytes() {
        assert_eq!(
            image_format(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            image_format(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
        assert_eq!(image_format(b"%PDF-1.4"), None);
    }
}
