//! Statement profiles: one TOML document per bank layout, saying where the
//! header is, which column means what, and how dates and amounts are
//! written. The built-in ones live in `crates/ingest/profiles/*.toml`.

use std::path::Path;

use recon_core::Currency;
use serde::{Deserialize, Deserializer};

use crate::IngestError;
use crate::amounts::NumberStyle;
use crate::dates::{BuddhistEra, DateFormat};
use crate::source::TextEncoding;

/// One or more header names for a column; a profile may write a single
/// string or a list (`["วันที่", "Date"]` for Thai-or-English exports).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names(pub Vec<String>);

impl Names {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first name, as messages show it.
    pub fn label(&self) -> String {
        match self.0.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} (or {})", rest.join(" / ")),
        }
    }
}

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NamesVisitor;

        impl<'de> serde::de::Visitor<'de> for NamesVisitor {
            type Value = Names;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a column name or a list of column names")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Names, E> {
                Ok(Names(vec![v.to_string()]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Names, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(Names(names))
            }
        }

        d.deserialize_any(NamesVisitor)
    }
}

impl From<&str> for Names {
    fn from(s: &str) -> Names {
        Names(vec![s.to_string()])
    }
}

/// Which header names carry which field of a statement line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatementColumns {
    /// The booking date, or date and time.
    pub date: Names,
    /// A separate time-of-day column, when the layout has one.
    pub time: Names,
    /// One signed amount, positive = money in. Either this, or `debit` and
    /// `credit`.
    pub amount: Names,
    /// Money out (withdrawal), written positive.
    pub debit: Names,
    /// Money in (deposit), written positive.
    pub credit: Names,
    pub currency: Names,
    /// Our account the line was booked on.
    pub account: Names,
    pub counterparty_name: Names,
    pub counterparty_account: Names,
    pub counterparty_bank: Names,
    pub reference: Names,
    pub description: Names,
}

/// The header of the `canonical` statement layout, a public contract
/// (README "Input contract"): signed `amount`, `booked_at` ISO 8601.
pub const CANONICAL_STATEMENT_HEADER: [&str; 9] = [
    "account",
    "booked_at",
    "amount",
    "currency",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bank",
    "reference",
    "description",
];

/// The field keys of [`StatementColumns`], in the order messages list them.
pub(crate) const FIELD_KEYS: [&str; 12] = [
    "date",
    "time",
    "amount",
    "debit",
    "credit",
    "currency",
    "account",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bank",
    "reference",
    "description",
];

impl StatementColumns {
    pub(crate) fn get(&self, key: &str) -> &Names {
        match key {
            "date" => &self.date,
            "time" => &self.time,
            "amount" => &self.amount,
            "debit" => &self.debit,
            "credit" => &self.credit,
            "currency" => &self.currency,
            "account" => &self.account,
            "counterparty_name" => &self.counterparty_name,
            "counterparty_account" => &self.counterparty_account,
            "counterparty_bank" => &self.counterparty_bank,
            "reference" => &self.reference,
            _ => &self.description,
        }
    }
}

