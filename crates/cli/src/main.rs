//! `recon`: reconcile bank transfers, slips and orders, one day at a time.

use std::path::{Path, PathBuf};

/// mimalloc instead of glibc's malloc: a million-order day allocates and
/// frees tens of millions of small strings on two threads, where glibc's
/// allocator took about a quarter of the CPU (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use recon_cli::logging::{self, LogFormat};
use recon_cli::progress::Steps;
use recon_cli::{CliError, EvalFormat, exit, notify};
use recon_core::{Day, Lifecycle};
use recon_engine::config::JobConfig;
use recon_engine::reconcile::{
    RunOutcome, RunPaths, nightly_days, reconcile_cascade, reconcile_day,
};
use recon_engine::verify;
use recon_ledger::Ledger;

#[derive(Parser)]
#[command(name = "recon", version, about, long_about = None)]
struct Cli {
    /// The job config (accounts, statement profiles, time zone, thresholds).
    #[arg(long, global = true, default_value = "jobs/nightly.toml")]
    config: PathBuf,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,
    /// Print each day's one-line summary on stdout even when stdout is not
    /// a terminal (it is printed on a terminal anyway). The `run finished`
    /// log event carries the same figures for machines.
    #[arg(long, global = true)]
    summary: bool,
    #[command(subcommand)]
    command: Command,
}

