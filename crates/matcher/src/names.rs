//! Names of people and companies: normalization and similarity.
//!
//! Normalization (see [`normalize_name`]):
//! 1. Unicode NFC; Thai `ํ` + `า` (what OCR often returns) folded to `ำ`;
//!    Thai digits to ASCII; full-width forms to ASCII; zero-width characters
//!    dropped; lower case.
//! 2. Split into pieces at white space and punctuation; `-` and `'` join
//!    (`Jean-Pierre` is one piece). Mask characters (`*`, `•`, `●`) stay in
//!    the piece: only the characters before the first mask are visible.
//! 3. Leading honorifics (นาย, นาง, นางสาว, น.ส., ด.ช., ด.ญ., คุณ, MR, MRS,
//!    MS, MISS, DR, …), also when glued to a Thai name (`นายสมชาย`), are set
//!    aside into `titles`; company forms anywhere (บริษัท … จำกัด, (มหาชน),
//!    หจก., บจก., CO., LTD., PLC, INC, …) into `company_forms`, which makes
//!    the name a company.
//!
//! Similarity (see [`similarity`]) is in [0, 1]:
//! - a company never matches a non-company (score 0): a person and a company
//!   with the same words are different payers;
//! - tokens are paired greedily by best score, in any order, so reordered
//!   names (`JAIDEE SOMCHAI`) still score 1;
//! - two plain tokens score the mean of Jaro-Winkler (kind to typos near the
//!   end, to shared prefixes) and normalized OSA distance (harsh on genuinely
//!   different words, which Jaro-Winkler alone rates too high: `jaidee` vs
//!   `rakdee` is 0.7 by JW, 0.6 by the mix);
//! - a masked token (`ใ***`, `KAIY***`) or a one-letter initial compares only
//!   its visible prefix with the same number of leading characters of the
//!   other token;
//! - the name score is the mean of the squared paired token scores, weighted
//!   by visible length (squared so that one clearly different word counts:
//!   `Somchai Jaidee` vs `Somchai Rakdee` is 0.78, a one-letter typo 0.91); tokens left over on the longer name count against it at 0.2 of
//!   their weight when the shorter name has two or more tokens (a middle
//!   name), at full weight when it has one (a lone given name proves little);
//! - without masks, the names with spaces removed are compared too: the
//!   same letters with the space elsewhere score 1 (`JOH NTAYLOR`); names
//!   of different word counts keep the better of the two scores
//!   (`SOMCHAIJAIDEE`); letters one typo apart score their whole-name
//!   similarity (`JOH LIM` / `JOHN LIM`: 0.857, see [`one_typo_apart`]).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One word of a name after normalization, borrowed from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameToken<'a> {
    /// The visible characters, folded.
    pub text: &'a str,
    /// Characters after `text` were masked (`KAIY***`).
    pub masked: bool,
    chars: usize,
}

impl NameToken<'_> {
    /// Only a prefix of the real word is known: a masked token or an initial.
    fn prefix_only(&self) -> bool {
        self.masked || self.chars == 1
    }
}

/// Where a word sits in the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
    chars: u32,
    masked: bool,
}

/// A name ready to compare. Words are spans of one folded string, so a
/// name costs two allocations however many words it has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormalizedName {
    folded: String,
    spans: Vec<Span>,
    titles: Vec<&'static str>,
    company_forms: Vec<&'static str>,
}

impl NormalizedName {
    /// The words with at least one visible character, in written order.
    pub fn tokens(&self) -> impl Iterator<Item = NameToken<'_>> + '_ {
        self.spans
            .iter()
            .filter(|s| s.end > s.start)
            .map(|s| NameToken {
                text: &self.folded[s.start as usize..s.end as usize],
                masked: s.masked,
                chars: s.chars as usize,
            })
    }

    /// Honorifics set aside (`mr`, `นาย`, `นส` for น.ส.), folded.
    pub fn titles(&self) -> &[&'static str] {
        &self.titles
    }

    /// Company forms set aside (`co`, `ltd`, `บริษัท`, `จำกัด`), folded.
    pub fn company_forms(&self) -> &[&'static str] {
        &self.company_forms
    }

    pub fn is_company(&self) -> bool {
        !self.company_forms.is_empty()
    }

