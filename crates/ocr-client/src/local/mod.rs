//! The local slip reader (QR + tesseract). Work in progress.