/// A statement layout. Deserialized from TOML (a built-in profile, a
/// profile file, or a section of the job config); checked by
/// [`Profile::validate`] before any file is read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub description: String,
    /// `utf-8` (a BOM is detected and dropped), `windows-874`, `tis-620`,
    /// or `auto` (UTF-8 when valid, else Windows-874).
    pub encoding: String,
    /// CSV field separator, one ASCII character.
    pub delimiter: String,
    /// The 1-based line (CSV) or row (spreadsheet) of the header. When
    /// absent, the header is the first row among the first
    /// `header_search_rows` that has every required column.
    pub header_row: Option<u64>,
    pub header_search_rows: u64,
    /// The worksheet to read; the first one when absent.
    pub sheet: Option<String>,
    pub columns: StatementColumns,
    /// Fields (keys of `columns`) that a file may lack, e.g. `["time"]`.
    /// Every other mapped column must be in the header.
    pub optional: Vec<String>,
    /// Tried in order; `iso8601` is a fast built-in, others are chrono
    /// patterns (`%d/%m/%Y`, `%d %b %Y`, `%b %d, %Y %I:%M %p`). Thai month
    /// names are read by `%b`/`%B`, Thai digits are read as digits.
    pub date_formats: Vec<String>,
    /// For the `time` column.
    pub time_formats: Vec<String>,
    pub buddhist_era: BuddhistEra,
    pub numbers: NumberStyle,
    /// The currency when there is no currency column (the job config can
    /// also set it per file).
    pub currency: Option<Currency>,
    /// Preamble labels whose next cell is our account number
    /// (`เลขที่บัญชี,123-4-56789-0`), used when there is no account column
    /// and the job config gives none.
    pub account_label: Names,
    /// A row whose first non-empty cell starts with one of these (any ASCII
    /// case) is a summary row: skipped and listed, never data.
    pub summary_labels: Names,
    /// Rows after the last transaction with no readable date and no amount
    /// are a footer ("Generated by…", "Page 1/1"): skipped and listed,
    /// never data. The same row between transactions is rejected, and so
    /// is a last row that has an amount but a bad date (data gone wrong).
    pub skip_trailing_without_date: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            name: String::new(),
            description: String::new(),
            encoding: "utf-8".into(),
            delimiter: ",".into(),
            header_row: None,
            header_search_rows: 30,
            sheet: None,
            columns: StatementColumns::default(),
            optional: Vec::new(),
            date_formats: vec!["iso8601".into()],
            time_formats: vec![
                "%H:%M:%S".into(),
                "%H:%M".into(),
                "%I:%M:%S %p".into(),
                "%I:%M %p".into(),
            ],
            buddhist_era: BuddhistEra::Auto,
            numbers: NumberStyle::default(),
            currency: None,
            account_label: Names::default(),
            summary_labels: Names::default(),
            skip_trailing_without_date: true,
        }
    }
}

const BUILTIN: [(&str, &str); 4] = [
    ("canonical", include_str!("../profiles/canonical.toml")),
    ("kbank-csv", include_str!("../profiles/kbank-csv.toml")),
    ("scb-xlsx", include_str!("../profiles/scb-xlsx.toml")),
    ("aba-csv", include_str!("../profiles/aba-csv.toml")),
];

const BUILTIN_NAMES: [&str; 4] = ["canonical", "kbank-csv", "scb-xlsx", "aba-csv"];

impl Profile {
    /// A profile that ships with Recon, by name.
    pub fn builtin(name: &str) -> Option<Profile> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        // The shipped files are checked by the tests; a broken one is a
        // build defect, reported as "no such profile" rather than a panic.
        Profile::from_toml_str(text, &format!("built-in {name}")).ok()
    }

    pub fn builtin_names() -> &'static [&'static str] {
        &BUILTIN_NAMES
    }

    /// Reads and checks a custom profile TOML file.
    pub fn from_path(path: &Path) -> Result<Profile, IngestError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| IngestError::Profile {
            origin: origin.clone(),
            message: format!("cannot read it: {e}"),
        })?;
        let mut profile = Profile::from_toml_str(&text, &origin)?;
        if profile.name.is_empty() {
            profile.name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        Ok(profile)
    }

    /// Parses and checks a profile from TOML text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Profile, IngestError> {
        // The line and what is wrong, never the line's text: a file that is
        // not a profile at all must not have its content quoted back.
        let profile: Profile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
            let what: String = e.message().chars().take(200).collect();
            IngestError::Profile {
                origin: origin.to_string(),
                message: match line {
                    Some(line) => format!("line {line}: {what}"),
                    None => what,
                },
            }
        })?;
        profile.validate().map_err(|message| IngestError::Profile {
            origin: origin.to_string(),
            message,
        })?;
        Ok(profile)
    }

    /// Checks everything that can be checked without a file.
    pub fn validate(&self) -> Result<(), String> {
        self.compile().map(|_| ())
    }

    pub(crate) fn compile(&self) -> Result<CompiledProfile, String> {
        let c = &self.columns;
        if c.date.is_empty() {
            return Err("columns.date is required".into());
        }
        let signed = !c.amount.is_empty();
        let split = !c.debit.is_empty() || !c.credit.is_empty();
        if signed == split {
            return Err(
                "map either columns.amount (signed) or both columns.debit and columns.credit"
                    .into(),
            );
        }
        if split && (c.debit.is_empty() || c.credit.is_empty()) {
            return Err("columns.debit and columns.credit go together".into());
        }
        for key in &self.optional {
            if !FIELD_KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "optional: unknown field {key:?} (fields: {})",
                    FIELD_KEYS.join(", ")
                ));
            }
            if ["date", "amount", "debit", "credit"].contains(&key.as_str()) {
                return Err(format!("optional: {key} cannot be optional"));
            }
        }
        let encoding = TextEncoding::from_label(&self.encoding)?;
        let delimiter = match self.delimiter.as_bytes() {
            [b] if b.is_ascii() => *b,
            [] => b',',
            _ => {
                return Err(format!(
                    "delimiter must be one ASCII character, not {:?}",
                    self.delimiter
                ));
            }
        };
        if self.date_formats.is_empty() {
            return Err("date_formats is empty".into());
        }
        let date_formats = self
            .date_formats
            .iter()
            .map(|f| DateFormat::compile(f))
            .collect::<Result<Vec<_>, _>>()?;
        for f in &self.time_formats {
            if chrono::format::StrftimeItems::new(f)
                .any(|i| matches!(i, chrono::format::Item::Error))
            {
                return Err(format!("time format {f:?} is not a valid chrono pattern"));
            }
        }
        self.numbers.validate()?;
        if self.header_row == Some(0) {
            return Err("header_row is 1-based".into());
        }
        Ok(CompiledProfile {
            encoding,
            delimiter,
            date_formats,
        })
    }
}

