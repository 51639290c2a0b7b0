//! The people and companies of the synthetic days: Thai names with their
//! romanised forms (as a Thai bank prints them in English), English names and
//! romanised Khmer names, and the shops and suppliers on the other side.
//!
//! Pools are small on purpose, as a real shop's customers are: a day of a
//! few thousand orders has many namesakes (the same given and family name),
//! and relatives share a family name. Every word of a pool starts with two
//! letters no other word of its pool (given and family names together)
//! starts with, in Thai script and in Latin, so that a name stays
//! recognisable when a bank masks it down to two letters (`อร*** มั่***`) and
//! two different people never read as one (`names_are_fair` checks this with
//! the README's name score).
//!
//! A document prints a name its own way ([`NameNoise`]): with or without
//! honorific, masked by the bank, with a typing slip. Slip, statement line and
//! order each draw their own noise.

use rand::Rng;

/// Thai given names: (Thai script, romanised, is female).
const THAI_GIVEN: &[(&str, &str, bool)] = &[
    ("สมชาย", "SOMCHAI", false),
    ("ธนพล", "THANAPHON", false),
    ("วีระพงษ์", "WEERAPONG", false),
    ("กิตติศักดิ์", "KITTISAK", false),
    ("อนุชา", "ANUCHA", false),
    ("ณัฐวุฒิ", "NATTHAWUT", false),
    ("ชัยวัฒน์", "CHAIWAT", false),
    ("เอกชัย", "EKKACHAI", false),
    ("สุดารัตน์", "SUDARAT", true),
    ("นงลักษณ์", "NONGLAK", true),
    ("พิมพ์ชนก", "PIMCHANOK", true),
    ("วิไลวรรณ", "WILAIWAN", true),
    ("ศิริพร", "SIRIPORN", true),
    ("รัตนาภรณ์", "RATTANAPORN", true),
    ("ปวีณา", "PAWEENA", true),
    ("ลลิตา", "LALITA", true),
];

/// Thai family names: (Thai script, romanised).
const THAI_FAMILY: &[(&str, &str)] = &[
    ("ใจดี", "JAIDEE"),
    ("ศรีสุข", "SRISUK"),
    ("แสงทอง", "SAENGTHONG"),
    ("บุญมา", "BOONMA"),
    ("วงศ์สวัสดิ์", "WONGSAWAT"),
    ("เพชรรัตน์", "PETCHARAT"),
    ("เลิศวิริยะ", "LERTWIRIYA"),
    ("หอมจันทร์", "HOMJAN"),
    ("คงเจริญ", "KONGCHAROEN"),
    ("อุดมศรี", "UDOMSRI"),
    ("ยิ่งยง", "YINGYONG"),
];

/// English given names: (name, is female).
const ENGLISH_GIVEN: &[(&str, bool)] = &[
    ("JOHN", false),
    ("DAVID", false),
    ("MICHAEL", false),
    ("PETER", false),
    ("SARAH", true),
    ("EMMA", true),
    ("LAURA", true),
    ("OLIVIA", true),
];

const ENGLISH_FAMILY: &[&str] = &[
    "SMITH", "BROWN", "TAYLOR", "WILSON", "CLARKE", "HUGHES", "EVANS", "KELLY",
];

/// Romanised Khmer given names: (name, is female).
const KHMER_GIVEN: &[(&str, bool)] = &[
    ("DARA", false),
    ("VIBOL", false),
    ("RITHY", false),
    ("VANNAK", false),
    ("PISETH", false),
    ("SOPHEA", true),
    ("SREYMOM", true),
    ("CHANTHA", true),
    ("MALIS", true),
    ("THEARY", true),
];

/// Romanised Khmer family names (written first, as ABA and ACLEDA do).
const KHMER_FAMILY: &[&str] = &["KIM", "HENG", "NGET", "PHAN", "OUK", "LAY", "SUN", "YOU"];

