//! Writes the seed corpus of the fuzz targets (src-tauri/core/fuzz/corpus): real bundles
//! from a small organisation, as plaintext envelopes, and re-encrypted to the fuzzing key.
//!
//! `cargo run -p nansen-core --example fuzz_corpus -- src-tauri/core/fuzz/corpus`

use nansen_core::api::{ExportRequest, InitOptions};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::sync::bundle;
use nansen_core::Nansen;
use serde_json::json;
use std::path::PathBuf;
use std::str::FromStr;

const FUZZ_IDENTITY: &str =
    "AGE-SECRET-KEY-13E7Y2P5RLLAUDR5EKGAR4NG46ZSVDZULK4YXDWGLRS8VQ5G47J2QS4AJFL";

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: fuzz_corpus OUT_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let init = |name: &str, hq| {
        Nansen::init(
            &tmp.path().join(name),
            InitOptions {
                office: name.into(),
                user: "fuzz".into(),
                passphrase: "fuzz corpus passphrase, not secret".into(),
                hq,
                kdf: KdfProfile::Test,
            },
        )
        .unwrap()
    };
    let mut hq = init("HQ", true);
    let mut osh = init("Osh", false);
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    osh.enrol_request(&files.join("req")).unwrap();
    hq.enrol_approve(
        &files.join("req"),
        &files.join("enr"),
        nansen_core::trust::Role::Office,
    )
    .unwrap();
    osh.enrol_accept(&files.join("enr")).unwrap();
    let photo = files.join("photo.txt");
    std::fs::write(&photo, "a small attachment").unwrap();

    let hq_identity: age::x25519::Identity = {
        let bytes: Vec<u8> = hq
            .conn()
            .query_row(
                "SELECT value FROM secrets WHERE name = 'device_age_identity'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        String::from_utf8(bytes).unwrap().parse().unwrap()
    };
    let fuzz_recipient = age::x25519::Identity::from_str(FUZZ_IDENTITY)
        .unwrap()
        .to_public();
    let mut bundles = Vec::new();
    let mut export = |n: &mut Nansen, name: &str| {
        let path = files.join(format!("{name}.nansen"));
        n.export_bundle(
            &ExportRequest {
                peer: Some("HQ".into()),
                full: true,
                out: path.clone(),
            },
            &mut |_| {},
        )
        .unwrap();
        bundles.push((name.to_string(), std::fs::read(path).unwrap()));
    };
    export(&mut osh, "empty");
    let p = osh.add(Kind::Person, &json!({"name": {"text": "Азиз Каримов", "lang": "uz-Cyrl"}, "aliases": [{"text": "Aziz Karimov", "lang": "uz-Latn"}]})).unwrap();
    osh.attachment_add(
        &photo,
        &json!({"caption": "gate", "attached_to": [{"person": p.to_string()}]}),
    )
    .unwrap();
    export(&mut osh, "person-and-attachment");
    osh.load_demo().unwrap();
    osh.delete(Kind::Person, p).unwrap();
    export(&mut osh, "demo");

    for dir in ["bundle_envelope", "bundle_file"] {
        std::fs::create_dir_all(out.join(dir)).unwrap();
    }
    for (name, file) in bundles {
        let plain = bundle::decrypt(&file, &[&hq_identity]).unwrap();
        std::fs::write(out.join("bundle_envelope").join(&name), &plain).unwrap();
        let reencrypted = bundle::encrypt(&plain, std::slice::from_ref(&fuzz_recipient)).unwrap();
        std::fs::write(out.join("bundle_file").join(&name), reencrypted).unwrap();
    }
    println!("wrote the corpus to {}", out.display());
}
