//! Writes the seed corpus of the fuzz targets for the other files Nansen reads from
//! outside (src-tauri/core/fuzz/corpus/{backup_file,enrolment,intake_sheet}): a backup
//! of a tiny store, enrolment requests and enrolments made for the fuzzing device, and
//! a CSV file and a workbook of persons with Cyrillic names.
//!
//! `cargo run -p nansen-core --example fuzz_corpus_inputs -- src-tauri/core/fuzz/corpus`
//!
//! Every seed starts with the selector byte its target reads first (see the targets).

use age::secrecy::SecretString;
use ed25519_dalek::SigningKey;
use nansen_core::api::InitOptions;
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::trust::{enrol, DeviceKeys, Role};
use nansen_core::Nansen;
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The same keys and passphrase as the targets (fuzz/fuzz_targets/*.rs); they protect
/// nothing.
const FUZZ_IDENTITY: &str =
    "AGE-SECRET-KEY-13E7Y2P5RLLAUDR5EKGAR4NG46ZSVDZULK4YXDWGLRS8VQ5G47J2QS4AJFL";
const FUZZ_SIGNING_KEY: &[u8; 32] = b"nansen fuzzing device key, none!";
const PASSPHRASE: &str = "fuzz corpus passphrase, not secret";
/// The most of the database a backup seed keeps: its first pages, so a seed stays small.
const DATABASE_PREFIX: usize = 2048;

fn fuzz_keys() -> DeviceKeys {
    DeviceKeys {
        signing: SigningKey::from_bytes(FUZZ_SIGNING_KEY),
        age: age::x25519::Identity::from_str(FUZZ_IDENTITY).unwrap(),
    }
}

fn seed(out: &Path, target: &str, name: &str, selector: u8, bytes: &[u8]) {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    let mut data = vec![selector];
    data.extend_from_slice(bytes);
    std::fs::write(dir.join(name), data).unwrap();
}

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: fuzz_corpus_inputs OUT_DIR"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let init = |name: &str, hq| {
        Nansen::init(
            &tmp.path().join(name),
            InitOptions {
                office: name.into(),
                user: "fuzz".into(),
                passphrase: PASSPHRASE.into(),
                hq,
                kdf: KdfProfile::Test,
            },
        )
        .unwrap()
    };
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();

    // Enrolment: requests (a real office's and the fuzzing device's) and the enrolments
    // headquarters writes for the fuzzing device, before and after a key rotation.
    let mut hq = init("HQ", true);
    let osh = init("Osh", false);
    let read = |p: &Path| std::fs::read(p).unwrap();
    osh.enrol_request(&files.join("osh.req")).unwrap();
    seed(
        &out,
        "enrolment",
        "request-osh",
        0,
        &read(&files.join("osh.req")),
    );
    let request = enrol::write_request(&fuzz_keys(), "Ош");
    seed(&out, "enrolment", "request-fuzz-device", 0, &request);
    std::fs::write(files.join("fuzz.req"), &request).unwrap();
    let approve = |hq: &mut Nansen, role, name: &str| {
        let path = files.join(name);
        hq.enrol_approve(&files.join("fuzz.req"), &path, role)
            .unwrap();
        seed(&out, "enrolment", name, 1, &read(&path));
    };
    approve(&mut hq, Role::Office, "enrolment-office");
    approve(&mut hq, Role::Hq, "enrolment-hq");
    hq.rotate_org_key().unwrap();
    approve(&mut hq, Role::Office, "enrolment-after-rotation");

    // Backup: a tiny store with a Cyrillic name and an attachment.
    let mut office = init("Bishkek", false);
    let photo = files.join("photo.txt");
    std::fs::write(&photo, "a small attachment").unwrap();
    let p = office
        .add(
            Kind::Person,
            &json!({"name": {"text": "Айгуль Осмонова", "lang": "ky-Cyrl"}}),
        )
        .unwrap();
    office
        .attachment_add(
            &photo,
            &json!({"caption": "лагерь", "attached_to": [{"person": p.to_string()}]}),
        )
        .unwrap();
    let backup = files.join("store.nansen-backup");
    office
        .backup(&backup, PASSPHRASE, None, KdfProfile::Test)
        .unwrap();
    let payload = shortened(&decrypt(&read(&backup)));
    seed(&out, "backup_file", "payload", 1, &payload);
    seed(&out, "backup_file", "file", 0, &encrypt(&payload));

    // Intake: the lists monitors keep, as CSV (saved with `;` by a Russian spreadsheet
    // program) and as a workbook.
    let csv = "\u{feff}ФИО;Пол;Дата рождения;Паспорт;Комментарий\n\
               Азиз Каримов@uz-Cyrl;мужской;13.05.1975;AB123;встречен в Оше\n\
               Гульнара Абдуллаева;female;1980;;\n\
               Rustam Nazarov;robot;31.02.1990;passport: X1;\"две\nстроки\"\n";
    seed(&out, "intake_sheet", "persons.csv", 0, csv.as_bytes());
    let xlsx = files.join("persons.xlsx");
    {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Лица").unwrap();
        for (col, header) in ["Имя", "Sex", "Date of birth", "Camp ID"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, col as u16, *header).unwrap();
        }
        sheet.write_string(1, 0, "Азиз Каримов@uz-Cyrl").unwrap();
        sheet.write_string(1, 1, "Эркек").unwrap();
        let born = ExcelDateTime::from_ymd(1975, 5, 13).unwrap();
        let date = Format::new().set_num_format("dd.mm.yyyy");
        sheet
            .write_datetime_with_format(1, 2, &born, &date)
            .unwrap();
        sheet.write_number(1, 3, 117).unwrap();
        sheet.write_string(2, 0, "Гульнара Абдуллаева").unwrap();
        sheet.write_string(2, 1, "robot").unwrap();
        book.save(&xlsx).unwrap();
    }
    seed(&out, "intake_sheet", "persons.xlsx", 1, &read(&xlsx));
    println!("wrote the corpus to {}", out.display());
}

fn decrypt(file: &[u8]) -> Vec<u8> {
    let identity = age::scrypt::Identity::new(SecretString::from(PASSPHRASE));
    let decryptor = age::Decryptor::new(file).unwrap();
    let mut plain = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    plain
}

fn encrypt(plain: &[u8]) -> Vec<u8> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(PASSPHRASE));
    recipient.set_work_factor(2);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .unwrap();
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

/// A real backup payload with its database cut to its first bytes (and the lengths and
/// hashes made to match), so the seed is a few KB and still passes every check up to
/// opening the database.
fn shortened(payload: &[u8]) -> Vec<u8> {
    let len = u32::from_be_bytes(payload[10..14].try_into().unwrap()) as usize;
    let mut manifest: serde_json::Value = serde_json::from_slice(&payload[14..14 + len]).unwrap();
    let mut at = 14 + len;
    let mut bodies = Vec::new();
    for entry in manifest["entries"].as_array_mut().unwrap() {
        let length = entry["length"].as_u64().unwrap() as usize;
        let body = &payload[at..at + length];
        at += length + 32;
        let kept = &body[..length.min(DATABASE_PREFIX)];
        entry["length"] = json!(kept.len());
        bodies.push(kept.to_vec());
    }
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let mut out = payload[..10].to_vec();
    out.extend_from_slice(&(manifest.len() as u32).to_be_bytes());
    out.extend_from_slice(&manifest);
    for body in bodies {
        out.extend_from_slice(&body);
        out.extend_from_slice(blake3::hash(&body).as_bytes());
    }
    let total = blake3::hash(&out);
    out.extend_from_slice(total.as_bytes());
    out
}
