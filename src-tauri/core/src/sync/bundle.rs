//! The bundle file, format version 2.
//!
//! A bundle is what travels between offices on a USB stick. On disk it is an
//! [age](https://age-encryption.org/v1) file (binary, X25519 recipients): encrypted to
//! the destination device(s) and to the organisation's escrow key, so headquarters can
//! always read it. The reference `age` tool decrypts it with a recipient's identity.
//! Inside is the envelope:
//!
//! ```text
//! offset      size  field
//! ----------  ----  ------------------------------------------------------------
//! 0           8     magic "NANSENB\0"
//! 8           2     envelope version, u16 big-endian (2)
//! 10          4     manifest length M, u32 big-endian
//! 14          M     manifest, JSON (below)
//! 14+M        ...   parts, back to back, in manifest order, lengths in the manifest
//! end-64      64    Ed25519 signature by the sender device over
//!                   "nansen-bundle-v2\0" ‖ BLAKE3(every byte before the signature)
//! ```
//!
//! The manifest:
//!
//! | field            | meaning                                                          |
//! |------------------|------------------------------------------------------------------|
//! | `bundle_id`      | UUID; importing the same bundle twice is a recognised no-op      |
//! | `created_at`     | RFC 3339, the sender's clock                                     |
//! | `schema_version` | the newest migration of the sender's that changes what bundles carry; one newer than our latest is refused |
//! | `app_version`    | the sending Nansen's version, for diagnostics                    |
//! | `sender`         | `{device, user}`: the signing device and the person using it. Its office and role are never taken from here but from its certificate |
//! | `recipients`     | device ids the bundle is for                                     |
//! | `escrow`         | true when also encrypted to the organisation's escrow key       |
//! | `full`           | true for a full export (everything the sender holds)             |
//! | `sender_vv`      | the sender's version vector: doubles as its acknowledgement      |
//! | `ack`            | what the sender believed the recipient held: the delta's base    |
//! | `counts`         | `{changes, ops, origins, changes_bytes, attachments, attachment_bytes}` |
//! | `parts`          | `[{name, length, blake3, encoding}]`, in file order              |
//!
//! The parts:
//!
//! | name          | encoding | content                                                    |
//! |---------------|----------|------------------------------------------------------------|
//! | `directory`   | `json`   | the organisation's signed statement, device certificates, revocations |
//! | `heads`       | `json`   | exactly one per origin device sent: `{device, seq, hash, signature}`, the origin's signed head of the last change sent |
//! | `changes`     | `zstd`   | frames `u32 BE length ‖ exact change bytes`, grouped by device, seq ascending |
//! | `attachments` | `raw`    | frames `32-byte BLAKE3 ‖ u64 BE length ‖ file bytes`       |
//!
//! Every change keeps the exact bytes its origin device hashed into its chain, so a
//! change relayed through headquarters is still verified against its origin: the chain
//! links each change to the previous one, and the origin's signed head vouches for the
//! last. Nothing is re-serialised before it is verified.
//!
//! **Bounded decoding.** A bundle is read whole into memory (at most
//! [`MAX_BUNDLE_FILE_BYTES`]). The changes part is decompressed as a stream and split
//! into frames as it goes, never beyond what the signed manifest declares:
//! `counts.changes_bytes` bytes in exactly `counts.changes` non-empty frames, at most
//! [`MAX_OP_BYTES`] per declared op (plus [`MAX_CHANGE_OVERHEAD`] per change), at most
//! [`MAX_CHANGES_BYTES`] in all, and at most [`MAX_EXPANSION`] times the compressed
//! size. So importing a bundle of N bytes costs memory in proportion to its declared
//! content and never more than a few times [`MAX_CHANGES_BYTES`] plus the file itself.
//! The import decodes frames in batches of at most 4 096 frames or 8 MiB, on every
//! core, and checks each batch before it reads the next (`sync::import::verify`): a
//! bundle refused for an early frame costs at most a batch, and the next frame.
//! Format 1 bundles (whose escrow key and sender office were not authenticated) are
//! refused with a message that says to update the sender.

use super::messages as m;
use crate::error::{Error, Result};
use crate::oplog::change::{hex_hash, Hash};
use crate::oplog::VersionVector;
use crate::trust::{self, BUNDLE_CONTEXT};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use uuid::Uuid;

