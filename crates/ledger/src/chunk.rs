//! A day's rows as compact binary chunks: what `day_chunks` holds (schema 7).
//!
//! A big day has millions of result rows and slip keys. One SQLite row each
//! meant one B-tree entry each, written twice through the WAL; here a day is
//! a few rows per [`ROWS_PER_CHUNK`] items, encoded field by field (varints,
//! length-prefixed text, integer minor units) and compressed with LZ4. Open
//! items keep their JSON form inside the chunk (their records are rich, and
//! the JSON is what earlier schemas stored).
//!
//! Owns the byte layout, its version byte and the stable hash of a slip
//! key; never touches SQLite. A chunk that does not decode is a
//! [`LedgerError::Corrupt`] naming its day, part and number.
//! `examples/record_day_bench.rs` times encoding and decoding with the
//! rest of a day's write.

use recon_core::{
    Break, Currency, Day, ItemKind, Lifecycle, Money, OpenItem, OrderId, OrderOutcome, Reason,
    ReasonCode, SlipOutcome, SourceRef, StatementOutcome, Status,
};
use sha2::{Digest, Sha256};

use crate::LedgerError;
use crate::results::minor_units;

/// Items per chunk: big enough that a day is a few thousand rows, small
/// enough that a look-up in the registry decodes little.
pub(crate) const ROWS_PER_CHUNK: usize = 4096;

/// The first byte of every chunk: the layout below. A chunk with another
/// byte was written by a newer recon (the schema version refuses such a
/// file before that) or is damaged.
const FORMAT: u8 = 1;

/// What a chunk holds, as the `part` column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Part {
    Orders,
    Statement,
    Slips,
    Registry,
    OpenItems,
    Breaks,
}

impl Part {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Part::Orders => "orders",
            Part::Statement => "statement",
            Part::Slips => "slips",
            Part::Registry => "registry",
            Part::OpenItems => "open_items",
            Part::Breaks => "breaks",
        }
    }
}

/// One slip registration: a key of a slip read on a day, the order it paid
/// (none when it paid no order) and the slip's file. `hash` is
/// [`key_hash`] of the key, the order registry chunks are sorted in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Registration {
    pub hash: i64,
    pub kind: &'static str,
    pub value: String,
    pub order_id: Option<String>,
    pub file: String,
}

/// The three key kinds, in the order their byte numbers them.
pub(crate) const KEY_KINDS: [&str; 3] = ["trans_ref", "qr_payload", "image_sha256"];

/// A stable 64-bit hash of a slip key (the first 8 bytes of the SHA-256 of
/// its kind, a NUL and its value): the integer the `slip_keys` index is
/// keyed by. Two keys may share a hash; every hit is checked against the
/// registration's own kind and value.
pub(crate) fn key_hash(kind: &str, value: &str) -> i64 {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}

/// A day as an integer (days since 0001-01-01), as `slip_keys` stores it.
pub(crate) fn day_number(day: Day) -> i64 {
    use chrono::Datelike;
    i64::from(day.date().num_days_from_ce())
}

pub(crate) fn day_from_number(n: i64) -> Option<Day> {
    i32::try_from(n)
        .ok()
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        .map(Day::new)
}

