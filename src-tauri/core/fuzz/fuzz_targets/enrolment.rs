//! The enrolment files carried by hand between an office and headquarters.
//!
//! The first byte selects what the rest is:
//! - even: an enrolment request, as headquarters reads it before approving
//!   (`enrol::read_request`: its JSON, the device's own signature, its keys);
//! - odd: an enrolment, as the fuzzing device reads and accepts it
//!   (`enrol::inspect`, then `enrol::accept` into a store not yet enrolled: the
//!   organisation's statement and certificate signatures, the rotation chain, the
//!   directory merge, and for a headquarters device the organisation key sealed to it).
//!   Each accept runs in a transaction that is rolled back, so every input meets the
//!   same store.
//!
//! The seeds (fuzz/README) are real files written by the core for the fuzzing device.
#![no_main]

use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use nansen_core::api::InitOptions;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::trust::{enrol, DeviceKeys};
use nansen_core::Nansen;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

/// Keys made for fuzzing only; they protect nothing.
const FUZZ_IDENTITY: &str =
    "AGE-SECRET-KEY-13E7Y2P5RLLAUDR5EKGAR4NG46ZSVDZULK4YXDWGLRS8VQ5G47J2QS4AJFL";
const FUZZ_SIGNING_KEY: &[u8; 32] = b"nansen fuzzing device key, none!";

struct Device {
    keys: DeviceKeys,
    store: Mutex<Nansen>,
}

fn device() -> &'static Device {
    static DEVICE: OnceLock<Device> = OnceLock::new();
    DEVICE.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("nansen-fuzz-enrolment-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Nansen::init(
            &dir,
            InitOptions {
                office: "Osh".into(),
                user: "fuzz".into(),
                passphrase: "fuzz corpus passphrase, not secret".into(),
                hq: false,
                kdf: KdfProfile::Test,
            },
        )
        .expect("a store for the fuzzing device");
        Device {
            keys: DeviceKeys {
                signing: SigningKey::from_bytes(FUZZ_SIGNING_KEY),
                age: age::x25519::Identity::from_str(FUZZ_IDENTITY).expect("fixed test identity"),
            },
            store: Mutex::new(store),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    if selector % 2 == 0 {
        let _ = enrol::read_request(rest);
        return;
    }
    let device = device();
    if enrol::inspect(rest, &device.keys).is_err() {
        return;
    }
    let store = device.store.lock().expect("one fuzzing thread");
    let tx = store.conn().unchecked_transaction().expect("a transaction");
    let _ = enrol::accept(&tx, rest, &device.keys);
    drop(tx);
});
