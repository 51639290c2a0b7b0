//! Cleaning one OCR line (Thai digits, the decomposed SARA AM, white
//! space) and finding a label at its start, forgiving a misread character.

/// Cleans one OCR line: Thai digits to ASCII, the decomposed SARA AM
/// (NIKHAHIT + SARA AA, as tesseract writes it) to U+0E33, runs of white
/// space to one space.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '๐'..='๙' => {
                let d = c as u32 - '๐' as u32;
                out.push(char::from_digit(d, 10).unwrap_or('0'));
            }
            _ => out.push(c),
        }
    }
    let out = out.replace("\u{0E4D}\u{0E32}", "\u{0E33}");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn label_key(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// If `line` starts with one of `labels` (spaces ignored, case folded, one
/// misread character forgiven for labels of five to seven characters, two
/// from eight on: `จ้านวนเงิน` is `จำนวนเงิน`),
/// the rest of the line after it.
pub fn after_label<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for label in labels {
        let want = label_key(label);
        // Thai labels get two edits from eight characters on: tone marks
        // and vowels are what OCR misses. Latin labels one at most, or
        // "Transaction successful" would be "Transaction ID".
        let tolerance = match want.len() {
            0..=4 => 0,
            5..=7 => 1,
            _ if label.is_ascii() => 1,
            _ => 2,
        };
        // Try prefixes of the line a character shorter or longer than the
        // label, so that one dropped or doubled character still matches.
        for take in want.len().saturating_sub(tolerance)..=want.len() + tolerance {
            let mut consumed = 0;
            let mut end = None;
            let mut key = Vec::new();
            for (i, c) in line.char_indices() {
                if consumed == take {
                    end = Some(i);
                    break;
                }
                if !c.is_whitespace() {
                    key.extend(c.to_lowercase());
                    consumed += 1;
                }
            }
            let end = match end {
                Some(e) => e,
                None if consumed == take => line.len(),
                None => continue,
            };
            // A Latin label must end at a word boundary ("To" is not "Total").
            let rest = &line[end..];
            if want.last().is_some_and(char::is_ascii_alphanumeric)
                && rest.chars().next().is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let d = levenshtein(&key, &want);
            if d <= tolerance && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, rest));
            }
        }
    }
    best.map(|(_, rest)| rest.trim_start_matches([':', ' ', '.', '-']).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_fixes_thai_digits_and_sara_am() {
        assert_eq!(clean("๒๑  พ.ย. ๒๕๖๙"), "21 พ.ย. 2569");
        assert_eq!(clean("จ\u{0E4D}\u{0E32}นวนเงิน"), "จำนวนเงิน");
    }

    #[test]
    fn labels_forgive_one_misread_character() {
        assert_eq!(
            after_label("จำนวนเงิน 1,500.00 บาท", &["จำนวนเงิน"]),
            Some("1,500.00 บาท")
        );
        assert_eq!(
            after_label("จำนวนเงน 1,500.00 บาท", &["จำนวนเงิน"]),
            Some("1,500.00 บาท")
        );
        assert_eq!(
            after_label("เลขที่ ราย การ: ABC123", &["เลขที่รายการ"]),
            Some("ABC123")
        );
        assert_eq!(after_label("Total 5", &["To"]), None);
        assert_eq!(after_label("To RANDEE", &["To"]), Some("RANDEE"));
        assert_eq!(after_label("Fee", &["Amount"]), None);
        assert_eq!(
            after_label("Transaction successful", &["Transaction ID"]),
            None
        );
        assert_eq!(
            after_label("จ้านวนเงิน 7,138.14", &["จำนวนเงิน"]),
            Some("7,138.14")
        );
    }
}
