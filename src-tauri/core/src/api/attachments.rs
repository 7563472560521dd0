//! Attachments: a file stored encrypted beside the database ([`crate::store::blobs`]) and
//! an attachment record pointing at it by content hash.

use super::Nansen;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::store::blobs::{self, MAX_ATTACHMENT_BYTES};
use serde_json::{json, Value};
use std::path::Path;
use uuid::Uuid;

impl Nansen {
    /// Stores a file and creates its attachment record. `input` may hold `caption`,
    /// `captured`, `confidentiality` and `attached_to`.
    pub fn attachment_add(&mut self, file: &Path, input: &Value) -> Result<Uuid> {
        let meta = std::fs::metadata(file)
            .map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
        if meta.len() > MAX_ATTACHMENT_BYTES {
            return Err(Error::invalid(format!(
                "{} is larger than {} MiB; attachments must fit on a USB stick bundle",
                file.display(),
                MAX_ATTACHMENT_BYTES >> 20
            )));
        }
        let bytes =
            std::fs::read(file).map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
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
}