/// Companies we pay (money-out lines): Thai name, English name.
pub const SUPPLIERS: &[(&str, &str)] = &[
    ("บริษัท ขนส่งด่วน จำกัด", "KHONSONG DUAN CO., LTD."),
    ("บริษัท แพ็คดี จำกัด", "PACKDEE CO., LTD."),
    ("บริษัท สยามกล่อง จำกัด", "SIAM KLONG CO., LTD."),
    ("การไฟฟ้านครหลวง", "METROPOLITAN ELECTRICITY AUTHORITY"),
    ("บริษัท ทรู อินเทอร์เน็ต จำกัด", "TRUE INTERNET CO., LTD."),
];

/// Accounts that are not ours, for slips paid to the wrong receiver (a
/// look-alike shop, a private person): Thai name, English name, bank short
/// code, masked account.
pub const OTHER_RECEIVERS: &[(&str, &str, &str, &str)] = &[
    (
        "นาย ธนพล ศรีสุข",
        "MR. THANAPHON SRISUK",
        "SCB",
        "xxx-x-x4321-x",
    ),
    (
        "บริษัท มีดี ช็อป จำกัด",
        "MEEDEE SHOP CO., LTD.",
        "KTB",
        "xxx-x-x8802-x",
    ),
    (
        "นางสาว ลลิตา คงเจริญ",
        "MS. LALITA KONGCHAROEN",
        "BBL",
        "xxx-x-x1175-x",
    ),
];

/// Receivers that are not ours on Cambodian receipts (NextOCR shows a name).
pub const OTHER_RECEIVERS_KH: &[&str] = &["MEKONG GADGETS", "CHEA SOKHA", "ANGKOR PHONE SHOP"];

/// Which naming tradition a person comes from; decides scripts and order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    Thai,
    English,
    Khmer,
}

/// How a document writes a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// As a Thai bank shows the person: Thai script for Thai people
    /// (`นาย สมชาย ใจดี`), Latin for the others (`MR. JOHN SMITH`,
    /// `KIM DARA`).
    Bank,
    /// Latin, upper case, honorific when the noise asks for one: EasySlip's
    /// `en` name, the Bangkok Bank app.
    Latin,
}

/// A typing slip in one word, as people and bank clerks make them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypoKind {
    /// A letter left out (`SMTH`).
    Drop,
    /// Two neighbouring letters swapped (`SMTIH`).
    Swap,
    /// A letter typed twice (`SMIITH`).
    Double,
    /// The space between the words one letter off (`JOH NTAYLOR`).
    MovedSpace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typo {
    pub kind: TypoKind,
    /// The family name (else the given name).
    pub in_family: bool,
    /// Where in the word, as a draw that [`apply_typo`] maps onto the
    /// letters after the first two (which stay: they are what a mask
    /// shows).
    pub at: u8,
}

/// How one document prints one person's name; slip, statement line and
/// order draw theirs independently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NameNoise {
    pub honorific: bool,
    /// Visible letters of the given name when the bank masks it (`อร***`),
    /// 0 when shown whole.
    pub mask_given: u8,
    /// The same for the family name (`มั่***`, `SE***`).
    pub mask_family: u8,
    /// A typing slip; never in a masked name.
    pub typo: Option<Typo>,
}

/// How often a kind of document adds each kind of noise.
#[derive(Debug, Clone, Copy)]
pub struct NoiseRates {
    pub honorific: f64,
    pub mask: f64,
    pub typo: f64,
}

impl NameNoise {
    /// The name as the person would write it, with honorific.
    pub const PLAIN: NameNoise = NameNoise {
        honorific: true,
        mask_given: 0,
        mask_family: 0,
        typo: None,
    };

