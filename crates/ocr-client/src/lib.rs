//! Turns a slip into a [`recon_core::Slip`]. Work in progress.

pub mod local;
pub mod qr;
