//! `reconciliation.xlsx`: read back with calamine (sheets, headers, typed
//! cells), its XML parts checked for frozen headers, filters and the fixed
//! creation time, and opened by the real LibreOffice.

mod common;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{DAY, EVIL_NAME, fixture, libreoffice_sheets};
use recon_report::{render_day_reports, write_day_reports_with};

const SHEETS: [&str; 5] = [
    "Summary",
    "Reconciliation",
    "Statement",
    "Exceptions",
    "Quarantine",
];

fn write_xlsx(root: &Path) -> PathBuf {
    let f = fixture();
    write_day_reports_with(root, &f.input(), &f.records()).unwrap();
    root.join(DAY).join("reconciliation.xlsx")
}

fn row_of<'a>(range: &'a calamine::Range<Data>, id: &str) -> &'a [Data] {
    range
        .rows()
        .find(|r| matches!(&r[0], Data::String(s) if s == id))
        .unwrap_or_else(|| panic!("no row {id}"))
}

fn header(range: &calamine::Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// Excel serial date of a local wall time on the fixture day.
fn serial(h: u32, m: u32) -> f64 {
    // 2026-11-21 is day 46347 since 1899-12-30.
    let days = (chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
    .num_days() as f64;
    days + (h * 3600 + m * 60) as f64 / 86_400.0
}

#[test]
fn sheets_headers_and_typed_cells_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_xlsx(tmp.path());
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), SHEETS);

    let rec = wb.worksheet_range("Reconciliation").unwrap();
    let h = header(&rec);
    assert_eq!(
        h[..9],
        [
            "order_id",
            "status",
            "slip",
            "statement_line",
            "expected_amount",
            "paid_amount",
            "currency",
            "name_score",
            "reasons"
        ]
    );
    assert_eq!(rec.height(), 7, "header + 6 orders");
    let a1001 = row_of(&rec, "A-1001");
    assert_eq!(a1001[1], Data::String("matched".into()));
    assert_eq!(a1001[4], Data::Float(1500.0));
    assert_eq!(a1001[5], Data::Float(1500.0));
    assert_eq!(a1001[7], Data::Float(1.0));
    assert_eq!(a1001[9], Data::String("นาย สมชาย ใจดี".into()));
    match &a1001[10] {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime());
            assert!(
                (dt.as_f64() - serial(9, 10)).abs() < 1e-6,
                "{}",
                dt.as_f64()
            );
        }
        other => panic!("ordered_at is not a datetime: {other:?}"),
    }
    let a1005 = row_of(&rec, "A-1005");
    assert_eq!(a1005[3], Data::String("kbank.csv:8|kbank.csv:9".into()));
    assert_eq!(a1005[7], Data::Float(0.875));
    let a1003 = row_of(&rec, "A-1003");
    assert_eq!(a1003[4], Data::Float(25.5));
    assert_eq!(a1003[5], Data::Empty);

    // Customer input that looks like a formula is a plain string cell.
    let evil = row_of(&rec, "A-1004");
    assert_eq!(evil[9], Data::String(EVIL_NAME.into()));
    for sheet in SHEETS {
        let formulas = wb.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }

    let st = wb.worksheet_range("Statement").unwrap();
    assert_eq!(
        header(&st)[..6],
        [
            "statement_line",
            "status",
            "order_id",
            "amount",
            "currency",
            "counterparty_name"
        ]
    );
    assert_eq!(row_of(&st, "kbank.csv:11")[3], Data::Float(-250.0));
    assert_eq!(
        row_of(&st, "kbank.csv:11")[5],
        Data::String("-SUM(A1)".into())
    );

    let exc = wb.worksheet_range("Exceptions").unwrap();
    assert_eq!(
        exc.height(),
        11,
        "header + 10 exception rows (money going out is none)"
    );
    assert!(
        exc.rows()
            .skip(1)
            .all(|r| r[2] != Data::String("matched".into()))
    );

    let q = wb.worksheet_range("Quarantine").unwrap();
    assert_eq!(header(&q), ["file", "line", "column", "value", "reason"]);
    assert_eq!(row_of(&q, "kbank.csv")[1], Data::Float(12.0));
    assert_eq!(
        row_of(&q, "kbank.csv")[3],
        Data::String("+31/02/2569".into())
    );

    let sum = wb.worksheet_range("Summary").unwrap();
    let rate = sum
        .rows()
        .find(|r| r[0] == Data::String("Match rate (orders)".into()))
        .unwrap();
    assert_eq!(rate[1], Data::Float(0.3333));
    let matched_thb = sum
        .rows()
        .find(|r| {
            r[0] == Data::String("orders".into())
                && r[1] == Data::String("matched".into())
                && r[2] == Data::String("THB".into())
        })
        .expect("orders/matched/THB tally");
    assert_eq!(matched_thb[3], Data::Float(2.0));
    assert_eq!(matched_thb[4], Data::Float(4500.0));
    let kbank = sum
        .rows()
        .find(|r| r[1] == Data::String("statements/kbank.csv".into()))
        .expect("input listed");
    assert_eq!(kbank[3], Data::String("a".repeat(64)));
}

