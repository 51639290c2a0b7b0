//! The people and companies of the synthetic days: Thai names with their
//! romanised forms (as a Thai bank prints them in English), English names and
//! romanised Khmer names, and the shops and suppliers on the other side.
//!
//! Tables are small on purpose: realism comes from combining them.

use rand::Rng;

/// Thai given names: (Thai script, romanised, is female).
const THAI_GIVEN: &[(&str, &str, bool)] = &[
    ("สมชาย", "SOMCHAI", false),
    ("ธนพล", "THANAPHON", false),
    ("วีระพงษ์", "WEERAPONG", false),
    ("กิตติศักดิ์", "KITTISAK", false),
    ("ประยุทธ", "PRAYUT", false),
    ("อนุชา", "ANUCHA", false),
    ("ณัฐวุฒิ", "NATTHAWUT", false),
    ("พงศกร", "PHONGSAKORN", false),
    ("ชัยวัฒน์", "CHAIWAT", false),
    ("ธีรภัทร", "THEERAPHAT", false),
    ("เอกชัย", "EKKACHAI", false),
    ("บุญชัย", "BOONCHAI", false),
    ("วรวุฒิ", "WORAWUT", false),
    ("ศุภชัย", "SUPHACHAI", false),
    ("ปิยะพงษ์", "PIYAPHONG", false),
    ("ณรงค์", "NARONG", false),
    ("สุดารัตน์", "SUDARAT", true),
    ("กมลวรรณ", "KAMONWAN", true),
    ("พิมพ์ชนก", "PIMCHANOK", true),
    ("อรอุมา", "ON-UMA", true),
    ("วิไลวรรณ", "WILAIWAN", true),
    ("ศิริพร", "SIRIPORN", true),
    ("นันทนา", "NANTHANA", true),
    ("จันทร์เพ็ญ", "JANPEN", true),
    ("รัตนาภรณ์", "RATTANAPORN", true),
    ("ปวีณา", "PAWEENA", true),
    ("ธิดารัตน์", "THIDARAT", true),
    ("มณีรัตน์", "MANEERAT", true),
    ("เบญจวรรณ", "BENJAWAN", true),
    ("อัญชลี", "ANCHALEE", true),
    ("ลลิตา", "LALITA", true),
    ("ชุติมา", "CHUTIMA", true),
];

/// Thai family names: (Thai script, romanised).
const THAI_FAMILY: &[(&str, &str)] = &[
    ("ใจดี", "JAIDEE"),
    ("ศรีสุข", "SRISUK"),
    ("แสงทอง", "SAENGTHONG"),
    ("บุญมา", "BOONMA"),
    ("วงศ์สวัสดิ์", "WONGSAWAT"),
    ("รัตนพันธ์", "RATTANAPHAN"),
    ("ทองดี", "THONGDEE"),
    ("สุขประเสริฐ", "SUKPRASERT"),
    ("จันทร์แก้ว", "JANKAEW"),
    ("พึ่งบุญ", "PHUENGBOON"),
    ("เพชรรัตน์", "PETCHARAT"),
    ("มีสุข", "MEESUK"),
    ("ชัยมงคล", "CHAIMONGKOL"),
    ("อินทรประเสริฐ", "INTHARAPRASERT"),
    ("สมบูรณ์ชัย", "SOMBOONCHAI"),
    ("กาญจนวงศ์", "KANJANAWONG"),
    ("นาคสวัสดิ์", "NAKSAWAT"),
    ("ปัญญาดี", "PANYADEE"),
    ("เลิศวิริยะ", "LERTWIRIYA"),
    ("ธนากร", "THANAKORN"),
    ("ศรีวงศ์", "SRIWONG"),
    ("คงเจริญ", "KONGCHAROEN"),
    ("วัฒนกุล", "WATTANAKUL"),
    ("หอมจันทร์", "HOMJAN"),
];

/// English given names: (name, is female).
const ENGLISH_GIVEN: &[(&str, bool)] = &[
    ("JOHN", false),
    ("DAVID", false),
    ("MICHAEL", false),
    ("JAMES", false),
    ("ROBERT", false),
    ("THOMAS", false),
    ("DANIEL", false),
    ("PETER", false),
    ("MARK", false),
    ("ANDREW", false),
    ("SARAH", true),
    ("EMMA", true),
    ("LAURA", true),
    ("JESSICA", true),
    ("HANNAH", true),
    ("OLIVIA", true),
    ("CHARLOTTE", true),
    ("RACHEL", true),
];

