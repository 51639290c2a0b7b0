//! The synthetic day generator (`recon gen`). Work in progress.
