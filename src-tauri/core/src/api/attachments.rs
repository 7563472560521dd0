//! Attachments: a file stored encrypted beside the database ([`crate::store::blobs`]) and
//! an attachment record pointing at it by content hash.

use super::messages as m;
use super::Nansen;
use crate::domain::Kind;
use crate::error::messages as em;
use crate::error::{Error, Result};
use crate::store::blobs::{self, MAX_ATTACHMENT_BYTES};
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;
use ts_rs::TS;
use uuid::Uuid;

/// An attachment as the desktop app shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AttachmentData {
    pub mime: String,
    /// A `data:` URL, for images only (the app's CSP allows data: images and nothing
    /// remote).
    pub url: Option<String>,
    pub bytes: usize,
}

impl Nansen {
    /// Stores a file and creates its attachment record. `input` may hold `caption`,
    /// `captured`, `confidentiality` and `attached_to`.
    pub fn attachment_add(&mut self, file: &Path, input: &Value) -> Result<Uuid> {
        let meta =
            std::fs::metadata(file).map_err(|e| Error::io(em::reading(file.display()), e))?;
        if meta.len() > MAX_ATTACHMENT_BYTES {
            return Err(Error::invalid(m::attachment_too_large(
                file.display(),
                MAX_ATTACHMENT_BYTES >> 20,
            )));
        }
        let bytes = std::fs::read(file).map_err(|e| Error::io(em::reading(file.display()), e))?;
        let hash = *blake3::hash(&bytes).as_bytes();
        let filename = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut record = input.as_object().cloned().unwrap_or_default();
        record.insert("hash".into(), json!(hex::encode(hash)));
        record.insert("filename".into(), json!(filename));
        record.insert("mime".into(), json!(blobs::guess_mime(&filename)));
        record.insert("size".into(), json!(bytes.len()));
        // Validate everything before the blob is written.
        let id = crate::ids::new_record_id();
        record.insert("id".into(), json!(id.to_string()));
        self.ops_for(Kind::Attachment, id, &Value::Object(record.clone()), true)?;
        blobs::write_blob(self.conn(), self.data_dir(), &hash, &bytes)?;
        self.add(Kind::Attachment, &Value::Object(record))
    }

    /// The attachment's bytes and MIME type; `None` when the file has not arrived here.
    pub fn attachment_content(&self, id: Uuid) -> Result<Option<(String, Vec<u8>)>> {
        let fields = self.existing(Kind::Attachment, &id)?;
        let hash = fields
            .get("hash")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mime = fields
            .get("mime")
            .and_then(Value::as_str)
            .unwrap_or("application/octet-stream")
            .to_string();
        Ok(blobs::read_blob(self.conn(), self.data_dir(), hash)?.map(|b| (mime, b)))
    }

    /// The attachment for display: its type, size, and an image's bytes as a data URL.
    pub fn attachment_data(&self, id: Uuid) -> Result<Option<AttachmentData>> {
        Ok(self
            .attachment_content(id)?
            .map(|(mime, bytes)| AttachmentData {
                url: mime.starts_with("image/").then(|| {
                    format!(
                        "data:{mime};base64,{}",
                        base64::engine::general_purpose::STANDARD.encode(&bytes)
                    )
                }),
                bytes: bytes.len(),
                mime,
            }))
    }
}