/// What [`Profile::compile`] works out once per file.
pub(crate) struct CompiledProfile {
    pub(crate) encoding: TextEncoding,
    pub(crate) delimiter: u8,
    pub(crate) date_formats: Vec<DateFormat>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses_and_validates() {
        for name in Profile::builtin_names() {
            let (_, text) = BUILTIN.iter().find(|(n, _)| n == name).unwrap();
            let p = Profile::from_toml_str(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&p.name, name);
            assert!(!p.description.is_empty(), "{name} needs a description");
        }
        assert!(Profile::builtin("nope").is_none());
        assert_eq!(Profile::builtin_names().len(), BUILTIN.len());
    }

    #[test]
    fn names_accept_a_string_or_a_list() {
        let p = Profile::from_toml_str(
            "[columns]\ndate = \"Date\"\namount = [\"Amount\", \"จำนวนเงิน\"]\n",
            "test",
        )
        .unwrap();
        assert_eq!(p.columns.date.0, vec!["Date"]);
        assert_eq!(p.columns.amount.label(), "Amount (or จำนวนเงิน)");
        assert_eq!(p.date_formats, vec!["iso8601"]);
    }

    #[test]
    fn bad_profiles_say_what_is_wrong() {
        let cases = [
            ("[columns]\namount = \"a\"\n", "columns.date is required"),
            ("[columns]\ndate = \"d\"\n", "map either columns.amount"),
            (
                "[columns]\ndate = \"d\"\namount = \"a\"\ndebit = \"x\"\ncredit = \"y\"\n",
                "map either",
            ),
            ("[columns]\ndate = \"d\"\ndebit = \"x\"\n", "go together"),
            (
                "encoding = \"klingon\"\n[columns]\ndate = \"d\"\namount = \"a\"\n",
                "unknown encoding",
            ),
            (
                "date_formats = [\"%Q\"]\n[columns]\ndate = \"d\"\namount = \"a\"\n",
                "not a valid chrono pattern",
            ),
            (
                "optional = [\"amount\"]\n[columns]\ndate = \"d\"\namount = \"a\"\n",
                "cannot be optional",
            ),
            (
                "optional = [\"colour\"]\n[columns]\ndate = \"d\"\namount = \"a\"\n",
                "unknown field",
            ),
            (
                "delimiter = \";;\"\n[columns]\ndate = \"d\"\namount = \"a\"\n",
                "one ASCII character",
            ),
            (
                "colour = 1\n[columns]\ndate = \"d\"\namount = \"a\"\n",
                "unknown field",
            ),
            (
                "[columns]\ndate = 5\namount = \"a\"\n",
                "expected a column name or a list of column names",
            ),
        ];
        for (text, expected) in cases {
            let err = Profile::from_toml_str(text, "custom.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(err.starts_with("profile custom.toml: "), "{err}");
        }
    }

    #[test]
    fn from_path_reads_a_file_and_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mybank.toml");
        std::fs::write(&path, "[columns]\ndate = \"Date\"\namount = \"Amount\"\n").unwrap();
        let p = Profile::from_path(&path).unwrap();
        assert_eq!(p.name, "mybank");
        let err = Profile::from_path(&dir.path().join("missing.toml")).unwrap_err();
        assert!(
            err.to_string().contains("missing.toml: cannot read it"),
            "{err}"
        );
    }
}
