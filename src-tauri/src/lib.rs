//! Nansen desktop shell: a thin Tauri layer over nansen-core.
//!
//! The web view may only call the commands listed in `command_list.rs`; each
//! is permitted explicitly in `capabilities/main.json` (checked by build.rs).
//! The dialog plugin is used from Rust only; the web view has no permission for it.

#[macro_use]
mod command_list;
mod commands;
mod error;

pub use error::CommandError;

use nansen_core::api::Session;
use std::sync::Arc;
use std::time::Duration;

macro_rules! register_commands {
    ($($command:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$command),*]
    };
}

/// Build and run the app; blocks until the last window closes.
pub fn run() {
    nansen_core::process::harden();
    let dir = nansen_core::store::resolve_data_dir(None);
    let session: commands::AppSession = Arc::new(Session::new(&dir));
    // Lock an unattended session even if the window is frozen or hidden: the keys
    // leave memory with the store.
    let watchdog = Arc::clone(&session);
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(15));
        watchdog.lock_if_idle();
    });
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .invoke_handler(app_commands!(register_commands))
        .run(tauri::generate_context!())
        .expect("error while running Nansen");
}
