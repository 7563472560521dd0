//! Files the desktop app's web view may have Nansen read or write. The web view never
//! handles paths it could use by itself: it gets an opaque token for a file the person
//! picked in a native dialog (opened from Rust), or for a path they typed, and every
//! command that touches a file takes a token, good only for the purpose it was made for.
//!
//! A typed path (a USB stick's mount point, say) is held to a narrower rule than a
//! picked one, so a script running in the web view could not use it to harm the
//! computer: it may only create a *new* file with a Nansen extension, read a file as
//! a bundle, an enrolment file or a backup (whose content never goes back to the web
//! view), or read a spreadsheet of persons. A spreadsheet's rows do come back (in the
//! intake's preview), so a typed one must be, after following any links, a file with
//! a spreadsheet's extension: never `~/.ssh/id_ed25519` or a symlink to it. Files
//! Nansen would copy into its store as they are (attachments) must be picked.

use super::messages as m;
use crate::error::{Error, Result};
use crate::intake::messages as im;
use crate::store::keyfile::random_bytes;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    ExportBundle,
    ImportBundle,
    EnrolRequestOut,
    EnrolRequestIn,
    EnrolmentOut,
    EnrolmentIn,
    Attachment,
    /// A list of persons to import (`Nansen::intake_preview`, `intake_persons`).
    Spreadsheet,
    /// An urgent-action sheet to write (`Nansen::urgent_action_sheet`).
    ReportSheet,
    /// A data export to write: a list or an aggregate table (`Nansen::export_data`).
    DataExport,
    /// A backup of the store to write (`Nansen::backup`).
    BackupOut,
    /// A backup to restore into an empty data dir (`Session::restore`).
    BackupIn,
}

impl FilePurpose {
    pub fn writes(self) -> bool {
        matches!(
            self,
            FilePurpose::ExportBundle
                | FilePurpose::EnrolRequestOut
                | FilePurpose::EnrolmentOut
                | FilePurpose::ReportSheet
                | FilePurpose::DataExport
                | FilePurpose::BackupOut
        )
    }

    /// Whether what the file holds goes back to the web view, so that a typed path
    /// must have one of [`FilePurpose::extensions`] too.
    pub fn shows_content(self) -> bool {
        self == FilePurpose::Spreadsheet
    }

    /// The extensions a typed path for a new file, or for a file whose content is
    /// shown, may have (in any case).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FilePurpose::ExportBundle | FilePurpose::ImportBundle => &["nansen"],
            FilePurpose::EnrolRequestOut | FilePurpose::EnrolRequestIn => {
                &["nansen-request", "request"]
            }
            FilePurpose::EnrolmentOut | FilePurpose::EnrolmentIn => {
                &["nansen-enrolment", "enrolment"]
            }
            FilePurpose::Spreadsheet => &["csv", "xlsx", "xls", "xlsb", "ods"],
            FilePurpose::ReportSheet => &["pdf"],
            FilePurpose::DataExport => &["csv", "xlsx"],
            FilePurpose::BackupOut | FilePurpose::BackupIn => &["nansen-backup"],
            FilePurpose::Attachment => &[],
        }
    }
}

/// Whether `path`'s extension is one of `allowed`, in any case.
fn has_extension(path: &Path, allowed: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|ext| allowed.iter().any(|a| a.eq_ignore_ascii_case(ext)))
}

/// What the web view gets for a file: a token to pass back, and the path to show.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FileGrant {
    pub token: String,
    pub path: String,
}

#[derive(Default)]
pub struct FileGrants {
    granted: Mutex<HashMap<String, (PathBuf, FilePurpose)>>,
}

