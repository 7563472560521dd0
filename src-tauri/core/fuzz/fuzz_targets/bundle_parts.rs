//! The decoders of a bundle's parts, fed directly: the envelope's hash checks would
//! otherwise stop almost every mutation before it reached them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nansen_core::oplog::Change;
use nansen_core::sync::bundle;

fuzz_target!(|data: &[u8]| {
    let (selector, rest) = match data.split_first() {
        Some((s, r)) => (*s, r),
        None => return,
    };
    match selector % 4 {
        0 => {
            // Limits as loose as the input allows: the frame headers decide the rest.
            let limits = bundle::FrameLimits {
                frames: rest.len() as u64,
                bytes: rest.len() as u64,
            };
            let _ = bundle::read_frames(rest, limits, |f| {
                if let Ok(c) = Change::decode(&f) {
                    for op in &c.ops {
                        let _ = op.validate();
                    }
                }
                Ok(())
            });
        }
        1 => {
            // A changes part with the most a manifest for it could declare.
            let counts = bundle::Counts {
                changes: 1 << 16,
                ops: 1 << 16,
                changes_bytes: (rest.len() as u64 * bundle::MAX_EXPANSION).min(64 << 20),
                ..Default::default()
            };
            let _ = bundle::decode_changes(rest, &counts, |_| Ok(()));
        }
        2 => {
            let _ = bundle::decode_attachments(rest);
        }
        _ => {
            if let Ok(c) = Change::decode(rest) {
                for op in &c.ops {
                    let _ = op.validate();
                }
                let _ = c.encode();
            }
        }
    }
});
