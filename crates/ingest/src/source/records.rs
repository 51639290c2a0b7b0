//! CSV records and the physical lines they come from.
//!
//! A record is one physical line (ended by `\n`; a `\r` before it is cut
//! from the last field), unless a quoted field holds a line break: then the
//! record runs on until the quote closes. Quoting follows RFC 4180 as the
//! csv crate reads it (the property tests check this): a quote opens a
//! field only at the field's start, `""` inside quotes is one quote, and a
//! quote elsewhere is text. Unlike the csv crate, text after a closing
//! quote (`"ab"cd`) is not glued on: it is an unbalanced quote.
//!
//! # When a quote is unbalanced
//!
//! A quote that never closes swallows every line after it into one cell,
//! and those rows would vanish. So a record is only accepted when it is
//! *cleanly quoted*:
//!
//! 1. the file does not end inside quotes;
//! 2. every quoted field closes directly before the delimiter, the line
//!    end (`\n` or `\r\n`) or the end of the file, not in the middle of a
//!    field (a runaway quote is usually ended by the opening quote of a
//!    later, well-quoted field: `…,"Smith, J",…`);
//! 3. it spans at most [`MAX_RECORD_LINES`] physical lines.
//!
//! A legitimate multi-line field (`"two\nlines"`) passes all three. A
//! record that fails is *unbalanced*: its first line is rejected with a
//! reason that names the quote, and reading starts again at the next
//! physical line, so that every line the quote swallowed is read as a row
//! of its own (or as the start of a legitimate multi-line record). No line
//! is lost, and line numbers stay those of the file.
//!
//! Why rule 3: a legitimate multi-line field is an address or a note of a
//! few lines (and a field holds at most 1,024 characters), while re-reading
//! the lines after an unbalanced quote must cost a bounded amount per line,
//! or a hostile file of unbalanced quotes would take quadratic time.

use std::io::{self, BufRead};

/// How many physical lines one record may span; see the module doc.
pub(crate) const MAX_RECORD_LINES: u64 = 16;

/// What the reader found next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// A record whose first physical line is `line`; its fields are in
    /// [`Records::fields`].
    Record { line: u64 },
    /// Physical line `line` opens a quote that is unbalanced (see the
    /// module doc). [`Records::fields`] holds the line read on its own (an
    /// open quote running to the line's end); `field` is the index of the
    /// field whose quote is unbalanced.
    Unbalanced {
        line: u64,
        field: usize,
        reason: String,
    },
}

/// Reads records one at a time from a buffered reader, reusing its
/// buffers: a million-row file never sits in memory.
pub(crate) struct Records<R> {
    input: R,
    delimiter: u8,
    /// The number the next physical line read will have.
    next_line: u64,
    /// Lines given back after an unbalanced quote, read again before
    /// `input`; `replay[replay_at..]` is what is left of them.
    replay: Vec<u8>,
    replay_at: usize,
    /// The raw bytes of the record being read: all its physical lines.
    raw: Vec<u8>,
    /// The record's unquoted field bytes, one after the other.
    fields: Vec<u8>,
    /// Where each field ends in `fields`.
    ends: Vec<usize>,
    /// Physical lines read, replays included: the cost bound is tested.
    #[cfg(test)]
    reads: u64,
}

impl<R: BufRead> Records<R> {
    pub(crate) fn new(input: R, delimiter: u8) -> Records<R> {
        Records {
            input,
            delimiter,
            next_line: 1,
            replay: Vec::new(),
            replay_at: 0,
            raw: Vec::new(),
            fields: Vec::new(),
            ends: Vec::new(),
            #[cfg(test)]
            reads: 0,
        }
    }

    /// The physical line the reader is at, for an I/O error.
    pub(crate) fn line(&self) -> u64 {
        self.next_line
    }

