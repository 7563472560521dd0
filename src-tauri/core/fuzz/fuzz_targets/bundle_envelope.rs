//! The bundle decoder after decryption: envelope, manifest, parts, frames, changes, ops,
//! attachments, directory and heads. Whatever the bytes, it must return an error or a
//! value, never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nansen_core::oplog::Change;
use nansen_core::sync::bundle;

fuzz_target!(|data: &[u8]| {
    let Ok(env) = bundle::open(data) else { return };
    if let Some(part) = env.part("changes") {
        let _ = bundle::decode_changes(part, &env.manifest.counts, |frame| {
            if let Ok(change) = Change::decode(&frame) {
                for op in &change.ops {
                    let _ = op.validate();
                }
            }
            Ok(())
        });
    }
    if let Some(part) = env.part("attachments") {
        let _ = bundle::decode_attachments(part);
    }
    if let Some(part) = env.part("heads") {
        let _ = serde_json::from_slice::<Vec<bundle::SignedHead>>(part);
    }
    if let Some(part) = env.part("directory") {
        let _ = serde_json::from_slice::<nansen_core::trust::Directory>(part);
    }
    let key = ed25519_key();
    let _ = env.verify_signature(&key);
});

fn ed25519_key() -> ed25519_dalek::VerifyingKey {
    ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key()
}
