//! Reading a spreadsheet as a header and rows of trimmed text cells: CSV streamed,
//! a workbook's sheet loaded whole (see the module above for why).

use super::messages as m;
use super::plan::Reason;
use crate::error::messages::reading;
use crate::error::{Error, Result};
use calamine::{Data, Range, Reader};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One row with something in it.
#[derive(Debug, Clone)]
pub struct Row {
    /// What a person sees: the line of a CSV file, the row number of a sheet.
    pub line: u64,
    /// By column, trimmed; empty for an empty cell.
    pub cells: Vec<String>,
    /// What was wrong with the row as read (not UTF-8, a spreadsheet error in a cell).
    pub problems: Vec<Reason>,
}

/// An open spreadsheet, positioned after its header row.
pub struct Sheet {
    /// The sheet read, for a workbook.
    pub name: Option<String>,
    pub headers: Vec<String>,
    source: Source,
}

enum Source {
    Csv {
        path: PathBuf,
        delimiter: u8,
        // Boxed: a reader carries its parser's state, far bigger than a sheet's handle.
        reader: Box<csv::Reader<BufReader<File>>>,
        record: csv::ByteRecord,
        lines: LineFinder,
    },
    Workbook {
        range: Range<Data>,
        /// The sheet row number of the range's first row, minus one.
        first_row: u64,
        next: usize,
    },
}

fn is_csv(path: &Path) -> Option<bool> {
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Some(true),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some(false),
        _ => None,
    }
}

impl Sheet {
    /// Opens `path` (CSV, or a workbook's sheet `sheet`, the first when `None`) and
    /// reads its header row.
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
        match is_csv(path) {
            Some(true) => open_csv(path),
            Some(false) => open_workbook(path, sheet),
            None => Err(Error::invalid(m::unsupported_file(path.display()))),
        }
    }

    /// How many rows [`Sheet::next_row`] will give, for a progress bar. A CSV file is
    /// read once more for it, streamed.
    pub fn count_rows(&self) -> Result<u64> {
        match &self.source {
            Source::Csv {
                path, delimiter, ..
            } => {
                let mut reader = csv_reader(path, *delimiter)?;
                let mut record = csv::ByteRecord::new();
                let mut rows = 0u64;
                while read_csv(&mut reader, &mut record, path)? {
                    if !is_blank(&record) {
                        rows += 1;
                    }
                }
                Ok(rows.saturating_sub(1))
            }
            Source::Workbook { range, .. } => Ok(range
                .rows()
                .skip(1)
                .filter(|r| !r.iter().all(|c| cell_text(c).is_empty()))
                .count() as u64),
        }
    }

    /// The next row with something in it, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        match &mut self.source {
            Source::Csv {
                path,
                reader,
                record,
                lines,
                ..
            } => loop {
                if !read_csv(reader, record, path)? {
                    return Ok(None);
                }
                if is_blank(record) {
                    continue;
                }
                let start = record.position().map_or(0, |p| p.byte());
                let line = lines
                    .content_line(start)
                    .map_err(|e| Error::io(reading(path.display()), e))?;
                let mut problems = Vec::new();
                let cells = record
                    .iter()
                    .map(|bytes| match std::str::from_utf8(bytes) {
                        Ok(text) => clean(text),
                        Err(_) => {
                            if problems.is_empty() {
                                problems.push(Reason::of_row(m::row_not_utf8()));
                            }
                            clean(&String::from_utf8_lossy(bytes))
                        }
                    })
                    .collect();
                return Ok(Some(Row {
                    line,
                    cells,
                    problems,
                }));
            },
            Source::Workbook {
                range,
                first_row,
                next,
            } => loop {
                let Some(row) = range.rows().nth(*next) else {
                    return Ok(None);
                };
                let line = *first_row + *next as u64 + 1;
                *next += 1;
                let cells: Vec<String> = row.iter().map(cell_text).collect();
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                let mut problems = Vec::new();
                for (i, cell) in row.iter().enumerate() {
                    if let Data::Error(e) = cell {
                        problems.push(Reason::at(
                            i,
                            self.headers.get(i).map(String::as_str),
                            None,
                            m::cell_error(e),
                        ));
                    }
                }
                return Ok(Some(Row {
                    line,
                    cells,
                    problems,
                }));
            },
        }
    }
}