    /// No visible character to compare.
    pub fn is_empty(&self) -> bool {
        self.tokens().next().is_none()
    }

    /// The visible words joined by one space (for keys and display).
    pub fn key(&self) -> String {
        let mut out = String::new();
        for t in self.tokens() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(t.text);
        }
        out
    }

    /// The same visible words, none masked, same kind (person/company):
    /// the names are equal without any fuzzy comparison.
    pub fn same_words(&self, other: &NormalizedName) -> bool {
        self.is_company() == other.is_company()
            && !self.is_empty()
            && self.tokens().all(|t| !t.masked)
            && self
                .tokens()
                .map(|t| (t.text, t.masked))
                .eq(other.tokens().map(|t| (t.text, t.masked)))
    }

    /// Some word is masked (`KAIY***`).
    pub fn has_mask(&self) -> bool {
        self.tokens().any(|t| t.masked)
    }
}

/// Honorifics as folded pieces; dotted abbreviations are piece sequences
/// (`น.ส.` is `น`,`ส`), each with its canonical form. Longest first so
/// `นางสาว` wins over `นาง`.
const TITLES: &[(&str, &[&str])] = &[
    ("นางสาว", &["นางสาว"]),
    ("นาง", &["นาง"]),
    ("นาย", &["นาย"]),
    ("นส", &["น", "ส"]),
    ("นส", &["นส"]),
    ("ดช", &["ด", "ช"]),
    ("ดญ", &["ด", "ญ"]),
    ("ดช", &["ดช"]),
    ("ดญ", &["ดญ"]),
    ("เด็กชาย", &["เด็กชาย"]),
    ("เด็กหญิง", &["เด็กหญิง"]),
    ("คุณ", &["คุณ"]),
    ("ดร", &["ดร"]),
    ("ผศ", &["ผศ"]),
    ("รศ", &["รศ"]),
    ("mr", &["mr"]),
    ("mrs", &["mrs"]),
    ("ms", &["ms"]),
    ("miss", &["miss"]),
    ("mstr", &["mstr"]),
    ("master", &["master"]),
    ("mx", &["mx"]),
    ("dr", &["dr"]),
    ("prof", &["prof"]),
    ("sir", &["sir"]),
    ("madam", &["madam"]),
    ("mme", &["mme"]),
    ("khun", &["khun"]),
    ("loksrey", &["lok", "srey"]),
    ("lok", &["lok"]),
];

/// Thai honorifics that are often written glued to the given name.
const GLUED_THAI_TITLES: &[&str] = &["นางสาว", "เด็กชาย", "เด็กหญิง", "นาง", "นาย", "คุณ"];

/// Company forms as folded pieces.
const COMPANY_FORMS: &[&str] = &[
    "co",
    "ltd",
    "coltd",
    "plc",
    "pcl",
    "inc",
    "corp",
    "corporation",
    "llc",
    "limited",
    "company",
    "pte",
    "lp",
    "บริษัท",
    "จำกัด",
    "มหาชน",
    "หจก",
    "บจก",
    "บมจ",
    "หสน",
    "ห้างหุ้นส่วนจำกัด",
    "ห้างหุ้นส่วนสามัญ",
    "ห้างหุ้นส่วน",
];

/// Company forms glued to the first / last word (`บริษัทร้านดีจำกัด`).
const GLUED_COMPANY_PREFIXES: &[&str] = &["บริษัท", "ห้างหุ้นส่วนจำกัด", "หจก", "บจก", "บมจ"];
const GLUED_COMPANY_SUFFIXES: &[&str] = &["จำกัด", "มหาชน"];

/// Letters, digits and combining marks: what a name is made of. ASCII and
/// the Thai block are answered without Unicode table look-ups, which are
/// the slow path of `char::is_alphanumeric` and dominate on Thai names.
pub(crate) fn is_name_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '\0'..='\x7f' => false,
        // Thai: everything but the baht sign and the section marks.
        '\u{0E01}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E4E}' | '\u{0E50}'..='\u{0E59}' => true,
        '\u{0E00}'..='\u{0E7F}' => false,
        _ => c.is_alphanumeric() || is_combining_mark(c),
    }
}

fn is_mask_char(c: char) -> bool {
    matches!(c, '*' | '•' | '●' | '∗')
}

