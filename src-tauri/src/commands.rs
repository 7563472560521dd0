//! The app's Tauri commands: each a delegation to nansen-core's service API, run off
//! the UI thread. Each must also be listed in command_list.rs.

use crate::error::{CommandError, CommandResult};
use nansen_core::api::files::{FileGrant, FilePurpose};
use nansen_core::api::{
    ExportReport, ExportRequest, InitOptions, ListQuery, Page, PageQuery, PersonQuery, Progress,
    ResolveChoice, Session, SessionState,
};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::trust::Role;
use nansen_core::{Nansen, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;
use tauri_plugin_dialog::DialogExt;
use uuid::Uuid;
use zeroize::Zeroizing;

mod continuity;
mod duplicates;
mod exports;
mod intake;
mod reports;
pub use continuity::*;
pub use duplicates::*;
pub use exports::*;
pub use intake::*;
pub use reports::*;

pub type AppSession = Arc<Session>;

/// Runs `f` on the unlocked store on a blocking thread.
async fn with<T: Send + 'static>(
    session: State<'_, AppSession>,
    f: impl FnOnce(&mut Nansen) -> Result<T> + Send + 'static,
) -> CommandResult<T> {
    let session = Arc::clone(&session);
    tauri::async_runtime::spawn_blocking(move || session.with(f))
        .await
        .map_err(CommandError::internal)?
        .map_err(Into::into)
}

async fn blocking<T: Send + 'static>(
    session: State<'_, AppSession>,
    f: impl FnOnce(&Session) -> Result<T> + Send + 'static,
) -> CommandResult<T> {
    let session = Arc::clone(&session);
    tauri::async_runtime::spawn_blocking(move || f(&session))
        .await
        .map_err(CommandError::internal)?
        .map_err(Into::into)
}

fn id(s: &str) -> Result<Uuid> {
    nansen_core::ids::parse_id("record", s)
}

/// The file behind a token the web view got from `pick_file` or `grant_file`.
fn file(session: &State<'_, AppSession>, token: &str, purpose: FilePurpose) -> Result<PathBuf> {
    session.files.path(token, purpose)
}

// ---- Session -------------------------------------------------------------------

#[tauri::command]
pub async fn app_state(session: State<'_, AppSession>) -> CommandResult<SessionState> {
    blocking(session, |s| s.state()).await
}

#[tauri::command]
pub async fn setup(
    session: State<'_, AppSession>,
    office: String,
    user: String,
    passphrase: String,
    hq: bool,
) -> CommandResult<SessionState> {
    blocking(session, move |s| {
        s.setup(InitOptions {
            office,
            user,
            passphrase,
            hq,
            kdf: KdfProfile::Interactive,
        })
    })
    .await
}

#[tauri::command]
pub fn passphrase_strength(passphrase: String) -> nansen_core::store::Strength {
    Session::passphrase_strength(&Zeroizing::new(passphrase))
}

#[tauri::command]
pub async fn unlock(
    session: State<'_, AppSession>,
    passphrase: String,
) -> CommandResult<SessionState> {
    let passphrase = Zeroizing::new(passphrase);
    blocking(session, move |s| s.unlock(&passphrase)).await
}

#[tauri::command]
pub async fn lock(session: State<'_, AppSession>) -> CommandResult<SessionState> {
    blocking(session, |s| s.lock()).await
}

#[tauri::command]
pub async fn set_idle_lock(
    session: State<'_, AppSession>,
    minutes: u64,
) -> CommandResult<SessionState> {
    blocking(session, move |s| s.set_idle_minutes(minutes)).await
}

#[tauri::command]
pub async fn change_passphrase(
    session: State<'_, AppSession>,
    current: String,
    new: String,
) -> CommandResult<SessionState> {
    let (current, new) = (Zeroizing::new(current), Zeroizing::new(new));
    blocking(session, move |s| s.change_passphrase(&current, &new)).await
}