/// The line a CSV record's content starts on. The csv reader's own position of a
/// record counts the blank lines before it (and, with CRLF line ends, the end of the
/// line before) as part of it, so this reads the file alongside, once, and skips them.
struct LineFinder {
    reader: BufReader<File>,
    offset: u64,
    /// Newlines before `offset`.
    newlines: u64,
}

impl LineFinder {
    /// The line (from 1) of the first byte at or after `start` that is not a line end.
    /// Calls must come with `start` never going back.
    fn content_line(&mut self, start: u64) -> std::io::Result<u64> {
        let mut skipping_to_start = true;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = if skipping_to_start && self.offset < start {
                buf.len().min((start - self.offset) as usize)
            } else {
                skipping_to_start = false;
                buf.iter()
                    .take_while(|b| matches!(b, b'\n' | b'\r'))
                    .count()
            };
            self.newlines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
            let whole_buffer = n == buf.len();
            self.reader.consume(n);
            self.offset += n as u64;
            if !skipping_to_start && !whole_buffer {
                break;
            }
        }
        Ok(self.newlines + 1)
    }
}

/// The delimiter the header line uses most: `,` unless `;` or a tab wins.
fn sniff_delimiter(path: &Path) -> Result<u8> {
    let file = File::open(path).map_err(|e| Error::io(reading(path.display()), e))?;
    let mut first = Vec::new();
    BufReader::new(file)
        .read_until(b'\n', &mut first)
        .map_err(|e| Error::io(reading(path.display()), e))?;
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    Ok([b';', b'\t'].into_iter().fold(
        b',',
        |best, d| if count(d) > count(best) { d } else { best },
    ))
}

fn csv_reader(path: &Path, delimiter: u8) -> Result<csv::Reader<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::io(reading(path.display()), e))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows shorter or longer than the header are read as they are; a missing cell
        // is empty, and a cell beyond the header has no column.
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(BufReader::new(file)))
}

/// Reads the next record; false at the end of the file.
fn read_csv(
    reader: &mut csv::Reader<BufReader<File>>,
    record: &mut csv::ByteRecord,
    path: &Path,
) -> Result<bool> {
    reader.read_byte_record(record).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(_) => match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(reading(path.display()), io),
            _ => unreachable!("matched as Io"),
        },
        _ => Error::invalid(m::unreadable_csv(path.display(), e)),
    })
}

fn open_csv(path: &Path) -> Result<Sheet> {
    let delimiter = sniff_delimiter(path)?;
    let mut reader = csv_reader(path, delimiter)?;
    let mut record = csv::ByteRecord::new();
    loop {
        if !read_csv(&mut reader, &mut record, path)? {
            return Err(Error::invalid(m::no_header(path.display())));
        }
        if !is_blank(&record) {
            break;
        }
    }
    let headers = record
        .iter()
        .map(|h| std::str::from_utf8(h).map(clean))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| Error::invalid(m::header_not_utf8(path.display())))?;
    let file = File::open(path).map_err(|e| Error::io(reading(path.display()), e))?;
    Ok(Sheet {
        name: None,
        headers,
        source: Source::Csv {
            path: path.to_path_buf(),
            delimiter,
            reader: Box::new(reader),
            record,
            lines: LineFinder {
                reader: BufReader::new(file),
                offset: 0,
                newlines: 0,
            },
        },
    })
}

