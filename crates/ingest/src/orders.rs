//! Order exports → [`Order`]s: the canonical CSV
//! (`order_id,customer_name,amount,currency,ordered_at,slip`) or any other
//! column names mapped by [`OrderColumns`] in the job config; CSV or XLSX.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use recon_core::{Currency, Money, Order, OrderId, Rejection, SourceRef};
use serde::Deserialize;

use crate::amounts::NumberStyle;
use crate::dates::{BuddhistEra, DateFormat, When, parse_when, resolve};
use crate::header::{Header, Wanted, try_header};
use crate::profile::Names;
use crate::source::{Cell, RowSink, TextEncoding};
use crate::statement::{cell, currency_of, decimal_of};
use crate::{IngestError, Ingested};

/// The column names of an order export. `Default` is the canonical export.
/// Each name may be a string or a list of alternatives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderColumns {
    pub order_id: Names,
    pub customer_name: Names,
    pub amount: Names,
    /// May be absent from the file when `default_currency` is set.
    pub currency: Names,
    pub ordered_at: Names,
    /// The uploaded slip's file name; the column may be absent.
    pub slip: Names,
    /// Tried in order, as in statement profiles; local times are read in
    /// the job's time zone.
    pub date_formats: Vec<String>,
    /// The currency of rows whose currency cell is empty or absent.
    pub default_currency: Option<Currency>,
    /// CSV encoding: `utf-8` (BOM detected), `windows-874`, `auto`.
    pub encoding: String,
    /// CSV field separator, one ASCII character.
    pub delimiter: String,
    /// How amounts are written (`[orders.numbers]`).
    pub numbers: NumberStyle,
    /// The worksheet of an XLSX export; the first when absent.
    pub sheet: Option<String>,
    /// How many leading rows may come before the header (title rows).
    pub header_search_rows: u64,
}

impl Default for OrderColumns {
    fn default() -> Self {
        OrderColumns {
            order_id: Names::from("order_id"),
            customer_name: Names::from("customer_name"),
            amount: Names::from("amount"),
            currency: Names::from("currency"),
            ordered_at: Names::from("ordered_at"),
            slip: Names::from("slip"),
            date_formats: vec!["iso8601".into()],
            default_currency: None,
            encoding: "utf-8".into(),
            delimiter: ",".into(),
            numbers: NumberStyle::default(),
            sheet: None,
            header_search_rows: 10,
        }
    }
}

const ID: usize = 0;
const NAME: usize = 1;
const AMOUNT: usize = 2;
const CURRENCY: usize = 3;
const AT: usize = 4;
const SLIP: usize = 5;
const KEYS: [&str; 6] = [
    "order_id",
    "customer_name",
    "amount",
    "currency",
    "ordered_at",
    "slip",
];

impl OrderColumns {
    pub(crate) fn compile(&self) -> Result<(Vec<DateFormat>, TextEncoding, u8), String> {
        for (key, names) in KEYS.iter().zip(self.names()) {
            if names.is_empty()
                && *key != "slip"
                && !(*key == "currency" && self.default_currency.is_some())
            {
                return Err(format!("orders.{key} names no column"));
            }
        }
        if self.date_formats.is_empty() {
            return Err("orders.date_formats is empty".into());
        }
        let formats = self
            .date_formats
            .iter()
            .map(|f| DateFormat::compile(f))
            .collect::<Result<Vec<_>, _>>()?;
        self.numbers.validate()?;
        let delimiter = match self.delimiter.as_bytes() {
            [b] if b.is_ascii() => *b,
            _ => {
                return Err(format!(
                    "orders.delimiter must be one ASCII character, not {:?}",
                    self.delimiter
                ));
            }
        };
        Ok((
            formats,
            TextEncoding::from_label(&self.encoding)?,
            delimiter,
        ))
    }

