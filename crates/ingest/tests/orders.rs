//! Reading order exports: the canonical CSV, an XLSX export, and a mapped
//! layout with other column names.

mod common;

use common::{bangkok, data, summary};
use recon_core::Currency;
use recon_ingest::{Names, NumberStyle, OrderColumns, read_orders};

#[test]
fn canonical_orders_csv() {
    let got = read_orders(&data("orders.csv"), &OrderColumns::default(), bangkok()).unwrap();
    let ids: Vec<(u64, &str)> = got
        .rows
        .iter()
        .map(|o| (o.source.line, o.order_id.0.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            (2, "ORD-1001"),
            (3, "ORD-1002"),
            (4, "ORD-1003"),
            (11, "ORD-1008")
        ]
    );
    let o = &got.rows[0];
    assert_eq!(o.customer_name, "นาย สมชาย ใจดี");
    assert_eq!(o.amount.plain(), "1500.00");
    assert_eq!(o.amount.currency, Currency::Thb);
    assert_eq!(o.ordered_at.to_rfc3339(), "2026-11-21T09:10:00+07:00");
    assert_eq!(o.slip.as_deref(), Some("slip-1001.json"));
    assert_eq!(o.source.file, "orders.csv");
    // A local time is read in the job's zone.
    assert_eq!(
        got.rows[1].ordered_at.to_rfc3339(),
        "2026-11-21T10:30:00+07:00"
    );
    assert_eq!(got.rows[2].slip, None);
    assert_eq!(got.rows[3].amount.plain(), "1250.00");

    let rejected = summary(&got.rejected);
    assert_eq!(
        rejected,
        vec![
            (
                5,
                "order_id".into(),
                "ORD-1002".into(),
                "duplicate order id: already on line 3".into()
            ),
            (6, "amount".into(), "abc".into(), "not an amount".into()),
            (
                7,
                "amount".into(),
                "-40000".into(),
                "an order amount must be more than zero".into()
            ),
            (8, "order_id".into(), "".into(), "order id is empty".into()),
            (
                9,
                "ordered_at".into(),
                "yesterday".into(),
                "not a date in any of the formats iso8601".into()
            ),
            (
                10,
                "".into(),
                "extra".into(),
                "row has 7 cells but the header has 6 (an unquoted comma or a shifted row?)".into()
            ),
        ]
    );
}

#[test]
fn orders_with_other_column_names_semicolons_and_decimal_commas() {
    let columns = OrderColumns {
        order_id: Names::from("Order No."),
        customer_name: Names::from("Customer"),
        amount: Names::from("Total"),
        currency: Names::default(),
        ordered_at: Names(vec!["Ordered".into(), "Paid At".into()]),
        slip: Names::from("Slip"),
        date_formats: vec!["iso8601".into(), "%d/%m/%Y %H:%M".into()],
        default_currency: Some(Currency::Thb),
        delimiter: ";".into(),
        numbers: NumberStyle {
            thousands: ".".into(),
            decimal: ",".into(),
            parentheses_negative: false,
        },
        ..OrderColumns::default()
    };
    let got = read_orders(&data("orders-mapped.csv"), &columns, bangkok()).unwrap();
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);
    let rows: Vec<_> = got
        .rows
        .iter()
        .map(|o| {
            (
                o.order_id.0.as_str(),
                o.amount.plain(),
                o.ordered_at.to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "SO-1",
                "1500.00".to_string(),
                "2026-11-21T09:10:00+07:00".to_string()
            ),
            (
                "SO-2",
                "890.00".to_string(),
                "2026-11-21T10:30:00+07:00".to_string()
            ),
        ]
    );
}

#[test]
fn order_columns_come_from_the_job_config_toml() {
    let columns: OrderColumns = toml::from_str(
        "order_id = \"Order No.\"\ncustomer_name = [\"Customer\", \"ลูกค้า\"]\ndefault_currency = \"USD\"\n",
    )
    .unwrap();
    assert_eq!(columns.order_id, Names::from("Order No."));
    assert_eq!(columns.customer_name.0.len(), 2);
    assert_eq!(columns.amount, Names::from("amount"));
    assert_eq!(columns.default_currency, Some(Currency::Usd));
    assert!(toml::from_str::<OrderColumns>("colour = 1").is_err());
}

#[test]
fn orders_xlsx_with_a_title_row_and_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    ws.write_string(0, 0, "Shop order export").unwrap();
    for (c, h) in [
        "order_id",
        "customer_name",
        "amount",
        "currency",
        "ordered_at",
        "slip",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "ORD-1").unwrap();
    ws.write_string(3, 1, "SOK DARA").unwrap();
    ws.write_number(3, 2, 25.5).unwrap();
    ws.write_string(3, 3, "USD").unwrap();
    ws.write_datetime_with_format(
        3,
        4,
        ExcelDateTime::from_ymd(2026, 11, 21)
            .unwrap()
            .and_hms(9, 0, 0)
            .unwrap(),
        &fmt,
    )
    .unwrap();
    ws.write_string(3, 5, "ord-1.json").unwrap();
    // An order id stored as a number, a text time with an offset.
    ws.write_number(4, 0, 1002.0).unwrap();
    ws.write_string(4, 1, "CHAN SREY").unwrap();
    ws.write_number(4, 2, 40000.0).unwrap();
    ws.write_string(4, 3, "KHR").unwrap();
    ws.write_string(4, 4, "2026-11-21T10:00:00+07:00").unwrap();
    // The same id again.
    ws.write_string(5, 0, "ORD-1").unwrap();
    ws.write_string(5, 1, "SOK DARA").unwrap();
    ws.write_number(5, 2, 25.5).unwrap();
    ws.write_string(5, 3, "USD").unwrap();
    ws.write_string(5, 4, "2026-11-21T09:01:00+07:00").unwrap();
    wb.save(&path).unwrap();

    let got = read_orders(&path, &OrderColumns::default(), bangkok()).unwrap();
    let rows: Vec<_> = got
        .rows
        .iter()
        .map(|o| {
            (
                o.source.line,
                o.order_id.0.clone(),
                o.amount.to_string(),
                o.ordered_at.to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                4,
                "ORD-1".to_string(),
                "25.50 USD".to_string(),
                "2026-11-21T09:00:00+07:00".to_string()
            ),
            (
                5,
                "1002".to_string(),
                "40000.00 KHR".to_string(),
                "2026-11-21T10:00:00+07:00".to_string()
            ),
        ]
    );
    assert_eq!(got.rows[0].slip.as_deref(), Some("ord-1.json"));
    assert_eq!(
        summary(&got.rejected),
        vec![(
            6,
            "order_id".into(),
            "ORD-1".into(),
            "duplicate order id: already on line 4".into()
        )]
    );
}
