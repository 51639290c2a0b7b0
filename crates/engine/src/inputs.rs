//! The day's input files: listed (links and odd names refused), each hashed
//! once (SHA-256, on every core), for the run's manifest and the reports'
//! list of inputs.

use std::fs;
use std::io::Read;
use std::path::Path;

use recon_core::{InputFile, Rejection};
use sha2::{Digest, Sha256};
use tracing::warn;

use crate::EngineError;

/// Every file of the day's three input folders, sorted, with its SHA-256.
pub(crate) fn list_inputs(day_dir: &Path) -> Result<(Vec<InputFile>, Vec<Rejection>), EngineError> {
    let mut inputs = Vec::new();
    let mut refused = Vec::new();
    // Links are never followed, here or for slip names: a link can point
    // anywhere on the machine, and the day folder is all Recon may read.
    let mut refuse = |file: String, reason: String| {
        warn!(file = %file, reason = %reason, "input refused");
        refused.push(Rejection {
            file,
            line: None,
            column: None,
            value: None,
            reason,
        });
    };
    for kind in ["statements", "orders", "slips"] {
        let dir = day_dir.join(kind);
        match fs::symlink_metadata(&dir) {
            Err(_) => continue,
            Ok(meta) if meta.file_type().is_symlink() => {
                refuse(
                    format!("{kind}/"),
                    format!(
                        "the {kind}/ folder is a symbolic link; links are not followed, nothing in it was read"
                    ),
                );
                continue;
            }
            Ok(meta) if !meta.is_dir() => {
                refuse(format!("{kind}/"), format!("{kind} is not a folder"));
                continue;
            }
            Ok(_) => {}
        }
        let mut names = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| EngineError::io(&dir, e))? {
            let entry = entry.map_err(|e| EngineError::io(&dir, e))?;
            let Ok(name) = entry.file_name().into_string() else {
                refuse(
                    entry.file_name().to_string_lossy().into_owned(),
                    "the file name is not valid UTF-8".into(),
                );
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let file_type = entry
                .file_type()
                .map_err(|e| EngineError::io(&entry.path(), e))?;
            if file_type.is_symlink() {
                refuse(name, "is a symbolic link; links are not followed".into());
            } else if !file_type.is_file() {
                refuse(name, "is not a regular file".into());
            } else {
                names.push(name);
            }
        }
        names.sort();
        let digests = sha256_files(&dir, &names)?;
        for (name, (sha256, bytes)) in names.into_iter().zip(digests) {
            inputs.push(InputFile {
                kind: kind.to_string(),
                name: format!("{kind}/{name}"),
                sha256,
                bytes,
            });
        }
    }
    refused.sort();
    Ok((inputs, refused))
}

/// [`sha256_file`] of every `names` in `dir`, in order, on every core: a
/// day with one file per uploaded slip is many small files, each an open
/// and a read that wait on the file system as much as on the hash.
fn sha256_files(dir: &Path, names: &[String]) -> Result<Vec<(String, u64)>, EngineError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(names.len() / 64 + 1);
    if threads <= 1 {
        return names.iter().map(|n| sha256_file(&dir.join(n))).collect();
    }
    let per_thread = names.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = names
            .chunks(per_thread)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|n| sha256_file(&dir.join(n)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(names.len());
        for h in handles {
            out.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?);
        }
        Ok(out)
    })
}

pub(crate) fn sha256_file(path: &Path) -> Result<(String, u64), EngineError> {
    let mut file = fs::File::open(path).map_err(|e| EngineError::io(path, e))?;
    let mut hasher = Sha256::new();
    // Small files (a slip's JSON) fit the first read; big ones stream.
    let mut buf = [0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| EngineError::io(path, e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), total))
}