    /// The fields of the last record found.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = &self.fields[start..end];
            start = end;
            field
        })
    }

    /// The next record, skipping blank lines; `None` at the end.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<Found>> {
        loop {
            self.raw.clear();
            self.fields.clear();
            self.ends.clear();
            let first = self.next_line;
            let first_len = self.read_line()?;
            if first_len == 0 {
                return Ok(None);
            }
            if matches!(&self.raw[..], b"\n" | b"\r\n" | b"\r") {
                continue;
            }
            let mut parse = Parse::new(self.delimiter);
            let mut start = 0;
            let mut last = first;
            loop {
                let line = &self.raw[start..];
                if parse.line(line, last, &mut self.fields, &mut self.ends) {
                    return Ok(Some(match parse.glued {
                        Some((at, _)) => {
                            self.unbalanced(first, first_len, Why::ClosesInsideAField(at))
                        }
                        None => Found::Record { line: first },
                    }));
                }
                // Inside quotes at the end of a physical line.
                if self.raw.last() != Some(&b'\n') {
                    return Ok(Some(self.unbalanced(first, first_len, Why::EndOfFile)));
                }
                if last - first + 1 >= MAX_RECORD_LINES {
                    return Ok(Some(self.unbalanced(first, first_len, Why::TooManyLines)));
                }
                start = self.raw.len();
                if self.read_line()? == 0 {
                    return Ok(Some(self.unbalanced(first, first_len, Why::EndOfFile)));
                }
                last += 1;
            }
        }
    }

    /// Appends the next physical line (with its `\n`, if it has one) to
    /// `raw`; returns its length, 0 at the end of the input.
    fn read_line(&mut self) -> io::Result<usize> {
        let n = if self.replay_at < self.replay.len() {
            let rest = &self.replay[self.replay_at..];
            let n = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |i| i + 1);
            self.raw.extend_from_slice(&rest[..n]);
            self.replay_at += n;
            if self.replay_at == self.replay.len() {
                self.replay.clear();
                self.replay_at = 0;
            }
            n
        } else {
            self.input.read_until(b'\n', &mut self.raw)?
        };
        if n > 0 {
            self.next_line += 1;
            #[cfg(test)]
            {
                self.reads += 1;
            }
        }
        Ok(n)
    }

    /// Rejects the record's first line and gives the lines after it back
    /// to be read again.
    fn unbalanced(&mut self, line: u64, first_len: usize, why: Why) -> Found {
        let spanned = self.next_line - line;
        let rest = &self.raw[first_len..];
        if !rest.is_empty() {
            let mut replay = Vec::with_capacity(rest.len() + self.replay.len() - self.replay_at);
            replay.extend_from_slice(rest);
            replay.extend_from_slice(&self.replay[self.replay_at..]);
            self.replay = replay;
            self.replay_at = 0;
        }
        self.next_line = line + 1;
        // The first line on its own: its open quote runs to the line end.
        self.fields.clear();
        self.ends.clear();
        let own = &self.raw[..first_len];
        let own = own.strip_suffix(b"\n").unwrap_or(own);
        let mut parse = Parse::new(self.delimiter);
        if !parse.line(own, line, &mut self.fields, &mut self.ends) {
            parse.end_record(&mut self.fields, &mut self.ends);
        }
        let field = match (&why, parse.glued) {
            (Why::ClosesInsideAField(at), Some((_, field))) if *at == line => field,
            _ => parse.open_field,
        };
        let mut reason = match why {
            Why::ClosesInsideAField(at) if at == line => {
                "unbalanced quote: the quote that opens this field closes in the middle of it (a quote inside a quoted field is written as two quotes)"
                    .to_string()
            }
            Why::EndOfFile => {
                "unbalanced quote: the quote that opens this field is never closed (the file ends inside it)"
                    .to_string()
            }
            Why::ClosesInsideAField(at) => format!(
                "unbalanced quote: the quote that opens this field runs on to line {at} and closes there in the middle of a field"
            ),
            Why::TooManyLines => format!(
                "unbalanced quote: the quote that opens this field is still open after {MAX_RECORD_LINES} lines (a row may span at most {MAX_RECORD_LINES} lines)"
            ),
        };
        if spanned > 1 {
            reason.push_str("; the lines after this one are read as rows of their own");
        }
        Found::Unbalanced {
            line,
            field,
            reason,
        }
    }
}

enum Why {
    EndOfFile,
    /// The physical line where a quote closed in the middle of a field.
    ClosesInsideAField(u64),
    TooManyLines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted field: a second quote, the end
    /// of the field, or text glued after the closing quote.
    QuoteInQuoted,
}

/// The quoting state of one record, carried across its physical lines.
struct Parse {
    delimiter: u8,
    state: State,
    /// The field the last quote opened.
    open_field: usize,
    /// The first physical line and field where a quote closed inside a
    /// field.
    glued: Option<(u64, usize)>,
}

impl Parse {
    fn new(delimiter: u8) -> Parse {
        Parse {
            delimiter,
            state: State::FieldStart,
            open_field: 0,
            glued: None,
        }
    }

