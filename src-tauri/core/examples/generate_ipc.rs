//! Writes what the UI takes from the core, so it is never copied by hand: the
//! TypeScript declarations of every type that crosses the IPC boundary
//! (`ui/src/lib/generated/ipc.ts`, from the Rust types by ts-rs) and the English error
//! messages (`ui/src/lib/locales/errors/en.json`, from the core's catalog), and the
//! reference data the UI's component tests run on (`ui/src/test/generated/`: the
//! schema and the vocabularies, exactly as the real core serves them).
//!
//! `cargo run -p nansen-core --example generate_ipc -- ui/src/lib` (`make generate`);
//! `make check-generated` runs it into a temporary folder and fails on any difference.

use nansen_core::api::files::{FileGrant, FilePurpose};
use nansen_core::api::DemoReport;
use nansen_core::api::*;
use nansen_core::domain::matching::{
    Evidence, IdentifierAgreement, NameLevel, WordMatch, WordRole,
};
use nansen_core::domain::status::StatusEntry;
use nansen_core::domain::vocab::{Term, Vocabularies};
use nansen_core::domain::{FieldSpec, FieldType, Kind, KindSpec, LinkSpec};
use nansen_core::error::Message;
use nansen_core::oplog::{Effects, FieldUpdate, RecordRef};
use nansen_core::store::Strength;
use nansen_core::sync::import::ImportReport;
use nansen_core::trust::enrol::EnrolmentCheck;
use nansen_core::trust::KnownDevice;
use nansen_core::ErrorBody;
use std::path::PathBuf;
use ts_rs::{Config, TS};

/// Every IPC type, in the order the file declares them.
macro_rules! declarations {
    ($cfg:expr; $($t:ty),* $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl($cfg))),*]
    };
}

fn write(path: PathBuf, text: String) {
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: generate_ipc UI_LIB_DIR"),
    );
    // u64 counters and sizes stay far below 2^53: plain numbers, as serde_json writes them.
    let cfg = Config::new().with_large_int("number");
    let decls = declarations![&cfg;
        Kind, FieldType, FieldSpec, LinkSpec, KindSpec, Term, Vocabularies,
        ErrorBody, Strength, Lock, OriginInfo, Info, SessionState,
        Page<()>, PageQuery, ListQuery, RecordSummary, LiveValue, RefLabel, Stamp, RecordView,
        PersonQuery, PersonSummary, StatusEntry, SourceRef, TimelineItem, GroupRef, FamilyRef,
        PersonPage, GroupPage, DemoReport,
        AuditOp, AuditEntry, ChainCheck, HeldChange, KnownDevice, EnrolmentCheck,
        Progress, Recipient, ExportReport, PeerStatus, RecordRef, FieldUpdate, Effects,
        ImportReport, Conflict, ResolveChoice, ForkInfo, FilePurpose, FileGrant, AttachmentData,
        Message, Column, Target, MappedColumn, Mapping, ColumnUse, Reason, Refusal, MemberOf,
        PlannedPerson, IntakePreview, IntakeReport,
        CitedRecord, SourceNote, Figure, Sentence, Paragraph, Situation, SheetReport,
        StatusCount, PlaceCount, PlaceRef, PlaceLevel, MonthCount, EventSeries, EventMonths,
        DeadlineCounts, Dashboard, CountedQuery,
        ExportKind, ExportProfile, ExportFormat, AggregateLevel, KeySource, DataExportRequest,
        DataExportReport, ConfidentialRecord, ExportLogEntry, Concern, Deadline, Deadlines,
        NameLevel, WordRole, WordMatch, IdentifierAgreement, Evidence, DuplicateQuery, DuplicateCheck,
        CandidatePerson, Candidate, ClusterReport, ClusterView, ClusterMember, DifferingField,
        MemberValue,
        BackupReport, RestoreReport, RestoredSession, DeviceSafetyNumber, RetiredOrgKey, OrgStatus,
    ];
    let mut ts = String::from(
        "// Generated from the Rust types by `make generate` (src-tauri/core/examples/generate_ipc.rs).\n\
         // Do not edit: change the Rust type and regenerate; CI fails when this file is stale.\n\
         /* eslint-disable */\n\n",
    );
    // serde_json::Value, which ts-rs names but leaves to us to declare.
    // What the Rust side keeps as free JSON but the UI reads with a known shape.
    ts.push_str("/** A name with its BCP 47 language-Script tag: `{\"text\": \"Азиз\", \"lang\": \"uz-Cyrl\"}`. */\n");
    ts.push_str("export type NameValue = { text: string, lang: string };\n\n");
    for d in decls {
        ts.push_str(&d);
        ts.push_str("\n\n");
    }
    write(
        out.join("generated/ipc.ts"),
        ts.trim_end().to_string() + "\n",
    );
    let schema: Vec<&KindSpec> = Kind::ALL.iter().map(|k| k.spec()).collect();
    write(
        out.join("../test/generated/schema.json"),
        serde_json::to_string_pretty(&schema).expect("serialisable") + "\n",
    );
    let mut conn = rusqlite::Connection::open_in_memory().expect("an in-memory database");
    nansen_core::store::migrations::migrate(&mut conn, nansen_core::store::migrations::MIGRATIONS)
        .expect("the migrations");
    let vocab = Vocabularies::load(&conn).expect("the vocabularies");
    write(
        out.join("../test/generated/vocabularies.json"),
        serde_json::to_string_pretty(&vocab).expect("serialisable") + "\n",
    );
    let errors = nansen_core::api::catalog::english_resources();
    write(
        out.join("locales/errors/en.json"),
        serde_json::to_string_pretty(&errors).expect("serialisable") + "\n",
    );
}
