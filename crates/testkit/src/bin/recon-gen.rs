//! `recon-gen`: writes a synthetic day, or regenerates the sample days
//! (`just sample-data`).

use std::process::ExitCode;

use clap::Parser;
use recon_testkit::gen_command::{GenArgs, run_parsed};

fn main() -> ExitCode {
    match run_parsed(GenArgs::parse()) {
        Ok(printed) => {
            print!("{printed}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("recon-gen: {e}");
            ExitCode::FAILURE
        }
    }
}
