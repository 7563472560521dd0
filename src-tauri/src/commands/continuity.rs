//! Headquarters continuity (nansen-core's `api::continuity`): a backup of the store to
//! a file, restoring one on the first-run screen, and the organisation key (seeing it,
//! rotating it). Files come as tokens granted for `BackupOut` / `BackupIn`.

use super::{blocking, file, with, AppSession};
use crate::error::CommandResult;
use nansen_core::api::files::FilePurpose;
use nansen_core::api::{BackupReport, OrgStatus, RestoredSession};
use nansen_core::store::keyfile::KdfProfile;
use tauri::State;
use zeroize::Zeroizing;

/// `passphrase` must be the store's; the backup is encrypted under `other` when given.
#[tauri::command]
pub async fn backup(
    session: State<'_, AppSession>,
    file: String,
    passphrase: String,
    other: Option<String>,
) -> CommandResult<BackupReport> {
    let out = self::file(&session, &file, FilePurpose::BackupOut)?;
    let (passphrase, other) = (Zeroizing::new(passphrase), other.map(Zeroizing::new));
    with(session, move |n| {
        n.backup(
            &out,
            &passphrase,
            other.as_deref().map(String::as_str),
            KdfProfile::from_env(),
        )
    })
    .await
}

/// First run: restores the backup into the empty data dir and opens it.
#[tauri::command]
pub async fn restore_backup(
    session: State<'_, AppSession>,
    file: String,
    passphrase: String,
) -> CommandResult<RestoredSession> {
    let path = self::file(&session, &file, FilePurpose::BackupIn)?;
    let passphrase = Zeroizing::new(passphrase);
    blocking(session, move |s| s.restore(&path, &passphrase)).await
}

#[tauri::command]
pub async fn org_status(session: State<'_, AppSession>) -> CommandResult<OrgStatus> {
    with(session, |n| n.org_status()).await
}

#[tauri::command]
pub async fn rotate_org_key(session: State<'_, AppSession>) -> CommandResult<OrgStatus> {
    with(session, |n| n.rotate_org_key()).await
}