#[tauri::command]
pub async fn panic_destroy(
    session: State<'_, AppSession>,
    confirm: String,
) -> CommandResult<SessionState> {
    if confirm != "DESTROY" {
        return Err(nansen_core::Error::invalid(nansen_core::api::messages::type_destroy()).into());
    }
    blocking(session, |s| s.panic()).await
}

#[tauri::command]
pub async fn set_language(session: State<'_, AppSession>, lang: String) -> CommandResult<()> {
    blocking(session, move |s| s.set_language(&lang)).await
}

#[tauri::command]
pub async fn set_user(session: State<'_, AppSession>, name: String) -> CommandResult<()> {
    with(session, move |n| n.set_user(&name)).await
}

// ---- Records -------------------------------------------------------------------

#[tauri::command]
pub async fn vocabularies(
    session: State<'_, AppSession>,
) -> CommandResult<nansen_core::domain::vocab::Vocabularies> {
    with(session, |n| Ok(n.vocabularies().clone())).await
}

#[tauri::command]
pub fn schema() -> Vec<&'static nansen_core::domain::KindSpec> {
    Kind::ALL.iter().map(|k| k.spec()).collect()
}

#[tauri::command]
pub async fn record_add(
    session: State<'_, AppSession>,
    kind: Kind,
    input: Value,
) -> CommandResult<Value> {
    with(session, move |n| Ok(json!({ "id": n.add(kind, &input)? }))).await
}

#[tauri::command]
pub async fn record_edit(
    session: State<'_, AppSession>,
    kind: Kind,
    id: String,
    input: Value,
) -> CommandResult<Value> {
    with(session, move |n| {
        Ok(json!({ "ops": n.edit(kind, self::id(&id)?, &input)? }))
    })
    .await
}

#[tauri::command]
pub async fn record_delete(
    session: State<'_, AppSession>,
    kind: Kind,
    id: String,
) -> CommandResult<()> {
    with(session, move |n| n.delete(kind, self::id(&id)?)).await
}

#[tauri::command]
pub async fn record_restore(
    session: State<'_, AppSession>,
    kind: Kind,
    id: String,
) -> CommandResult<()> {
    with(session, move |n| n.restore(kind, self::id(&id)?)).await
}

#[tauri::command]
pub async fn record_get(
    session: State<'_, AppSession>,
    kind: Kind,
    id: String,
) -> CommandResult<nansen_core::api::RecordView> {
    with(session, move |n| n.get(kind, self::id(&id)?)).await
}

#[tauri::command]
pub async fn record_list(
    session: State<'_, AppSession>,
    kind: Kind,
    query: Option<ListQuery>,
) -> CommandResult<Page<nansen_core::api::RecordSummary>> {
    with(session, move |n| n.list(kind, &query.unwrap_or_default())).await
}

#[tauri::command]
pub async fn person_list(
    session: State<'_, AppSession>,
    query: Option<PersonQuery>,
) -> CommandResult<Page<nansen_core::api::PersonSummary>> {
    with(session, move |n| n.person_list(&query.unwrap_or_default())).await
}

#[tauri::command]
pub async fn person_counts(
    session: State<'_, AppSession>,
    location: Option<String>,
) -> CommandResult<std::collections::BTreeMap<String, u64>> {
    with(session, move |n| {
        n.person_counts(location.as_deref().map(self::id).transpose()?)
    })
    .await
}

#[tauri::command]
pub async fn person_page(
    session: State<'_, AppSession>,
    id: String,
) -> CommandResult<nansen_core::api::PersonPage> {
    with(session, move |n| n.person_page(self::id(&id)?)).await
}

#[tauri::command]
pub async fn group_page(
    session: State<'_, AppSession>,
    id: String,
) -> CommandResult<nansen_core::api::GroupPage> {
    with(session, move |n| n.group_page(self::id(&id)?)).await
}

