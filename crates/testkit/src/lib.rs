//! Recon's tooling, kept out of the product: nothing here is linked into
//! the `recon` binary, and no product crate depends on this one except in
//! its tests, examples and benches.
//!
//! Owns: the one day generator (`recon-gen`, the committed `sample-data/`
//! days, the generated days of the behaviour tests and benchmarks) with its
//! name pools and its seeded ChaCha8 stream; the bank-app slip renderer
//! (text shaping, the slip-verification QR, photo-like distortions) used by
//! the generator and the local reader's round-trip tests; varied saved
//! provider bodies for the saved-slip tests and benchmark; a generated day
//! read back into memory with its labels ([`labelled`]) for the matcher's
//! tests and benchmark; a small WebDriver client driving headless
//! Chromium for the browser tests of local pages ([`browser`]).
//!
//! Never does: reconciliation. The generator plans the expected outcome of
//! each order from how it was planned, not by running the matcher, so that
//! the two check each other.
//!
//! Measure: `cargo run --release -p recon-testkit --bin recon-gen -- --help`
//! writes days of any size; the README's Performance section lists the
//! figures of the days it writes.

pub mod browser;
pub mod gen_command;
pub mod generator;
pub mod labelled;
pub mod render;
pub mod saved;