/// Folds one character into `out`: width, Thai digits, case; drops
/// zero-width characters.
fn fold_char(c: char, out: &mut String) {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{0E50}'..='\u{0E59}' => char::from_u32(c as u32 - 0x0E50 + '0' as u32).unwrap_or(c),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => return,
        // Joiners inside a word: Jean-Pierre, O'Brien are one word.
        '-' | '\'' | '’' | '‘' => return,
        _ => c,
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if ('\u{0E00}'..='\u{0E7F}').contains(&c) {
        // Thai has no case.
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    if raw.is_ascii() {
        for c in raw.chars() {
            fold_char(c, &mut out);
        }
        return out;
    }
    let composed: Cow<str> = match unicode_normalization::is_nfc_quick(raw.chars()) {
        unicode_normalization::IsNormalized::Yes => Cow::Borrowed(raw),
        _ => Cow::Owned(raw.nfc().collect()),
    };
    // OCR and some keyboards write sara am as nikhahit + sara aa.
    let composed: Cow<str> = if composed.contains('\u{0E4D}') {
        Cow::Owned(composed.replace("\u{0E4D}\u{0E32}", "\u{0E33}"))
    } else {
        composed
    };
    for c in composed.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Splits folded text into pieces: byte ranges of name and mask
/// characters (see module doc; joiners were dropped while folding).
fn pieces(folded: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(4);
    let mut start: Option<usize> = None;
    for (i, c) in folded.char_indices() {
        if is_name_char(c) || is_mask_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, folded.len()));
    }
    out
}

/// Normalizes a name (see module doc).
pub fn normalize_name(raw: &str) -> NormalizedName {
    let folded = fold(raw);
    let f = folded.as_str();
    let mut ps = pieces(f);
    let text = |r: (usize, usize)| &f[r.0..r.1];
    let mut titles: Vec<&'static str> = Vec::new();
    let mut company_forms: Vec<&'static str> = Vec::new();

    // Leading honorifics, possibly several (`MR. DR. …`), never the whole name.
    let mut start = 0;
    'titles: while start < ps.len() {
        for (canon, t) in TITLES {
            let n = t.len();
            if start + n < ps.len()
                && ps[start..start + n]
                    .iter()
                    .zip(t.iter())
                    .all(|(a, b)| text(*a) == *b)
            {
                titles.push(canon);
                start += n;
                continue 'titles;
            }
        }
        break;
    }
    ps.drain(..start);

    // Company forms anywhere, whole pieces.
    ps.retain(|p| match COMPANY_FORMS.iter().find(|c| **c == text(*p)) {
        Some(c) => {
            company_forms.push(c);
            false
        }
        None => true,
    });
    // Glued company forms on the first and last piece.
    if let Some(first) = ps.first_mut() {
        for pre in GLUED_COMPANY_PREFIXES {
            if let Some(rest) = text(*first).strip_prefix(pre)
                && rest.chars().count() >= 2
            {
                company_forms.push(pre);
                first.0 += pre.len();
                break;
            }
        }
    }
    if let Some(last) = ps.last_mut() {
        for suf in GLUED_COMPANY_SUFFIXES {
            if let Some(rest) = text(*last).strip_suffix(suf)
                && rest.chars().count() >= 2
            {
                company_forms.push(suf);
                last.1 -= suf.len();
                break;
            }
        }
    }
    // A Thai honorific glued to the given name (`นายสมชาย`); people only.
    if company_forms.is_empty()
        && let Some(first) = ps.first_mut()
    {
        for t in GLUED_THAI_TITLES {
            if let Some(rest) = text(*first).strip_prefix(t)
                && rest.chars().count() >= 2
            {
                titles.push(t);
                first.0 += t.len();
                break;
            }
        }
    }

    let spans = ps
        .into_iter()
        .map(|(s, e)| {
            let (e, masked) = match f[s..e].find(is_mask_char) {
                Some(i) => (s + i, true),
                None => (e, false),
            };
            Span {
                start: s as u32,
                end: e as u32,
                chars: f[s..e].chars().count() as u32,
                masked,
            }
        })
        .collect();
    NormalizedName {
        folded,
        spans,
        titles,
        company_forms,
    }
}

