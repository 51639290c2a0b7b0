//! How wide a text looks, for XLSX column widths. Thai and Khmer stack
//! vowels and tone marks above and below the base letter: those marks take
//! no width of their own, so counting `char`s would make Thai columns far
//! too wide, and counting bytes far wider still.

/// Width in Excel character units (the width of `0` in the default font),
/// rounded up.
pub(crate) fn display_width(text: &str) -> u32 {
    // Tenths of a unit: Thai and Khmer base letters are a little wider than
    // Latin digits in the fonts Excel and LibreOffice fall back to.
    let tenths: u32 = text
        .chars()
        .map(|c| {
            if is_zero_width(c) {
                0
            } else if c.is_ascii() {
                10
            } else if is_wide(c) {
                20
            } else {
                12
            }
        })
        .sum();
    tenths.div_ceil(10)
}

fn is_zero_width(c: char) -> bool {
    matches!(c,
        // Thai: mai han-akat, sara i..phinthu, maitaikhu..yamakkan
        '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        // Khmer dependent vowels and signs that stack
        | '\u{17B4}' | '\u{17B5}' | '\u{17B7}'..='\u{17BD}' | '\u{17C6}'
        | '\u{17C9}'..='\u{17D3}' | '\u{17DD}'
        // Combining diacritics, zero-width space/joiners, variation selectors
        | '\u{0300}'..='\u{036F}' | '\u{200B}'..='\u{200D}' | '\u{FE00}'..='\u{FE0F}'
    )
}

fn is_wide(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_marks_take_no_width() {
        // น้ำ: base น, mai tho (0E49) and sara am (0E33, a spacing vowel).
        assert_eq!(display_width("abc"), 3);
        // สมชาย: 5 base letters; ใจดี: ใ จ ด + sara ii above.
        let plain = display_width("สมชาย ใจดี");
        assert_eq!(plain, (5 * 12 + 10 + 3 * 12u32).div_ceil(10));
        assert!(display_width("ที่") < "ที่".chars().count() as u32 + 1);
        assert_eq!(display_width("\u{0E34}\u{0E48}"), 0);
    }
}
