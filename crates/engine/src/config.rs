//! The job configuration (`jobs/nightly.toml`): one TOML file that says
//! where the data is, which of our accounts money may arrive on, how each
//! statement file is read, and how matching and slip reading behave.
//!
//! Every section has defaults (written once, in the `Default` impls here and
//! in the stage crates), so a minimal config only lists our accounts.
//! Unknown keys are errors: a typo must not silently fall back to a default.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use globset::{Glob, GlobMatcher};
use recon_core::{Currency, Day};
use recon_ingest::{OrderColumns, Profile};
use recon_matcher::{MatchConfig, OurAccount};
use recon_ocr_client::OcrConfig;
use serde::Deserialize;

use crate::EngineError;

/// The whole job config.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobConfig {
    /// IANA time zone of the business (default `Asia/Bangkok`).
    pub timezone: Tz,
    /// Local time at which a business day ends (default `00:00`): with
    /// `06:00`, a transfer at 02:00 on the 22nd belongs to the 21st.
    #[serde(with = "hhmm")]
    pub cutoff: NaiveTime,
    /// Folder holding one `<YYYY-MM-DD>/` folder per day (default `sample-data`).
    pub data_dir: PathBuf,
    /// Folder the reports go to, one `<YYYY-MM-DD>/` folder per day (default `reports`).
    pub reports_dir: PathBuf,
    /// The SQLite ledger file (default `var/ledger.sqlite`).
    pub ledger: PathBuf,
    /// Our receiving accounts: money paid anywhere else is `receiver_mismatch`.
    pub accounts: Vec<OurAccount>,
    /// How each statement file is read, first matching rule wins; a file no
    /// rule matches is read with the `canonical` profile.
    pub statements: Vec<StatementRule>,
    /// Column names of the order export (default: the canonical export).
    pub orders: OrderColumns,
    /// How many days back an open item (an order still unpaid, a slip
    /// still waiting for its money, money still waiting for its order) is
    /// carried into each run as a candidate (default 45). Older open items
    /// leave the open set; the run that drops them logs and counts them
    /// (`aged_out` in the run record).
    pub lookback_days: u32,
    pub matching: MatchConfig,
    pub ocr: OcrConfig,
    /// Who is told after each run (`[[notify]]`): e-mail, LINE, webhooks.
    pub notify: Vec<recon_notify::NotifyRule>,
    /// Exports to the books written with every run's reports (`[[export]]`).
    pub export: Vec<ExportRule>,
}

/// One `[[export]]`: a layout the books import (`xero`, `qbo`, `odoo`,
/// `journal`), written into the day's report folder with every run and
/// recorded in its manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRule {
    pub format: recon_report::export::ExportFormat,
}

impl Default for JobConfig {
    fn default() -> Self {
        JobConfig {
            timezone: chrono_tz::Asia::Bangkok,
            cutoff: NaiveTime::MIN,
            data_dir: PathBuf::from("sample-data"),
            reports_dir: PathBuf::from("reports"),
            ledger: PathBuf::from("var/ledger.sqlite"),
            accounts: Vec::new(),
            statements: Vec::new(),
            orders: OrderColumns::default(),
            lookback_days: 45,
            matching: MatchConfig::default(),
            ocr: OcrConfig::default(),
            notify: Vec::new(),
            export: Vec::new(),
        }
    }
}

/// Which profile reads the statement files whose names match `pattern`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementRule {
    /// A glob on the file name, e.g. `kbank*.csv`.
    pub pattern: String,
    /// A built-in profile name (`canonical`, `kbank-csv`, `scb-xlsx`,
    /// `aba-csv`) or a path to a profile TOML, relative to the config file.
    pub profile: String,
    /// Our account the file belongs to, when the layout has no account column.
    #[serde(default)]
    pub account: Option<String>,
    /// The currency, when the layout has no currency column.
    #[serde(default)]
    pub currency: Option<Currency>,
}

/// A statement rule with its glob compiled and its profile loaded.
pub struct ResolvedRule {
    pub rule: StatementRule,
    pub matcher: GlobMatcher,
    pub profile: Profile,
}

