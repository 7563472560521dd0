//! The app's Tauri commands. Each one must also be listed in command_list.rs.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{CommandError, CommandResult};

/// Environment variable that overrides the data directory (tests, portable use).
pub const DATA_DIR_ENV: &str = "NANSEN_DATA_DIR";

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub data_dir: String,
}

/// `NANSEN_DATA_DIR` if set and non-empty, else the platform data dir
/// (Linux: `$XDG_DATA_HOME/nansen`, i.e. `~/.local/share/nansen`).
pub fn data_dir() -> CommandResult<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "nansen", "Nansen")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            CommandError::new(
                "data_dir_unavailable",
                format!("no home directory found; set {DATA_DIR_ENV}"),
            )
        })
}

#[tauri::command]
pub fn app_info() -> CommandResult<AppInfo> {
    Ok(AppInfo {
        name: "Nansen",
        version: env!("CARGO_PKG_VERSION"),
        data_dir: data_dir()?.to_string_lossy().into_owned(),
    })
}