#[tauri::command]
pub async fn attachment_add(
    session: State<'_, AppSession>,
    file: String,
    input: Value,
) -> CommandResult<Value> {
    let path = self::file(&session, &file, FilePurpose::Attachment)?;
    with(session, move |n| {
        Ok(json!({ "id": n.attachment_add(&path, &input)? }))
    })
    .await
}

#[tauri::command]
pub async fn attachment_data(
    session: State<'_, AppSession>,
    id: String,
) -> CommandResult<Option<nansen_core::api::AttachmentData>> {
    with(session, move |n| n.attachment_data(self::id(&id)?)).await
}

#[tauri::command]
pub async fn load_demo(
    session: State<'_, AppSession>,
) -> CommandResult<nansen_core::api::DemoReport> {
    with(session, |n| n.load_demo()).await
}

#[tauri::command]
pub async fn info(session: State<'_, AppSession>) -> CommandResult<nansen_core::api::Info> {
    with(session, |n| n.info()).await
}

#[tauri::command]
pub async fn audit(
    session: State<'_, AppSession>,
    id: Option<String>,
    page: Option<PageQuery>,
) -> CommandResult<Page<nansen_core::api::AuditEntry>> {
    with(session, move |n| {
        n.audit(
            id.as_deref().map(self::id).transpose()?,
            &page.unwrap_or_default(),
        )
    })
    .await
}

#[tauri::command]
pub async fn verify_log(
    session: State<'_, AppSession>,
) -> CommandResult<Vec<nansen_core::api::ChainCheck>> {
    with(session, |n| n.verify_log()).await
}

// ---- Sync ----------------------------------------------------------------------

#[tauri::command]
pub async fn peers(
    session: State<'_, AppSession>,
) -> CommandResult<Vec<nansen_core::api::PeerStatus>> {
    with(session, |n| n.peers()).await
}

#[tauri::command]
pub async fn export_bundle(
    session: State<'_, AppSession>,
    peer: Option<String>,
    full: bool,
    file: String,
    on_progress: Channel<Progress>,
) -> CommandResult<ExportReport> {
    let out = self::file(&session, &file, FilePurpose::ExportBundle)?;
    with(session, move |n| {
        n.export_bundle(&ExportRequest { peer, full, out }, &mut |p| {
            let _ = on_progress.send(p);
        })
    })
    .await
}

#[tauri::command]
pub async fn import_preview(
    session: State<'_, AppSession>,
    file: String,
) -> CommandResult<nansen_core::sync::import::ImportReport> {
    let path = self::file(&session, &file, FilePurpose::ImportBundle)?;
    with(session, move |n| n.import_preview(&path)).await
}

#[tauri::command]
pub async fn import_apply(
    session: State<'_, AppSession>,
    file: String,
    on_progress: Channel<Progress>,
) -> CommandResult<nansen_core::sync::import::ImportReport> {
    let path = self::file(&session, &file, FilePurpose::ImportBundle)?;
    with(session, move |n| {
        n.import_bundle(&path, &mut |p| {
            let _ = on_progress.send(p);
        })
    })
    .await
}

#[tauri::command]
pub async fn conflicts(
    session: State<'_, AppSession>,
    page: Option<PageQuery>,
) -> CommandResult<Page<nansen_core::api::Conflict>> {
    with(session, move |n| n.conflicts(&page.unwrap_or_default())).await
}

#[tauri::command]
pub async fn resolve(
    session: State<'_, AppSession>,
    id: String,
    field: String,
    choice: ResolveChoice,
) -> CommandResult<()> {
    with(session, move |n| n.resolve(self::id(&id)?, &field, choice)).await
}

#[tauri::command]
pub async fn forks(
    session: State<'_, AppSession>,
) -> CommandResult<Vec<nansen_core::api::ForkInfo>> {
    with(session, |n| n.forks()).await
}

