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
            if let Ok(frames) = bundle::decode_frames(rest) {
                for f in frames {
                    if let Ok(c) = Change::decode(f) {
                        for op in &c.ops {
                            let _ = op.validate();
                        }
                    }
                }
            }
        }
        1 => {
            let _ = bundle::decompress(rest);
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
