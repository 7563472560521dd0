//! The attachment files: photos and scanned documents, stored content-addressed and
//! encrypted beside the database.
//!
//! A record holds the file's BLAKE3 hash; the bytes live in
//! `attachments/<xx>/<name>` where `name` is a BLAKE3 hash *keyed* with the store's
//! attachment key, so the file names do not reveal which known file is present. Each
//! file is sealed with XChaCha20-Poly1305 under the same key (inside the encrypted
//! store): `nonce (24 bytes) ‖ ciphertext`, with the content hash as associated data.

use super::messages as m;
use crate::error::messages as em;
use crate::error::{Error, Result};
use crate::store::keyfile::random_bytes;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Files larger than this are refused: bundles travel on USB sticks and are held in memory.
pub const MAX_ATTACHMENT_BYTES: u64 = 64 << 20;

fn key(conn: &Connection) -> Result<Zeroizing<[u8; 32]>> {
    let k = super::secret(conn, "attachment_key")?
        .ok_or_else(|| Error::crypto(m::attachment_key_missing()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    if k.len() != 32 {
        return Err(Error::crypto(m::attachment_key_damaged()));
    }
    out.copy_from_slice(&k);
    Ok(out)
}

fn path_for(dir: &Path, key: &[u8; 32], hash: &[u8; 32]) -> PathBuf {
    let name = blake3::keyed_hash(key, hash).to_hex().to_string();
    dir.join("attachments").join(&name[..2]).join(&name[2..])
}

fn parse_hash(hash: &str) -> Result<[u8; 32]> {
    let mut h = [0u8; 32];
    hex::decode_to_slice(hash, &mut h).map_err(|_| Error::invalid(m::not_a_content_hash(hash)))?;
    Ok(h)
}

pub fn write_blob(conn: &Connection, dir: &Path, hash: &[u8; 32], bytes: &[u8]) -> Result<()> {
    if blake3::hash(bytes).as_bytes() != hash {
        return Err(Error::invalid(m::attachment_hash_mismatch()));
    }
    let key = key(conn)?;
    let path = path_for(dir, &key, hash);
    if path.exists() {
        return Ok(());
    }
    let parent = path.parent().expect("has a parent");
    super::create_private_dir(parent)?;
    let nonce = random_bytes::<24>();
    let sealed = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&key[..]))
        .encrypt(
            XNonce::from_slice(&nonce[..]),
            Payload {
                msg: bytes,
                aad: hash,
            },
        )
        .map_err(|_| Error::crypto(m::attachment_not_sealed()))?;
    let mut file = nonce.to_vec();
    file.extend_from_slice(&sealed);
    super::write_atomically(&path, &file)
}

pub fn read_blob(conn: &Connection, dir: &Path, hash: &str) -> Result<Option<Vec<u8>>> {
    let hash = parse_hash(hash)?;
    let key = key(conn)?;
    let path = path_for(dir, &key, &hash);
    let file = match std::fs::read(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(em::reading(path.display()), e)),
    };
    if file.len() < 24 {
        return Err(Error::crypto(m::attachment_damaged()));
    }
    let plain = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&key[..]))
        .decrypt(
            XNonce::from_slice(&file[..24]),
            Payload {
                msg: &file[24..],
                aad: &hash,
            },
        )
        .map_err(|_| Error::crypto(m::attachment_damaged()))?;
    Ok(Some(plain))
}

pub fn guess_mime(name: &str) -> &'static str {
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}
