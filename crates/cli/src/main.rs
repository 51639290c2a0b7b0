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
use recon_cli::{CliError, EvalFormat, exit};
use recon_core::{Day, Lifecycle};
use recon_engine::config::JobConfig;
use recon_engine::reconcile::{RunPaths, reconcile_cascade, reconcile_day};
use recon_engine::verify;
use recon_ledger::{Ledger, RunStatus};

#[derive(Parser)]
#[command(name = "recon", version, about, long_about = None)]
struct Cli {
    /// The job config (accounts, statement profiles, time zone, thresholds).
    #[arg(long, global = true, default_value = "jobs/nightly.toml")]
    config: PathBuf,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,
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
    let cli = Cli::parse();
    let log_format = cli.log_format;
    logging::init(log_format);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // One message, in the form the reader of stderr expects.
            match log_format {
                LogFormat::Json => tracing::error!("{e}"),
                LogFormat::Human => eprintln!("recon: {e}"),
            }
            ExitCode::from(exit::FAILURE)
        }
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

fn run_day(
    cli_config: &Path,
    args: &DayArgs,
    day: Option<Day>,
    cascade: bool,
) -> Result<u8, CliError> {
    let config = JobConfig::load(cli_config)?;
    let day = day.unwrap_or_else(|| config.last_complete_day(chrono::Utc::now()));
    let paths = paths(cli_config, &config, args);
    let outcomes = if cascade {
        reconcile_cascade(&config, &paths, day, args.wait, &Steps::default())?
    } else {
        vec![reconcile_day(
            &config,
            &paths,
            day,
            args.wait,
            &Steps::default(),
        )?]
    };
    let mut code = exit::CLEAN;
    for outcome in outcomes {
        println!(
            "{}: {} orders, {} matched, {} exceptions, {} quarantined rows -> {}",
            outcome.day,
            outcome.orders,
            outcome.matched,
            outcome.exceptions,
            outcome.quarantined,
            outcome.report_dir.display()
        );
        code = code.max(match outcome.status {
            RunStatus::Clean => exit::CLEAN,
            RunStatus::Exceptions => exit::EXCEPTIONS,
            RunStatus::Failed => exit::FAILURE,
        });
    }
    Ok(code)
}

fn ledger_path(cli_config: &Path, flag: Option<PathBuf>) -> Result<PathBuf, CliError> {
    match flag {
        Some(p) => Ok(p),
        None => Ok(JobConfig::load(cli_config)?.ledger),
    }
}

fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Reconcile { day, cascade, args } => {
            run_day(&cli.config, &args, Some(day), cascade)
        }
        Command::Nightly { args } => run_day(&cli.config, &args, None, false),
        Command::Verify { day, args } => {
            let config = JobConfig::load(&cli.config)?;
            let paths = paths(&cli.config, &config, &args);
            let report = verify::verify(&paths, day)?;
            for line in &report.lines {
                println!("{line}");
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
                println!("{doc}");
            }
            Ok(if all_read {
                exit::CLEAN
            } else {
                exit::EXCEPTIONS
            })
        }
        Command::History { limit, ledger } => {
            let ledger = Ledger::open(&ledger_path(&cli.config, ledger)?)?;
            for run in ledger.history(limit)? {
                println!("{run}");
            }
            Ok(exit::CLEAN)
        }
        Command::Status { day, ledger } => {
            let ledger = Ledger::open(&ledger_path(&cli.config, ledger)?)?;
            match ledger.last_run(day)? {
                Some(run) => {
                    println!("{run}");
                    let breaks = ledger.breaks(day)?;
                    if !breaks.is_empty() {
                        let count =
                            |l: Lifecycle| breaks.iter().filter(|b| b.lifecycle == l).count();
                        println!(
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
                            println!(
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
            print!(
                "{}",
                recon_engine::eval::run(&truth, &reports, format.into())?
            );
            Ok(exit::CLEAN)
        }
    }
}
