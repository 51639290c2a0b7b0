//! Bidirectional control characters in report text. An embedding,
//! override or isolate (or a directional mark) makes a cell display other
//! than it holds: `ORD-1\u{202E}9-DRO` shows as another id, a name can
//! hide its own end. Ingest quarantines input rows that hold one, but a
//! provider's answer or a quarantined value may still carry one, so every
//! text a person reads in a report (CSV, workbook, page, exports) shows
//! them as `\u{FFFD}` instead.

use std::borrow::Cow;

/// Is `c` a character that changes the display direction of text?
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// `text` with every bidirectional control shown as `\u{FFFD}`; borrowed
/// (and found in one byte scan) when it holds none, as nearly every cell.
pub(crate) fn neutral(text: &str) -> Cow<'_, str> {
    // Each of them is encoded starting with 0xE2 (U+2xxx) or 0xD8 (U+061C);
    // Thai and Khmer start with 0xE0 and 0xE1.
    if !text.bytes().any(|b| b == 0xE2 || b == 0xD8) || !text.chars().any(is_bidi_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_bidi_control(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_changes_are_shown_not_obeyed() {
        assert_eq!(neutral("ORD-1\u{202E}9-DRO"), "ORD-1\u{FFFD}9-DRO");
        assert_eq!(neutral("\u{2067}นาย\u{2069}"), "\u{FFFD}นาย\u{FFFD}");
        assert_eq!(neutral("a\u{200F}b\u{061C}c"), "a\u{FFFD}b\u{FFFD}c");
        for fine in ["นาย สมชาย ใจดี", "សុខ ដារា", "1,500.00 — ok", "“quoted”", "ي"]
        {
            assert!(matches!(neutral(fine), Cow::Borrowed(_)), "{fine}");
        }
    }
}