/// Encodes rows into one chunk's bytes.
pub(crate) struct Writer {
    buf: Vec<u8>,
    rows: usize,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        Writer {
            buf: Vec::with_capacity(64 * 1024),
            rows: 0,
        }
    }

    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn text(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn opt_text(&mut self, s: Option<&str>) {
        match s {
            None => self.uint(0),
            Some(s) => {
                self.uint(s.len() as u64 + 1);
                self.buf.extend_from_slice(s.as_bytes());
            }
        }
    }

    fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    fn day(&mut self, d: Day) {
        self.int(day_number(d));
    }

    fn status(&mut self, s: Status) {
        let i = Status::ALL.iter().position(|x| *x == s).unwrap_or(0);
        self.byte(i as u8);
    }

    fn currency(&mut self, c: Currency) {
        let i = Currency::ALL.iter().position(|x| *x == c).unwrap_or(0);
        self.byte(i as u8);
    }

    fn source(&mut self, s: &SourceRef) {
        self.text(&s.file);
        self.uint(s.line);
    }

    fn reasons(&mut self, reasons: &[Reason]) {
        self.uint(reasons.len() as u64);
        for r in reasons {
            // A known code is its number + 1; any other text (a ledger may
            // hold codes this build does not know) is 0 and the text.
            match ReasonCode::ALL.iter().position(|c| c.as_str() == r.code) {
                Some(i) => self.uint(i as u64 + 1),
                None => {
                    self.uint(0);
                    self.text(&r.code);
                }
            }
            self.opt_text(r.detail.as_deref());
        }
    }

    fn order_ids(&mut self, ids: &[OrderId]) {
        self.uint(ids.len() as u64);
        for id in ids {
            self.text(&id.0);
        }
    }

    /// Integer minor units and the currency: what earlier schemas stored,
    /// refusing an amount that cannot be held exactly.
    fn money(
        &mut self,
        day: Day,
        what: impl FnOnce() -> String,
        m: &Money,
    ) -> Result<(), LedgerError> {
        self.int(minor_units(day, what, m)?);
        self.currency(m.currency);
        Ok(())
    }

    fn opt_money(
        &mut self,
        day: Day,
        what: impl FnOnce() -> String,
        m: Option<&Money>,
    ) -> Result<(), LedgerError> {
        match m {
            None => self.byte(0),
            Some(m) => {
                self.byte(1);
                self.money(day, what, m)?;
            }
        }
        Ok(())
    }

    pub(crate) fn order(&mut self, day: Day, o: &OrderOutcome) -> Result<(), LedgerError> {
        self.rows += 1;
        self.text(&o.order_id.0);
        self.source(&o.source);
        self.status(o.status);
        self.text(&o.customer_name);
        self.opt_text(o.slip.as_deref());
        self.uint(o.statement_lines.len() as u64);
        for l in &o.statement_lines {
            self.source(l);
        }
        self.money(
            day,
            || format!("order {} expected", o.order_id),
            &o.expected,
        )?;
        self.opt_money(
            day,
            || format!("order {} paid", o.order_id),
            o.paid.as_ref(),
        )?;
        match o.name_score {
            None => self.byte(0),
            Some(s) => {
                self.byte(1);
                self.buf.extend_from_slice(&s.to_bits().to_le_bytes());
            }
        }
        self.reasons(&o.reasons);
        Ok(())
    }

    pub(crate) fn statement_line(
        &mut self,
        day: Day,
        s: &StatementOutcome,
    ) -> Result<(), LedgerError> {
        self.rows += 1;
        self.source(&s.line);
        self.status(s.status);
        self.order_ids(&s.order_ids);
        self.money(day, || format!("statement line {}", s.line), &s.amount)?;
        self.opt_text(s.counterparty_name.as_deref());
        self.reasons(&s.reasons);
        Ok(())
    }

    pub(crate) fn slip(&mut self, day: Day, s: &SlipOutcome) -> Result<(), LedgerError> {
        self.rows += 1;
        self.text(&s.file);
        self.status(s.status);
        self.order_ids(&s.order_ids);
        match &s.statement_line {
            None => self.byte(0),
            Some(l) => {
                self.byte(1);
                self.source(l);
            }
        }
        self.opt_money(day, || format!("slip {}", s.file), s.amount.as_ref())?;
        self.opt_text(s.trans_ref.as_deref());
        self.reasons(&s.reasons);
        Ok(())
    }

    pub(crate) fn registration(&mut self, r: &Registration) {
        self.rows += 1;
        self.buf.extend_from_slice(&r.hash.to_le_bytes());
        let kind = KEY_KINDS.iter().position(|k| *k == r.kind).unwrap_or(0);
        self.byte(kind as u8);
        self.text(&r.value);
        self.opt_text(r.order_id.as_deref());
        self.text(&r.file);
    }

    pub(crate) fn open_item(&mut self, day: Day, item: &OpenItem) -> Result<(), LedgerError> {
        self.rows += 1;
        let json = serde_json::to_string(item).map_err(|e| LedgerError::BadCarry {
            day,
            detail: format!(
                "open {} {} cannot be written as JSON: {e}",
                item.kind.as_str(),
                item.key
            ),
        })?;
        self.text(&json);
        Ok(())
    }

    pub(crate) fn break_row(&mut self, b: &Break) {
        self.rows += 1;
        self.byte(kind_number(b.kind));
        self.text(&b.key);
        self.day(b.origin_day);
        self.day(b.first_seen);
        self.status(b.status);
        let l = Lifecycle::ALL
            .iter()
            .position(|x| *x == b.lifecycle)
            .unwrap_or(0);
        self.byte(l as u8);
        self.uint(u64::from(b.age_days));
        self.opt_text(b.resolved_by.as_deref());
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The chunk as stored: the format byte, then the rows compressed.
    pub(crate) fn finish(self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(self.buf.len() + 10);
        let mut head = Writer {
            buf: Vec::new(),
            rows: 0,
        };
        head.uint(self.rows as u64);
        payload.extend_from_slice(&head.buf);
        payload.extend_from_slice(&self.buf);
        let mut out = vec![FORMAT];
        out.extend_from_slice(&lz4_flex::block::compress_prepend_size(&payload));
        out
    }
}

pub(crate) fn kind_number(k: ItemKind) -> u8 {
    ItemKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u8
}

/// Decodes the rows of one chunk. Every read is checked: a short or
/// damaged chunk is an error, never a panic.
pub(crate) struct Reader {
    buf: Vec<u8>,
    pos: usize,
    rows: usize,
    /// Names the chunk in errors: `2026-11-21 orders 3`.
    at: String,
}

type Decoded<T> = Result<T, String>;

impl Reader {
    pub(crate) fn open(data: &[u8], at: String) -> Result<Reader, LedgerError> {
        let corrupt = |detail: String| LedgerError::Corrupt {
            table: "day_chunks",
            row: at.clone(),
            detail,
        };
        match data.first() {
            Some(&FORMAT) => {}
            Some(other) => return Err(corrupt(format!("unknown chunk format {other}"))),
            None => return Err(corrupt("empty chunk".into())),
        }
        let buf = lz4_flex::block::decompress_size_prepended(&data[1..])
            .map_err(|e| corrupt(format!("cannot decompress: {e}")))?;
        let mut r = Reader {
            buf,
            pos: 0,
            rows: 0,
            at: String::new(),
        };
        let rows = r.uint().map_err(corrupt)?;
        r.rows = usize::try_from(rows).map_err(|_| corrupt(format!("{rows} rows")))?;
        r.at = at;
        Ok(r)
    }

    /// How many rows the chunk holds.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// A decoding error as the ledger reports it.
    pub(crate) fn corrupt(&self, detail: String) -> LedgerError {
        LedgerError::Corrupt {
            table: "day_chunks",
            row: self.at.clone(),
            detail,
        }
    }

    /// The chunk had exactly its rows and nothing after them.
    pub(crate) fn end(&self) -> Result<(), LedgerError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(self.corrupt(format!(
                "{} bytes after the last row",
                self.buf.len() - self.pos
            )))
        }
    }

    fn byte(&mut self) -> Decoded<u8> {
        let b = *self.buf.get(self.pos).ok_or("chunk ends inside a row")?;
        self.pos += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Decoded<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn int(&mut self) -> Decoded<i64> {
        let u = self.uint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    fn len(&mut self, n: u64) -> Decoded<usize> {
        usize::try_from(n)
            .ok()
            .filter(|n| self.pos + n <= self.buf.len())
            .ok_or_else(|| "text longer than its chunk".to_string())
    }

    fn bytes_text(&mut self, n: usize) -> Decoded<String> {
        let s = std::str::from_utf8(&self.buf[self.pos..self.pos + n])
            .map_err(|_| "text is not UTF-8".to_string())?
            .to_string();
        self.pos += n;
        Ok(s)
    }

    fn text(&mut self) -> Decoded<String> {
        let n = self.uint()?;
        let n = self.len(n)?;
        self.bytes_text(n)
    }

    fn opt_text(&mut self) -> Decoded<Option<String>> {
        match self.uint()? {
            0 => Ok(None),
            n => {
                let n = self.len(n - 1)?;
                self.bytes_text(n).map(Some)
            }
        }
    }

    fn fixed8(&mut self) -> Decoded<[u8; 8]> {
        let b = self
            .buf
            .get(self.pos..self.pos + 8)
            .ok_or("chunk ends inside a row")?;
        self.pos += 8;
        let mut out = [0u8; 8];
        out.copy_from_slice(b);
        Ok(out)
    }

    fn day(&mut self) -> Decoded<Day> {
        let n = self.int()?;
        day_from_number(n).ok_or_else(|| format!("day number {n}"))
    }

    fn status(&mut self) -> Decoded<Status> {
        let i = self.byte()?;
        Status::ALL
            .get(usize::from(i))
            .copied()
            .ok_or_else(|| format!("unknown status {i}"))
    }

    fn currency(&mut self) -> Decoded<Currency> {
        let i = self.byte()?;
        Currency::ALL
            .get(usize::from(i))
            .copied()
            .ok_or_else(|| format!("unknown currency {i}"))
    }

    fn source(&mut self) -> Decoded<SourceRef> {
        let file = self.text()?;
        let line = self.uint()?;
        Ok(SourceRef { file, line })
    }

    fn reasons(&mut self) -> Decoded<Vec<Reason>> {
        let n = self.uint()?;
        let mut out = Vec::with_capacity(n.min(64) as usize);
        for _ in 0..n {
            let code = match self.uint()? {
                0 => self.text()?,
                i => ReasonCode::ALL
                    .get(usize::try_from(i - 1).unwrap_or(usize::MAX))
                    .ok_or_else(|| format!("unknown reason code {i}"))?
                    .as_str()
                    .to_string(),
            };
            let detail = self.opt_text()?;
            out.push(Reason { code, detail });
        }
        Ok(out)
    }

    fn order_ids(&mut self) -> Decoded<Vec<OrderId>> {
        let n = self.uint()?;
        let mut out = Vec::with_capacity(n.min(64) as usize);
        for _ in 0..n {
            out.push(OrderId(self.text()?));
        }
        Ok(out)
    }

    fn money(&mut self) -> Decoded<Money> {
        let minor = self.int()?;
        let currency = self.currency()?;
        Ok(Money::from_minor(minor, currency))
    }

    fn opt_money(&mut self) -> Decoded<Option<Money>> {
        match self.byte()? {
            0 => Ok(None),
            1 => self.money().map(Some),
            b => Err(format!("bad amount flag {b}")),
        }
    }

    fn wrap<T>(&self, r: Decoded<T>) -> Result<T, LedgerError> {
        r.map_err(|detail| self.corrupt(detail))
    }

    pub(crate) fn order(&mut self) -> Result<OrderOutcome, LedgerError> {
        let r = (|| {
            let order_id = OrderId(self.text()?);
            let source = self.source()?;
            let status = self.status()?;
            let customer_name = self.text()?;
            let slip = self.opt_text()?;
            let n = self.uint()?;
            let mut statement_lines = Vec::with_capacity(n.min(64) as usize);
            for _ in 0..n {
                statement_lines.push(self.source()?);
            }
            let expected = self.money()?;
            let paid = self.opt_money()?;
            let name_score = match self.byte()? {
                0 => None,
                1 => Some(f64::from_bits(u64::from_le_bytes(self.fixed8()?))),
                b => return Err(format!("bad score flag {b}")),
            };
            let reasons = self.reasons()?;
            Ok(OrderOutcome {
                order_id,
                source,
                status,
                customer_name,
                slip,
                statement_lines,
                expected,
                paid,
                name_score,
                reasons,
            })
        })();
        self.wrap(r)
    }

    pub(crate) fn statement_line(&mut self) -> Result<StatementOutcome, LedgerError> {
        let r = (|| {
            Ok(StatementOutcome {
                line: self.source()?,
                status: self.status()?,
                order_ids: self.order_ids()?,
                amount: self.money()?,
                counterparty_name: self.opt_text()?,
                reasons: self.reasons()?,
            })
        })();
        self.wrap(r)
    }

    pub(crate) fn slip(&mut self) -> Result<SlipOutcome, LedgerError> {
        let r = (|| {
            let file = self.text()?;
            let status = self.status()?;
            let order_ids = self.order_ids()?;
            let statement_line = match self.byte()? {
                0 => None,
                1 => Some(self.source()?),
                b => return Err(format!("bad line flag {b}")),
            };
            Ok(SlipOutcome {
                file,
                status,
                order_ids,
                statement_line,
                amount: self.opt_money()?,
                trans_ref: self.opt_text()?,
                reasons: self.reasons()?,
            })
        })();
        self.wrap(r)
    }

    pub(crate) fn registration(&mut self) -> Result<Registration, LedgerError> {
        let r = (|| {
            let hash = i64::from_le_bytes(self.fixed8()?);
            let k = self.byte()?;
            let kind = *KEY_KINDS
                .get(usize::from(k))
                .ok_or_else(|| format!("unknown key kind {k}"))?;
            Ok(Registration {
                hash,
                kind,
                value: self.text()?,
                order_id: self.opt_text()?,
                file: self.text()?,
            })
        })();
        self.wrap(r)
    }

    pub(crate) fn open_item(&mut self) -> Result<OpenItem, LedgerError> {
        let json = self.text();
        let json = self.wrap(json)?;
        serde_json::from_str(&json).map_err(|e| self.corrupt(format!("open item: {e}")))
    }

    pub(crate) fn break_row(&mut self) -> Result<Break, LedgerError> {
        let r = (|| {
            let k = self.byte()?;
            let kind = *ItemKind::ALL
                .get(usize::from(k))
                .ok_or_else(|| format!("unknown kind {k}"))?;
            let key = self.text()?;
            let origin_day = self.day()?;
            let first_seen = self.day()?;
            let status = self.status()?;
            let l = self.byte()?;
            let lifecycle = *Lifecycle::ALL
                .get(usize::from(l))
                .ok_or_else(|| format!("unknown lifecycle {l}"))?;
            let age = self.uint()?;
            let age_days = u32::try_from(age).map_err(|_| format!("age {age} days"))?;
            Ok(Break {
                kind,
                key,
                origin_day,
                first_seen,
                status,
                lifecycle,
                age_days,
                resolved_by: self.opt_text()?,
            })
        })();
        self.wrap(r)
    }
}

/// One encoded chunk: its row count and bytes, or why it could not be.
type EncodedChunk = Result<(usize, Vec<u8>), LedgerError>;

/// Encodes `items` into chunks of [`ROWS_PER_CHUNK`] on every core, in
/// order: each chunk's bytes and row count.
pub(crate) fn encode_chunks<T: Sync>(
    items: &[T],
    encode: impl Fn(&mut Writer, &T) -> Result<(), LedgerError> + Sync,
) -> Result<Vec<(usize, Vec<u8>)>, LedgerError> {
    let groups: Vec<&[T]> = items.chunks(ROWS_PER_CHUNK).collect();
    let encode_group = |group: &[T]| -> Result<(usize, Vec<u8>), LedgerError> {
        let mut w = Writer::new();
        for item in group {
            encode(&mut w, item)?;
        }
        Ok((w.rows(), w.finish()))
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(groups.len().max(1));
    if threads <= 1 {
        return groups.into_iter().map(encode_group).collect();
    }
    // Chunk i goes to thread i % threads; the results are put back in order.
    let per_thread: Vec<Vec<EncodedChunk>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let groups = &groups;
                let encode_group = &encode_group;
                s.spawn(move || {
                    groups
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|g| encode_group(g))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut iters: Vec<_> = per_thread.into_iter().map(|v| v.into_iter()).collect();
    let mut out = Vec::with_capacity(groups.len());
    for i in 0..groups.len() {
        match iters[i % threads].next() {
            Some(chunk) => out.push(chunk?),
            None => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Day {
        "2026-11-21".parse().unwrap()
    }

    #[test]
    fn varints_and_texts_read_back() {
        let mut w = Writer::new();
        for v in [0i64, 1, -1, 63, -64, 1 << 40, i64::MIN, i64::MAX] {
            w.int(v);
        }
        w.text("นาย สมชาย");
        w.opt_text(None);
        w.opt_text(Some(""));
        w.rows = 1;
        let bytes = w.finish();
        let mut r = Reader::open(&bytes, "t".into()).unwrap();
        assert_eq!(r.rows(), 1);
        for v in [0i64, 1, -1, 63, -64, 1 << 40, i64::MIN, i64::MAX] {
            assert_eq!(r.int().unwrap(), v);
        }
        assert_eq!(r.text().unwrap(), "นาย สมชาย");
        assert_eq!(r.opt_text().unwrap(), None);
        assert_eq!(r.opt_text().unwrap(), Some(String::new()));
        r.end().unwrap();
    }

    #[test]
    fn a_damaged_chunk_is_an_error_naming_it() {
        let mut w = Writer::new();
        let o = OrderOutcome {
            order_id: OrderId("A-1".into()),
            source: SourceRef::new("orders.csv", 2),
            status: Status::Matched,
            customer_name: "x".into(),
            slip: None,
            statement_lines: vec![],
            expected: Money::from_minor(150000, Currency::Thb),
            paid: None,
            name_score: Some(0.1 + 0.2),
            reasons: vec![Reason {
                code: "not_a_code_we_know".into(),
                detail: Some("d".into()),
            }],
        };
        w.order(day(), &o).unwrap();
        let bytes = w.finish();
        let mut r = Reader::open(&bytes, "2026-11-21 orders 0".into()).unwrap();
        assert_eq!(r.order().unwrap(), o);
        r.end().unwrap();

        let mut wrong = bytes.clone();
        wrong[0] = 9;
        let err = Reader::open(&wrong, "2026-11-21 orders 0".into())
            .err()
            .unwrap();
        assert!(err.to_string().contains("2026-11-21 orders 0"), "{err}");
        let short = &bytes[..bytes.len() - 3];
        assert!(Reader::open(short, "c".into()).is_err());
    }

    #[test]
    fn key_hashes_are_stable_and_tell_kinds_apart() {
        // The hash is stored in ledgers: it must never change.
        assert_eq!(key_hash("trans_ref", "A"), key_hash("trans_ref", "A"));
        assert_ne!(key_hash("trans_ref", "A"), key_hash("qr_payload", "A"));
        assert_eq!(
            key_hash("trans_ref", "016325143052ABC"),
            -2_653_748_901_727_556_204
        );
    }

    #[test]
    fn chunks_come_back_in_order() {
        let items: Vec<u64> = (0..(ROWS_PER_CHUNK as u64 * 5 + 7)).collect();
        let chunks = encode_chunks(&items, |w, v| {
            w.rows += 1;
            w.uint(*v);
            Ok(())
        })
        .unwrap();
        assert_eq!(chunks.len(), 6);
        let mut back = Vec::new();
        for (rows, bytes) in &chunks {
            let mut r = Reader::open(bytes, "c".into()).unwrap();
            assert_eq!(r.rows(), *rows);
            for _ in 0..*rows {
                back.push(r.uint().unwrap());
            }
            r.end().unwrap();
        }
        assert_eq!(back, items);
    }
}