fn open_workbook(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
    if let Err(e) = File::open(path) {
        return Err(Error::io(reading(path.display()), e));
    }
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::invalid(m::unreadable_workbook(path.display(), e.to_string()))
    };
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .ok_or_else(|| Error::invalid(m::no_such_sheet(wanted, names.join(", "))))?
            .clone(),
        None => names
            .first()
            .ok_or_else(|| Error::invalid(m::no_header(path.display())))?
            .clone(),
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(row, _)| row as u64);
    // Blank rows above the header are not rows of the list.
    let mut next = 0;
    let headers = loop {
        let Some(row) = range.rows().nth(next) else {
            return Err(Error::invalid(m::no_header(path.display())));
        };
        next += 1;
        let headers: Vec<String> = row.iter().map(cell_text).collect();
        if !headers.iter().all(String::is_empty) {
            break headers;
        }
    };
    Ok(Sheet {
        name: Some(name),
        headers,
        source: Source::Workbook {
            range,
            first_row,
            next,
        },
    })
}

/// Whether a record has nothing but blanks, by the same measure as its cells' text.
fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|c| clean(&String::from_utf8_lossy(c)).is_empty())
}

/// A cell's text, trimmed (a stray byte-order mark too).
fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_string()
}

/// A workbook cell as the text a person would type: whole numbers without a decimal
/// point (a year, a camp number), dates as ISO dates (what a birth date needs).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(when) if dt.is_datetime() => when.date().to_string(),
            _ => dt.to_string(),
        },
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or_default().to_string(),
        Data::DurationIso(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(text: &str) -> (Vec<String>, Vec<(u64, Vec<String>)>) {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("list.csv");
        std::fs::write(&path, text).unwrap();
        let mut sheet = Sheet::open(&path, None).unwrap();
        let mut rows = Vec::new();
        while let Some(row) = sheet.next_row().unwrap() {
            rows.push((row.line, row.cells));
        }
        assert_eq!(sheet.count_rows().unwrap(), rows.len() as u64);
        (sheet.headers, rows)
    }

    fn cells(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_rows_line_is_the_one_an_editor_shows_whatever_the_line_ends_and_blank_lines() {
        let (headers, rows) =
            rows_of("\u{feff}name;sex\n\nAziz;male\n\"Two\nlines\";\n ; \n\nLast;x");
        assert_eq!(headers, cells(&["name", "sex"]));
        assert_eq!(
            rows,
            vec![
                (3, cells(&["Aziz", "male"])),
                (4, cells(&["Two\nlines", ""])),
                (8, cells(&["Last", "x"])),
            ]
        );
        let (_, rows) = rows_of("\r\n\r\nname,sex\r\nAziz,male\r\n\r\nDilnoza,female\r\n");
        assert_eq!(
            rows,
            vec![
                (4, cells(&["Aziz", "male"])),
                (6, cells(&["Dilnoza", "female"]))
            ]
        );
        let (headers, rows) = rows_of("name\tnotes\nAziz\tsaid: a, b\n");
        assert_eq!(headers, cells(&["name", "notes"]));
        assert_eq!(rows, vec![(2, cells(&["Aziz", "said: a, b"]))]);
    }

    #[test]
    fn a_row_that_is_not_utf8_is_read_with_a_problem_and_the_rest_go_on() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("list.csv");
        std::fs::write(&path, b"name\n\xc0\xe7\xe8\xe7\nAziz\n").unwrap();
        let mut sheet = Sheet::open(&path, None).unwrap();
        let bad = sheet.next_row().unwrap().unwrap();
        assert_eq!(bad.problems[0].message.reason, "row_not_utf8");
        assert_eq!(sheet.next_row().unwrap().unwrap().cells, cells(&["Aziz"]));
        let unknown = tmp.path().join("list.pdf");
        std::fs::write(&unknown, b"%PDF").unwrap();
        assert_eq!(
            Sheet::open(&unknown, None).err().unwrap().message().reason,
            "unsupported_file"
        );
        let empty = tmp.path().join("empty.csv");
        std::fs::write(&empty, b"\n\n").unwrap();
        assert_eq!(
            Sheet::open(&empty, None).err().unwrap().message().reason,
            "no_header"
        );
    }
}