pub const MAGIC: &[u8; 8] = b"NANSENB\0";
pub const ENVELOPE_VERSION: u16 = 2;
const HEADER: usize = 14;
const SIGNATURE: usize = 64;
/// The largest bundle file read: the whole file is held in memory while it is imported.
pub const MAX_BUNDLE_FILE_BYTES: u64 = 2 << 30;
/// The most decompressed change bytes one bundle may declare.
pub const MAX_CHANGES_BYTES: u64 = 1 << 30;
/// The most bytes one op may take in a change. The longest field is free text of
/// 100,000 characters, at most 600,000 bytes once escaped in JSON.
pub const MAX_OP_BYTES: u64 = 1 << 20;
/// A change's own fields (device, seq, hashes, clock, author, version vector).
pub const MAX_CHANGE_OVERHEAD: u64 = 64 << 10;
/// The most the changes part may expand when decompressed. Real changes (unique ids
/// and hashes in every one) compress about 20 times; a bomb compresses thousands.
pub const MAX_EXPANSION: u64 = 1000;

/// The device that signed the bundle, and who was using it. The user is the device's
/// own statement (like the author of a change); the office comes from the certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    pub device: Uuid,
    pub user: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub changes: u64,
    pub ops: u64,
    pub origins: u64,
    /// The changes part's size once decompressed.
    pub changes_bytes: u64,
    pub attachments: u64,
    pub attachment_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub name: String,
    pub length: u64,
    pub blake3: String,
    pub encoding: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub bundle_id: Uuid,
    pub created_at: String,
    pub schema_version: i64,
    pub app_version: String,
    pub sender: Sender,
    pub recipients: Vec<Uuid>,
    pub escrow: bool,
    pub full: bool,
    pub sender_vv: VersionVector,
    pub ack: VersionVector,
    pub counts: Counts,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedHead {
    pub device: Uuid,
    pub seq: u64,
    #[serde(with = "hex_hash")]
    pub hash: Hash,
    pub signature: String,
}

impl SignedHead {
    pub fn sign(key: &SigningKey, device: Uuid, seq: u64, hash: Hash) -> SignedHead {
        let sig = trust::sign(
            key,
            trust::HEAD_CONTEXT,
            &trust::head_message(&device, seq, &hash),
        );
        SignedHead {
            device,
            seq,
            hash,
            signature: hex::encode(sig.to_bytes()),
        }
    }

    pub fn verify(&self, key: &VerifyingKey) -> bool {
        let sig = hex::decode(&self.signature).unwrap_or_default();
        trust::verify(
            key,
            trust::HEAD_CONTEXT,
            &trust::head_message(&self.device, self.seq, &self.hash),
            &sig,
        )
    }
}

/// A parsed envelope whose structure and part hashes have been checked. The sender's
/// signature is checked separately, once the sender's key is known.
pub struct Envelope<'a> {
    pub manifest: Manifest,
    parts: Vec<(String, &'a [u8])>,
    signed: &'a [u8],
    signature: &'a [u8],
}

impl<'a> Envelope<'a> {
    pub fn part(&self, name: &str) -> Option<&'a [u8]> {
        self.parts.iter().find(|(n, _)| n == name).map(|(_, b)| *b)
    }

    pub fn verify_signature(&self, key: &VerifyingKey) -> bool {
        trust::verify(
            key,
            BUNDLE_CONTEXT,
            blake3::hash(self.signed).as_bytes(),
            self.signature,
        )
    }
}

