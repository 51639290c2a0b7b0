//! A statement workbook as large as a sheet can be (1,048,575 data rows)
//! is read as a stream: what the reader allocates on the way is bounded,
//! not a copy of the sheet. Measured by a counting allocator in this test
//! binary (bytes the program asked for, not resident pages), so the figure
//! is exact and the same on every machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use recon_ingest::{CANONICAL_STATEMENT_HEADER, Profile, ReadOptions, read_statement};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// `GlobalAlloc` can only be implemented with `unsafe fn`s: the one place
// this workspace allows unsafe code, in a test, passing every call straight
// to the system allocator.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROWS: u32 = 1_048_575;
const MB: usize = 1 << 20;

/// Peak bytes allocated while reading `path`, and bytes still held by
/// the rows read, in MB.
fn read_costs(path: &std::path::Path) -> (usize, usize, usize) {
    let base = NOW.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let got = read_statement(
        path,
        &Profile::builtin("canonical").unwrap(),
        &ReadOptions::new(chrono_tz::Asia::Bangkok),
    )
    .unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    let held = NOW.load(Ordering::Relaxed) - base;
    assert_eq!(got.rejected, vec![], "{}", path.display());
    (got.rows.len(), peak / MB, held / MB)
}

#[test]
fn a_whole_sheet_of_statement_lines_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("statement.xlsx");
    let header = CANONICAL_STATEMENT_HEADER;
    {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for i in 0..ROWS {
            let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
            // Every row its own payer and reference: the workbook's shared
            // strings are as many as they get.
            let row = [
                "001 234 567".to_string(),
                format!("2026-11-21T{h:02}:{m:02}:{s:02}+07:00"),
                format!("{}.{:02}", 100 + i % 9_000, i % 100),
                "USD".into(),
                format!("PAYER NUMBER {i}"),
                "011 XXX XXX".into(),
                "ABA".into(),
                format!("REF{i:010}"),
                "Incoming transfer".into(),
            ];
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(i + 1, c as u16, cell).unwrap();
            }
        }
        book.save(&xlsx).unwrap();
    }

    let (rows, peak, held) = read_costs(&xlsx);
    println!("{rows} rows: peak {peak} MB, of which the lines hold {held} MB");
    assert_eq!(rows, ROWS as usize);
    // Beyond the lines it returns, the workbook reader keeps a bounded
    // working set (the workbook's shared strings and one row), never the
    // sheet.
    assert!(
        peak - held < 200,
        "the workbook reader held {} MB beyond its lines",
        peak - held
    );
    assert!(peak < 600, "reading the workbook peaked at {peak} MB");
}
