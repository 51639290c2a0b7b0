//! Statement rows → [`StatementLine`]s, by a [`Profile`].

use std::path::Path;

use recon_core::{AccountMask, Currency, Money, Party, Rejection, SourceRef, StatementLine};
use rust_decimal::Decimal;

use crate::amounts::{NumberStyle, decimal_from_f64, parse_decimal};
use crate::dates::{When, has_digit, parse_time, parse_when, resolve};
use crate::header::{Header, Wanted, norm, starts_with_label, try_header};
use crate::profile::{CompiledProfile, FIELD_KEYS, Profile};
use crate::source::{Cell, RowSink};
use crate::{IngestError, Ingested, ReadOptions, Skipped};

// Indexes into FIELD_KEYS / the wanted list.
const DATE: usize = 0;
const TIME: usize = 1;
const AMOUNT: usize = 2;
const DEBIT: usize = 3;
const CREDIT: usize = 4;
const CURRENCY: usize = 5;
const ACCOUNT: usize = 6;
const CP_NAME: usize = 7;
const CP_ACCOUNT: usize = 8;
const CP_BANK: usize = 9;
const REFERENCE: usize = 10;
const DESCRIPTION: usize = 11;

pub(crate) struct StatementSink<'a> {
    path: &'a Path,
    file: String,
    profile: &'a Profile,
    compiled: &'a CompiledProfile,
    opts: &'a ReadOptions,
    wanted: Vec<Wanted>,
    summary_labels: Vec<String>,
    account_labels: Vec<String>,
    header: Option<Header>,
    /// The row that came closest to being the header, for the error.
    best: Option<(u64, Vec<String>, Vec<String>, usize)>,
    rows_before_header: u64,
    saw_bad_utf8: bool,
    preamble_account: Option<String>,
    currency_fallback: Option<Currency>,
    /// Rows without a date seen since the last data row: a footer if no
    /// data row follows, else rejections.
    pending: Vec<(Rejection, Skipped)>,
    out: Ingested<StatementLine>,
}