/// Flags shared by the commands that run a day.
#[derive(clap::Args)]
struct DayArgs {
    /// Folder with one `<YYYY-MM-DD>/` input folder per day (overrides the config's data_dir).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Folder the reports go to (overrides the config's reports_dir).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The SQLite ledger (overrides the config's ledger).
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// If another run holds the day, wait for it instead of exiting.
    #[arg(long)]
    wait: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Reconcile one day: read its statements, orders and slips, match them,
    /// write reports/<day>/ and record the day in the ledger. Rerunning a day
    /// replaces its results and gives byte-identical reports.
    ///
    /// Exit code 0: all clean; 2: finished, exceptions to review; 1: failed.
    Reconcile {
        /// The business day, YYYY-MM-DD.
        #[arg(long)]
        day: Day,
        /// When later days were built on this day (they carried its open
        /// items or share its slips) and its result changes, recompute
        /// them too, in order. Without it such a rerun is refused.
        #[arg(long)]
        cascade: bool,
        #[command(flatten)]
        args: DayArgs,
    },
    /// Reconcile the last business day that has ended, in the configured time
    /// zone and cut-off (what cron runs every night). Same exit codes.
    Nightly {
        #[command(flatten)]
        args: DayArgs,
    },
    /// Send the job config's `[[notify]]` rules that fire on a failure, with
    /// this message (what systemd's `OnFailure=` unit runs; also a way to
    /// check the notifications reach people). Exit code 0 when every
    /// notification was delivered, 1 otherwise.
    Alert {
        /// What went wrong, e.g. "systemd unit recon-nightly.service failed".
        #[arg(long)]
        message: String,
        /// The day the alert is about (default: the last business day that ended).
        #[arg(long)]
        day: Option<Day>,
    },
    /// Read slip files and print what each says, as JSON (one per line).
    Ocr {
        /// Slip images or saved provider responses.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Check the manifest chain in the ledger and that each day's reports
    /// (and inputs still on disk) are the ones its last run recorded.
    /// Exit code 0: everything verified; 1: something does not match.
    Verify {
        /// Only this day's files (the whole chain is always checked).
        #[arg(long)]
        day: Option<Day>,
        #[command(flatten)]
        args: DayArgs,
    },
    /// Record decisions on a day's exceptions and re-run the day (and the
    /// later days built on it) so its reports show them at once.
    ///
    /// Either a decisions file, the day's `exceptions.csv` or
    /// `reconciliation.xlsx` with the `decision` column filled in
    /// (`recon decide --day D exceptions.csv`), or one decision:
    /// `recon decide --day D confirm ORD-1`, `… link ORD-1 --with kbank.csv:12`,
    /// `… decline ORD-1 [--with kbank.csv:12]`, `… write_off ORD-1 --amount 10
    /// --reason bank_fee`, `… resolve ORD-1 --reason cash`, `… reopen ORD-1`.
    /// Every row is checked first; one that does not fit names its row and
    /// column, and then nothing is recorded. Exit codes as `reconcile`.
    Decide {
        #[arg(long)]
        day: Day,
        /// A decisions file, or a decision word and the case's id.
        #[arg(required = true, num_args = 1..=2)]
        what: Vec<String>,
        /// The other side of a `link` or `decline` (repeat, or join with `|`).
        #[arg(long)]
        with: Vec<String>,
        /// The amount of a `write_off`, in the order's currency.
        #[arg(long)]
        amount: Option<String>,
        /// `write_off`: bank_fee, rounding, fx, discount, other; `resolve`:
        /// cash, refunded, chargeback, not_ours, test_order, other.
        #[arg(long)]
        reason: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        /// Who decides (default: the OS user).
        #[arg(long)]
        by: Option<String>,
        #[command(flatten)]
        args: DayArgs,
    },
    /// Open the review page: a local web application to work through a
    /// day's cases (slip beside bank line and order) and record decisions.
    ///
    /// Listens on 127.0.0.1 by default; any other address needs a token
    /// (`--token-file`, a file only its owner can read, or `--token`), and
    /// the page is then opened once with `?token=…`. Decisions are recorded
    /// as `--user` (default: the OS user) and re-run the day at once.
    Review {
        /// The day the page opens on (default: the last reconciled day).
        #[arg(long)]
        day: Option<Day>,
        #[arg(long, default_value_t = 8321)]
        port: u16,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The access token (prefer --token-file: a flag is visible in `ps`).
        #[arg(long, conflicts_with = "token_file")]
        token: Option<String>,
        /// A file holding the access token on its first line (mode 600).
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Who decides (default: the OS user).
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        args: DayArgs,
    },
    /// Write a reconciled day's matched payments in a layout the books
    /// import: `xero`, `qbo` (QuickBooks Online) and `odoo` bank statement
    /// CSVs (one file per currency), or `journal` (every field, one file).
    /// The same files `[[export]]` in the job config writes with every run.
    Export {
        #[arg(long)]
        day: Day,
        #[arg(long)]
        format: recon_report::export::ExportFormat,
        /// The folder the files go to (default: the current folder).
        #[arg(long = "to", default_value = ".")]
        to: PathBuf,
        #[command(flatten)]
        args: DayArgs,
    },
    /// List the decisions recorded (of one day, or all).
    Decisions {
        #[arg(long)]
        day: Option<Day>,
        #[arg(long)]
        ledger: Option<PathBuf>,
    },
    /// List the learned aliases (payers confirmed for a customer), or remove one.
    Aliases {
        /// Remove the alias of this customer and payer.
        #[arg(long, num_args = 2, value_names = ["CUSTOMER", "PAYER"])]
        remove: Option<Vec<String>>,
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        ledger: Option<PathBuf>,
    },
    /// List the most recent runs from the ledger.
    History {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        ledger: Option<PathBuf>,
    },
    /// Show the last run of one day and its breaks (open items, with when
    /// and by what they were resolved on a later day).
    Status {
        #[arg(long)]
        day: Day,
        #[arg(long)]
        ledger: Option<PathBuf>,
    },
    /// Compare one day's reports with a labelled truth folder (reads only).
    ///
    /// Prints precision and recall per status, false matches (reported
    /// `matched`, truth anything else), false alarms, fraud recall and the
    /// worst confusions, for orders and (when both sides have them) statement
    /// lines. No config, no ledger. The last line reads
    /// `accuracy 0.9953; false matches 1; fraud flagged 575/577`.
    ///
    /// Exit code 0: compared; 1: a file, column or status word is missing or
    /// wrong (the message names the file and line).
    Eval {
        /// The labelled day: truth_orders.csv (`order_id,status`) and
        /// optionally truth_statement.csv (`statement_line,status,order_id`).
        #[arg(long)]
        truth: PathBuf,
        /// One day's report folder (reports/<day>/): reconciliation.csv and,
        /// for the lines, statement.csv.
        #[arg(long)]
        reports: PathBuf,
        /// `text` for a person, `json` for one JSON object with the same figures.
        #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
        format: EvalFormat,
    },
}

fn main() -> ExitCode {
    // clap's own exit code for a usage error is 2, which cron and systemd
    // are told means "finished with exceptions": a mistyped flag is a
    // failure (1). Help and version go to stdout and exit 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::FAILURE
            } else {
                exit::CLEAN
            });
        }
    };
    let log_format = cli.log_format;
    logging::init(log_format);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            say_error(log_format, &e);
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// One message, in the form the reader of stderr expects.
fn say_error(log_format: LogFormat, e: &dyn std::fmt::Display) {
    match log_format {
        LogFormat::Json => tracing::error!("{e}"),
        LogFormat::Human => eprintln!("recon: {e}"),
    }
}