const ENGLISH_FAMILY: &[&str] = &[
    "SMITH", "JOHNSON", "BROWN", "TAYLOR", "WILSON", "CLARKE", "WRIGHT", "MILLER", "WALKER",
    "HUGHES", "EVANS", "MORGAN", "FISHER", "BENNETT", "HARRIS", "COOPER", "WARD", "KELLY",
];

/// Romanised Khmer family names (written first, as ABA and ACLEDA do).
const KHMER_FAMILY: &[&str] = &[
    "SOK", "CHAN", "KIM", "HENG", "LIM", "CHEA", "SAM", "PHAN", "OUK", "MEAS", "NGET", "TEP",
    "SUN", "KEO", "PICH",
];

/// Romanised Khmer given names.
const KHMER_GIVEN: &[&str] = &[
    "DARA",
    "SOPHEA",
    "SREYNEANG",
    "VIBOL",
    "BOPHA",
    "RITHY",
    "CHANTHA",
    "SOKHA",
    "VANNAK",
    "SREYMOM",
    "PISETH",
    "DAVY",
    "KOSAL",
    "MALIS",
    "RATANA",
    "SAMNANG",
    "THEARY",
    "VISAL",
];

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Thai,
    English,
    Khmer,
}

/// One person who buys, pays or is paid. Indices into the tables above keep
/// the plan small when a day has a million orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub origin: Origin,
    given: u16,
    family: u16,
    /// Thai women: นาง (married) rather than นางสาว; English: MRS. rather than MS.
    married: bool,
}

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
            // Khmer given names in the table are not gendered here; banks in
            // Cambodia print no honorific anyway.
            Origin::Khmer => false,
        }
    }

    fn given_en(&self) -> &'static str {
        match self.origin {
            Origin::Thai => THAI_GIVEN[self.given as usize].1,
            Origin::English => ENGLISH_GIVEN[self.given as usize].0,
            Origin::Khmer => KHMER_GIVEN[self.given as usize],
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

    /// The name in Latin script, upper case, as banks print it:
    /// `MR. SOMCHAI JAIDEE`, `MS. SARAH WILSON`, `SOK DARA` (Khmer family
    /// name first, no honorific).
    pub fn latin_full(&self) -> String {
        match self.origin {
            Origin::Khmer => format!("{} {}", self.family_en(), self.given_en()),
            _ => format!(
                "{} {} {}",
                self.honorific_en(),
                self.given_en(),
                self.family_en()
            ),
        }
    }

    /// The name without honorific in Latin script, upper case.
    pub fn latin_plain(&self) -> String {
        match self.origin {
            Origin::Khmer => format!("{} {}", self.family_en(), self.given_en()),
            _ => format!("{} {}", self.given_en(), self.family_en()),
        }
    }

    /// The name as a Thai bank shows it for this person: Thai script with
    /// honorific for Thai people (`นาย สมชาย ใจดี`), Latin otherwise.
    pub fn bank_name(&self) -> String {
        match self.origin {
            Origin::Thai => format!(
                "{} {} {}",
                self.honorific_th(),
                THAI_GIVEN[self.given as usize].0,
                THAI_FAMILY[self.family as usize].0
            ),
            Origin::English => self.latin_full(),
            Origin::Khmer => self.latin_plain(),
        }
    }

    /// The name a customer typed into the shop: Thai script, with or
    /// without honorific, or a Latin name in title case.
    pub fn order_name(&self, with_honorific: bool) -> String {
        match self.origin {
            Origin::Thai if with_honorific => self.bank_name(),
            Origin::Thai => format!(
                "{} {}",
                THAI_GIVEN[self.given as usize].0, THAI_FAMILY[self.family as usize].0
            ),
            Origin::English | Origin::Khmer => title_case(&self.latin_plain()),
        }
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
        woman.given = 16; // สุดารัตน์
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
        assert_eq!(khmer.bank_name(), "SOK DARA");
        assert_eq!(khmer.order_name(false), "Sok Dara");
    }

    #[test]
    fn unlike_person_shares_no_name_part() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let p = somchai();
        for _ in 0..200 {
            let q = Person::random_unlike(&mut rng, Origin::Thai, &p);
            assert_ne!(q.given_en()[..2], p.given_en()[..2]);
            assert_ne!(q.family_en()[..2], p.family_en()[..2]);
        }
    }
}