    /// Reads one physical line (`bytes`, with its `\n` if it has one) of
    /// the record. True when the record ends with it; false when the line
    /// ends inside quotes (the `\n` is then part of the field). `line` is
    /// the line's number.
    fn line(
        &mut self,
        bytes: &[u8],
        line: u64,
        fields: &mut Vec<u8>,
        ends: &mut Vec<usize>,
    ) -> bool {
        let d = self.delimiter;
        // Most lines have no quote at all: split them without the state
        // machine.
        if self.state == State::FieldStart && ends.is_empty() && !bytes.contains(&b'"') {
            let content = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            for part in content.split(|&b| b == d) {
                fields.extend_from_slice(part);
                ends.push(fields.len());
            }
            strip_cr(fields, ends);
            return true;
        }
        for (i, &b) in bytes.iter().enumerate() {
            match self.state {
                State::FieldStart | State::Unquoted => {
                    if b == b'\n' {
                        self.end_record(fields, ends);
                        return true;
                    } else if b == d {
                        ends.push(fields.len());
                        self.state = State::FieldStart;
                    } else if b == b'"' && self.state == State::FieldStart {
                        self.state = State::Quoted;
                        self.open_field = ends.len();
                    } else {
                        fields.push(b);
                        self.state = State::Unquoted;
                    }
                }
                State::Quoted => {
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        fields.push(b);
                    }
                }
                State::QuoteInQuoted => {
                    if b == b'"' {
                        fields.push(b'"');
                        self.state = State::Quoted;
                    } else if b == b'\n' {
                        self.end_record(fields, ends);
                        return true;
                    } else if b == d {
                        ends.push(fields.len());
                        self.state = State::FieldStart;
                    } else {
                        // `"x"\r\n` closes cleanly; anything else after a
                        // closing quote is glued to the field.
                        let line_end = b == b'\r' && matches!(bytes.get(i + 1), None | Some(b'\n'));
                        if !line_end {
                            self.glued.get_or_insert((line, ends.len()));
                        }
                        fields.push(b);
                        self.state = State::Unquoted;
                    }
                }
            }
        }
        // The end of the input without a final `\n`.
        if self.state == State::Quoted {
            return false;
        }
        self.end_record(fields, ends);
        true
    }

    /// Ends the last field (a `\r` at its end belongs to the line end).
    fn end_record(&mut self, fields: &mut Vec<u8>, ends: &mut Vec<usize>) {
        ends.push(fields.len());
        strip_cr(fields, ends);
        self.state = State::FieldStart;
    }
}

