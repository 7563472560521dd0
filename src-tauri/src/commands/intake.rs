//! Persons from a spreadsheet (nansen-core's `api::intake`): what its first rows hold,
//! what importing it would do (nothing written), and the import in batches, with its
//! progress streamed. The file comes as a token granted for `FilePurpose::Spreadsheet`.

use super::{with, AppSession};
use crate::error::CommandResult;
use nansen_core::api::files::FilePurpose;
use nansen_core::api::{IntakePreview, IntakeReport, Mapping, Progress};
use nansen_core::intake::Sheet;
use tauri::ipc::Channel;
use tauri::State;

/// The header row and the first `SAMPLE_ROWS` rows of a spreadsheet as read (trimmed
/// text cells), so the mapping step can show what each column holds. Unlike the
/// preview, this shows columns the mapping ignores. (The core's preview could carry
/// these; until it does, the shell reads them with the core's own reader.)
#[tauri::command]
pub async fn intake_first_rows(
    session: State<'_, AppSession>,
    file: String,
    sheet: Option<String>,
) -> CommandResult<Vec<Vec<String>>> {
    const SAMPLE_ROWS: usize = 5;
    let path = super::file(&session, &file, FilePurpose::Spreadsheet)?;
    with(session, move |_| {
        let mut sheet = Sheet::open(&path, sheet.as_deref())?;
        let mut rows = vec![sheet.headers.clone()];
        while rows.len() <= SAMPLE_ROWS {
            match sheet.next_row()? {
                Some(row) => rows.push(row.cells),
                None => break,
            }
        }
        Ok(rows)
    })
    .await
}

#[tauri::command]
pub async fn intake_preview(
    session: State<'_, AppSession>,
    file: String,
    mapping: Option<Mapping>,
) -> CommandResult<IntakePreview> {
    let path = super::file(&session, &file, FilePurpose::Spreadsheet)?;
    with(session, move |n| n.intake_preview(&path, mapping)).await
}

#[tauri::command]
pub async fn intake_persons(
    session: State<'_, AppSession>,
    file: String,
    mapping: Option<Mapping>,
    on_progress: Channel<Progress>,
) -> CommandResult<IntakeReport> {
    let path = super::file(&session, &file, FilePurpose::Spreadsheet)?;
    with(session, move |n| {
        n.intake_persons(&path, mapping, &mut |p| {
            let _ = on_progress.send(p);
        })
    })
    .await
}
