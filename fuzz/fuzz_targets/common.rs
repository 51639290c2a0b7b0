//! Shared by the file-based targets: ingest reads paths, not bytes, so each
//! input is written to one scratch file per process (in /dev/shm when it
//! exists, so the disk is not worn) and read back from there.

use std::path::PathBuf;

pub fn scratch(ext: &str) -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("recon-fuzz-{}.{ext}", std::process::id()))
}