    /// Honorific, mask and typo drawn on their own, except that a masked
    /// name carries no typo: the bank's mask already leaves two to four
    /// letters of a word as the only evidence, and a slip in the other
    /// word on top (`MR. OU*** VIOBL` for Ouk Vibol) is more than any fair
    /// name comparison forgives. The slip and the statement line of one
    /// transfer draw theirs independently, so a masked line may well meet
    /// a mistyped slip.
    pub fn draw(rng: &mut impl Rng, rates: NoiseRates) -> NameNoise {
        let honorific = rng.random_bool(rates.honorific);
        let (mut mask_given, mut mask_family) = (0, 0);
        let mut typo = None;
        if rng.random_bool(rates.mask) {
            // Thai banks mask both words or the family name; some only the
            // given name.
            let (g, f) = (rng.random_range(2..=4u8), rng.random_range(2..=4u8));
            match rng.random_range(0..20) {
                0..8 => (mask_given, mask_family) = (g, f),
                8..17 => mask_family = f,
                _ => mask_given = g,
            }
        } else if rng.random_bool(rates.typo) {
            let kind = match rng.random_range(0..4) {
                0 => TypoKind::Drop,
                1 => TypoKind::Swap,
                2 => TypoKind::Double,
                _ => TypoKind::MovedSpace,
            };
            typo = Some(Typo {
                kind,
                in_family: rng.random_bool(0.5),
                at: rng.random(),
            });
        }
        NameNoise {
            honorific,
            mask_given,
            mask_family,
            typo,
        }
    }

    /// Shown as the person wrote it: no mask, no typo.
    pub fn is_clean(&self) -> bool {
        self.mask_given == 0 && self.mask_family == 0 && self.typo.is_none()
    }
}

/// One person who buys, pays or is paid. Indices into the tables above keep
/// the plan small when a day has a million orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub origin: Origin,
    given: u16,
    family: u16,
    /// Women: นาง (married) rather than นางสาว; MRS. rather than MS.
    married: bool,
}

/// Who a name belongs to, whatever the honorific: namesakes share it.
pub type Identity = (Origin, u16, u16);

impl Person {
    pub fn random(rng: &mut impl Rng, origin: Origin) -> Person {
        let (given, family) = match origin {
            Origin::Thai => (
                rng.random_range(0..THAI_GIVEN.len()),
                rng.random_range(0..THAI_FAMILY.len()),
            ),
            Origin::English => (
                rng.random_range(0..ENGLISH_GIVEN.len()),
                rng.random_range(0..ENGLISH_FAMILY.len()),
            ),
            Origin::Khmer => (
                rng.random_range(0..KHMER_GIVEN.len()),
                rng.random_range(0..KHMER_FAMILY.len()),
            ),
        };
        Person {
            origin,
            given: given as u16,
            family: family as u16,
            married: rng.random_bool(0.4),
        }
    }

    /// The name without honorific: namesakes have the same identity.
    pub fn identity(&self) -> Identity {
        (self.origin, self.given, self.family)
    }

    /// Someone who is clearly not `other`: no shared given or family name
    /// and no shared first two letters of either, so that no fair name
    /// comparison can mistake one for the other.
    pub fn random_unlike(rng: &mut impl Rng, origin: Origin, other: &Person) -> Person {
        loop {
            let p = Person::random(rng, origin);
            if p.clearly_differs(other) {
                return p;
            }
        }
    }

    /// A relative of `other`: the same family name, another given name (a
    /// parent, a sibling, a spouse paying for the order).
    pub fn relative_of(rng: &mut impl Rng, other: &Person) -> Person {
        loop {
            let mut p = Person::random(rng, other.origin);
            p.family = other.family;
            if p.given != other.given {
                return p;
            }
        }
    }

    fn clearly_differs(&self, other: &Person) -> bool {
        let head = |s: &str| s.chars().take(2).collect::<String>();
        let mine = [self.given_en(), self.family_en()];
        let theirs = [other.given_en(), other.family_en()];
        mine.iter()
            .all(|m| theirs.iter().all(|t| head(m) != head(t)))
    }

    fn is_female(&self) -> bool {
        match self.origin {
            Origin::Thai => THAI_GIVEN[self.given as usize].2,
            Origin::English => ENGLISH_GIVEN[self.given as usize].1,
            Origin::Khmer => KHMER_GIVEN[self.given as usize].1,
        }
    }

