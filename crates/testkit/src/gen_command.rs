//! `recon-gen`: the command line of the day generator, in the library so
//! that tests run it with the same arguments a person types.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser;
use recon_core::Day;

use crate::generator::{self, GenError, GenOptions, RatesFile, SlipFiles};

/// Write a synthetic day (statements, orders, slips and the expected outcome).
#[derive(Parser, Debug)]
#[command(name = "recon-gen", about, long_about = None)]
pub struct GenArgs {
    /// The day to generate.
    #[arg(long, required_unless_present = "sample")]
    day: Option<Day>,
    /// Number of orders.
    #[arg(long, default_value_t = 50)]
    orders: usize,
    /// Seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder (a `<day>/` folder is written inside).
    #[arg(long, default_value = "sample-data")]
    out: PathBuf,
    /// Regenerate the committed sample days instead.
    #[arg(long)]
    sample: bool,
    /// How slips are saved: `per-order` (one JSON file each) or
    /// `bundled` (`slips-001.jsonl#<line>`, for benchmark-sized days).
    #[arg(long, default_value = "per-order")]
    slips: SlipFiles,
    /// A TOML file with `[rates]` (problem rates, 0..1) and/or
    /// `[currencies]` (`usd`, `khr` shares); unset ones keep defaults.
    #[arg(long)]
    rates: Option<PathBuf>,
    /// Replace the generated folders of an existing day.
    #[arg(long)]
    overwrite: bool,
}

/// Why `recon-gen` stopped: its arguments, or the generator.
#[derive(Debug, thiserror::Error)]
pub enum GenCommandError {
    #[error(transparent)]
    Usage(#[from] clap::Error),
    #[error(transparent)]
    Generator(#[from] GenError),
}

/// Runs `recon-gen` with `args` (without the program name) and returns what
/// it prints.
pub fn run<I, T>(args: I) -> Result<String, GenCommandError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = GenArgs::try_parse_from(
        std::iter::once(OsString::from("recon-gen")).chain(args.into_iter().map(Into::into)),
    )?;
    run_parsed(args)
}

/// Runs already parsed arguments.
pub fn run_parsed(args: GenArgs) -> Result<String, GenCommandError> {
    if args.sample {
        generator::write_sample_data(&args.out)?;
        return Ok(format!("sample days written to {}\n", args.out.display()));
    }
    let day = args.day.expect("clap requires --day without --sample");
    let mut opts = GenOptions::new(day, args.orders, args.seed);
    opts.slips_as = args.slips;
    opts.overwrite = args.overwrite;
    if let Some(path) = args.rates {
        let file = RatesFile::load(&path)?;
        opts.rates = file.rates;
        opts.currencies = file.currencies;
    }
    let summary = generator::generate_day(&opts, &args.out)?;
    Ok(format!("{summary}\n"))
}