/// Mean of Jaro-Winkler and normalized OSA (see module doc).
fn word_score(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let la = a.chars().count();
    let lb = b.chars().count();
    let max = la.max(lb);
    if max == 0 {
        return 1.0;
    }
    let jw = strsim::jaro_winkler(a, b);
    let osa = 1.0 - strsim::osa_distance(a, b) as f64 / max as f64;
    0.5 * jw + 0.5 * osa
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn token_score(a: &NameToken<'_>, b: &NameToken<'_>) -> f64 {
    if a.prefix_only() || b.prefix_only() {
        // Only the visible prefix is evidence: compare that many leading
        // characters of both.
        let n = a.chars.min(b.chars);
        if n == 0 {
            return 0.0;
        }
        let pa = prefix(a.text, n);
        let pb = prefix(b.text, n);
        if pa == pb {
            return 1.0;
        }
        return word_score(pa, pb);
    }
    word_score(a.text, b.text)
}

fn weight(t: &NameToken<'_>) -> f64 {
    t.chars.max(1) as f64
}

/// Similarity of two normalized names in [0, 1] (see module doc).
pub fn similarity(a: &NormalizedName, b: &NormalizedName) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.is_company() != b.is_company() {
        return 0.0;
    }
    similarity_of_words(a, b)
}

/// Like [`similarity`] but a company form on one side only does not make
/// the names different. For the receiver check, where we know our account
/// holder is a company and a slip may print its name without the form.
pub fn similarity_any_kind(a: &NormalizedName, b: &NormalizedName) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    similarity_of_words(a, b)
}

fn similarity_of_words(a: &NormalizedName, b: &NormalizedName) -> f64 {
    // Names are short; beyond 8 words the tail carries little. Fixed
    // arrays: this runs millions of times and must not allocate.
    const NONE: NameToken<'static> = NameToken {
        text: "",
        masked: false,
        chars: 0,
    };
    let mut ta = [NONE; 8];
    let mut tb = [NONE; 8];
    let mut na = 0;
    for t in a.tokens().take(8) {
        ta[na] = t;
        na += 1;
    }
    let mut nb = 0;
    for t in b.tokens().take(8) {
        tb[nb] = t;
        nb += 1;
    }
    // A canonical argument order keeps the greedy pairing symmetric.
    let order = na.cmp(&nb).then_with(|| {
        ta[..na]
            .iter()
            .map(|x| (x.text, x.masked))
            .cmp(tb[..nb].iter().map(|x| (x.text, x.masked)))
    });
    let (ta, tb, a, b) = if order.is_le() {
        (&ta[..na], &tb[..nb], a, b)
    } else {
        (&tb[..nb], &ta[..na], b, a)
    };
    let mut cells = [(0.0f64, 0usize, 0usize); 64];
    let mut nc = 0;
    for (i, x) in ta.iter().enumerate() {
        for (j, y) in tb.iter().enumerate() {
            cells[nc] = (token_score(x, y), i, j);
            nc += 1;
        }
    }
    let cells = &mut cells[..nc];
    // Best pairs first; ties by position, so the result is deterministic.
    cells.sort_unstable_by(|p, q| q.0.total_cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));
    let mut used_a = [false; 8];
    let mut used_b = [false; 8];
    let (mut sum_w, mut sum_ws) = (0.0, 0.0);
    let mut paired = 0;
    for &mut (s, i, j) in cells {
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        paired += 1;
        let w = (weight(&ta[i]) + weight(&tb[j])) / 2.0;
        sum_w += w;
        // Squared: one clearly different word must pull the name below the
        // threshold even when the other words agree (`Somchai Jaidee` vs
        // `Somchai Rakdee`), while a one-letter typo (0.9 → 0.8) does not.
        sum_ws += w * s * s;
    }
    let leftover: f64 = ta
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_a[*i])
        .map(|(_, t)| weight(t))
        .chain(
            tb.iter()
                .enumerate()
                .filter(|(j, _)| !used_b[*j])
                .map(|(_, t)| weight(t)),
        )
        .sum();
    let penalty = if paired >= 2 { 0.2 } else { 1.0 };
    let token_based = if sum_w + leftover * penalty > 0.0 {
        sum_ws / (sum_w + leftover * penalty)
    } else {
        0.0
    };
    let mut best = token_based;
    if best < 1.0 && !a.has_mask() && !b.has_mask() {
        let ja: String = ta.iter().map(|t| t.text).collect();
        let jb: String = tb.iter().map(|t| t.text).collect();
        if ja == jb {
            // The same letters, the space elsewhere (`JOH NTAYLOR`).
            return 1.0;
        }
        if ta.len() != tb.len() {
            best = best.max(word_score(&ja, &jb));
        }
        best = best.max(one_typo_apart(&ja, &jb));
    }
    best.clamp(0.0, 1.0)
}

