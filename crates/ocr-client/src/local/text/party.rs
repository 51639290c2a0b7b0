//! A party's account and name as printed: accounts read as they are or
//! through a layout's mask, names cleaned of OCR residue and garbled
//! company forms.

/// An account as printed, if the line is one: digits, mask characters
/// and separators only, at least four positions. Mask characters (and
/// what OCR makes of `*`: `k`, `K`, `X`) are written `x`.
pub fn account_in(text: &str) -> Option<String> {
    let t = text.trim();
    let mut out = String::new();
    let mut positions = 0;
    let mut digits = 0;
    for c in t.chars() {
        match c {
            '0'..='9' => {
                out.push(c);
                positions += 1;
                digits += 1;
            }
            'x' | 'X' | '*' | '•' | '#' | 'k' | 'K' | '×' | '%' => {
                out.push('x');
                positions += 1;
            }
            '-' | ' ' => out.push(c),
            _ => return None,
        }
    }
    (positions >= 4 && digits >= 1).then(|| out.trim().to_string())
}

/// An account read through a layout's mask, segment by segment: the line
/// must have as many segments as the mask (split at the mask's separator,
/// `-` or a space), the shown digits (`#`) must be digits at the end of
/// their segment. Hidden positions: `x` are always hidden, so whatever OCR
/// made of them (`%`, `๐`, `2`, a doubled `x`) becomes `x`; `*` are hidden
/// only when OCR shows no digit there (ABA masks a payer's account but
/// prints ours in full).
pub fn masked_account_in(text: &str, mask: &str) -> Option<String> {
    let sep = mask.chars().find(|c| !matches!(c, 'x' | '#' | '*'))?;
    let normalised: String = text
        .trim()
        .chars()
        .map(|c| if matches!(c, '–' | '—') { '-' } else { c })
        .filter(|c| sep == ' ' || !c.is_whitespace())
        .collect();
    // Stars come back as any letter (`BKK`); an `x` mask only as x-like.
    let star = mask.contains('*');
    if !star
        && normalised
            .chars()
            .any(|c| c.is_ascii_alphabetic() && !matches!(c, 'x' | 'X' | 'k' | 'K'))
    {
        return None;
    }
    let got: Vec<&str> = if sep == ' ' {
        normalised.split_whitespace().collect()
    } else {
        normalised.split(sep).collect()
    };
    let want: Vec<&str> = mask.split(sep).collect();
    if got.len() != want.len() || want.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    for (g, w) in got.iter().zip(&want) {
        let shown = w.chars().filter(|c| *c == '#').count();
        let gc: Vec<char> = g.chars().collect();
        if g.is_empty() || gc.len() < shown {
            return None;
        }
        let (hidden_part, digits) = gc.split_at(gc.len() - shown);
        if !digits.iter().all(char::is_ascii_digit) {
            return None;
        }
        // What tesseract makes of `*`: letters with a star-like shape.
        let star_like = |c: &char| {
            matches!(
                c,
                '*' | 'x' | 'X' | 'k' | 'K' | 'B' | 'R' | '%' | '#' | '•' | '×' | '+'
            )
        };
        if w.contains('*')
            && (!hidden_part.iter().all(star_like) || hidden_part.len() > w.len() + 2)
        {
            return None;
        }
        let hidden = w.len() - shown;
        out.push(format!(
            "{}{}",
            "x".repeat(hidden),
            digits.iter().collect::<String>()
        ));
    }
    Some(out.join(&sep.to_string()))
}

/// A name as printed. Slips print Latin names in capitals; OCR sometimes
/// drops to lower case in the middle (`Ms.`), so a mostly-capital name is
/// written all in capitals.
pub(super) fn clean_name(text: &str) -> Option<String> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '|' | '_'));
    if t.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    let t = company_form(strip_residue(t));
    let t = t.as_str();
    let upper = t.chars().filter(char::is_ascii_uppercase).count();
    let lower = t.chars().filter(char::is_ascii_lowercase).count();
    if upper >= 3 * lower.max(1) || (lower == 0 && upper > 0) {
        Some(t.to_uppercase())
    } else {
        Some(t.to_string())
    }
}

/// Company forms OCR tends to garble: `CO., LTD.` read as `60., LTD.`
/// or `CCO., LTD.`; the Thai `บริษัท … จำกัด` whose last word came out
/// Latin (`dina`). The form is fixed by the first word, so it is restored.
fn company_form(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    for i in 1..words.len() {
        let next_is_ltd = words[i].trim_end_matches('.').eq_ignore_ascii_case("LTD");
        let before = words[i - 1];
        if next_is_ltd && before.ends_with(".,") && before.len() <= 5 && before != "CO.," {
            out[i - 1] = "CO.,".to_string();
        }
    }
    if words.len() >= 2 && words[0] == "บริษัท" {
        let last = words[words.len() - 1];
        if !last.is_empty() && last.chars().all(|c| c.is_ascii_alphanumeric()) {
            let n = out.len();
            out[n - 1] = "จำกัด".to_string();
        }
    }
    out.join(" ")
}