    fn names(&self) -> [&Names; 6] {
        [
            &self.order_id,
            &self.customer_name,
            &self.amount,
            &self.currency,
            &self.ordered_at,
            &self.slip,
        ]
    }
}

pub(crate) struct OrderSink<'a> {
    path: &'a Path,
    file: String,
    columns: &'a OrderColumns,
    formats: Vec<DateFormat>,
    tz: chrono_tz::Tz,
    wanted: Vec<Wanted>,
    header: Option<Header>,
    best: Option<(u64, Vec<String>, Vec<String>, usize)>,
    rows_before_header: u64,
    /// Accepted order ids and the line that carried them.
    seen: HashMap<String, u64, BuildHasherDefault<IdHasher>>,
    out: Ingested<Order>,
}

impl<'a> OrderSink<'a> {
    /// Room for `rows` rows up front: a big file's rows would otherwise
    /// be copied again each time the list doubles.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.out.rows.reserve(rows);
    }

    pub(crate) fn new(
        path: &'a Path,
        columns: &'a OrderColumns,
        formats: Vec<DateFormat>,
        tz: chrono_tz::Tz,
    ) -> Self {
        let wanted = columns
            .names()
            .iter()
            .enumerate()
            .map(|(i, names)| {
                let optional = i == SLIP || (i == CURRENCY && columns.default_currency.is_some());
                Wanted::new(names, !names.is_empty() && !optional)
            })
            .collect();
        OrderSink {
            path,
            file: crate::error::file_name(path),
            columns,
            formats,
            tz,
            wanted,
            header: None,
            best: None,
            rows_before_header: 0,
            seen: HashMap::default(),
            out: Ingested::default(),
        }
    }

    pub(crate) fn finish(self, rows_read: u64) -> Result<Ingested<Order>, IngestError> {
        if self.header.is_none() {
            return Err(match self.best {
                Some((line, missing, found, _)) if rows_read > 0 => IngestError::WrongHeader {
                    path: self.path.to_path_buf(),
                    line: Some(line),
                    missing,
                    found,
                    hint: None,
                },
                _ => IngestError::Empty {
                    path: self.path.to_path_buf(),
                },
            });
        }
        Ok(self.out)
    }

    fn reject(&self, line: u64, field: usize, value: &Cell<'_>, reason: String) -> Rejection {
        Header::reject(
            self.header.as_ref(),
            &KEYS,
            &self.file,
            line,
            field,
            value,
            reason,
        )
    }

    fn order_of(&self, line: u64, cells: &[Cell<'_>]) -> Result<Order, Rejection> {
        let Some(h) = &self.header else {
            return Err(self.reject(line, ID, &Cell::Empty, "no header".into()));
        };
        let used = |f: usize| cell(cells, h.index[f]);
        if let Some(rejection) = h.extra_cells(&self.file, line, cells) {
            return Err(rejection);
        }
        for f in 0..KEYS.len() {
            if let Cell::NotUtf8(_) = used(f) {
                return Err(self.reject(
                    line,
                    f,
                    used(f),
                    "text is not valid UTF-8: set `encoding` for orders in the job config".into(),
                ));
            }
            if let Some(reason) = used(f).unfit() {
                return Err(self.reject(line, f, used(f), reason));
            }
        }
        let id_cell = used(ID);
        if id_cell.is_blank() {
            return Err(self.reject(line, ID, id_cell, "order id is empty".into()));
        }
        let id = id_cell.text().into_owned();
        let currency = match used(CURRENCY) {
            c if c.is_blank() => self
                .columns
                .default_currency
                .ok_or_else(|| self.reject(line, CURRENCY, c, "currency is empty".into()))?,
            c => currency_of(&c.text()).map_err(|reason| self.reject(line, CURRENCY, c, reason))?,
        };
        let amount_cell = used(AMOUNT);
        let amount = decimal_of(amount_cell, &self.columns.numbers)
            .map_err(|reason| self.reject(line, AMOUNT, amount_cell, reason))?;
        if amount.is_sign_negative() || amount.is_zero() {
            return Err(self.reject(
                line,
                AMOUNT,
                amount_cell,
                "an order amount must be more than zero".into(),
            ));
        }
        let amount = Money::checked(amount, currency)
            .map_err(|e| self.reject(line, AMOUNT, amount_cell, e.to_string()))?;
        let at_cell = used(AT);
        let when = match at_cell {
            Cell::DateTime(dt) => When::Local(*dt),
            Cell::Text(t) => parse_when(t, &self.formats, BuddhistEra::Auto).ok_or_else(|| {
                self.reject(
                    line,
                    AT,
                    at_cell,
                    format!(
                        "not a date in any of the formats {}",
                        self.formats
                            .iter()
                            .map(|f| f.pattern())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ),
                )
            })?,
            Cell::Empty => {
                return Err(self.reject(line, AT, at_cell, "order time is empty".into()));
            }
            _ => return Err(self.reject(line, AT, at_cell, "not a date".into())),
        };
        let ordered_at = resolve(when, None, &self.tz)
            .map_err(|reason| self.reject(line, AT, at_cell, reason))?;
        let slip = used(SLIP);
        Ok(Order {
            source: SourceRef::new(self.file.clone(), line),
            order_id: OrderId(id),
            customer_name: used(NAME).text().into_owned(),
            amount,
            ordered_at,
            slip: (!slip.is_blank()).then(|| slip.text().into_owned()),
        })
    }
}