impl FileGrants {
    fn grant(&self, path: PathBuf, purpose: FilePurpose) -> FileGrant {
        let token = hex::encode(&random_bytes::<16>()[..]);
        let shown = path.display().to_string();
        self.granted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.clone(), (path, purpose));
        FileGrant { token, path: shown }
    }

    /// A file the person chose in a native dialog opened by Rust.
    pub fn picked(&self, path: PathBuf, purpose: FilePurpose) -> FileGrant {
        self.grant(path, purpose)
    }

    /// A path the person typed, under the narrower rule (see the module docs).
    pub fn typed(&self, path: &str, purpose: FilePurpose) -> Result<FileGrant> {
        let path = Path::new(path.trim());
        if !path.is_absolute() {
            return Err(Error::invalid(m::path_not_absolute()));
        }
        if purpose == FilePurpose::Attachment {
            return Err(Error::invalid(m::attachment_must_be_picked()));
        }
        if purpose.shows_content() {
            // The file a link leads to is the one read: it must be a spreadsheet too.
            let allowed = purpose.extensions();
            let target = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            if !has_extension(path, allowed) || !has_extension(&target, allowed) {
                return Err(Error::invalid(im::unsupported_file(path.display())));
            }
        }
        if purpose.writes() {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let allowed = purpose.extensions();
            if !allowed.contains(&ext) {
                return Err(Error::invalid(m::wrong_extension(allowed[0])));
            }
            if path.symlink_metadata().is_ok() {
                return Err(Error::invalid(m::file_exists(path.display())));
            }
            if !path.parent().is_some_and(Path::is_dir) {
                return Err(Error::invalid(m::folder_of_missing(path.display())));
            }
        } else if !path.is_file() {
            return Err(Error::invalid(m::no_such_file(path.display())));
        }
        Ok(self.grant(path.to_path_buf(), purpose))
    }

    /// The file behind a token, if it was granted for this purpose.
    pub fn path(&self, token: &str, purpose: FilePurpose) -> Result<PathBuf> {
        match self
            .granted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
        {
            Some((path, p)) if *p == purpose => Ok(path.clone()),
            _ => Err(Error::invalid(m::file_not_granted())),
        }
    }

    pub fn forget_all(&self) {
        self.granted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_path_may_only_create_a_new_nansen_file_or_be_read_as_one() {
        let tmp = tempfile::tempdir().unwrap();
        let grants = FileGrants::default();
        let existing = tmp.path().join("notes.txt");
        std::fs::write(&existing, "private").unwrap();
        let new_bundle = tmp.path().join("osh.nansen");
        let s = |p: &Path| p.display().to_string();

        let g = grants
            .typed(&s(&new_bundle), FilePurpose::ExportBundle)
            .unwrap();
        assert_eq!(
            grants.path(&g.token, FilePurpose::ExportBundle).unwrap(),
            new_bundle
        );
        // Good only for what it was made for.
        assert!(grants.path(&g.token, FilePurpose::Attachment).is_err());
        assert!(grants
            .path("not-a-token", FilePurpose::ExportBundle)
            .is_err());
        // Never overwrite, never another kind of file, never a relative path.
        for (path, purpose) in [
            (s(&existing), FilePurpose::ExportBundle),
            (s(&tmp.path().join(".bashrc")), FilePurpose::EnrolmentOut),
            (
                s(&tmp.path().join("x.nansen-request")),
                FilePurpose::ExportBundle,
            ),
            ("osh.nansen".to_string(), FilePurpose::ExportBundle),
            (
                s(&tmp.path().join("missing/osh.nansen")),
                FilePurpose::ExportBundle,
            ),
        ] {
            assert!(grants.typed(&path, purpose).is_err(), "{path}");
        }
        std::fs::write(&new_bundle, "x").unwrap();
        assert!(grants
            .typed(&s(&new_bundle), FilePurpose::ExportBundle)
            .is_err());
        // A file is read into the store only when it was picked.
        assert!(grants
            .typed(&s(&existing), FilePurpose::Attachment)
            .is_err());
        let picked = grants.picked(existing.clone(), FilePurpose::Attachment);
        assert_eq!(
            grants.path(&picked.token, FilePurpose::Attachment).unwrap(),
            existing
        );
        // Reading as a bundle is allowed: the content never goes back to the web view.
        assert!(grants
            .typed(&s(&existing), FilePurpose::ImportBundle)
            .is_ok());
        grants.forget_all();
        assert!(grants.path(&picked.token, FilePurpose::Attachment).is_err());
    }

    #[test]
    fn a_typed_data_export_is_a_new_csv_or_xlsx() {
        let tmp = tempfile::tempdir().unwrap();
        let grants = FileGrants::default();
        let s = |p: &Path| p.display().to_string();
        for name in ["persons.xlsx", "aggregate.csv"] {
            let out = tmp.path().join(name);
            let g = grants.typed(&s(&out), FilePurpose::DataExport).unwrap();
            assert_eq!(grants.path(&g.token, FilePurpose::DataExport).unwrap(), out);
            assert!(grants.path(&g.token, FilePurpose::ReportSheet).is_err());
        }
        let existing = tmp.path().join("old.csv");
        std::fs::write(&existing, "x").unwrap();
        for path in [
            existing,
            tmp.path().join("notes.txt"),
            tmp.path().join(".profile"),
        ] {
            assert!(
                grants.typed(&s(&path), FilePurpose::DataExport).is_err(),
                "{}",
                path.display()
            );
        }
    }

    #[test]
    fn a_typed_spreadsheet_must_be_one_even_behind_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let grants = FileGrants::default();
        let s = |p: &Path| p.display().to_string();
        let list = tmp.path().join("Osh list.CSV");
        let workbook = tmp.path().join("camp.xlsx");
        let secret = tmp.path().join("id_ed25519");
        for file in [&list, &workbook, &secret] {
            std::fs::write(file, "name\nAziz\n").unwrap();
        }
        for file in [&list, &workbook] {
            let g = grants.typed(&s(file), FilePurpose::Spreadsheet).unwrap();
            assert_eq!(
                grants.path(&g.token, FilePurpose::Spreadsheet).unwrap(),
                *file
            );
            // Read-only, and good for nothing else.
            assert!(grants.path(&g.token, FilePurpose::ImportBundle).is_err());
        }
        assert!(!FilePurpose::Spreadsheet.writes());
        // Its rows come back to the web view: any other file is refused, even one a
        // link with a spreadsheet's name leads to.
        let refused = |path: &Path| {
            let e = grants
                .typed(&s(path), FilePurpose::Spreadsheet)
                .unwrap_err();
            assert_eq!(e.message().reason, "unsupported_file", "{}", path.display());
        };
        refused(&secret);
        #[cfg(unix)]
        {
            let link = tmp.path().join("list.csv");
            std::os::unix::fs::symlink(&secret, &link).unwrap();
            refused(&link);
        }
        assert_eq!(
            grants
                .typed(
                    &s(&tmp.path().join("missing.ods")),
                    FilePurpose::Spreadsheet
                )
                .unwrap_err()
                .message()
                .reason,
            "no_such_file"
        );
        // A picked file is the person's own choice.
        let picked = grants.picked(secret.clone(), FilePurpose::Spreadsheet);
        assert_eq!(
            grants
                .path(&picked.token, FilePurpose::Spreadsheet)
                .unwrap(),
            secret
        );
    }
}
