//! Nansen desktop shell: a thin Tauri layer over nansen-core.
//!
//! The web view may only call the commands listed in `command_list.rs`; each
//! is permitted explicitly in `capabilities/main.json` (checked by build.rs).

#[macro_use]
mod command_list;
mod commands;
mod error;

pub use error::CommandError;

macro_rules! register_commands {
    ($($command:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$command),*]
    };
}

/// Build and run the app; blocks until the last window closes.
pub fn run() {
    tauri::Builder::default()
        .invoke_handler(app_commands!(register_commands))
        .run(tauri::generate_context!())
        .expect("error while running Nansen");
}
