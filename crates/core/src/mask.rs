//! Masking personal data for logs (reports keep what finance needs; logs
//! keep only enough to find the row again), and shortening text that
//! quotes an input, so that a broken value cannot swell a message.

/// Every digit but the last four becomes `x`; separators stay so the shape
/// is recognisable: `123-4-56789-0` → `xxx-x-xx789-0`.
pub fn account(text: &str) -> String {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 4 <= digits { 'x' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// Keeps the first two characters of each word: `Somchai Jaidee` →
/// `So*** Ja***`. Thai words keep two code points, which is enough to find a
/// row and too little to identify a person.
pub fn name(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let head: String = w.chars().take(2).collect();
            if w.chars().count() > 2 {
                format!("{head}***")
            } else {
                head
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` cut to at most `max` characters: its head and its last 40
/// characters (where messages name a line and column) around a `…`.
/// Borrowed when it is short enough already.
pub fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    // No more bytes than `max` means no more characters either.
    if text.len() <= max || text.chars().count() <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let tail = 40.min(max / 4);
    let head = max.saturating_sub(tail + 1);
    let n = text.chars().count();
    let mut out: String = text.chars().take(head).collect();
    out.push('…');
    out.extend(text.chars().skip(n - tail));
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_keeps_last_four_digits() {
        assert_eq!(account("123-4-56789-0"), "xxx-x-xx789-0");
        assert_eq!(account("1234567890"), "xxxxxx7890");
        assert_eq!(account("123"), "123");
        assert_eq!(account("xxx-x-x5678-x"), "xxx-x-x5678-x");
    }

    #[test]
    fn name_keeps_two_chars_per_word() {
        assert_eq!(name("Somchai Jaidee"), "So*** Ja***");
        assert_eq!(name("นาย สมชาย"), "นา*** สม***");
        assert_eq!(name("Li"), "Li");
    }

    #[test]
    fn long_text_is_cut_in_the_middle_keeping_its_end() {
        assert_eq!(shorten("short", 10), "short");
        let long = format!("{} at line 1 column 10234", "A".repeat(10_000));
        let cut = shorten(&long, 200);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with("at line 1 column 10234"), "{cut}");
        assert!(cut.contains('…'));
        let thai = "ก".repeat(300);
        assert_eq!(shorten(&thai, 100).chars().count(), 100);
    }
}
