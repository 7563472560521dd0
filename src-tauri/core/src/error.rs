//! One error type for the whole core. Every variant carries a stable `code` so the
//! desktop UI and `nansen --json` can react to it, and a message that tells the user
//! what happened and, where there is something to do, what to do next.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),

    #[error("no {kind} with id {id}")]
    NotFound { kind: String, id: String },

    #[error("'{term}' is not a known {vocab}; known terms: {known}")]
    UnknownTerm {
        vocab: String,
        term: String,
        known: String,
    },

    #[error("no Nansen store in {}; create one with `nansen init --office NAME`", dir.display())]
    NotInitialised { dir: PathBuf },

    #[error("a Nansen store already exists in {}", dir.display())]
    AlreadyInitialised { dir: PathBuf },

    #[error("wrong passphrase{}", retry_hint(*retry_after_ms))]
    WrongPassphrase { retry_after_ms: u64 },

    #[error("too many wrong passphrases; wait {} s before trying again", retry_after_ms.div_ceil(1000))]
    TooManyAttempts { retry_after_ms: u64 },

    #[error("the store is locked; unlock it with your passphrase")]
    Locked,

    #[error("this passphrase is too weak: {advice}. Choose a longer one, for example four or five unrelated words")]
    WeakPassphrase { advice: String },

    #[error("a passphrase is needed: type it at the prompt, or set NANSEN_PASSPHRASE or --passphrase-file")]
    PassphraseRequired,

    #[error("this store was written by a newer version of Nansen (schema {found}, this version knows up to {supported}); install the newer version")]
    NewerStore { found: i64, supported: i64 },

    #[error("migration {version} ({name}) has changed since it was applied to this store; a released migration must never be edited — add a new one instead")]
    MigrationChanged { version: i64, name: String },

    #[error("bundle rejected: {reason}; nothing was imported")]
    BundleRejected { reason: String },

    #[error("the store is in use by another Nansen window or command; close it and try again")]
    Busy,

    #[error(
        "the disk is full{}; nothing was changed — free some space and try again",
        context_hint(context)
    )]
    DiskFull { context: String },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Db(rusqlite::Error),

    #[error("{0}")]
    Crypto(String),

    #[error("{0}")]
    Trust(String),

    #[error("injected fault at statement {0} (test hook)")]
    InjectedFault(u64),
}

fn retry_hint(ms: u64) -> String {
    if ms == 0 {
        String::new()
    } else {
        format!("; wait {} s before the next try", ms.div_ceil(1000))
    }
}

fn context_hint(context: &str) -> String {
    if context.is_empty() {
        String::new()
    } else {
        format!(" ({context})")
    }
}

impl Error {
    /// A stable machine-readable code, part of the UI and `--json` contract.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid_input",
            Error::NotFound { .. } => "not_found",
            Error::UnknownTerm { .. } => "unknown_term",
            Error::NotInitialised { .. } => "not_initialised",
            Error::AlreadyInitialised { .. } => "already_initialised",
            Error::WrongPassphrase { .. } => "wrong_passphrase",
            Error::TooManyAttempts { .. } => "too_many_attempts",
            Error::Locked => "locked",
            Error::WeakPassphrase { .. } => "weak_passphrase",
            Error::PassphraseRequired => "passphrase_required",
            Error::NewerStore { .. } => "newer_store",
            Error::MigrationChanged { .. } => "migration_changed",
            Error::BundleRejected { .. } => "bundle_rejected",
            Error::Busy => "busy",
            Error::DiskFull { .. } => "disk_full",
            Error::Io { .. } => "io",
            Error::Db(_) => "database",
            Error::Crypto(_) => "crypto",
            Error::Trust(_) => "untrusted",
            Error::InjectedFault(_) => "injected_fault",
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    pub fn rejected(reason: impl Into<String>) -> Self {
        Error::BundleRejected {
            reason: reason.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        let context = context.into();
        if source.raw_os_error() == Some(28) || source.kind() == std::io::ErrorKind::StorageFull {
            return Error::DiskFull { context };
        }
        Error::Io { context, source }
    }

    pub fn not_found(kind: impl Into<String>, id: impl ToString) -> Self {
        Error::NotFound {
            kind: kind.into(),
            id: id.to_string(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DiskFull => {
                    return Error::DiskFull {
                        context: String::new(),
                    }
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return Error::Busy,
                ErrorCode::NotADatabase => {
                    return Error::Crypto(
                        "the store could not be decrypted with this key; the key file and the database do not match".into(),
                    )
                }
                _ => {}
            }
        }
        Error::Db(e)
    }
}

impl From<rusqlite::types::FromSqlError> for Error {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Error::Db(rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Null,
            Box::new(e),
        ))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Invalid(format!("malformed JSON: {e}"))
    }
}

/// What the UI receives: `{code, message}`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        let retry_after_ms = match e {
            Error::WrongPassphrase { retry_after_ms }
            | Error::TooManyAttempts { retry_after_ms } => Some(*retry_after_ms),
            _ => None,
        };
        ErrorBody {
            code: e.code().to_string(),
            message: e.to_string(),
            retry_after_ms,
        }
    }
}
