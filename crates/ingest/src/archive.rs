//! Workbooks are ZIP archives that anyone can build: before calamine
//! inflates one, check that it inflates to something a statement or an
//! order export can be. A zip bomb (a few hundred KB that inflate to
//! gigabytes) is refused here, by inflating each part into nothing and
//! counting, so a lying size in the archive's directory does not help it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::IngestError;

/// All parts together may inflate to at most this many bytes. A
/// million-row statement sheet is about 200 MB of XML.
pub(crate) const MAX_INFLATED: u64 = 512 * 1024 * 1024;

/// A part larger than [`BIG_PART`] may not inflate more than this many
/// times its compressed size: spreadsheet XML compresses 5 to 30 times,
/// bombs a thousand times.
pub(crate) const MAX_RATIO: u64 = 100;
const BIG_PART: u64 = 16 * 1024 * 1024;

/// `Ok(())` when `path` is not a ZIP archive at all (an `.xls`) or is one
/// that inflates sensibly; a broken archive is also left for calamine to
/// describe.
pub(crate) fn check_workbook_archive(path: &Path) -> Result<(), IngestError> {
    let refuse = |message: String| IngestError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            return Ok(());
        };
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let compressed = part.compressed_size().max(1);
        let allowed = MAX_INFLATED - total;
        let inflated = match std::io::copy(&mut (&mut part).take(allowed + 1), &mut std::io::sink())
        {
            Ok(n) => n,
            Err(_) => return Ok(()),
        };
        total += inflated;
        if inflated > allowed {
            return Err(refuse(format!(
                "it inflates to more than {} MB (part {name}); a statement or order workbook is far smaller, so this looks like a zip bomb and was not read",
                MAX_INFLATED >> 20
            )));
        }
        if inflated > BIG_PART && inflated / compressed > MAX_RATIO {
            return Err(refuse(format!(
                "part {name} inflates {}:1 ({} MB from {} KB), more than the {MAX_RATIO}:1 spreadsheets reach; this looks like a zip bomb and was not read",
                inflated / compressed,
                inflated >> 20,
                compressed >> 10
            )));
        }
    }
    Ok(())
}