/// Assembles and signs an envelope. `manifest.parts` is filled in here.
pub fn seal(
    mut manifest: Manifest,
    parts: Vec<(&str, &str, Vec<u8>)>,
    key: &SigningKey,
) -> Vec<u8> {
    manifest.parts = parts
        .iter()
        .map(|(name, encoding, bytes)| Part {
            name: name.to_string(),
            length: bytes.len() as u64,
            blake3: blake3::hash(bytes).to_hex().to_string(),
            encoding: encoding.to_string(),
        })
        .collect();
    let manifest_bytes = serde_json::to_vec(&manifest).expect("serialisable");
    let total: usize =
        HEADER + manifest_bytes.len() + parts.iter().map(|p| p.2.len()).sum::<usize>() + SIGNATURE;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&ENVELOPE_VERSION.to_be_bytes());
    out.extend_from_slice(&(manifest_bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(&manifest_bytes);
    for (_, _, bytes) in &parts {
        out.extend_from_slice(bytes);
    }
    let sig = trust::sign(key, BUNDLE_CONTEXT, blake3::hash(&out).as_bytes());
    out.extend_from_slice(&sig.to_bytes());
    out
}

/// Parses an envelope and checks its structure and every part's hash.
pub fn open(bytes: &[u8]) -> Result<Envelope<'_>> {
    let damaged = |what: &str| Error::rejected(m::bundle_damaged(what));
    if bytes.len() < HEADER + SIGNATURE || &bytes[..8] != MAGIC {
        return Err(Error::rejected(m::not_a_bundle()));
    }
    let version = u16::from_be_bytes([bytes[8], bytes[9]]);
    if version < ENVELOPE_VERSION {
        return Err(Error::rejected(m::older_format(version)));
    }
    if version != ENVELOPE_VERSION {
        return Err(Error::rejected(m::newer_format(version)));
    }
    let m_len = u32::from_be_bytes(bytes[10..14].try_into().expect("4 bytes")) as usize;
    let body_end = bytes.len() - SIGNATURE;
    if HEADER + m_len > body_end {
        return Err(damaged("manifest length"));
    }
    let manifest: Manifest = serde_json::from_slice(&bytes[HEADER..HEADER + m_len])
        .map_err(|e| Error::rejected(m::manifest_malformed(e)))?;
    let mut offset = HEADER + m_len;
    let mut parts = Vec::new();
    for part in &manifest.parts {
        let end = offset
            .checked_add(part.length as usize)
            .filter(|&e| e <= body_end)
            .ok_or_else(|| damaged("part lengths"))?;
        let slice = &bytes[offset..end];
        if blake3::hash(slice).to_hex().as_str() != part.blake3 {
            return Err(damaged(&format!(
                "part '{}' does not match its hash",
                part.name
            )));
        }
        parts.push((part.name.clone(), slice));
        offset = end;
    }
    if offset != body_end {
        return Err(damaged("trailing bytes"));
    }
    Ok(Envelope {
        manifest,
        parts,
        signed: &bytes[..body_end],
        signature: &bytes[body_end..],
    })
}

pub fn encode_frames(items: impl IntoIterator<Item = impl AsRef<[u8]>>) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        let b = item.as_ref();
        out.extend_from_slice(&(b.len() as u32).to_be_bytes());
        out.extend_from_slice(b);
    }
    out
}

/// How many frames, and how many bytes in all, a reader may yield.
#[derive(Debug, Clone, Copy)]
pub struct FrameLimits {
    pub frames: u64,
    pub bytes: u64,
}

/// Reads exactly `limits.frames` non-empty frames (`u32 BE length ‖ bytes`) totalling
/// exactly `limits.bytes` bytes, handing each to `each` as soon as it is read. It never
/// allocates beyond what the limits allow, whatever a frame header claims.
pub fn read_frames(
    mut reader: impl Read,
    limits: FrameLimits,
    mut each: impl FnMut(Vec<u8>) -> Result<()>,
) -> Result<()> {
    let damaged = |what: &str| Error::rejected(m::changes_damaged(what));
    let (mut frames, mut bytes) = (0u64, 0u64);
    loop {
        let mut header = [0u8; 4];
        match read_full(&mut reader, &mut header)? {
            0 => break,
            4 => {}
            _ => return Err(damaged("frame header")),
        }
        let len = u32::from_be_bytes(header) as u64;
        if len == 0 {
            return Err(damaged("an empty frame"));
        }
        frames += 1;
        bytes += 4 + len;
        if frames > limits.frames || bytes > limits.bytes {
            return Err(damaged("more than its manifest declares"));
        }
        let mut frame = vec![0u8; len as usize];
        if read_full(&mut reader, &mut frame)? != frame.len() {
            return Err(damaged("frame length"));
        }
        each(frame)?;
    }
    if frames != limits.frames || bytes != limits.bytes {
        return Err(damaged("less than its manifest declares"));
    }
    Ok(())
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(Error::rejected(m::changes_not_decompressible())),
        }
    }
    Ok(filled)
}