    fn given_en(&self) -> &'static str {
        match self.origin {
            Origin::Thai => THAI_GIVEN[self.given as usize].1,
            Origin::English => ENGLISH_GIVEN[self.given as usize].0,
            Origin::Khmer => KHMER_GIVEN[self.given as usize].0,
        }
    }

    fn family_en(&self) -> &'static str {
        match self.origin {
            Origin::Thai => THAI_FAMILY[self.family as usize].1,
            Origin::English => ENGLISH_FAMILY[self.family as usize],
            Origin::Khmer => KHMER_FAMILY[self.family as usize],
        }
    }

    fn honorific_th(&self) -> &'static str {
        match (self.is_female(), self.married) {
            (false, _) => "นาย",
            (true, true) => "นาง",
            (true, false) => "นางสาว",
        }
    }

    fn honorific_en(&self) -> &'static str {
        match (self.is_female(), self.married) {
            (false, _) => "MR.",
            (true, true) => "MRS.",
            (true, false) => "MS.",
        }
    }

    /// The name as one document prints it. Khmer names put the family name
    /// first (`KIM DARA`), as Cambodian banks do.
    pub fn render(&self, script: Script, noise: &NameNoise) -> String {
        let thai = script == Script::Bank && self.origin == Origin::Thai;
        let (honorific, given, family) = if thai {
            (
                self.honorific_th(),
                THAI_GIVEN[self.given as usize].0,
                THAI_FAMILY[self.family as usize].0,
            )
        } else {
            (self.honorific_en(), self.given_en(), self.family_en())
        };
        let family_first = self.origin == Origin::Khmer;
        let mut given: Vec<char> = given.chars().collect();
        let mut family: Vec<char> = family.chars().collect();
        if let Some(typo) = noise.typo {
            apply_typo(&mut given, &mut family, family_first, typo);
        }
        let given = mask_word(&given, noise.mask_given);
        let family = mask_word(&family, noise.mask_family);
        let (first, second) = if family_first {
            (family, given)
        } else {
            (given, family)
        };
        let mut words = Vec::with_capacity(3);
        if noise.honorific {
            words.push(honorific.to_string());
        }
        words.extend([first, second].into_iter().filter(|w| !w.is_empty()));
        words.join(" ")
    }

    #[cfg(test)]
    /// The name as a Thai bank shows it for this person: Thai script with
    /// honorific for Thai people (`นาย สมชาย ใจดี`), Latin otherwise.
    pub fn bank_name(&self) -> String {
        self.render(Script::Bank, &NameNoise::PLAIN)
    }

    #[cfg(test)]
    /// The name in Latin script, upper case, with honorific:
    /// `MR. SOMCHAI JAIDEE`, `MS. SARAH WILSON`, `MR. KIM DARA`.
    pub fn latin_full(&self) -> String {
        self.render(Script::Latin, &NameNoise::PLAIN)
    }

    /// The name a customer typed into the shop: Thai script for Thai
    /// people, a Latin name in title case for the others, with or without
    /// honorific.
    pub fn order_name(&self, with_honorific: bool) -> String {
        let noise = NameNoise {
            honorific: with_honorific,
            ..NameNoise::PLAIN
        };
        match self.origin {
            Origin::Thai => self.render(Script::Bank, &noise),
            Origin::English | Origin::Khmer => title_case(&self.render(Script::Latin, &noise)),
        }
    }
}

/// Thai vowel and tone marks that sit on a consonant.
pub(crate) fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// A word masked as banks do: `keep` letters (and the marks sitting on the
/// last of them), then `***`; 0 shows the word whole. At least one letter
/// stays hidden.
fn mask_word(word: &[char], keep: u8) -> String {
    if keep == 0 {
        return word.iter().collect();
    }
    let mut end = (keep as usize).min(word.len().saturating_sub(1)).max(1);
    while end < word.len() && is_thai_mark(word[end]) {
        end += 1;
    }
    if end >= word.len() {
        return word.iter().collect();
    }
    let mut out: String = word[..end].iter().collect();
    out.push_str("***");
    out
}

/// Words shorter than this keep no typo: one letter of three is not a slip
/// any fair reader forgives.
const TYPO_MIN_LETTERS: usize = 5;

