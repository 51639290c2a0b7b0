//! Recon against hostile inputs, crashes and leaks, end to end.
//!
//! Every test builds a day folder in a temporary directory from the
//! committed sample day `sample-data/2026-11-21`, corrupts exactly one thing
//! (writing the hostile bytes here, in the test), runs the real `recon`
//! binary on it and reads back what a person would read: the exit code,
//! stderr, the report files and the ledger. What must hold each time: a
//! clear error naming the file and what is wrong, the rest of the day still
//! reconciles, and the rejected item shows in `quarantine.csv` or as an
//! `unreadable_slip`.
//!
//! Run them with `cargo test -p recon-cli --test hostile`.

#[path = "hostile/common.rs"]
mod common;

#[path = "hostile/crash.rs"]
mod crash;
#[path = "hostile/csv_inputs.rs"]
mod csv_inputs;
#[path = "hostile/echoes.rs"]
mod echoes;
#[path = "hostile/formulas.rs"]
mod formulas;
#[path = "hostile/images.rs"]
mod images;
#[path = "hostile/personal_data.rs"]
mod personal_data;
#[path = "hostile/secrets.rs"]
mod secrets;
#[path = "hostile/slip_paths.rs"]
mod slip_paths;
#[path = "hostile/slip_urls.rs"]
mod slip_urls;
#[path = "hostile/workbooks.rs"]
mod workbooks;