/// Cuts one `\r` from the end of the last field.
fn strip_cr(fields: &mut Vec<u8>, ends: &mut [usize]) {
    let start = match ends.len() {
        0 | 1 => 0,
        n => ends[n - 2],
    };
    if fields.len() > start
        && fields.last() == Some(&b'\r')
        && let Some(end) = ends.last_mut()
    {
        fields.pop();
        *end -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader makes of `text`: rows as `(line, fields)` and
    /// unbalanced lines as `(line, "!field", fields, reason)` in order.
    #[derive(Debug, PartialEq, Eq)]
    enum Got {
        Row(u64, Vec<String>),
        Unbalanced(u64, usize, Vec<String>, String),
    }

    fn read(text: &str) -> Vec<Got> {
        read_with(text).0
    }

    fn read_with(text: &str) -> (Vec<Got>, u64) {
        let mut r = Records::new(text.as_bytes(), b',');
        let mut out = Vec::new();
        while let Some(found) = r.next_record().unwrap() {
            let fields = r
                .fields()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push(match found {
                Found::Record { line } => Got::Row(line, fields),
                Found::Unbalanced {
                    line,
                    field,
                    reason,
                } => Got::Unbalanced(line, field, fields, reason),
            });
        }
        (out, r.reads)
    }

    fn row(line: u64, fields: &[&str]) -> Got {
        Got::Row(line, fields.iter().map(|f| f.to_string()).collect())
    }

    fn unbalanced_at(got: &[Got]) -> Vec<(u64, usize)> {
        got.iter()
            .filter_map(|g| match g {
                Got::Unbalanced(line, field, _, _) => Some((*line, *field)),
                Got::Row(..) => None,
            })
            .collect()
    }

    #[test]
    fn a_quote_open_to_the_end_of_the_file_costs_its_own_line_only() {
        let text = "h,c,n\n1,USD,a\n2,\"USD,b\n3,USD,c\n\n4,USD,d\n";
        let got = read(text);
        assert_eq!(got[0], row(1, &["h", "c", "n"]));
        assert_eq!(got[1], row(2, &["1", "USD", "a"]));
        let Got::Unbalanced(3, 1, fields, reason) = &got[2] else {
            panic!("{got:?}")
        };
        assert_eq!(fields, &["2", "USD,b"]);
        assert!(reason.starts_with("unbalanced quote"), "{reason}");
        assert!(reason.contains("the file ends inside it"), "{reason}");
        assert!(reason.contains("read as rows of their own"), "{reason}");
        assert_eq!(
            got[3..],
            [row(4, &["3", "USD", "c"]), row(6, &["4", "USD", "d"])]
        );
    }

    #[test]
    fn a_quote_closed_inside_a_later_field_is_unbalanced() {
        // The runaway quote of line 2 is "closed" by the opening quote of
        // line 4's well-quoted name, in the middle of a field.
        let text = "h,c,n\r\n2,\"USD,b\r\n3,USD,c\r\n4,USD,\"Smith, J\"\r\n";
        let got = read(text);
        assert_eq!(unbalanced_at(&got), [(2, 1)]);
        let Got::Unbalanced(_, _, fields, reason) = &got[1] else {
            panic!("{got:?}")
        };
        assert_eq!(fields, &["2", "USD,b"], "the \\r of the line end is cut");
        assert!(reason.contains("runs on to line 4"), "{reason}");
        assert_eq!(
            got[2..],
            [
                row(3, &["3", "USD", "c"]),
                row(4, &["4", "USD", "Smith, J"])
            ]
        );
    }

    #[test]
    fn a_quote_left_open_on_the_last_line_is_that_line() {
        for ending in ["\n", "\r\n", ""] {
            let text = format!("h,n\n1,a\n2,\"Unclosed,10{ending}");
            let got = read(&text);
            assert_eq!(got[1], row(2, &["1", "a"]), "{ending:?}");
            let Got::Unbalanced(3, 1, fields, reason) = &got[2] else {
                panic!("{got:?}")
            };
            assert_eq!(fields, &["2", "Unclosed,10"]);
            assert!(reason.contains("never closed"), "{reason}");
            assert!(!reason.contains("rows of their own"), "{reason}");
            assert_eq!(got.len(), 3);
        }
    }

    #[test]
    fn legitimate_multi_line_fields_are_still_one_record() {
        let text = "h,d,n\r\n1,\"two\r\nlines\",x\r\n2,\"\"\"quoted\"\"\nand \"\"more\"\"\",y\n3,\"a\n\nb\"\n4,z,\"end\nof file\"";
        assert_eq!(
            read(text),
            [
                row(1, &["h", "d", "n"]),
                row(2, &["1", "two\r\nlines", "x"]),
                row(4, &["2", "\"quoted\"\nand \"more\"", "y"]),
                row(6, &["3", "a\n\nb"]),
                row(9, &["4", "z", "end\nof file"]),
            ]
        );
    }

    #[test]
    fn a_legitimate_multi_line_field_after_an_unbalanced_quote_is_kept() {
        // Line 2's quote would end at line 3's opening quote; read again
        // from line 3, lines 3-4 are one clean record.
        let text = "h,d\n1,\"open\n2,\"two\nlines\",x\n5,y\n";
        let got = read(text);
        assert_eq!(unbalanced_at(&got), [(2, 1)]);
        assert_eq!(
            got[2..],
            [row(3, &["2", "two\nlines", "x"]), row(5, &["5", "y"])]
        );
    }

    #[test]
    fn a_multi_line_record_must_be_cleanly_quoted_throughout() {
        // The csv crate reads `"a"b` as `ab`; here it is unbalanced.
        let got = read("x,\"a\"b,c\n2,y\n");
        let Got::Unbalanced(1, 1, fields, reason) = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(fields, &["x", "ab", "c"]);
        assert!(reason.contains("closes in the middle of it"), "{reason}");
        assert!(!reason.contains("rows of their own"), "{reason}");
        assert_eq!(got[1], row(2, &["2", "y"]));
        // A runaway quote glued on its own line: the line is rejected, and
        // the next is read on its own.
        let got = read("1,\"USD,\"KEO\",x\n2,y\n");
        assert_eq!(unbalanced_at(&got), [(1, 1)]);
        assert_eq!(got[1], row(2, &["2", "y"]));
        // A multi-line record with a glued quote on a later line.
        let got = read("\"a\"b,\"c\nd\"\n");
        assert_eq!(unbalanced_at(&got), [(1, 0)]);
        assert_eq!(got[1], row(2, &["d\""]));
    }

    #[test]
    fn a_record_spans_at_most_max_record_lines() {
        let inside = "x\n".repeat(MAX_RECORD_LINES as usize - 2);
        let fits = format!("1,\"a\n{inside}b\"\n2,c\n");
        let got = read(&fits);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], row(MAX_RECORD_LINES + 1, &["2", "c"]));
        let too_long = format!("1,\"a\n{inside}x\nb\"\n2,c\n");
        let got = read(&too_long);
        let Got::Unbalanced(1, 1, _, reason) = &got[0] else {
            panic!("{got:?}")
        };
        assert!(reason.contains("still open after 16 lines"), "{reason}");
        // Every line after it is read on its own (a quote that is not at a
        // field's start is text).
        assert_eq!(got.len() as u64, MAX_RECORD_LINES + 2, "{got:?}");
        assert_eq!(unbalanced_at(&got), [(1, 1)]);
        assert_eq!(got[1], row(2, &["x"]));
        assert_eq!(got[16], row(MAX_RECORD_LINES + 1, &["b\""]));
        assert_eq!(got[17], row(MAX_RECORD_LINES + 2, &["2", "c"]));
    }

    #[test]
    fn unbalanced_quotes_cost_a_bounded_number_of_reads_per_line() {
        // Each line closes the previous line's quote cleanly and opens
        // another, so read from any line the record runs to the end: with
        // no bound on a record's lines this is quadratic.
        let n = 5_000u64;
        let mut text = String::from("\"a\n");
        for _ in 1..n {
            text.push_str("b\",\"c\n");
        }
        text.push_str("d\"e\n");
        let (got, reads) = read_with(&text);
        let lines = n + 1;
        assert!(reads <= lines * (MAX_RECORD_LINES + 1), "{reads} reads");
        // Nothing lost: every line is a row, part of one, or rejected.
        let last = got
            .iter()
            .map(|g| match g {
                Got::Row(line, f) => {
                    line + f
                        .iter()
                        .map(|f| f.matches('\n').count() as u64)
                        .sum::<u64>()
                }
                Got::Unbalanced(line, ..) => *line,
            })
            .max();
        assert_eq!(last, Some(lines));
    }

    #[test]
    fn a_title_row_is_read_on_its_own_too() {
        let got = read("\"Statement of account\n\"h\",n\n1,a\n");
        assert_eq!(unbalanced_at(&got), [(1, 0)]);
        assert_eq!(got[1..], [row(2, &["h", "n"]), row(3, &["1", "a"])]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Records as the csv crate reads them, configured as Recon used it
    /// before this reader: `\n` ends a record, a `\r` before it is cut
    /// from the last field, rows of one empty field are blank.
    fn csv_crate(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(bytes);
        let mut out = Vec::new();
        for record in csv.byte_records() {
            let record = record.unwrap();
            let last = record.len().saturating_sub(1);
            let fields: Vec<Vec<u8>> = record
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if i == last {
                        f.strip_suffix(b"\r").unwrap_or(f).to_vec()
                    } else {
                        f.to_vec()
                    }
                })
                .collect();
            if fields != [Vec::<u8>::new()] {
                out.push(fields);
            }
        }
        out
    }

    fn ours(bytes: &[u8]) -> (Vec<Vec<Vec<u8>>>, usize) {
        let mut r = Records::new(bytes, b',');
        let mut out = Vec::new();
        let mut unbalanced = 0;
        while let Some(found) = r.next_record().unwrap() {
            match found {
                Found::Record { .. } => {
                    let fields: Vec<Vec<u8>> = r.fields().map(<[u8]>::to_vec).collect();
                    if fields != [Vec::<u8>::new()] {
                        out.push(fields);
                    }
                }
                Found::Unbalanced { .. } => unbalanced += 1,
            }
        }
        (out, unbalanced)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Where no quote is unbalanced, the reader reads exactly what the
        /// csv crate reads.
        #[test]
        fn agrees_with_the_csv_crate_where_quotes_balance(
            bytes in prop::collection::vec(prop::sample::select(b"aab  ,,\"\n\r".to_vec()), 0..120),
        ) {
            let (got, unbalanced) = ours(&bytes);
            if unbalanced == 0 {
                prop_assert_eq!(got, csv_crate(&bytes));
            }
        }
    }
}
