//! Bulk intake of persons from the spreadsheets monitors keep (issue 9): reading a
//! file, mapping its columns to person fields, and turning each row into either the
//! person input the record API takes or a refusal that says why, by line.
//!
//! This module is pure: it reads a file and the vocabularies, never the store. Writing
//! is `Nansen::intake_persons` (`api/intake.rs`), which checks each planned person
//! again with the same `ops_for` as a hand-entered one and writes in batches.
//!
//! **Reading** ([`read`]). CSV (UTF-8, with or without a byte-order mark; the delimiter
//! is whichever of `,` `;` or tab the header line uses most, since spreadsheet programs
//! in Russian save CSV with `;`) is streamed row by row, so a file of any length
//! needs memory only for one batch. A workbook (`.xlsx`, also `.xls`, `.xlsb`, `.ods`)
//! is read with calamine, which loads the whole sheet into memory: acceptable for the
//! lists monitors keep (a sheet of 100 000 rows is tens of megabytes), and the price of
//! reading a zipped XML format. The first row names the columns; blank rows are skipped.
//! A row's line is the one a person sees: the physical line of a CSV file (the header
//! is usually line 1), the row number of a sheet.
//!
//! **Mapping** ([`mapping`]). A column holds a name, its language tag, aliases, sex,
//! birth date, nationality, notes, identifiers or groups, or is ignored. A header that
//! names the field (`name`, `birth_date`, `Дата рождения`, `camp_id`, `Паспорт`…)
//! maps itself; a [`Mapping`] names the others. A name without a language tag gets
//! `und-` and its script (`und-Cyrl`, `und-Latn`, `und-Arab`, else `und`): the language
//! is not known (an Uzbek name in Cyrillic and a Russian one look alike), the script
//! is; this is the tag the desktop app gives a name typed without one.
//!
//! **Validation** ([`plan`]). Every cell goes through the domain's own checks
//! ([`FieldType::normalise`](crate::domain::FieldType::normalise), link element
//! normalisation, vocabulary terms) and the row through [`rules::check`](crate::domain::rules::check);
//! every failure becomes a reason, with its column and the core's coded message, so
//! a row is refused once with all that is wrong with it. Vocabulary cells may hold the
//! term or its label in any language of the UI (`female`, `Female`, `Женский`, `Ayol`).
//!
//! **Import keys** ([`key`]). A row is recognised by a key derived from what it says:
//! a keyed BLAKE3 hash of a domain-separation tag, the row's normalised content (the
//! person input and its groups, as canonical JSON) and the occurrence number of that
//! content in the file (so two identical rows are two persons). The person's id is an
//! ordinary UUIDv7 that carries the key in its random part, so importing the same file
//! again, or running an interrupted import again, finds the rows already written by
//! their keys and skips them, while ids still rise in time like every record's (which
//! keeps a big import fast: see [`key`]). The hash is keyed with a secret of the store,
//! so a key says nothing about whom it names to someone without the store, and two
//! offices importing one list make two sets of persons, not one set with every field in
//! conflict. The limit: an edited row (a corrected spelling, a new identifier) is new
//! content and so a new person; the duplicate is left to duplicate review, as for any
//! person entered twice.

pub mod key;
pub mod mapping;
pub mod messages;
pub mod plan;
pub mod read;

pub use key::{ImportKeys, KnownKeys, RowKey};
pub use mapping::{
    auto_mapping, Column, ColumnUse, MappedColumn, Mapping, ResolvedMapping, Target,
};
pub use plan::{MemberOf, Outcome, PlannedPerson, Planner, Reason, Refusal};
pub use read::{Row, Sheet};
