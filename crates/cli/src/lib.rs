//! The `recon` command's library half: job configuration, the commands
//! (reconcile, nightly, ocr, gen, history, status) and their wiring of the
//! stage crates. `main.rs` only parses arguments and maps results to exit
//! codes, so that everything here is testable without a process.

pub mod generator;
