//! EMVCo TLV payloads of slip QR codes. Work in progress.