/// Checks what a manifest declares about its changes against the fixed ceilings.
pub fn check_declared(counts: &Counts, compressed_len: u64) -> Result<()> {
    let too_big = |why: &str| Error::rejected(m::declared_too_much(counts.changes_bytes, why));
    let per_op = counts
        .ops
        .saturating_mul(MAX_OP_BYTES)
        .saturating_add(counts.changes.saturating_mul(MAX_CHANGE_OVERHEAD));
    if counts.changes_bytes > MAX_CHANGES_BYTES {
        return Err(too_big(&format!(
            "more than the {} MiB a bundle may hold; export in smaller steps",
            MAX_CHANGES_BYTES >> 20
        )));
    }
    if counts.changes_bytes > per_op {
        return Err(too_big(&format!("too many for its {} ops", counts.ops)));
    }
    if counts.changes_bytes > compressed_len.saturating_mul(MAX_EXPANSION) + 4096 {
        return Err(too_big(
            "far more than its compressed size can honestly hold",
        ));
    }
    if counts.changes_bytes < counts.changes.saturating_mul(5) {
        return Err(too_big(&format!(
            "too few for its {} changes",
            counts.changes
        )));
    }
    Ok(())
}

/// Decompresses the changes part as a stream and hands over each change's exact bytes,
/// within what the manifest declares (see the module docs).
pub fn decode_changes(
    part: &[u8],
    counts: &Counts,
    each: impl FnMut(Vec<u8>) -> Result<()>,
) -> Result<()> {
    check_declared(counts, part.len() as u64)?;
    let decoder = zstd::stream::read::Decoder::new(part)
        .map_err(|_| Error::rejected(m::changes_not_decompressible()))?;
    // One byte past the declared size is read, so an overlong stream is noticed.
    read_frames(
        decoder.take(counts.changes_bytes + 1),
        FrameLimits {
            frames: counts.changes,
            bytes: counts.changes_bytes,
        },
        each,
    )
}

pub fn compress(bytes: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(bytes, 3).map_err(|e| Error::io(m::compressing(), e))
}

pub fn encode_attachments(blobs: &[(Hash, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (hash, bytes) in blobs {
        out.extend_from_slice(hash);
        out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

pub fn decode_attachments(mut bytes: &[u8]) -> Result<Vec<(Hash, &[u8])>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 40 {
            return Err(Error::rejected(m::attachments_damaged()));
        }
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&bytes[..32]);
        let len = u64::from_be_bytes(bytes[32..40].try_into().expect("8 bytes")) as usize;
        if bytes.len() - 40 < len {
            return Err(Error::rejected(m::attachments_damaged()));
        }
        let blob = &bytes[40..40 + len];
        if blake3::hash(blob).as_bytes() != &hash {
            return Err(Error::rejected(m::bundle_attachment_hash_mismatch()));
        }
        out.push((hash, blob));
        bytes = &bytes[40 + len..];
    }
    Ok(out)
}

/// Encrypts to age X25519 recipients (binary age format).
pub fn encrypt(plaintext: &[u8], recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>> {
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| Error::crypto(m::cannot_encrypt(e)))?;
    let mut out = Vec::with_capacity(plaintext.len() + 1024);
    let mut w = encryptor
        .wrap_output(&mut out)
        .map_err(|e| Error::io(m::encrypting(), e))?;
    w.write_all(plaintext)
        .map_err(|e| Error::io(m::encrypting(), e))?;
    w.finish().map_err(|e| Error::io(m::encrypting(), e))?;
    Ok(out)
}

/// Decrypts with whichever of our identities the bundle was made for.
pub fn decrypt(file: &[u8], identities: &[&age::x25519::Identity]) -> Result<Vec<u8>> {
    let decryptor = age::Decryptor::new_buffered(file).map_err(|e| match e {
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            Error::rejected(m::not_a_bundle_or_damaged())
        }
        age::DecryptError::Io(_) => Error::rejected(m::file_truncated()),
        other => Error::rejected(m::unreadable(other)),
    })?;
    let mut reader = decryptor
        .decrypt(identities.iter().map(|i| *i as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => Error::rejected(m::not_addressed_here()),
            age::DecryptError::InvalidMac | age::DecryptError::DecryptionFailed => {
                Error::rejected(m::header_tampered())
            }
            other => Error::rejected(m::undecryptable(other)),
        })?;
    let mut out = Vec::with_capacity(file.len());
    reader
        .read_to_end(&mut out)
        .map_err(|_| Error::rejected(m::truncated_or_tampered()))?;
    Ok(out)
}