fn zip_part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut part = zip.by_name(name).unwrap();
    let mut s = String::new();
    part.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn frozen_header_filter_formats_fills_and_fixed_creation_time() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_xlsx(tmp.path());

    let core = zip_part(&path, "docProps/core.xml");
    assert!(core.contains("2026-11-21T00:00:00Z"), "{core}");

    // sheet2 = Reconciliation: 17 columns (A..Q: origin_day, then the four
    // decision columns last), 6 orders + header.
    let rec = zip_part(&path, "xl/worksheets/sheet2.xml");
    assert!(
        rec.contains(r#"ySplit="1""#) && rec.contains(r#"state="frozen""#),
        "frozen header"
    );
    assert!(rec.contains(r#"<autoFilter ref="A1:Q7"/>"#), "autofilter");
    // customer_name (column J = 10) is sized from its Thai text: wide enough
    // for "นางสาว สุดา รักดี" but not counted in code points or bytes.
    let col = rec
        .split("<col ")
        .find(|c| c.contains(r#"min="10""#))
        .expect("column J width");
    let width: f64 = col
        .split("width=\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (18.0..=50.0).contains(&width),
        "customer_name width {width}"
    );

    let styles = zip_part(&path, "xl/styles.xml");
    assert!(styles.contains("#,##0.00"), "money format");
    assert!(styles.contains("yyyy-mm-dd hh:mm:ss"), "datetime format");
    assert!(styles.contains("0.000"), "score format");
    // duplicate_slip fill (red family) is defined and used by an exception row.
    assert!(styles.contains("FFF8CBAD"), "exception fill");
    // Rows are marked by their status word through conditional formats on
    // the table (one per fill), not a fill format per cell.
    assert!(
        styles.contains(r#"<dxf><fill><patternFill><bgColor rgb="FFF8CBAD"/>"#),
        "{styles}"
    );
    assert!(
        rec.contains(r#"<conditionalFormatting sqref="A2:Q7">"#)
            && rec.contains(r#"$B2="duplicate_slip""#)
            && rec.contains(r#"<formula>$B2="pending"</formula>"#),
        "{rec}"
    );
    let exc = zip_part(&path, "xl/worksheets/sheet4.xml");
    assert!(exc.contains(r#"$C2="amount_mismatch""#), "{exc}");
    let quarantine = zip_part(&path, "xl/worksheets/sheet5.xml");
    assert!(
        !quarantine.contains("conditionalFormatting"),
        "{quarantine}"
    );
}

/// Every sheet prints as finance prints it: A4 landscape, one page wide,
/// the header row on every page, the day and the page number in the
/// footer, rows tall enough for Thai marks.
#[test]
fn every_sheet_prints_landscape_one_page_wide_with_its_header_repeated() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_xlsx(tmp.path());
    let workbook = zip_part(&path, "xl/workbook.xml");
    for n in 1..=5 {
        let sheet = zip_part(&path, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            sheet.contains(r#"orientation="landscape""#),
            "sheet{n}: {sheet}"
        );
        assert!(sheet.contains(r#"paperSize="9""#), "sheet{n}: A4");
        assert!(
            sheet.contains(r#"fitToHeight="0""#),
            "sheet{n}: one page wide"
        );
        assert!(
            sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "sheet{n}"
        );
        assert!(
            sheet.contains("<oddFooter>&amp;L2026-11-21 "),
            "sheet{n}: footer"
        );
        assert!(
            sheet.contains("Page &amp;P of &amp;N"),
            "sheet{n}: page numbers"
        );
        assert!(
            sheet.contains(r#"defaultRowHeight="18""#),
            "sheet{n}: row height"
        );
    }
    // The header row repeats on the four table sheets (not the Summary).
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        4,
        "{workbook}"
    );
    assert!(workbook.contains("Reconciliation!$1:$1"), "{workbook}");
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let f = fixture();
    let a = render_day_reports(&f.input(), &f.records()).unwrap();
    let b = render_day_reports(&f.input(), &f.records()).unwrap();
    let xa = &a
        .iter()
        .find(|(n, _)| *n == "reconciliation.xlsx")
        .unwrap()
        .1;
    let xb = &b
        .iter()
        .find(|(n, _)| *n == "reconciliation.xlsx")
        .unwrap()
        .1;
    assert!(xa.len() > 5000);
    assert_eq!(xa, xb);
    assert_eq!(a, b);
}

#[test]
fn libreoffice_opens_the_workbook_and_converts_every_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_xlsx(&tmp.path().join("reports"));
    let read = libreoffice_sheets(&path, tmp.path());

    let rec = read("Reconciliation");
    assert!(rec.starts_with("order_id,status,slip,statement_line,expected_amount,paid_amount,currency,name_score,reasons"), "{rec}");
    assert!(rec.contains("นาย สมชาย ใจดี"), "{rec}");
    assert!(rec.contains("1,500.00"), "money format applied: {rec}");
    assert!(
        rec.contains("2026-11-21 09:10:00"),
        "datetime format applied: {rec}"
    );
    assert!(rec.contains("0.875"), "{rec}");
    // The formula-looking name stayed text: LibreOffice shows it verbatim
    // instead of evaluating it.
    assert!(rec.contains("HYPERLINK(\"\"http://evil.example"), "{rec}");

    let summary = read("Summary");
    assert!(summary.contains("Match rate (orders),33.3%"), "{summary}");
    assert!(summary.contains(&"a".repeat(64)), "{summary}");
    // Break columns: dates shown as dates, the age as a whole number.
    let exc = read("Exceptions");
    assert!(
        exc.lines().next().unwrap().ends_with(
            ",origin_day,lifecycle,first_seen,age_days,age_bucket,resolved_by,\
                 decision,with,write_off_amount,reason,note,decided_by,decided_at"
        ),
        "{exc}"
    );
    assert!(exc.contains(",2026-11-21,new,2026-11-21,0,0-1,"), "{exc}");
    for sheet in ["Statement", "Exceptions", "Quarantine"] {
        assert!(read(sheet).lines().count() > 1, "{sheet}");
    }
}
