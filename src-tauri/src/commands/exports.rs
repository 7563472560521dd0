//! Data exports (nansen-core's `api::exports`) and deadlines (`api::deadlines`).

use super::{file, with, AppSession};
use crate::error::CommandResult;
use nansen_core::api::files::FilePurpose;
use nansen_core::api::{
    AggregateLevel, ConfidentialRecord, DataExportReport, DataExportRequest, Deadlines,
    ExportFormat, ExportKind, ExportLogEntry, ExportProfile, Page, PageQuery,
};
use tauri::State;

/// The strictly confidential records a list would carry, for the person to confirm.
#[tauri::command]
pub async fn export_confidential(
    session: State<'_, AppSession>,
    kind: ExportKind,
) -> CommandResult<Vec<ConfidentialRecord>> {
    with(session, move |n| n.export_confidential(kind)).await
}

/// Writes the export to a file picked in the save dialog (which asked before replacing
/// one) or typed (which the grant allows only for a new `.csv` or `.xlsx`). The key of
/// pseudonyms is the store's own, so that exports from this store can be joined.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn export_data(
    session: State<'_, AppSession>,
    kind: ExportKind,
    profile: ExportProfile,
    format: ExportFormat,
    confirmed: Vec<String>,
    k: Option<u32>,
    level: Option<AggregateLevel>,
    file: String,
) -> CommandResult<DataExportReport> {
    let out = self::file(&session, &file, FilePurpose::DataExport)?;
    let request = DataExportRequest {
        kind,
        profile,
        format,
        out,
        overwrite: true,
        confirmed,
        key: None,
        k,
        level,
    };
    with(session, move |n| n.export_data(&request)).await
}

#[tauri::command]
pub async fn export_log(
    session: State<'_, AppSession>,
    page: Option<PageQuery>,
) -> CommandResult<Page<ExportLogEntry>> {
    with(session, move |n| n.export_log(&page.unwrap_or_default())).await
}

#[tauri::command]
pub async fn deadlines(session: State<'_, AppSession>) -> CommandResult<Deadlines> {
    with(session, |n| n.deadlines()).await
}
