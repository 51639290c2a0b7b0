//! Publishing a day's report set as one unit.
//!
//! The files go into a staging directory beside the target
//! (`out_root/.<day>.tmp-<pid>`), each fsynced, then the staging directory
//! and `out_root/<day>` swap places in one `renameat2(RENAME_EXCHANGE)` and
//! the old set is removed. Where the exchange is not supported (not Linux,
//! or a file system without it) the old set is renamed aside to
//! `.<day>.old-<pid>` first; a crash between the two renames leaves that
//! complete old set, which the next write puts back before anything else.

use std::fs;
use std::io;
#[cfg(test)]
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ReportError;

fn staging_prefix(day: &str) -> String {
    format!(".{day}.tmp-")
}

fn aside_prefix(day: &str) -> String {
    format!(".{day}.old-")
}

#[cfg(test)]
thread_local! {
    /// Test hook: fail with an I/O error after this many files were written
    /// into the staging directory, as a full disk would.
    pub(crate) static FAIL_AFTER_FILES: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
    /// Test hook: behave as if the file system had no RENAME_EXCHANGE.
    pub(crate) static NO_EXCHANGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Publishes files already rendered in memory.
#[cfg(test)]
pub(crate) fn publish(
    out_root: &Path,
    day: &str,
    files: &[(&'static str, Vec<u8>)],
) -> Result<Vec<PathBuf>, ReportError> {
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    publish_with(out_root, day, &names, |staging| {
        for (i, (name, bytes)) in files.iter().enumerate() {
            let path = staging.join(name);
            #[cfg(test)]
            if FAIL_AFTER_FILES.get() == Some(i) {
                return Err(ReportError::io(
                    path,
                    io::Error::new(
                        io::ErrorKind::StorageFull,
                        "injected: no space left on device",
                    ),
                ));
            }
            let _ = i;
            let mut f = create(&path)?;
            f.write_all(bytes).map_err(|e| ReportError::io(&path, e))?;
            finish(&path, f)?;
        }
        Ok(())
    })
}

/// Publishes the files `write` writes into the staging directory it is
/// given (each with [`create`] and [`finish`]), streaming: no file needs to
/// be held in memory. `names` are the files `write` writes, returned as
/// their published paths.
#[cfg(test)]
pub(crate) fn publish_with(
    out_root: &Path,
    day: &str,
    names: &[&str],
    write: impl FnOnce(&Path) -> Result<(), ReportError>,
) -> Result<Vec<PathBuf>, ReportError> {
    stage_with(out_root, day, names, write)?.publish()
}

/// Writes the files of a set into a staging directory beside the target
/// (each written with [`create`] and [`finish`], the directory synced) and
/// returns it unpublished: readers still see the previous set until
/// [`Staged::publish`]; dropped unpublished, the staging directory goes.
pub(crate) fn stage_with(
    out_root: &Path,
    day: &str,
    names: &[&str],
    write: impl FnOnce(&Path) -> Result<(), ReportError>,
) -> Result<Staged, ReportError> {
    fs::create_dir_all(out_root).map_err(|e| ReportError::io(out_root, e))?;
    let target = out_root.join(day);
    recover(out_root, day, &target)?;

    let staging = out_root.join(format!("{}{}", staging_prefix(day), std::process::id()));
    let staged = Staged {
        out_root: out_root.to_path_buf(),
        day: day.to_string(),
        staging,
        target,
        names: names.iter().map(|n| n.to_string()).collect(),
        published: false,
    };
    fs::create_dir(&staged.staging).map_err(|e| ReportError::io(&staged.staging, e))?;
    write(&staged.staging)?;
    sync_dir(&staged.staging)?;
    Ok(staged)
}

/// A complete report set, written and flushed, not yet in place.
#[derive(Debug)]
pub struct Staged {
    out_root: PathBuf,
    day: String,
    staging: PathBuf,
    target: PathBuf,
    names: Vec<String>,
    published: bool,
}

impl Staged {
    /// The staged files, in the set's order (to hash them before they are
    /// published, e.g. for a manifest recorded first).
    pub fn paths(&self) -> Vec<PathBuf> {
        self.names.iter().map(|n| self.staging.join(n)).collect()
    }

    /// Swaps the set into place and returns the published paths.
    pub fn publish(mut self) -> Result<Vec<PathBuf>, ReportError> {
        swap_in(&self.out_root, &self.day, &self.staging, &self.target)?;
        self.published = true;
        Ok(self.names.iter().map(|n| self.target.join(n)).collect())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.published {
            // Best effort: the error that matters is the one being returned.
            let _ = remove_any(&self.staging);
        }
    }
}

/// A staging folder a stopped run left behind (`.<day>.tmp-<pid>`): a
/// complete set that the ledger may already have recorded (the run was
/// stopped between recording the day and putting the set in place), or a
/// half-written one. Which of the two only the ledger can say; the engine
/// asks it before anything else runs.
#[derive(Debug)]
pub struct Leftover {
    /// The day the set was for, as its folder name says (`2026-11-21`).
    pub day: String,
    pub dir: PathBuf,
}

/// The staging folders stopped runs left in `out_root`, of any day, in
/// name order.
pub fn leftovers(out_root: &Path) -> Result<Vec<Leftover>, ReportError> {
    let entries = match fs::read_dir(out_root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ReportError::io(out_root, e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| ReportError::io(out_root, e))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some((day, pid)) = name
            .strip_prefix('.')
            .and_then(|rest| rest.split_once(".tmp-"))
        else {
            continue;
        };
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
            found.push(Leftover {
                day: day.to_string(),
                dir: entry.path(),
            });
        }
    }
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(found)
}

impl Leftover {
    /// Puts this set in place of the day's, as the run that wrote it
    /// would have.
    pub fn publish(self, out_root: &Path) -> Result<(), ReportError> {
        let target = out_root.join(&self.day);
        swap_in(out_root, &self.day, &self.dir, &target)
    }

    /// Removes the set.
    pub fn discard(self) -> Result<(), ReportError> {
        remove_any(&self.dir).map_err(|e| ReportError::io(&self.dir, e))
    }
}

/// A new file in the staging directory.
pub(crate) fn create(path: &Path) -> Result<fs::File, ReportError> {
    fs::File::create(path).map_err(|e| ReportError::io(path, e))
}

/// Flushes a written staging file to the disk.
pub(crate) fn finish(path: &Path, file: fs::File) -> Result<(), ReportError> {
    file.sync_all().map_err(|e| ReportError::io(path, e))
}

/// Cleans what a crashed earlier run of this day left behind: staging
/// directories are half-written and go; a set renamed aside is the last
/// complete one and comes back if the target is missing.
fn recover(out_root: &Path, day: &str, target: &Path) -> Result<(), ReportError> {
    let entries = fs::read_dir(out_root).map_err(|e| ReportError::io(out_root, e))?;
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| ReportError::io(out_root, e))?;
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    for name in &names {
        if name.starts_with(&staging_prefix(day)) {
            let path = out_root.join(name);
            remove_any(&path).map_err(|e| ReportError::io(&path, e))?;
        }
    }
    for name in names.iter().filter(|n| n.starts_with(&aside_prefix(day))) {
        let path = out_root.join(name);
        if exists(target) {
            remove_any(&path).map_err(|e| ReportError::io(&path, e))?;
        } else {
            fs::rename(&path, target).map_err(|e| ReportError::io(&path, e))?;
        }
    }
    Ok(())
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn sync_dir(path: &Path) -> Result<(), ReportError> {
    fs::File::open(path)
        .and_then(|d| d.sync_all())
        .map_err(|e| ReportError::io(path, e))
}

fn swap_in(out_root: &Path, day: &str, staging: &Path, target: &Path) -> Result<(), ReportError> {
    if !exists(target) {
        fs::rename(staging, target).map_err(|e| ReportError::io(target, e))?;
        return sync_dir(out_root);
    }
    match exchange(staging, target) {
        Ok(()) => {
            // The staging name now holds the previous set. The new set is
            // in place, so failing to remove the old one is not a failed
            // write: the next write's recovery removes it.
            sync_dir(out_root)?;
            let _ = remove_any(staging);
        }
        Err(e) if exchange_unsupported(&e) => {
            let aside = out_root.join(format!("{}{}", aside_prefix(day), std::process::id()));
            fs::rename(target, &aside).map_err(|e| ReportError::io(target, e))?;
            if let Err(e) = fs::rename(staging, target) {
                // Put the previous set back before reporting.
                let _ = fs::rename(&aside, target);
                return Err(ReportError::io(target, e));
            }
            sync_dir(out_root)?;
            let _ = remove_any(&aside);
        }
        Err(e) => return Err(ReportError::io(target, e)),
    }
    sync_dir(out_root)
}

fn exchange_unsupported(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::Unsupported | io::ErrorKind::InvalidInput
    )
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(test)]
    if NO_EXCHANGE.get() {
        return Err(io::Error::from(io::ErrorKind::Unsupported));
    }
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(|errno| {
        let e = io::Error::from(errno);
        // ENOSYS (old kernel) and EINVAL (file system without exchange)
        // both mean: use the fallback.
        if errno == rustix::io::Errno::NOSYS || errno == rustix::io::Errno::INVAL {
            io::Error::new(io::ErrorKind::Unsupported, e)
        } else {
            e
        }
    })
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(tag: &str) -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("a.csv", format!("a {tag}").into_bytes()),
            ("b.json", format!("b {tag}").into_bytes()),
            ("c.html", format!("c {tag}").into_bytes()),
        ]
    }

    fn read(dir: &Path, name: &str) -> String {
        fs::read_to_string(dir.join(name)).unwrap()
    }

    fn leftovers(root: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with('.'))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn first_write_then_replace_by_exchange() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = publish(tmp.path(), "2026-11-21", &files("one")).unwrap();
        assert_eq!(paths.len(), 3);
        assert_eq!(read(&tmp.path().join("2026-11-21"), "b.json"), "b one");
        publish(tmp.path(), "2026-11-21", &files("two")).unwrap();
        let day = tmp.path().join("2026-11-21");
        for n in ["a.csv", "b.json", "c.html"] {
            assert!(read(&day, n).ends_with("two"), "{n}");
        }
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }

    #[test]
    fn failure_mid_write_keeps_the_previous_set() {
        let tmp = tempfile::tempdir().unwrap();
        publish(tmp.path(), "2026-11-21", &files("old")).unwrap();
        FAIL_AFTER_FILES.set(Some(2));
        let err = publish(tmp.path(), "2026-11-21", &files("new")).unwrap_err();
        FAIL_AFTER_FILES.set(None);
        assert!(err.to_string().contains("c.html"), "{err}");
        let day = tmp.path().join("2026-11-21");
        for n in ["a.csv", "b.json", "c.html"] {
            assert!(read(&day, n).ends_with("old"), "{n}");
        }
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }

    #[test]
    fn fallback_without_exchange_replaces_the_set() {
        let tmp = tempfile::tempdir().unwrap();
        publish(tmp.path(), "2026-11-21", &files("old")).unwrap();
        NO_EXCHANGE.set(true);
        let res = publish(tmp.path(), "2026-11-21", &files("new"));
        NO_EXCHANGE.set(false);
        res.unwrap();
        assert_eq!(read(&tmp.path().join("2026-11-21"), "a.csv"), "a new");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn crashed_runs_are_cleaned_and_an_aside_set_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        // A crash mid-write of another process: half a staging directory.
        let half = root.join(".2026-11-21.tmp-999999");
        fs::create_dir(&half).unwrap();
        fs::write(half.join("a.csv"), "half").unwrap();
        // A crash between the fallback's two renames: the target is gone,
        // the previous complete set sits aside.
        let aside = root.join(".2026-11-21.old-999998");
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join("a.csv"), "previous").unwrap();
        // Another day's staging directory is not ours to touch.
        let other = root.join(".2026-11-22.tmp-999997");
        fs::create_dir(&other).unwrap();

        recover(root, "2026-11-21", &root.join("2026-11-21")).unwrap();
        assert_eq!(read(&root.join("2026-11-21"), "a.csv"), "previous");
        assert_eq!(leftovers(root), [".2026-11-22.tmp-999997"]);

        fs::create_dir(&half).unwrap();
        publish(root, "2026-11-21", &files("new")).unwrap();
        assert_eq!(read(&root.join("2026-11-21"), "a.csv"), "a new");
        assert_eq!(leftovers(root), [".2026-11-22.tmp-999997"]);
    }
}