fn paths(cli_config: &Path, config: &JobConfig, args: &DayArgs) -> RunPaths {
    RunPaths {
        config: cli_config.to_path_buf(),
        data_dir: args.data.clone().unwrap_or_else(|| config.data_dir.clone()),
        reports_dir: args
            .out
            .clone()
            .unwrap_or_else(|| config.reports_dir.clone()),
        ledger: args.ledger.clone().unwrap_or_else(|| config.ledger.clone()),
    }
}

/// How a day-running command reports: on stdout for a person, in the log
/// for machines, and to the people the job config names.
struct Reporting<'a> {
    log_format: LogFormat,
    /// Print the summary line on stdout.
    summary: bool,
    config: &'a JobConfig,
    /// Send the `[[notify]]` notifications (the nightly job and `reconcile`;
    /// not the re-runs a decision causes).
    notify: bool,
}

impl<'a> Reporting<'a> {
    fn new(log_format: LogFormat, summary: bool, config: &'a JobConfig, notify: bool) -> Self {
        use std::io::IsTerminal;
        Reporting {
            log_format,
            summary: summary || std::io::stdout().is_terminal(),
            config,
            notify,
        }
    }

    /// One finished day: its summary line, its `run finished` event, its
    /// notifications. Returns its exit code.
    fn finished(&self, outcome: &RunOutcome) -> u8 {
        let code = exit::of(outcome);
        if self.summary {
            recon_cli::say!(
                "{}: {} orders, {} matched, {} cases to review, {} quarantined rows -> {}{}",
                outcome.day,
                outcome.orders,
                outcome.matched,
                outcome.cases,
                outcome.quarantined,
                outcome.report_dir.display(),
                if outcome.provider_health.is_stopped() {
                    format!(
                        "; OCR provider {} stopped, {} slips pending",
                        outcome.provider_health.provider, outcome.provider_health.pending_slips
                    )
                } else {
                    String::new()
                }
            );
        }
        // Notifications first: the log of a run ends with its `run finished`.
        if self.notify {
            notify::after_run(self.config, &notify::of_outcome(outcome, code));
        }
        let health = &outcome.provider_health;
        tracing::info!(
            day = %outcome.day,
            exit_code = code,
            outcome = exit::word(code),
            orders = outcome.orders as u64,
            matched = outcome.matched as u64,
            cases = outcome.cases as u64,
            quarantined = outcome.quarantined as u64,
            provider = %health.provider,
            provider_health = %health.status,
            provider_reason = health.reason.map(|r| r.as_str()).unwrap_or(""),
            pending_slips = health.pending_slips,
            report_dir = %outcome.report_dir.display(),
            "run finished"
        );
        code
    }

    /// One day that did not finish: its error, its `run finished` event,
    /// its notifications. Returns the failure code.
    fn failed(&self, day: Day, report_dir: &Path, e: &dyn std::fmt::Display) -> u8 {
        say_error(self.log_format, e);
        let error = e.to_string();
        if self.notify {
            notify::after_run(self.config, &notify::of_failure(day, report_dir, &error));
        }
        tracing::info!(
            day = %day,
            exit_code = exit::FAILURE,
            outcome = exit::word(exit::FAILURE),
            error = %error,
            report_dir = %report_dir.display(),
            "run finished"
        );
        exit::FAILURE
    }
}

/// The worst of two exit codes.
fn worst(a: u8, b: u8) -> u8 {
    if exit::severity(b) > exit::severity(a) {
        b
    } else {
        a
    }
}

/// `reconcile` (one day, or with later days on `--cascade`) and `nightly`
/// (`day` is `None`: every day [`nightly_days`] names, in order, each its
/// own run; the first that fails ends the catch-up, so that no later day
/// is built on a gap).
fn run_day(cli: &Cli, args: &DayArgs, day: Option<Day>, cascade: bool) -> Result<u8, CliError> {
    let config = match JobConfig::load(&cli.config) {
        Ok(config) => config,
        Err(e) => {
            // No config, no notifications: the log and the exit code are
            // all the operator gets, so the log still ends as every run's.
            say_error(cli.log_format, &e);
            tracing::info!(
                day = day.map(|d| d.to_string()).unwrap_or_default(),
                exit_code = exit::FAILURE,
                outcome = exit::word(exit::FAILURE),
                error = %e,
                "run finished"
            );
            return Ok(exit::FAILURE);
        }
    };
    let paths = paths(&cli.config, &config, args);
    let reporting = Reporting::new(cli.log_format, cli.summary, &config, true);
    let days = match day {
        Some(day) => vec![day],
        None => nightly_days(&config, &paths, chrono::Utc::now())?,
    };
    if days.len() > 1 {
        tracing::info!(days = days.len(), first = %days[0], "catching up on days not yet reconciled");
    }
    let mut code = exit::CLEAN;
    for day in days {
        let run = if cascade {
            reconcile_cascade(&config, &paths, day, args.wait, &Steps::default())
        } else {
            reconcile_day(&config, &paths, day, args.wait, &Steps::default()).map(|o| vec![o])
        };
        match run {
            Ok(outcomes) => {
                for outcome in &outcomes {
                    code = worst(code, reporting.finished(outcome));
                }
            }
            Err(e) => {
                let report_dir = paths.reports_dir.join(day.to_string());
                return Ok(worst(code, reporting.failed(day, &report_dir, &e)));
            }
        }
    }
    Ok(code)
}