impl RowSink for OrderSink<'_> {
    fn unbalanced_quote(
        &mut self,
        line: u64,
        cells: &[Cell<'_>],
        field: usize,
        reason: &str,
    ) -> Result<(), IngestError> {
        match &self.header {
            // Before the header: a title row, read as the line says.
            None => self.row(line, cells),
            Some(h) => {
                let rejection = h.unbalanced_quote(&self.file, line, cells, field, reason);
                self.out.rejected.push(rejection);
                Ok(())
            }
        }
    }

    fn row(&mut self, line: u64, cells: &[Cell<'_>]) -> Result<(), IngestError> {
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        if self.header.is_none() {
            let attempt = try_header(cells, &self.wanted);
            if attempt.missing.is_empty() {
                self.header = Some(attempt.header);
                return Ok(());
            }
            if self.best.as_ref().is_none_or(|b| attempt.matched > b.3) {
                self.best = Some((line, attempt.missing, attempt.found, attempt.matched));
            }
            self.rows_before_header += 1;
            if self.rows_before_header >= self.columns.header_search_rows.max(1) {
                let (line, missing, found, _) = self.best.take().unwrap_or_default();
                return Err(IngestError::WrongHeader {
                    path: self.path.to_path_buf(),
                    line: Some(line),
                    missing,
                    found,
                    hint: None,
                });
            }
            return Ok(());
        }
        // The duplicate check comes last so that the id is hashed once per
        // row (a million-row export spends real time hashing).
        let order = match self.order_of(line, cells) {
            Ok(order) => order,
            Err(r) => {
                self.out.rejected.push(r);
                return Ok(());
            }
        };
        let first = match self.seen.entry(order.order_id.0.clone()) {
            Entry::Vacant(v) => {
                v.insert(line);
                self.out.rows.push(order);
                return Ok(());
            }
            Entry::Occupied(o) => *o.get(),
        };
        let id_index = self.header.as_ref().and_then(|h| h.index[ID]);
        let rejection = self.reject(
            line,
            ID,
            cell(cells, id_index),
            format!("duplicate order id: already on line {first}"),
        );
        self.out.rejected.push(rejection);
        Ok(())
    }
}

/// A multiply-rotate hash (the one rustc uses) for order ids. The ids come
/// from the shop's own export, so hash flooding is no concern, and SipHash
/// was a fifth of the time of reading a million-row export.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