impl<'a> StatementSink<'a> {
    /// Room for `rows` rows up front: a big file's rows would otherwise
    /// be copied again each time the list doubles.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.out.rows.reserve(rows);
    }

    pub(crate) fn new(
        path: &'a Path,
        profile: &'a Profile,
        compiled: &'a CompiledProfile,
        opts: &'a ReadOptions,
    ) -> StatementSink<'a> {
        let wanted = FIELD_KEYS
            .iter()
            .map(|key| {
                let names = profile.columns.get(key);
                let required = !names.is_empty() && !profile.optional.iter().any(|o| o == key);
                Wanted::new(names, required)
            })
            .collect();
        StatementSink {
            path,
            file: crate::error::file_name(path),
            profile,
            compiled,
            opts,
            wanted,
            summary_labels: profile.summary_labels.0.clone(),
            account_labels: profile.account_label.0.iter().map(|l| norm(l)).collect(),
            header: None,
            best: None,
            rows_before_header: 0,
            saw_bad_utf8: false,
            preamble_account: None,
            currency_fallback: opts.currency.or(profile.currency),
            pending: Vec::new(),
            out: Ingested::default(),
        }
    }

    pub(crate) fn finish(mut self, rows_read: u64) -> Result<Ingested<StatementLine>, IngestError> {
        if self.header.is_none() {
            if rows_read == 0 || self.best.is_none() {
                return Err(IngestError::Empty {
                    path: self.path.to_path_buf(),
                });
            }
            return Err(self.wrong_header());
        }
        for (_, skipped) in self.pending.drain(..) {
            self.out.skipped.push(skipped);
        }
        Ok(self.out)
    }

    fn wrong_header(&self) -> IngestError {
        let (line, missing, found) = match &self.best {
            Some((line, missing, found, _)) => (Some(*line), missing.clone(), found.clone()),
            None => (None, Vec::new(), Vec::new()),
        };
        let hint = self.saw_bad_utf8.then(|| {
            format!(
                "the text is not valid {}; is the file in another encoding? set `encoding` in profile {}",
                self.profile.encoding, self.profile.name
            )
        });
        let missing = if missing.is_empty() {
            self.wanted
                .iter()
                .filter(|w| w.required)
                .map(|w| w.label.clone())
                .collect()
        } else {
            missing
        };
        IngestError::WrongHeader {
            path: self.path.to_path_buf(),
            line,
            missing,
            found,
            hint,
        }
    }

    fn before_header(&mut self, line: u64, cells: &[Cell<'_>]) -> Result<(), IngestError> {
        if cells.iter().any(|c| matches!(c, Cell::NotUtf8(_))) {
            self.saw_bad_utf8 = true;
        }
        if let Some(at) = self.profile.header_row
            && line < at
        {
            self.preamble(cells);
            return Ok(());
        }
        let attempt = try_header(cells, &self.wanted);
        if attempt.missing.is_empty() {
            let h = attempt.header;
            if h.index[CURRENCY].is_none() && self.currency_fallback.is_none() {
                return Err(IngestError::NoCurrency {
                    path: self.path.to_path_buf(),
                });
            }
            self.header = Some(h);
            return Ok(());
        }
        let better = self.best.as_ref().is_none_or(|b| attempt.matched > b.3);
        if better {
            self.best = Some((line, attempt.missing, attempt.found, attempt.matched));
        }
        self.rows_before_header += 1;
        if self.profile.header_row.is_some()
            || self.rows_before_header >= self.profile.header_search_rows
        {
            return Err(self.wrong_header());
        }
        self.preamble(cells);
        Ok(())
    }

    /// Picks our account number out of a preamble row such as
    /// `เลขที่บัญชี,123-4-56789-0` or `Account Number: 001 234 567`.
    fn preamble(&mut self, cells: &[Cell<'_>]) {
        if self.account_labels.is_empty() || self.preamble_account.is_some() {
            return;
        }
        let mut non_blank = cells.iter().filter(|c| !c.is_blank()).map(|c| c.text());
        let Some(first) = non_blank.next() else {
            return;
        };
        let first_norm = norm(&first);
        for label in &self.account_labels {
            if &first_norm == label {
                if let Some(value) = non_blank.next() {
                    self.preamble_account = Some(value.trim().to_string());
                }
                return;
            }
            // `Account Number: 001 234 567` in one cell.
            if let Some((name, value)) = first.split_once(':')
                && &norm(name) == label
                && !value.trim().is_empty()
            {
                self.preamble_account = Some(value.trim().to_string());
                return;
            }
        }
    }

    fn data_row(&mut self, line: u64, cells: &[Cell<'_>]) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        let first = cells
            .iter()
            .find(|c| !c.is_blank())
            .map(Cell::text)
            .unwrap_or_default();
        if self
            .summary_labels
            .iter()
            .any(|l| starts_with_label(&first, l))
        {
            self.out.skipped.push(Skipped {
                file: self.file.clone(),
                line,
                reason: format!("summary row \"{}\"", first.trim()),
            });
            return;
        }
        let Some(header) = &self.header else { return };
        let date_cell = cell(cells, header.index[DATE]);
        // Exports that break pages repeat the header; it is not data.
        if let Cell::Text(t) = date_cell
            && norm(t) == norm(&header.titles[DATE])
        {
            self.out.skipped.push(Skipped {
                file: self.file.clone(),
                line,
                reason: "repeated header row".into(),
            });
            return;
        }
        // A footer candidate: no amount and no readable date. Whether it is
        // a footer (skipped) or a broken row (rejected) is known only when
        // the next data row comes, or the file ends.
        let no_amount = [AMOUNT, DEBIT, CREDIT]
            .iter()
            .all(|&f| cell(cells, header.index[f]).is_blank());
        if no_amount && self.profile.skip_trailing_without_date && !self.has_date(date_cell) {
            let reason = if date_cell.is_blank() {
                "date is empty".into()
            } else {
                self.not_a_date()
            };
            let rejection = self.reject(line, DATE, date_cell, reason);
            let skipped = Skipped {
                file: self.file.clone(),
                line,
                reason: format!(
                    "footer row after the last transaction (no date, no amount): \"{}\"",
                    first.trim()
                ),
            };
            self.pending.push((rejection, skipped));
            return;
        }
        // A data row: the dateless rows before it were not a footer.
        for (rejection, _) in self.pending.drain(..) {
            self.out.rejected.push(rejection);
        }
        match self.line_of(line, cells) {
            Ok(l) => self.out.rows.push(l),
            Err(r) => self.out.rejected.push(r),
        }
    }

    fn has_date(&self, c: &Cell<'_>) -> bool {
        match c {
            Cell::DateTime(_) => true,
            Cell::Text(t) => {
                has_digit(t)
                    && parse_when(t, &self.compiled.date_formats, self.profile.buddhist_era)
                        .is_some()
            }
            _ => false,
        }
    }

    fn not_a_date(&self) -> String {
        format!(
            "not a date in any of the formats {}",
            self.compiled
                .date_formats
                .iter()
                .map(|f| f.pattern())
                .collect::<Vec<_>>()
                .join(" | ")
        )
    }

    fn reject(&self, line: u64, field: usize, value: &Cell<'_>, reason: String) -> Rejection {
        Header::reject(
            self.header.as_ref(),
            &FIELD_KEYS,
            &self.file,
            line,
            field,
            value,
            reason,
        )
    }

    fn line_of(&self, line: u64, cells: &[Cell<'_>]) -> Result<StatementLine, Rejection> {
        let Some(h) = &self.header else {
            return Err(self.reject(line, DATE, &Cell::Empty, "no header".into()));
        };
        let used = |f: usize| cell(cells, h.index[f]);
        if let Some(rejection) = h.extra_cells(&self.file, line, cells) {
            return Err(rejection);
        }
        for f in 0..FIELD_KEYS.len() {
            if let Cell::NotUtf8(_) = used(f) {
                return Err(self.reject(line, f, used(f), format!(
                    "text is not valid UTF-8: the file may be Windows-874; set `encoding` in profile {}",
                    self.profile.name
                )));
            }
            if let Some(reason) = used(f).unfit() {
                return Err(self.reject(line, f, used(f), reason));
            }
        }
        // When.
        let date_cell = used(DATE);
        let when = match date_cell {
            Cell::DateTime(dt) => When::Local(*dt),
            Cell::Text(t) => parse_when(t, &self.compiled.date_formats, self.profile.buddhist_era)
                .ok_or_else(|| self.reject(line, DATE, date_cell, self.not_a_date()))?,
            Cell::Empty => return Err(self.reject(line, DATE, date_cell, "date is empty".into())),
            Cell::Int(_) | Cell::Float(_) => {
                return Err(self.reject(
                    line,
                    DATE,
                    date_cell,
                    "a number, not a date (format the cell as a date or as text)".into(),
                ));
            }
            _ => return Err(self.reject(line, DATE, date_cell, self.not_a_date())),
        };
        let time = match h.index[TIME] {
            None => None,
            Some(_) => {
                let c = used(TIME);
                match c {
                    Cell::Empty => None,
                    Cell::Time(t) => Some(*t),
                    Cell::DateTime(dt) => Some(dt.time()),
                    Cell::Text(t) if t.trim().is_empty() => None,
                    Cell::Text(t) => {
                        Some(parse_time(t, &self.profile.time_formats).ok_or_else(|| {
                            self.reject(
                                line,
                                TIME,
                                c,
                                format!(
                                    "not a time in any of the formats {}",
                                    self.profile.time_formats.join(" | ")
                                ),
                            )
                        })?)
                    }
                    _ => return Err(self.reject(line, TIME, c, "not a time".into())),
                }
            }
        };
        let booked_at = resolve(when, time, &self.opts.tz)
            .map_err(|reason| self.reject(line, DATE, date_cell, reason))?;
        // Currency.
        let currency = match used(CURRENCY) {
            c if c.is_blank() => self
                .currency_fallback
                .ok_or_else(|| self.reject(line, CURRENCY, c, "currency is empty".into()))?,
            c => currency_of(&c.text()).map_err(|reason| self.reject(line, CURRENCY, c, reason))?,
        };
        // Amount.
        let amount = if h.index[AMOUNT].is_some() || self.profile.columns.debit.is_empty() {
            let c = used(AMOUNT);
            decimal_of(c, &self.profile.numbers)
                .map_err(|reason| self.reject(line, AMOUNT, c, reason))?
        } else {
            let debit = self.side(line, cells, h, DEBIT)?;
            let credit = self.side(line, cells, h, CREDIT)?;
            match (debit, credit) {
                (Some(d), None) => -d.abs(),
                (None, Some(c)) => c.abs(),
                (None, None) => {
                    return Err(self.reject(
                        line,
                        CREDIT,
                        used(CREDIT),
                        format!(
                            "no amount: both {} and {} are empty",
                            h.titles[DEBIT], h.titles[CREDIT]
                        ),
                    ));
                }
                (Some(_), Some(_)) => {
                    return Err(self.reject(
                        line,
                        CREDIT,
                        used(CREDIT),
                        format!(
                            "both {} ({}) and {} have an amount; a line is one or the other",
                            h.titles[DEBIT],
                            used(DEBIT).text(),
                            h.titles[CREDIT]
                        ),
                    ));
                }
            }
        };
        let amount_field = if h.index[AMOUNT].is_some() {
            AMOUNT
        } else if amount.is_sign_negative() {
            DEBIT
        } else {
            CREDIT
        };
        let amount = Money::checked(amount, currency)
            .map_err(|e| self.reject(line, amount_field, used(amount_field), e.to_string()))?;
        let text = |f: usize| -> Option<String> {
            let c = used(f);
            (!c.is_blank()).then(|| c.text().into_owned())
        };
        let account = text(ACCOUNT)
            .or_else(|| self.opts.account.clone())
            .or_else(|| self.preamble_account.clone())
            .unwrap_or_default();
        Ok(StatementLine {
            source: SourceRef::new(self.file.clone(), line),
            account,
            booked_at,
            amount,
            counterparty: Party {
                name: text(CP_NAME),
                alt_name: None,
                bank: text(CP_BANK),
                account: text(CP_ACCOUNT).map(AccountMask::new),
                proxy: None,
            },
            reference: text(REFERENCE),
            description: text(DESCRIPTION),
        })
    }

    /// One of the withdrawal / deposit columns: `None` when empty or zero.
    fn side(
        &self,
        line: u64,
        cells: &[Cell<'_>],
        h: &Header,
        field: usize,
    ) -> Result<Option<Decimal>, Rejection> {
        let c = cell(cells, h.index[field]);
        if c.is_blank() {
            return Ok(None);
        }
        let d = decimal_of(c, &self.profile.numbers)
            .map_err(|reason| self.reject(line, field, c, reason))?;
        Ok((!d.is_zero()).then_some(d))
    }
}

impl RowSink for StatementSink<'_> {
    fn unbalanced_quote(
        &mut self,
        line: u64,
        cells: &[Cell<'_>],
        field: usize,
        reason: &str,
    ) -> Result<(), IngestError> {
        let Some(h) = &self.header else {
            // Preamble: read as the line says (a title is not data).
            return self.row(line, cells);
        };
        let rejection = h.unbalanced_quote(&self.file, line, cells, field, reason);
        // Like any data row: the dateless rows before it were no footer.
        for (pending, _) in self.pending.drain(..) {
            self.out.rejected.push(pending);
        }
        self.out.rejected.push(rejection);
        Ok(())
    }

    fn row(&mut self, line: u64, cells: &[Cell<'_>]) -> Result<(), IngestError> {
        if self.header.is_none() {
            if cells.iter().all(Cell::is_blank) {
                return Ok(());
            }
            return self.before_header(line, cells);
        }
        self.data_row(line, cells);
        Ok(())
    }
}

static EMPTY: Cell<'static> = Cell::Empty;

pub(crate) fn cell<'c, 'd>(cells: &'c [Cell<'d>], index: Option<usize>) -> &'c Cell<'d> {
    index.and_then(|i| cells.get(i)).unwrap_or(&EMPTY)
}

pub(crate) fn decimal_of(c: &Cell<'_>, style: &NumberStyle) -> Result<Decimal, String> {
    match c {
        Cell::Text(t) => parse_decimal(t, style),
        Cell::Int(i) => Ok(Decimal::from(*i)),
        Cell::Float(f) => decimal_from_f64(*f),
        Cell::Empty => Err("amount is empty".into()),
        _ => Err("not an amount".into()),
    }
}

/// The common codes without allocating; anything else through core's
/// parser, which knows the symbols and words banks print.
pub(crate) fn currency_of(text: &str) -> Result<Currency, String> {
    match text {
        "THB" => Ok(Currency::Thb),
        "USD" => Ok(Currency::Usd),
        "KHR" => Ok(Currency::Khr),
        other => other
            .parse()
            .map_err(|e: recon_core::CoreError| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kbank_like() -> Profile {
        Profile::from_toml_str(
            r#"
date_formats = ["%d/%m/%Y"]
currency = "THB"
summary_labels = ["รวม"]
[columns]
date = "วันที่"
debit = "ถอนเงิน"
credit = "ฝากเงิน"
counterparty_name = "ชื่อ"
"#,
            "test",
        )
        .unwrap()
    }

    /// Feeds rows of text cells to a statement sink, as a file would.
    fn feed(profile: &Profile, rows: &[&[&str]]) -> Ingested<StatementLine> {
        let compiled = profile.compile().unwrap();
        let opts = ReadOptions::new(chrono_tz::Asia::Bangkok);
        let path = Path::new("/in/s.csv");
        let mut sink = StatementSink::new(path, profile, &compiled, &opts);
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<Cell<'_>> = row
                .iter()
                .map(|t| {
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(t)
                    }
                })
                .collect();
            sink.row(i as u64 + 1, &cells).unwrap();
        }
        sink.finish(rows.len() as u64).unwrap()
    }

    const HEADER: &[&str] = &["วันที่", "ถอนเงิน", "ฝากเงิน", "ชื่อ"];

    #[test]
    fn debit_and_credit_columns_give_one_signed_amount() {
        let got = feed(
            &kbank_like(),
            &[
                HEADER,
                &["21/11/2569", "", "1,500.00", "A"],
                &["21/11/2569", "2,000.00", "", "B"],
                &["21/11/2569", "-75.00", "0.00", "C"],
                &["21/11/2569", "0.00", "", "D"],
                &["21/11/2569", "5.00", "6.00", "E"],
                &["21/11/2569", "", "abc", "F"],
            ],
        );
        let amounts: Vec<(u64, String)> = got
            .rows
            .iter()
            .map(|l| (l.source.line, l.amount.plain()))
            .collect();
        assert_eq!(
            amounts,
            vec![
                (2, "1500.00".into()),
                (3, "-2000.00".into()),
                (4, "-75.00".into())
            ]
        );
        let reasons: Vec<(u64, String)> = got
            .rejected
            .iter()
            .map(|r| (r.line.unwrap(), r.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (5, "no amount: both ถอนเงิน and ฝากเงิน are empty".into()),
                (
                    6,
                    "both ถอนเงิน (5.00) and ฝากเงิน have an amount; a line is one or the other"
                        .into()
                ),
                (7, "not an amount".into()),
            ]
        );
        assert_eq!(got.rejected[2].column.as_deref(), Some("ฝากเงิน"));
        assert_eq!(got.rejected[2].file, "s.csv");
    }

    #[test]
    fn summary_repeated_header_and_footer_rows_are_skipped_not_rejected() {
        let got = feed(
            &kbank_like(),
            &[
                &["Bank title"],
                HEADER,
                &["21/11/2569", "", "1.00", "A"],
                &["รวม", "", "1.00", ""],
                HEADER,
                &["21/11/2569", "", "2.00", "B"],
                &["", "", "", ""],
                &["หน้า 1/1"],
                &["End of statement", "", "", ""],
            ],
        );
        assert_eq!(got.rows.len(), 2);
        assert!(got.rejected.is_empty(), "{:?}", got.rejected);
        let skipped: Vec<(u64, &str)> = got
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(skipped[0], (4, "summary row \"รวม\""));
        assert_eq!(skipped[1], (5, "repeated header row"));
        // After the last transaction, rows with neither a date nor an
        // amount are a footer, digits ("page 1/1") or not.
        assert_eq!(
            skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![4, 5, 8, 9]
        );
        assert!(skipped[2].1.contains("หน้า 1/1"), "{skipped:?}");
    }

    #[test]
    fn a_dateless_row_between_transactions_is_rejected() {
        let got = feed(
            &kbank_like(),
            &[
                HEADER,
                &["21/11/2569", "", "1.00", "A"],
                &["", "", "9.00", "no date"],
                &["21/11/2569", "", "2.00", "B"],
            ],
        );
        assert_eq!(got.rows.len(), 2);
        assert_eq!(got.rejected.len(), 1);
        assert_eq!(got.rejected[0].line, Some(3));
        assert_eq!(got.rejected[0].reason, "date is empty");
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn our_account_comes_from_the_preamble_in_one_cell_or_two() {
        let mut profile = kbank_like();
        profile.account_label = crate::Names(vec!["เลขที่บัญชี".into(), "Account Number".into()]);
        let row: &[&str] = &["21/11/2569", "", "1.00", "A"];
        let got = feed(
            &profile,
            &[&["ACCOUNT NUMBER :  001  234 567"], HEADER, row],
        );
        assert_eq!(got.rows[0].account, "001  234 567");
        let got = feed(&profile, &[&["เลขที่บัญชี", "", "123-4-56789-0"], HEADER, row]);
        assert_eq!(got.rows[0].account, "123-4-56789-0");
        let got = feed(&profile, &[&["Account Numbers: 1"], HEADER, row]);
        assert_eq!(got.rows[0].account, "");
    }

    #[test]
    fn footer_rule_can_be_turned_off() {
        let mut profile = kbank_like();
        profile.skip_trailing_without_date = false;
        let got = feed(
            &profile,
            &[
                HEADER,
                &["21/11/2569", "", "1.00", "A"],
                &["", "", "", "Generated"],
            ],
        );
        assert_eq!(got.rejected.len(), 1);
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn a_last_row_with_an_amount_but_a_bad_date_is_data_gone_wrong() {
        let got = feed(
            &kbank_like(),
            &[
                HEADER,
                &["21/11/2569", "", "1.00", "A"],
                &["21/13/2569", "", "5.00", "B"],
                &["", "", "9.00", "C"],
            ],
        );
        let lines: Vec<u64> = got.rejected.iter().map(|r| r.line.unwrap()).collect();
        assert_eq!(lines, vec![3, 4]);
        assert!(got.skipped.is_empty());
    }
}
