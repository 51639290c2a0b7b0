//! `Day`: the business day a reconciliation is about.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A calendar business day, written `YYYY-MM-DD` everywhere (folders, reports,
/// ledger). Which instants belong to it depends on the job's time zone and
/// cut-off; that mapping lives with the job config, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(NaiveDate);

impl Day {
    pub fn new(date: NaiveDate) -> Day {
        Day(date)
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    pub fn next(self) -> Day {
        Day(self.0 + Days::new(1))
    }

    pub fn previous(self) -> Day {
        Day(self.0 - Days::new(1))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written directly (a day is printed for every row of a report and
        // the ledger; chrono's format string is parsed on every call);
        // chrono writes years outside 0–9999 with a sign.
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        if (0..=9999).contains(&y) {
            write!(f, "{y:04}-{m:02}-{d:02}")
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}

impl FromStr for Day {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Day)
            .map_err(|_| CoreError::BadDay(s.to_string()))
    }
}

impl TryFrom<String> for Day {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso() {
        let d: Day = "2026-11-21".parse().unwrap();
        assert_eq!(d.to_string(), "2026-11-21");
        assert_eq!(d.next().to_string(), "2026-11-22");
        assert_eq!(d.previous().to_string(), "2026-11-20");
        assert!("21/11/2026".parse::<Day>().is_err());
        assert!("2026-02-30".parse::<Day>().is_err());
    }

    #[test]
    fn prints_as_chrono_does_in_every_year() {
        for (y, m, d) in [
            (2026, 1, 5),
            (1, 12, 31),
            (0, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-5, 3, 4),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                Day::new(date).to_string(),
                date.format("%Y-%m-%d").to_string()
            );
        }
    }
}
