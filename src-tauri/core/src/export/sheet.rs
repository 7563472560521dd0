//! The files an export writes, one row at a time: CSV (UTF-8, with a byte-order mark so
//! that spreadsheet programs read Cyrillic right), HXL (CSV with a row of hashtags under
//! the header, no byte-order mark, for machines) and XLSX (rust_xlsxwriter in constant
//! memory mode: each row goes to a temporary file beside the export as it is written,
//! so 100 000 rows take no more memory than one).
//!
//! Everything is written into an [`AtomicFile`] that the caller puts in place once the
//! export is recorded: a full disk or a refusal half-way leaves nothing under the name.
//! In CSV, a text cell that a spreadsheet would run as a formula (it begins with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`; in XLSX
//! text is always text.

use super::messages as m;
use super::ExportFormat;
use crate::error::{Error, Result};
use crate::store::AtomicFile;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Write;
use std::path::Path;

/// The most characters an XLSX cell holds.
pub const XLSX_CELL_CHARS: usize = 32_767;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Cell {
        s.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

impl From<Option<u64>> for Cell {
    fn from(n: Option<u64>) -> Cell {
        n.map(|n| Cell::Int(n as i64)).unwrap_or(Cell::Empty)
    }
}

enum Writer {
    Csv(csv::Writer<std::fs::File>),
    Xlsx {
        book: Box<Workbook>,
        bold: Format,
        row: u32,
    },
}

pub(crate) struct Sheet {
    file: AtomicFile,
    writer: Writer,
    rows: u64,
    truncated: u64,
}

/// A sheet written and synced, not yet under its name.
pub(crate) struct Finished {
    pub file: AtomicFile,
    pub rows: u64,
    pub truncated: u64,
    pub bytes: u64,
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::invalid(m::export_xlsx_failed(e))
}

/// Text a spreadsheet would not take as a formula.
fn inert(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

impl Sheet {
    /// Starts a sheet at `path` (written beside it until published) with its header.
    pub fn create(path: &Path, format: ExportFormat, header: &[&str]) -> Result<Sheet> {
        let mut file = AtomicFile::create(path)?;
        let writer = match format {
            ExportFormat::Csv | ExportFormat::Hxl => {
                if format == ExportFormat::Csv {
                    file.file()
                        .write_all("\u{feff}".as_bytes())
                        .map_err(|e| file.failed(e))?;
                }
                let handle = file.file().try_clone().map_err(|e| file.failed(e))?;
                Writer::Csv(csv::Writer::from_writer(handle))
            }
            ExportFormat::Xlsx => {
                let mut book = Box::new(Workbook::new());
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                // Rows wait in unnamed temporary files beside the export, never in a
                // shared temporary folder of this laptop.
                book.set_tempdir(dir).map_err(xlsx_error)?;
                let sheet = book.add_worksheet_with_constant_memory();
                sheet
                    .set_column_range_width(0, header.len().max(1) as u16 - 1, 18.0)
                    .map_err(xlsx_error)?;
                Writer::Xlsx {
                    book,
                    bold: Format::new().set_bold(),
                    row: 0,
                }
            }
        };
        let mut sheet = Sheet {
            file,
            writer,
            rows: 0,
            truncated: 0,
        };
        sheet.write(header.iter().map(|h| Cell::from(*h)).collect(), true)?;
        Ok(sheet)
    }

    /// The HXL hashtag row, under the header.
    pub fn hashtags(&mut self, tags: &[&str]) -> Result<()> {
        self.write(tags.iter().map(|h| Cell::from(*h)).collect(), true)
    }

    pub fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        self.rows += 1;
        self.write(cells, false)
    }

    fn write(&mut self, cells: Vec<Cell>, heading: bool) -> Result<()> {
        match &mut self.writer {
            Writer::Csv(w) => {
                let fields = cells.into_iter().map(|c| match c {
                    Cell::Text(s) if heading => s,
                    Cell::Text(s) => inert(&s),
                    Cell::Int(n) => n.to_string(),
                    Cell::Empty => String::new(),
                });
                w.write_record(fields).map_err(|e| match e.into_kind() {
                    csv::ErrorKind::Io(io) => self.file.failed(io),
                    other => Error::invalid(m::export_xlsx_failed(format!("{other:?}"))),
                })
            }
            Writer::Xlsx { book, bold, row } => {
                let sheet = book.worksheet_from_index(0).map_err(xlsx_error)?;
                for (col, cell) in cells.into_iter().enumerate() {
                    let col = col as u16;
                    match cell {
                        Cell::Text(s) => {
                            let s = if s.chars().count() > XLSX_CELL_CHARS {
                                self.truncated += 1;
                                let mut cut: String = s.chars().take(XLSX_CELL_CHARS - 1).collect();
                                cut.push('…');
                                cut
                            } else {
                                s
                            };
                            if heading {
                                sheet.write_string_with_format(*row, col, s, bold)
                            } else {
                                sheet.write_string(*row, col, s)
                            }
                            .map_err(xlsx_error)?;
                        }
                        Cell::Int(n) => {
                            sheet
                                .write_number(*row, col, n as f64)
                                .map_err(xlsx_error)?;
                        }
                        Cell::Empty => {}
                    }
                }
                *row += 1;
                Ok(())
            }
        }
    }

    /// Completes the file and syncs it; the caller publishes it.
    pub fn finish(self) -> Result<Finished> {
        let Sheet {
            mut file,
            writer,
            rows,
            truncated,
        } = self;
        match writer {
            Writer::Csv(w) => {
                w.into_inner().map_err(|e| file.failed(e.into_error()))?;
            }
            Writer::Xlsx { mut book, .. } => match book.save_to_writer(file.file()) {
                Ok(()) => {}
                Err(rust_xlsxwriter::XlsxError::IoError(e)) => return Err(file.failed(e)),
                Err(e) => return Err(xlsx_error(e)),
            },
        }
        let flushed = file.file().flush().and_then(|()| file.file().metadata());
        let bytes = flushed.map_err(|e| file.failed(e))?.len();
        Ok(Finished {
            file,
            rows,
            truncated,
            bytes,
        })
    }
}
