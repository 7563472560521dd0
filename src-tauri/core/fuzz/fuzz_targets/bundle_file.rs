//! A whole bundle file as it arrives on a USB stick: age decryption with a fixed
//! identity, then the envelope decoder. Corpus files are encrypted to that identity
//! (see fuzz/README), so mutations reach past the age layer as well as into it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nansen_core::sync::bundle;
use std::str::FromStr;

/// A key made for fuzzing only; it protects nothing.
pub const IDENTITY: &str = "AGE-SECRET-KEY-13E7Y2P5RLLAUDR5EKGAR4NG46ZSVDZULK4YXDWGLRS8VQ5G47J2QS4AJFL";

fuzz_target!(|data: &[u8]| {
    let identity = age::x25519::Identity::from_str(IDENTITY).expect("fixed test identity");
    if let Ok(plain) = bundle::decrypt(data, &[&identity]) {
        let _ = bundle::open(&plain);
    }
});