/// Applies one typo after the first two letters of a word (those are what a
/// mask shows); words too short for one are left alone.
fn apply_typo(given: &mut Vec<char>, family: &mut Vec<char>, family_first: bool, typo: Typo) {
    if typo.kind == TypoKind::MovedSpace {
        let (first, second) = if family_first {
            (family, given)
        } else {
            (given, family)
        };
        if first.len() < 4 || second.len() < 4 {
            return;
        }
        if typo.at.is_multiple_of(2) {
            // `JOH NTAYLOR`
            if let Some(c) = first.pop() {
                second.insert(0, c);
            }
        } else {
            // `JOHNT AYLOR`
            let c = second.remove(0);
            first.push(c);
        }
        return;
    }
    let word = if typo.in_family { family } else { given };
    if word.len() < TYPO_MIN_LETTERS {
        return;
    }
    let room = word.len() - 2;
    let at = 2 + typo.at as usize % room;
    match typo.kind {
        TypoKind::Drop => {
            word.remove(at);
        }
        TypoKind::Swap if at + 1 < word.len() => word.swap(at, at + 1),
        TypoKind::Swap => word.swap(at - 1, at),
        TypoKind::Double => {
            let c = word[at];
            word.insert(at, c);
        }
        TypoKind::MovedSpace => {}
    }
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn somchai() -> Person {
        Person {
            origin: Origin::Thai,
            given: 0,
            family: 0,
            married: false,
        }
    }

    #[test]
    fn thai_person_has_both_scripts_and_honorifics() {
        let p = somchai();
        assert_eq!(p.bank_name(), "นาย สมชาย ใจดี");
        assert_eq!(p.latin_full(), "MR. SOMCHAI JAIDEE");
        assert_eq!(p.order_name(false), "สมชาย ใจดี");
        assert_eq!(p.order_name(true), "นาย สมชาย ใจดี");
    }

    #[test]
    fn women_get_nang_or_nangsao_and_khmer_names_have_family_first() {
        let mut woman = somchai();
        woman.given = 8; // สุดารัตน์
        assert!(woman.bank_name().starts_with("นางสาว "));
        woman.married = true;
        assert!(woman.bank_name().starts_with("นาง "));
        assert!(woman.latin_full().starts_with("MRS. "));
        let khmer = Person {
            origin: Origin::Khmer,
            given: 0,
            family: 0,
            married: false,
        };
        assert_eq!(khmer.bank_name(), "MR. KIM DARA");
        assert_eq!(khmer.order_name(false), "Kim Dara");
        assert_eq!(khmer.order_name(true), "Mr. Kim Dara");
    }

    #[test]
    fn masks_keep_the_head_and_the_marks_on_it() {
        let p = somchai();
        let masked = |g, f| NameNoise {
            honorific: true,
            mask_given: g,
            mask_family: f,
            typo: None,
        };
        assert_eq!(p.render(Script::Bank, &masked(2, 2)), "นาย สม*** ใจ***");
        assert_eq!(p.render(Script::Latin, &masked(0, 3)), "MR. SOMCHAI JAI***");
        // ศรีสุข keeps ศร and the vowel on ร: ศรี***.
        let q = Person { family: 1, ..p };
        assert_eq!(q.render(Script::Bank, &masked(0, 2)), "นาย สมชาย ศรี***");
        // A word is never shown whole behind a mask.
        let k = Person {
            origin: Origin::Khmer,
            given: 0,
            family: 0,
            married: false,
        };
        assert_eq!(k.render(Script::Latin, &masked(0, 4)), "MR. KI*** DARA");
    }

    #[test]
    fn typos_change_one_letter_after_the_head() {
        let p = Person {
            origin: Origin::English,
            given: 0,  // JOHN
            family: 2, // TAYLOR
            married: false,
        };
        let typo = |kind, in_family, at| NameNoise {
            honorific: false,
            mask_given: 0,
            mask_family: 0,
            typo: Some(Typo {
                kind,
                in_family,
                at,
            }),
        };
        assert_eq!(
            p.render(Script::Latin, &typo(TypoKind::MovedSpace, false, 0)),
            "JOH NTAYLOR"
        );
        assert_eq!(
            p.render(Script::Latin, &typo(TypoKind::MovedSpace, false, 1)),
            "JOHNT AYLOR"
        );
        assert_eq!(
            p.render(Script::Latin, &typo(TypoKind::Drop, true, 0)),
            "JOHN TALOR"
        );
        assert_eq!(
            p.render(Script::Latin, &typo(TypoKind::Swap, true, 1)),
            "JOHN TAYOLR"
        );
        assert_eq!(
            p.render(Script::Latin, &typo(TypoKind::Double, true, 3)),
            "JOHN TAYLORR"
        );
        // JOHN is too short for a typo of its own.
        assert_eq!(
            p.render(Script::Latin, &typo(TypoKind::Drop, false, 0)),
            "JOHN TAYLOR"
        );
    }

    #[test]
    fn drawn_noise_never_puts_a_typo_in_a_masked_name() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let rates = NoiseRates {
            honorific: 0.5,
            mask: 0.5,
            typo: 0.5,
        };
        let mut seen = [0usize; 3];
        for _ in 0..2_000 {
            let n = NameNoise::draw(&mut rng, rates);
            if n.typo.is_some() {
                seen[0] += 1;
                assert!(n.mask_given == 0 && n.mask_family == 0, "{n:?}");
            }
            seen[1] += usize::from(n.mask_given > 0 || n.mask_family > 0);
            seen[2] += usize::from(n.honorific);
        }
        assert!(seen.iter().all(|&k| k > 400), "{seen:?}");
    }

    #[test]
    fn unlike_person_shares_no_name_part_and_a_relative_shares_the_family() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let p = somchai();
        for _ in 0..200 {
            let q = Person::random_unlike(&mut rng, Origin::Thai, &p);
            assert_ne!(q.given_en()[..2], p.given_en()[..2]);
            assert_ne!(q.family_en()[..2], p.family_en()[..2]);
            let r = Person::relative_of(&mut rng, &p);
            assert_eq!(r.family, p.family);
            assert_ne!(r.given, p.given);
        }
    }

    /// Every word of a pool: (script form, Latin form) of given and family
    /// names together.
    fn pool_words(origin: Origin) -> Vec<(&'static str, &'static str)> {
        match origin {
            Origin::Thai => THAI_GIVEN
                .iter()
                .map(|g| (g.0, g.1))
                .chain(THAI_FAMILY.iter().copied())
                .collect(),
            Origin::English => ENGLISH_GIVEN
                .iter()
                .map(|g| (g.0, g.0))
                .chain(ENGLISH_FAMILY.iter().map(|f| (*f, *f)))
                .collect(),
            Origin::Khmer => KHMER_GIVEN
                .iter()
                .map(|g| (g.0, g.0))
                .chain(KHMER_FAMILY.iter().map(|f| (*f, *f)))
                .collect(),
        }
    }

    #[test]
    fn pool_words_start_with_their_own_two_letters() {
        for origin in [Origin::Thai, Origin::English, Origin::Khmer] {
            let words = pool_words(origin);
            for (k, a) in words.iter().enumerate() {
                for b in &words[k + 1..] {
                    let head = |s: &str| s.chars().take(2).collect::<String>();
                    assert_ne!(head(a.0), head(b.0), "{a:?} {b:?}");
                    assert_ne!(head(a.1), head(b.1), "{a:?} {b:?}");
                }
            }
        }
    }

    fn everyone(origin: Origin) -> Vec<Person> {
        let (g, f) = match origin {
            Origin::Thai => (THAI_GIVEN.len(), THAI_FAMILY.len()),
            Origin::English => (ENGLISH_GIVEN.len(), ENGLISH_FAMILY.len()),
            Origin::Khmer => (KHMER_GIVEN.len(), KHMER_FAMILY.len()),
        };
        (0..g)
            .flat_map(|given| {
                (0..f).map(move |family| Person {
                    origin,
                    given: given as u16,
                    family: family as u16,
                    married: false,
                })
            })
            .collect()
    }

    /// The ways a document may print a name: clean, masked in each way with
    /// two visible letters, each typo in each word at a few places.
    fn variants() -> Vec<NameNoise> {
        let mut out = vec![NameNoise::PLAIN];
        for (g, f) in [(2, 2), (2, 0), (0, 2), (3, 4)] {
            out.push(NameNoise {
                honorific: false,
                mask_given: g,
                mask_family: f,
                typo: None,
            });
        }
        for kind in [
            TypoKind::Drop,
            TypoKind::Swap,
            TypoKind::Double,
            TypoKind::MovedSpace,
        ] {
            for in_family in [false, true] {
                for at in [0u8, 1, 2, 5] {
                    out.push(NameNoise {
                        honorific: false,
                        mask_given: 0,
                        mask_family: 0,
                        typo: Some(Typo {
                            kind,
                            in_family,
                            at,
                        }),
                    });
                }
            }
        }
        out
    }

    /// The fairness the expected outcomes rest on, under the README's name
    /// score: any printing of a person matches the person's clean name (as
    /// the order has it); against a different person who shares a word with
    /// them (namesakes are the same person; people who share no word are
    /// further apart) it stays under the threshold while the word they
    /// differ in is visible, and below the person's own score when a mask
    /// hides it (`SO*** INTHARAPRASERT` is not `SUDARAT INTHARAPRASERT`, but
    /// two letters weigh little: the plan never masks a relative's given
    /// name). Two noisy printings of one person need not match each other
    /// (`ธนพ ลอินทรประเสริฐ` against `ธนพล อิ***`): the order's name is
    /// there to compare both with.
    #[test]
    fn names_are_fair() {
        const THRESHOLD: f64 = 0.85;
        let variants = variants();
        let mut worst_same = (1.0f64, String::new());
        let mut worst_other = (0.0f64, String::new());
        let mut closest = (f64::MAX, String::new());
        for origin in [Origin::Thai, Origin::English, Origin::Khmer] {
            let people = everyone(origin);
            for script in [Script::Bank, Script::Latin] {
                for a in &people {
                    let clean = a.render(script, &NameNoise::PLAIN);
                    let printed: Vec<(String, f64)> = variants
                        .iter()
                        .map(|v| {
                            let p = a.render(script, v);
                            let s = recon_matcher::name_similarity(&p, &clean);
                            (p, s)
                        })
                        .collect();
                    for (p, s) in &printed {
                        if *s < worst_same.0 {
                            worst_same = (*s, format!("{p} / {clean}"));
                        }
                    }
                    for b in &people {
                        if a.identity() == b.identity()
                            || (a.given != b.given && a.family != b.family)
                        {
                            continue;
                        }
                        let other = b.render(script, &NameNoise::PLAIN);
                        for ((p, own), v) in printed.iter().zip(&variants) {
                            let s = recon_matcher::name_similarity(p, &other);
                            let hidden = if a.given != b.given {
                                v.mask_given > 0
                            } else {
                                v.mask_family > 0
                            };
                            if !hidden && s > worst_other.0 {
                                worst_other = (s, format!("{p} / {other}"));
                            }
                            if own - s < closest.0 {
                                closest = (own - s, format!("{p} / {other}"));
                            }
                        }
                    }
                }
            }
        }
        eprintln!(
            "same person, lowest score {:.3} ({})",
            worst_same.0, worst_same.1
        );
        eprintln!(
            "different people, highest score {:.3} ({})",
            worst_other.0, worst_other.1
        );
        eprintln!(
            "smallest margin between own and another's name {:.3} ({})",
            closest.0, closest.1
        );
        assert!(
            worst_same.0 >= THRESHOLD,
            "same person below threshold: {worst_same:?}"
        );
        assert!(
            worst_other.0 < THRESHOLD,
            "different people at threshold: {worst_other:?}"
        );
        assert!(
            closest.0 > 0.0,
            "another's name scores as high: {closest:?}"
        );
    }
}
