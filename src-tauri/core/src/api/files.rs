//! Files the desktop app's web view may have Nansen read or write. The web view never
//! handles paths it could use by itself: it gets an opaque token for a file the person
//! picked in a native dialog (opened from Rust), or for a path they typed, and every
//! command that touches a file takes a token, good only for the purpose it was made for.
//!
//! A typed path (a USB stick's mount point, say) is held to a narrower rule than a
//! picked one, so a script running in the web view could not use it to harm the
//! computer: it may only create a *new* file with a Nansen extension, or read a file as
//! a bundle or an enrolment file (whose content never goes back to the web view). Files
//! Nansen would copy into its store as they are (attachments) must be picked.

use super::messages as m;
use crate::error::{Error, Result};
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
}

impl FilePurpose {
    pub fn writes(self) -> bool {
        matches!(
            self,
            FilePurpose::ExportBundle | FilePurpose::EnrolRequestOut | FilePurpose::EnrolmentOut
        )
    }

    /// The extensions a typed path for a new file may have.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FilePurpose::ExportBundle | FilePurpose::ImportBundle => &["nansen"],
            FilePurpose::EnrolRequestOut | FilePurpose::EnrolRequestIn => {
                &["nansen-request", "request"]
            }
            FilePurpose::EnrolmentOut | FilePurpose::EnrolmentIn => {
                &["nansen-enrolment", "enrolment"]
            }
            FilePurpose::Attachment => &[],
        }
    }
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
}
