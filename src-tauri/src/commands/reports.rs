//! Reports: the dashboard, the lists behind its figures, the situation summary and the
//! urgent-action sheet (nansen-core's `api::reports`).

use super::{file, id, with, AppSession};
use crate::error::CommandResult;
use nansen_core::api::files::FilePurpose;
use nansen_core::api::{
    CountedQuery, Dashboard, Page, PlaceLevel, RecordSummary, SheetReport, Situation,
};
use tauri::State;

#[tauri::command]
pub async fn dashboard(session: State<'_, AppSession>) -> CommandResult<Dashboard> {
    with(session, |n| n.dashboard()).await
}

#[tauri::command]
pub async fn dashboard_places(
    session: State<'_, AppSession>,
    parent: Option<String>,
) -> CommandResult<PlaceLevel> {
    with(session, move |n| {
        n.dashboard_places(parent.as_deref().map(id).transpose()?)
    })
    .await
}

#[tauri::command]
pub async fn dashboard_list(
    session: State<'_, AppSession>,
    query: CountedQuery,
) -> CommandResult<Page<RecordSummary>> {
    with(session, move |n| n.dashboard_list(&query)).await
}

#[tauri::command]
pub async fn situation(
    session: State<'_, AppSession>,
    as_of: Option<String>,
    lang: String,
) -> CommandResult<Situation> {
    with(session, move |n| {
        let as_of = as_of
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(nansen_core::report::parse_day)
            .transpose()?;
        n.situation(as_of, &lang)
    })
    .await
}

/// Writes the sheet to a file picked in the save dialog (which asked before replacing
/// one) or typed (which the grant allows only for a new `.pdf`).
#[tauri::command]
pub async fn urgent_sheet(
    session: State<'_, AppSession>,
    id: String,
    lang: String,
    file: String,
) -> CommandResult<SheetReport> {
    let out = self::file(&session, &file, FilePurpose::ReportSheet)?;
    with(session, move |n| {
        n.urgent_action_sheet(super::id(&id)?, &lang, &out, true)
    })
    .await
}
