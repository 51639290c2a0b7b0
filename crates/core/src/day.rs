//! `Day`: the business day a reconciliation is about.

use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate};
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
        write!(f, "{}", self.0.format("%Y-%m-%d"))
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
}