/// Where a custom statement profile named in the config is: a relative
/// path inside the config file's folder (or a folder below it), after
/// links are followed. A config must not make Recon read, and quote in an
/// error, any file it can name (`../../etc/passwd`).
fn profile_path(base: &Path, name: &str) -> Result<PathBuf, String> {
    let relative = Path::new(name);
    let outside = || {
        format!(
            "profile {name:?} is not inside the config's folder {}: custom profiles live beside the job config, named by a relative path",
            base.display()
        )
    };
    if relative.is_absolute()
        || relative.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
    {
        return Err(outside());
    }
    let path = base.join(relative);
    // A link inside the folder may point anywhere: compare real paths.
    if let (Ok(real), Ok(root)) = (path.canonicalize(), base.canonicalize())
        && !real.starts_with(&root)
    {
        return Err(outside());
    }
    Ok(path)
}

impl JobConfig {
    /// Reads and checks a job config file. Relative paths inside it are
    /// resolved against the current directory (cron and systemd units set
    /// it to the project folder), except custom profile paths, which are
    /// resolved against the config file's folder.
    pub fn load(path: &Path) -> Result<JobConfig, EngineError> {
        let text = std::fs::read_to_string(path).map_err(|e| EngineError::Config {
            path: path.to_path_buf(),
            message: format!("cannot read it: {e}"),
        })?;
        let config: JobConfig = toml::from_str(&text).map_err(|e| EngineError::Config {
            path: path.to_path_buf(),
            message: toml_error(&text, &e),
        })?;
        config.check(path)?;
        Ok(config)
    }

    fn check(&self, path: &Path) -> Result<(), EngineError> {
        let bad = |message: String| EngineError::Config {
            path: path.to_path_buf(),
            message,
        };
        if self.accounts.is_empty() {
            return Err(bad(
                "no [[accounts]]: list at least one of our receiving accounts".into(),
            ));
        }
        let t = self.matching.name_threshold;
        if !(0.0..=1.0).contains(&t) {
            return Err(bad(format!("matching.name_threshold {t} is not in [0, 1]")));
        }
        // An item must still be carried when its grace ends, or it would
        // leave the open set as `pending` and never become the exception.
        let g = &self.matching.grace;
        let longest = g.statement_days.max(g.order_days).max(g.line_days);
        if self.lookback_days < longest {
            return Err(bad(format!(
                "lookback_days {} is shorter than the longest grace period ({longest} days in [matching.grace]): waiting items would be dropped before their grace ends",
                self.lookback_days
            )));
        }
        Ok(())
    }

    /// Compiles the statement rules and loads their profiles.
    /// The export formats of `[[export]]`, each once, in a fixed order.
    pub fn export_formats(&self) -> Vec<recon_report::export::ExportFormat> {
        let mut formats: Vec<_> = self.export.iter().map(|e| e.format).collect();
        formats.sort();
        formats.dedup();
        formats
    }

    /// The currencies of our accounts, sorted, each once.
    pub fn currencies(&self) -> Vec<Currency> {
        let mut currencies: Vec<Currency> = self.accounts.iter().map(|a| a.currency).collect();
        currencies.sort_by_key(|c| c.to_string());
        currencies.dedup();
        currencies
    }

    pub fn statement_rules(&self, config_path: &Path) -> Result<Vec<ResolvedRule>, EngineError> {
        let base = config_path.parent().unwrap_or(Path::new("."));
        self.statements
            .iter()
            .map(|rule| {
                let bad = |message: String| EngineError::Config {
                    path: config_path.to_path_buf(),
                    message,
                };
                let matcher = Glob::new(&rule.pattern)
                    .map_err(|e| bad(format!("statement pattern {:?}: {e}", rule.pattern)))?
                    .compile_matcher();
                let profile = match Profile::builtin(&rule.profile) {
                    Some(p) => p,
                    None => Profile::from_path(&profile_path(base, &rule.profile).map_err(bad)?)
                        .map_err(|e| {
                            bad(format!(
                                "profile {:?} is neither built in ({}) nor a readable file: {e}",
                                rule.profile,
                                Profile::builtin_names().join(", ")
                            ))
                        })?,
                };
                Ok(ResolvedRule {
                    rule: rule.clone(),
                    matcher,
                    profile,
                })
            })
            .collect()
    }

