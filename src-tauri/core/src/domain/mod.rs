//! The domain, drawn from the seed and from the HURIDOCS Events Standard Formats
//! ("who did what to whom"): persons and groups, locations, actors, events with their
//! involvements, protection statuses over time, sources with their reliability,
//! interventions, and attachments.
//!
//! Every record kind is described by a static [`KindSpec`]: its scalar fields (each a
//! multi-value register in the op log, and a column of the record's table) and the link
//! sets it owns (add-wins observed-remove sets: aliases, identifiers, members,
//! involvements, source links…). The op log, validation, the CLI flags and the UI forms
//! all read these specs, so a field exists in exactly one place.

mod kinds;
pub mod labels;
pub mod matching;
pub mod messages;
pub mod names;
pub mod rules;
pub mod schema;
pub mod status;
pub mod vocab;

pub use schema::{FieldSpec, FieldType, Kind, KindSpec, LinkSpec};