/// Who is deciding when `--by` is not given: the OS user.
fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn ledger_path(cli_config: &Path, flag: Option<PathBuf>) -> Result<PathBuf, CliError> {
    match flag {
        Some(p) => Ok(p),
        None => Ok(JobConfig::load(cli_config)?.ledger),
    }
}

fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Reconcile {
            day,
            cascade,
            ref args,
        } => run_day(&cli, args, Some(day), cascade),
        Command::Nightly { ref args } => run_day(&cli, args, None, false),
        Command::Alert { message, day } => {
            let config = JobConfig::load(&cli.config)?;
            let day = day.unwrap_or_else(|| config.last_complete_day(chrono::Utc::now()));
            let report_dir = config.reports_dir.join(day.to_string());
            let summary = notify::of_failure(day, &report_dir, &message);
            let deliveries = notify::after_run(&config, &summary);
            if deliveries.is_empty() {
                return Err(CliError::Usage(format!(
                    "no [[notify]] rule of {} fires on a failure",
                    cli.config.display()
                )));
            }
            Ok(if deliveries.iter().all(|d| d.ok) {
                exit::CLEAN
            } else {
                exit::FAILURE
            })
        }
        Command::Verify { day, args } => {
            let config = JobConfig::load(&cli.config)?;
            let paths = paths(&cli.config, &config, &args);
            let report = verify::verify(&paths, day)?;
            for line in &report.lines {
                recon_cli::say!("{line}");
            }
            Ok(if report.ok {
                exit::CLEAN
            } else {
                exit::FAILURE
            })
        }
        Command::Ocr { files } => {
            let ocr = if cli.config.exists() {
                JobConfig::load(&cli.config)?.ocr
            } else {
                recon_ocr_client::OcrConfig::default()
            };
            let mut all_read = true;
            for (doc, read) in recon_cli::ocr_files(&files, &ocr) {
                all_read &= read;
                recon_cli::say!("{doc}");
            }
            Ok(if all_read {
                exit::CLEAN
            } else {
                exit::EXCEPTIONS
            })
        }
        Command::Decide {
            day,
            what,
            with,
            amount,
            reason,
            note,
            by,
            args,
        } => {
            let config = JobConfig::load(&cli.config)?;
            let paths = paths(&cli.config, &config, &args);
            let requests = match what.as_slice() {
                [file] => recon_engine::decide::requests_from_file(Path::new(file))?,
                [kind, id] => {
                    let kind = kind.parse().map_err(CliError::Usage)?;
                    vec![recon_engine::decide::request_for(
                        &paths,
                        day,
                        kind,
                        id,
                        &with,
                        amount.as_deref(),
                        reason,
                        note,
                    )?]
                }
                _ => unreachable!("clap takes one or two values"),
            };
            if requests.is_empty() {
                recon_cli::say!("no decisions in the file: nothing to record");
                return Ok(exit::CLEAN);
            }
            let by = by.unwrap_or_else(os_user);
            let done = recon_engine::decide::decide(
                &config,
                &paths,
                day,
                &requests,
                &by,
                &Steps::default(),
            )?;
            recon_cli::say!(
                "{day}: {} decisions recorded by {by}; {} aliases learned, {} removed",
                done.recorded.len(),
                done.aliases_learned,
                done.aliases_removed
            );
            let reporting = Reporting::new(cli.log_format, cli.summary, &config, false);
            Ok(done
                .runs
                .iter()
                .map(|o| reporting.finished(o))
                .fold(exit::CLEAN, worst))
        }
        Command::Review {
            day,
            port,
            bind,
            token,
            token_file,
            user,
            args,
        } => {
            let config = JobConfig::load(&cli.config)?;
            let paths = paths(&cli.config, &config, &args);
            let token = match token_file {
                Some(f) => {
                    Some(recon_review::security::read_token_file(&f).map_err(CliError::Usage)?)
                }
                None => token,
            };
            let options = recon_review::Options {
                bind: std::net::SocketAddr::new(bind, port),
                token,
                user: user.unwrap_or_else(os_user),
                day,
            };
            recon_review::run(config, paths, options)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            Ok(exit::CLEAN)
        }
        Command::Export {
            day,
            format,
            to,
            args,
        } => {
            let config = JobConfig::load(&cli.config)?;
            let paths = paths(&cli.config, &config, &args);
            for path in recon_engine::export::export_day(&config, &paths, day, format, &to)? {
                recon_cli::say!("{}", path.display());
            }
            Ok(exit::CLEAN)
        }
        Command::Decisions { day, ledger } => {
            let ledger = Ledger::open(&ledger_path(&cli.config, ledger)?)?;
            for r in ledger.decisions(day)? {
                let d = &r.decision;
                let with: Vec<&str> = d.with.iter().map(|w| w.id.as_str()).collect();
                recon_cli::say!(
                    "{} {} {} {} {}{}{}{} by {} at {}{}",
                    r.id,
                    d.day,
                    d.kind,
                    d.case.kind.as_str(),
                    d.case.id,
                    if with.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", with.join("|"))
                    },
                    d.amount.map(|a| format!(" {a}")).unwrap_or_default(),
                    d.reason
                        .as_deref()
                        .map(|x| format!(" ({x})"))
                        .unwrap_or_default(),
                    d.by,
                    d.at.to_rfc3339(),
                    if d.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", d.note)
                    },
                );
            }
            Ok(exit::CLEAN)
        }
        Command::Aliases { remove, by, ledger } => {
            let ledger = Ledger::open(&ledger_path(&cli.config, ledger)?)?;
            if let Some(pair) = remove {
                let by = by.unwrap_or_else(os_user);
                let at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0).fixed_offset();
                if !ledger.remove_alias(&pair[0], &pair[1], &by, at)? {
                    return Err(CliError::Usage(format!(
                        "no alias of {} for {} is in force",
                        pair[1], pair[0]
                    )));
                }
                recon_cli::say!("removed: {} is no longer taken for {}", pair[1], pair[0]);
                return Ok(exit::CLEAN);
            }
            for a in ledger.aliases()? {
                recon_cli::say!("{} <- {} (since {})", a.customer, a.payer, a.since);
            }
            Ok(exit::CLEAN)
        }
        Command::History { limit, ledger } => {
            let ledger = Ledger::open(&ledger_path(&cli.config, ledger)?)?;
            for run in ledger.history(limit)? {
                recon_cli::say!("{run}");
            }
            Ok(exit::CLEAN)
        }
        Command::Status { day, ledger } => {
            let ledger = Ledger::open(&ledger_path(&cli.config, ledger)?)?;
            match ledger.last_run(day)? {
                Some(run) => {
                    recon_cli::say!("{run}");
                    let breaks = ledger.breaks(day)?;
                    if !breaks.is_empty() {
                        let count =
                            |l: Lifecycle| breaks.iter().filter(|b| b.lifecycle == l).count();
                        recon_cli::say!(
                            "breaks: {} new, {} persisting, {} resolved",
                            count(Lifecycle::New),
                            count(Lifecycle::Persisting),
                            count(Lifecycle::Resolved)
                        );
                        for b in breaks.iter().filter(|b| b.lifecycle != Lifecycle::Resolved) {
                            // Resolved later? The ledger knows when and by what.
                            let later = ledger
                                .resolution(b.kind, &b.key)?
                                .filter(|(on, _)| *on > day)
                                .map(|(on, by)| format!(", resolved on {on} by {by}"))
                                .unwrap_or_default();
                            recon_cli::say!(
                                "  {} {} {} ({}, age {} days{later})",
                                b.kind.as_str(),
                                b.key,
                                b.status,
                                b.lifecycle,
                                b.age_days
                            );
                        }
                    }
                    Ok(exit::CLEAN)
                }
                None => Err(CliError::Usage(format!("no run of {day} in the ledger"))),
            }
        }
        Command::Eval {
            truth,
            reports,
            format,
        } => {
            let text = recon_engine::eval::run(&truth, &reports, format.into())?;
            recon_cli::say!("{}", text.trim_end_matches('\n'));
            Ok(exit::CLEAN)
        }
    }
}