    /// The instants `[start, end)` of a business day in the job's time zone,
    /// honouring the cut-off.
    pub fn day_window(&self, day: Day) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
        let at = |d: Day| -> DateTime<FixedOffset> {
            let local = d.date().and_time(self.cutoff);
            // Bangkok and Phnom Penh have no DST; for zones that do, an
            // ambiguous cut-off takes the earlier instant and a skipped one
            // the instant an hour later.
            let zoned = self
                .timezone
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| {
                    self.timezone
                        .from_local_datetime(&(local + Duration::hours(1)))
                        .earliest()
                })
                .expect("a local time one hour after a DST gap exists");
            zoned.fixed_offset()
        };
        (at(day), at(day.next()))
    }

    /// The most recent business day that has fully ended at `now`: what the
    /// nightly job reconciles.
    pub fn last_complete_day(&self, now: DateTime<Utc>) -> Day {
        let local = now.with_timezone(&self.timezone).naive_local();
        let shifted = local - (self.cutoff - NaiveTime::MIN);
        Day::new(shifted.date()).previous()
    }
}

/// toml's own message quotes the offending line, which may hold a key
/// someone pasted into the config: say where and what, never the line.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    match line {
        Some(line) => format!("line {line}: {}", e.message().trim()),
        None => e.message().trim().to_string(),
    }
}

mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M")
            .map_err(|_| serde::de::Error::custom(format!("cutoff {s:?} is not HH:MM")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> JobConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn day_window_honours_cutoff_and_zone() {
        let c = config("cutoff = \"06:00\"");
        let (start, end) = c.day_window("2026-11-21".parse().unwrap());
        assert_eq!(start.to_rfc3339(), "2026-11-21T06:00:00+07:00");
        assert_eq!(end.to_rfc3339(), "2026-11-22T06:00:00+07:00");
    }

    #[test]
    fn nightly_runs_the_day_that_ended() {
        let c = config("");
        // 01:30 in Bangkok on the 22nd is 18:30 UTC on the 21st.
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 30, 0).unwrap();
        assert_eq!(c.last_complete_day(now).to_string(), "2026-11-21");
        // With a 06:00 cut-off, at 05:00 on the 22nd the 21st is not over.
        let c = config("cutoff = \"06:00\"");
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 22, 0, 0).unwrap();
        assert_eq!(c.last_complete_day(now).to_string(), "2026-11-20");
    }

    #[test]
    fn config_errors_name_the_line_but_never_quote_it() {
        let text = "timezone = \"Asia/Bangkok\"\n[ocr.easyslip]\napi_key = \"sk-live-123\"\n";
        let e = toml::from_str::<JobConfig>(text).unwrap_err();
        let message = toml_error(text, &e);
        assert!(message.starts_with("line 3: "), "{message}");
        assert!(message.contains("api_key"), "{message}");
        assert!(!message.contains("sk-live-123"), "{message}");
    }

    #[test]
    fn a_profile_path_outside_the_config_folder_is_refused_and_nothing_is_quoted() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = dir.path().join("jobs");
        std::fs::create_dir_all(jobs.join("profiles")).unwrap();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
        std::os::unix::fs::symlink(&secret, jobs.join("profiles/link.toml")).unwrap();
        std::fs::write(jobs.join("profiles/notes.toml"), "root:x:0:0:root\n").unwrap();
        let config_path = jobs.join("job.toml");
        for (profile, want) in [
            ("../secret.txt", "not inside the config's folder"),
            (secret.to_str().unwrap(), "not inside the config's folder"),
            ("profiles/link.toml", "not inside the config's folder"),
            ("profiles/notes.toml", "line 1"),
        ] {
            let c = config(&format!(
                "[[statements]]\npattern = \"*.csv\"\nprofile = {profile:?}\n"
            ));
            let e = c
                .statement_rules(&config_path)
                .err()
                .expect(profile)
                .to_string();
            assert!(e.contains(want), "{profile}: {e}");
            assert!(
                !e.contains("root:x"),
                "{profile}: the file's content is quoted: {e}"
            );
        }
    }

    #[test]
    fn the_look_back_must_outlast_the_grace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("job.toml");
        let accounts = "[[accounts]]\nname = \"X\"\naccount = \"1234567890\"\ncurrency = \"THB\"\n";
        std::fs::write(&path, format!("lookback_days = 1\n{accounts}")).unwrap();
        let err = JobConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("lookback_days 1 is shorter"), "{err}");
        std::fs::write(&path, format!("lookback_days = 2\n{accounts}")).unwrap();
        assert_eq!(JobConfig::load(&path).unwrap().lookback_days, 2);
        assert_eq!(JobConfig::default().lookback_days, 45);
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(toml::from_str::<JobConfig>("timezon = \"Asia/Bangkok\"").is_err());
        assert!(toml::from_str::<JobConfig>("cutoff = \"25:00\"").is_err());
    }
}
