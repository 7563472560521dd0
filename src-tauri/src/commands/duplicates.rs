//! Duplicates: the review queue, and the decisions on it (nansen-core's
//! `api::duplicates`): merge, unmerge, not-same, unsure, and settling a field on
//! which a cluster's members differ; and checking, a chunk a call, the persons a
//! spreadsheet intake wrote and left to be checked.

use super::{blocking, id, with, AppSession};
use crate::error::CommandResult;
use nansen_core::api::{
    Candidate, ClusterReport, DuplicateCheck, DuplicateQuery, Page, CHECK_CHUNK,
};
use nansen_core::Result;
use serde_json::Value;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn duplicates(
    session: State<'_, AppSession>,
    query: Option<DuplicateQuery>,
) -> CommandResult<Page<Candidate>> {
    with(session, move |n| n.duplicates(&query.unwrap_or_default())).await
}

/// Checks the next chunk of waiting persons: one short transaction a call, so the
/// window's other requests are served between two calls. The window calls it on its
/// own, so it is not activity that keeps the store unlocked.
#[tauri::command]
pub async fn check_duplicates(session: State<'_, AppSession>) -> CommandResult<DuplicateCheck> {
    blocking(session, |s| {
        s.in_background(|n| n.check_duplicates(Some(CHECK_CHUNK as u64), &mut |_| {}))
    })
    .await
}

#[tauri::command]
pub async fn merge(
    session: State<'_, AppSession>,
    ids: Vec<String>,
) -> CommandResult<ClusterReport> {
    with(session, move |n| {
        let ids: Vec<Uuid> = ids.iter().map(|s| id(s)).collect::<Result<_>>()?;
        n.merge(&ids)
    })
    .await
}

#[tauri::command]
pub async fn unmerge(session: State<'_, AppSession>, id: String) -> CommandResult<ClusterReport> {
    with(session, move |n| n.unmerge(self::id(&id)?)).await
}

#[tauri::command]
pub async fn not_same(
    session: State<'_, AppSession>,
    a: String,
    b: String,
) -> CommandResult<ClusterReport> {
    with(session, move |n| n.not_same(id(&a)?, id(&b)?)).await
}

#[tauri::command]
pub async fn unsure(
    session: State<'_, AppSession>,
    a: String,
    b: String,
) -> CommandResult<ClusterReport> {
    with(session, move |n| n.unsure(id(&a)?, id(&b)?)).await
}

#[tauri::command]
pub async fn settle(
    session: State<'_, AppSession>,
    id: String,
    field: String,
    value: Value,
) -> CommandResult<usize> {
    with(session, move |n| n.settle(self::id(&id)?, &field, &value)).await
}
