//! Typesetting the sheet with typst, used as a library through its [`World`] trait:
//! the template is compiled in and reads its data from memory; the fonts are embedded.

use super::{SheetData, TEMPLATE};
use crate::error::{Error, Result};
use crate::report::messages as m;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// The fonts every sheet is set in, parsed once.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The sheet's world: the template as the main file, the data as `data.json`, the
/// embedded fonts, and a fixed "today" (the sheet prints its own date).
struct SheetWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
}

impl World for SheetWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// The PDF of a sheet, and its number of pages.
pub fn render_pdf(data: &SheetData) -> Result<(Vec<u8>, usize)> {
    let main = Source::new(
        FileId::new(None, VirtualPath::new("/sheet.typ")),
        TEMPLATE.to_string(),
    );
    let world = SheetWorld {
        main,
        data: Bytes::new(serde_json::to_vec(data)?),
        data_id: FileId::new(None, VirtualPath::new("/data.json")),
    };
    let failed = |errors: &[typst::diag::SourceDiagnostic]| {
        let detail: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Error::invalid(m::typesetting_failed(detail.join("; ")))
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|e| failed(&e))?;
    let pages = document.pages.len();
    let pdf =
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|e| failed(&e))?;
    Ok((pdf, pages))
}
