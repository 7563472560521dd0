use std::{collections::BTreeSet, fs, path::Path};

// `app_commands!` — the one list of app commands, shared with src/lib.rs.
include!("src/command_list.rs");

macro_rules! command_names {
    ($($command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

const COMMANDS: &[&str] = app_commands!(command_names);
const CAPABILITY: &str = "capabilities/main.json";

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    println!("cargo:rerun-if-changed={CAPABILITY}");

    // generate_context!() panics if frontendDist is missing; a Rust-only build
    // (clippy, cargo build) must still work before the UI has been built.
    let dist = Path::new("../ui/dist");
    if !dist.exists() {
        fs::create_dir_all(dist).expect("create ../ui/dist");
        fs::write(
            dist.join("index.html"),
            "<!doctype html><title>Nansen</title><p>UI not built: run `make ui`.</p>\n",
        )
        .expect("write placeholder ../ui/dist/index.html");
    }

    check_capability();

    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}

/// The main window must be granted exactly `allow-<command>` for every app
/// command and nothing else (no core:*, fs, shell, http, dialog ...).
fn check_capability() {
    let text = fs::read_to_string(CAPABILITY).expect("read capabilities/main.json");
    let json: serde_json::Value =
        serde_json::from_str(&text).expect("parse capabilities/main.json");
    let granted: BTreeSet<String> = json["permissions"]
        .as_array()
        .expect("capabilities/main.json: `permissions` must be an array")
        .iter()
        .map(|p| {
            p.as_str()
                .expect("capabilities/main.json: permissions must be plain identifiers")
                .to_owned()
        })
        .collect();
    let expected: BTreeSet<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    let missing: Vec<_> = expected.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&expected).collect();
    if !missing.is_empty() || !extra.is_empty() {
        panic!(
            "{CAPABILITY} must grant exactly the app commands listed in src/command_list.rs.\n  \
             missing: {missing:?}\n  not an app command (remove, or justify and add an exception in build.rs): {extra:?}"
        );
    }
}