/// Titles a name starts with; OCR sometimes puts a stray character from
/// the label column in front of them (`หนาย`).
const TITLES: &[&str] = &[
    "นางสาว",
    "นาย",
    "นาง",
    "ด.ช.",
    "ด.ญ.",
    "บริษัท",
    "MR.",
    "MRS.",
    "MS.",
    "MISS",
];

fn strip_residue(name: &str) -> &str {
    if TITLES.iter().any(|t| name.starts_with(t)) {
        return name;
    }
    // One or two stray characters before a title.
    for (skip, (at, _)) in name.char_indices().enumerate().skip(1).take(2) {
        let rest = name[at..].trim_start();
        if TITLES.iter().any(|t| rest.starts_with(t)) && skip <= 2 {
            return rest;
        }
    }
    // A Latin name led by a token without a single Latin letter (`0៣`).
    if let Some((first, rest)) = name.split_once(' ') {
        let latin_rest = rest.chars().filter(char::is_ascii_alphabetic).count() >= 3;
        if latin_rest && !first.chars().any(|c| c.is_ascii_alphabetic()) {
            return rest.trim_start();
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_normalise_mask_characters() {
        assert_eq!(
            account_in("XXX-X-X1234-x").as_deref(),
            Some("xxx-x-x1234-x")
        );
        assert_eq!(account_in("kkk KKK 123").as_deref(), Some("xxx xxx 123"));
        assert_eq!(account_in("001 234 567").as_deref(), Some("001 234 567"));
        assert_eq!(account_in("ธ.กสิกรไทย"), None);
        assert_eq!(account_in("xxxx"), None);
    }

    #[test]
    fn a_layout_mask_undoes_misread_mask_characters() {
        let m = "xxx-x-x####-x";
        assert_eq!(
            masked_account_in("200-%-%6789-%", m).as_deref(),
            Some("xxx-x-x6789-x")
        );
        assert_eq!(
            masked_account_in("XXX-X-X1234-x", m).as_deref(),
            Some("xxx-x-x1234-x")
        );
        assert_eq!(
            masked_account_in("2000<-%-%0989-%", m).as_deref(),
            Some("xxx-x-x0989-x")
        );
        assert_eq!(
            masked_account_in("XXX-X-X3299-Xx", m).as_deref(),
            Some("xxx-x-x3299-x")
        );
        assert_eq!(masked_account_in("xxx-x-x12a4-x", m), None);
        let aba = "*** *** ###";
        assert_eq!(
            masked_account_in("kkk KKKK 862", aba).as_deref(),
            Some("xxx xxx 862")
        );
        assert_eq!(masked_account_in("001 234 567", aba), None);
        assert_eq!(
            masked_account_in("BKK KKK 516", aba).as_deref(),
            Some("xxx xxx 516")
        );
        assert_eq!(masked_account_in("SOK DARA 123", aba), None);
        assert_eq!(masked_account_in("001 234 567", m), None);
    }

    #[test]
    fn names_lose_ocr_residue_before_the_title() {
        assert_eq!(
            clean_name("หนาย ธนพล สุขสวัสดิ์").as_deref(),
            Some("นาย ธนพล สุขสวัสดิ์")
        );
        assert_eq!(clean_name("0៣ VANNAK PICH").as_deref(), Some("VANNAK PICH"));
        assert_eq!(
            clean_name("Ms. ANNA WONG").as_deref(),
            Some("MS. ANNA WONG")
        );
        assert_eq!(clean_name("นางสาว มานี").as_deref(), Some("นางสาว มานี"));
        assert_eq!(clean_name("สมชาย ใจดี").as_deref(), Some("สมชาย ใจดี"));
        assert_eq!(clean_name("x"), None);
        assert_eq!(
            clean_name("RANDEE TRADING 60., LTD.").as_deref(),
            Some("RANDEE TRADING CO., LTD.")
        );
        assert_eq!(
            clean_name("RANDEE CCO., LTD.").as_deref(),
            Some("RANDEE CO., LTD.")
        );
        assert_eq!(
            clean_name("บริษัท ร้านดี dina").as_deref(),
            Some("บริษัท ร้านดี จำกัด")
        );
    }
}