/// Shortest name (letters, spaces aside) that one typo may stand in.
const ONE_TYPO_MIN_CHARS: usize = 7;

/// Two names of at least [`ONE_TYPO_MIN_CHARS`] letters whose letters
/// differ by one edit (a letter added, dropped or changed, or two letters
/// swapped) score their whole-name similarity, `1 - 1/length` (at least
/// 0.857): a single typo in a short word (`JOH LIM`) must not sink a name,
/// whereas two edits can be another person (`Jaidee` / `Rakdee`), so the
/// rule stops at one. 0 otherwise.
fn one_typo_apart(a: &str, b: &str) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > 1 || la.min(lb) < ONE_TYPO_MIN_CHARS - 1 {
        return 0.0;
    }
    let max = la.max(lb);
    if max < ONE_TYPO_MIN_CHARS || strsim::osa_distance(a, b) != 1 {
        return 0.0;
    }
    1.0 - 1.0 / max as f64
}

/// Similarity in [0, 1] of two names as written (see module doc).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    similarity(&normalize_name(a), &normalize_name(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(n: &NormalizedName) -> Vec<String> {
        n.tokens()
            .map(|t| {
                if t.masked {
                    format!("{}*", t.text)
                } else {
                    t.text.to_string()
                }
            })
            .collect()
    }

    #[test]
    fn normalization_table() {
        // (raw, tokens, titles, company)
        let cases: &[(&str, &[&str], &[&str], bool)] = &[
            ("นาย สมชาย ใจดี", &["สมชาย", "ใจดี"], &["นาย"], false),
            ("นายสมชาย ใจดี", &["สมชาย", "ใจดี"], &["นาย"], false),
            ("นางสาว มาลี ศรีสุข", &["มาลี", "ศรีสุข"], &["นางสาว"], false),
            ("น.ส. มาลี ศรีสุข", &["มาลี", "ศรีสุข"], &["นส"], false),
            ("น.ส.มาลี ศรีสุข", &["มาลี", "ศรีสุข"], &["นส"], false),
            ("ด.ช. ก้อง ดี", &["ก้อง", "ดี"], &["ดช"], false),
            ("ด.ญ.ฝน ดี", &["ฝน", "ดี"], &["ดญ"], false),
            ("คุณ สมศรี", &["สมศรี"], &["คุณ"], false),
            ("MR. JOHN SMITH", &["john", "smith"], &["mr"], false),
            ("Mrs.Jane   Smith", &["jane", "smith"], &["mrs"], false),
            ("MS JANE O'BRIEN", &["jane", "obrien"], &["ms"], false),
            ("MISS ANNA", &["anna"], &["miss"], false),
            (
                "Dr. Jean-Pierre Roux",
                &["jeanpierre", "roux"],
                &["dr"],
                false,
            ),
            (
                "ＭＲ．ＪＯＨＮ　ＳＭＩＴＨ",
                &["john", "smith"],
                &["mr"],
                false,
            ),
            ("บริษัท ร้านดี จำกัด", &["ร้านดี"], &[], true),
            ("บริษัท ร้านดี จำกัด (มหาชน)", &["ร้านดี"], &[], true),
            ("บริษัทร้านดีจำกัด", &["ร้านดี"], &[], true),
            ("หจก. ร้านดี", &["ร้านดี"], &[], true),
            ("RANDEE CO., LTD.", &["randee"], &[], true),
            ("RANDEE CO.,LTD", &["randee"], &[], true),
            ("Randee Trading PLC", &["randee", "trading"], &[], true),
            ("ACME INC.", &["acme"], &[], true),
            ("KAIY*** VENY***", &["kaiy*", "veny*"], &[], false),
            ("นาย สมชาย ใ***", &["สมชาย", "ใ*"], &["นาย"], false),
            ("MR. SOMCHAI J", &["somchai", "j"], &["mr"], false),
            // nikhahit + sara aa (OCR) is sara am
            ("นาย ทองคํา ดี", &["ทองคำ", "ดี"], &["นาย"], false),
            // a title alone is kept as the name, not dropped
            ("MR", &["mr"], &[], false),
            ("", &[], &[], false),
        ];
        for (raw, tokens, titles, company) in cases {
            let n = normalize_name(raw);
            assert_eq!(toks(&n), *tokens, "tokens of {raw:?}");
            assert_eq!(n.titles(), *titles, "titles of {raw:?}");
            assert_eq!(n.is_company(), *company, "company of {raw:?}");
        }
    }

    #[test]
    fn similarity_table() {
        // (a, b, at least, at most)
        let cases: &[(&str, &str, f64, f64)] = &[
            ("นาย สมชาย ใจดี", "สมชาย ใจดี", 1.0, 1.0),
            ("นาย สมชาย ใจดี", "นายสมชาย ใจดี", 1.0, 1.0),
            ("MR. JOHN SMITH", "john smith", 1.0, 1.0),
            ("SMITH JOHN", "Mr John Smith", 1.0, 1.0),
            ("KAIY*** VENY***", "KAIYA VENY", 1.0, 1.0),
            ("KAIY*** VENY***", "VENY KAIYA", 1.0, 1.0),
            ("นาย สมชาย ใ***", "สมชาย ใจดี", 1.0, 1.0),
            ("MR. SOMCHAI J", "SOMCHAI JAIDEE", 1.0, 1.0),
            ("SOMCHAIJAIDEE", "SOMCHAI JAIDEE", 1.0, 1.0),
            ("Somchai Jaidee", "Somchia Jaidee", 0.9, 0.99),
            ("John Michael Smith", "John Smith", 0.85, 0.95),
            // the space moved, one letter dropped from a short word
            ("JOH NTAYLOR", "MS. JOHN TAYLOR", 1.0, 1.0),
            ("ศิริพรท องคำ", "นางสาว ศิริพร ทองคำ", 1.0, 1.0),
            ("JOH LIM", "JOHN LIM", 0.85, 0.9),
            ("MISS SRE LIM", "MISS SREY LIM", 0.85, 0.9),
            ("กิตติพงษ์์ เจริญผล", "กิตติพงษ์ เจริญผล", 0.85, 0.99),
            // different people
            ("JOHN LIM", "JOAN LIN", 0.0, 0.84),
            ("SREY LIM", "SREY HENG", 0.0, 0.84),
            ("Somchai Jaidee", "Somchai Rakdee", 0.0, 0.84),
            ("Somchai Jaidee", "Malee Srisuk", 0.0, 0.5),
            ("นาย สมชาย ใจดี", "นางสาว มาลี ศรีสุข", 0.0, 0.5),
            ("KAIY*** VENY***", "KAIYA SOK", 0.0, 0.84),
            ("นาย สมชาย ใ***", "สมชาย รักดี", 0.0, 0.84),
            ("Somchai", "Somchai Jaidee", 0.0, 0.84),
            // a company never matches a person by name alone
            ("SOMCHAI JAIDEE CO., LTD.", "MR. SOMCHAI JAIDEE", 0.0, 0.0),
            ("บริษัท ร้านดี จำกัด", "บจก. ร้านดี", 1.0, 1.0),
            ("RANDEE CO., LTD.", "Randee Company Limited", 1.0, 1.0),
            // transliterations are not expected to match
            ("นาย สมชาย ใจดี", "MR. SOMCHAI JAIDEE", 0.0, 0.2),
            ("", "John", 0.0, 0.0),
        ];
        for (a, b, lo, hi) in cases {
            let s = name_similarity(a, b);
            assert!(
                (*lo..=*hi).contains(&s),
                "{a:?} vs {b:?} = {s}, expected in [{lo}, {hi}]"
            );
            let r = name_similarity(b, a);
            assert!((s - r).abs() < 1e-12, "not symmetric: {a:?} {b:?}");
        }
    }

    #[test]
    fn any_kind_ignores_company_form_on_one_side() {
        let a = normalize_name("บริษัท ร้านดี จำกัด");
        let b = normalize_name("ร้านดี");
        assert_eq!(similarity(&a, &b), 0.0);
        assert_eq!(similarity_any_kind(&a, &b), 1.0);
    }
}