/// Opens the native file dialog from Rust, so the web view never needs file-system
/// access: it gets a token for the file the person chose, good for `purpose` only.
#[tauri::command]
pub async fn pick_file(
    app: tauri::AppHandle,
    session: State<'_, AppSession>,
    purpose: FilePurpose,
    suggested_name: Option<String>,
) -> CommandResult<Option<FileGrant>> {
    let session = Arc::clone(&session);
    tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app.dialog().file();
        if purpose.shows_content() {
            // GTK matches patterns case-sensitively: LIST.CSV as well as list.csv.
            let extensions: Vec<String> = purpose
                .extensions()
                .iter()
                .flat_map(|e| [e.to_string(), e.to_uppercase()])
                .collect();
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            dialog = dialog.add_filter("Spreadsheets", &extensions);
        }
        let picked = if purpose.writes() {
            dialog
                .set_file_name(suggested_name.unwrap_or_else(|| "bundle.nansen".into()))
                .blocking_save_file()
        } else {
            dialog.blocking_pick_file()
        };
        picked
            .and_then(|p| p.into_path().ok())
            .map(|p| session.files.picked(p, purpose))
    })
    .await
    .map_err(CommandError::internal)
}

/// A token for a path the person typed, under the narrower rule for typed paths.
#[tauri::command]
pub fn grant_file(
    session: State<'_, AppSession>,
    path: String,
    purpose: FilePurpose,
) -> CommandResult<FileGrant> {
    Ok(session.files.typed(&path, purpose)?)
}

// ---- Trust ---------------------------------------------------------------------

#[tauri::command]
pub async fn devices(
    session: State<'_, AppSession>,
) -> CommandResult<Vec<nansen_core::trust::KnownDevice>> {
    with(session, |n| n.devices()).await
}

#[tauri::command]
pub async fn enrol_request(
    session: State<'_, AppSession>,
    file: String,
) -> CommandResult<nansen_core::trust::enrol::EnrolmentCheck> {
    let path = self::file(&session, &file, FilePurpose::EnrolRequestOut)?;
    with(session, move |n| n.enrol_request(&path)).await
}

#[tauri::command]
pub async fn enrol_inspect_request(
    session: State<'_, AppSession>,
    file: String,
) -> CommandResult<nansen_core::trust::enrol::EnrolmentCheck> {
    let path = self::file(&session, &file, FilePurpose::EnrolRequestIn)?;
    with(session, move |n| n.enrol_inspect_request(&path)).await
}

#[tauri::command]
pub async fn enrol_approve(
    session: State<'_, AppSession>,
    request: String,
    out: String,
    hq: bool,
) -> CommandResult<nansen_core::trust::enrol::EnrolmentCheck> {
    let request = self::file(&session, &request, FilePurpose::EnrolRequestIn)?;
    let out = self::file(&session, &out, FilePurpose::EnrolmentOut)?;
    let role = if hq { Role::Hq } else { Role::Office };
    with(session, move |n| n.enrol_approve(&request, &out, role)).await
}

#[tauri::command]
pub async fn enrol_inspect(
    session: State<'_, AppSession>,
    file: String,
) -> CommandResult<nansen_core::trust::enrol::EnrolmentCheck> {
    let path = self::file(&session, &file, FilePurpose::EnrolmentIn)?;
    with(session, move |n| n.enrol_inspect(&path)).await
}

#[tauri::command]
pub async fn enrol_accept(
    session: State<'_, AppSession>,
    file: String,
) -> CommandResult<nansen_core::trust::enrol::EnrolmentCheck> {
    let path = self::file(&session, &file, FilePurpose::EnrolmentIn)?;
    with(session, move |n| n.enrol_accept(&path)).await
}

#[tauri::command]
pub async fn revoke(
    session: State<'_, AppSession>,
    device: String,
    reason: String,
) -> CommandResult<nansen_core::trust::KnownDevice> {
    with(session, move |n| n.revoke(&device, &reason)).await
}

#[tauri::command]
pub async fn held_changes(
    session: State<'_, AppSession>,
) -> CommandResult<Vec<nansen_core::api::HeldChange>> {
    with(session, |n| n.held_changes()).await
}
