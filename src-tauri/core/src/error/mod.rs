//! One error type for the whole core.
//!
//! Every error has a broad, stable `code` (what the UI and `nansen --json` react to:
//! `invalid_input`, `bundle_rejected`, `wrong_passphrase`…) and a [`Message`]: a
//! fine-grained stable `reason` with structured parameters (field, value, limit…) and
//! an English sentence for the CLI and logs. The desktop UI renders the message from
//! its reason and parameters in the person's language (`ui/src/lib/locales/*.json`,
//! `errors.<reason>`), so a monitor reading Russian sees Russian errors; a test walks
//! every reason and fails when a locale lacks it.
//!
//! Messages are declared in one catalog per module that raises them (`messages!`), and
//! `api::catalog` lists them all.

mod catalog;
pub mod messages;

pub use catalog::Entry;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A message: a stable reason, its parameters, and its English rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Message {
    pub reason: String,
    pub params: BTreeMap<String, String>,
    pub english: String,
}

impl Message {
    /// Renders `template` (with `{param}` placeholders) with `params`.
    pub fn new(reason: &str, template: &str, params: Vec<(&str, String)>) -> Message {
        let mut english = template.to_string();
        for (name, value) in &params {
            english = english.replace(&format!("{{{name}}}"), value);
        }
        Message {
            reason: reason.to_string(),
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            english,
        }
    }
}

impl Message {
    /// The same message, said of one field: `'field': …`.
    pub fn about_field(mut self, field: &str) -> Message {
        self.english = format!("'{field}': {}", self.english);
        self.params.insert("field".into(), field.to_string());
        self
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

/// Declares a module's messages: one constructor function per message, taking its
/// parameters in order, and `ALL`, the list the catalog is built from.
///
/// ```text
/// messages! {
///     /// A required field is missing.
///     field_required(kind, field) => "a {kind} needs a '{field}'";
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! messages {
    ($( $(#[$doc:meta])* $reason:ident ( $($param:ident),* ) => $english:literal; )*) => {
        $(
            $(#[$doc])*
            #[allow(clippy::too_many_arguments, dead_code)]
            pub fn $reason($($param: impl ::std::fmt::Display),*) -> $crate::error::Message {
                $crate::error::Message::new(
                    stringify!($reason),
                    $english,
                    vec![$((stringify!($param), $param.to_string())),*],
                )
            }
        )*
        /// Every message this module declares: reason, English template, parameters.
        pub const ALL: &[$crate::error::Entry] = &[
            $($crate::error::Entry {
                reason: stringify!($reason),
                english: $english,
                params: &[$(stringify!($param)),*],
            }),*
        ];
    };
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Message),

    #[error("{0}")]
    NotFound(Message),

    #[error("{0}")]
    UnknownTerm(Message),

    #[error("{0}")]
    NotInitialised(Message),

    #[error("{0}")]
    AlreadyInitialised(Message),

    #[error("{message}")]
    WrongPassphrase {
        retry_after_ms: u64,
        message: Message,
    },

    #[error("{message}")]
    TooManyAttempts {
        retry_after_ms: u64,
        message: Message,
    },

    #[error("{0}")]
    WeakPassphrase(Message),

    #[error("{0}")]
    Locked(Message),

    #[error("{0}")]
    PassphraseRequired(Message),

    #[error("{0}")]
    NewerStore(Message),

    #[error("{0}")]
    MigrationChanged(Message),

    #[error("{0}")]
    BundleRejected(Message),

    #[error("{0}")]
    Busy(Message),

    #[error("{0}")]
    DiskFull(Message),

    #[error("{message}: {source}")]
    Io {
        message: Message,
        #[source]
        source: std::io::Error,
    },

    #[error("{message}: {source}")]
    Db {
        message: Message,
        source: Box<rusqlite::Error>,
    },

    #[error("{0}")]
    Crypto(Message),

    #[error("{0}")]
    Trust(Message),

    #[error("{0}")]
    InjectedFault(Message),
}

use messages as m;

impl Error {
    /// A stable machine-readable code, part of the UI and `--json` contract.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid_input",
            Error::NotFound(_) => "not_found",
            Error::UnknownTerm(_) => "unknown_term",
            Error::NotInitialised(_) => "not_initialised",
            Error::AlreadyInitialised(_) => "already_initialised",
            Error::WrongPassphrase { .. } => "wrong_passphrase",
            Error::TooManyAttempts { .. } => "too_many_attempts",
            Error::WeakPassphrase(_) => "weak_passphrase",
            Error::Locked(_) => "locked",
            Error::PassphraseRequired(_) => "passphrase_required",
            Error::NewerStore(_) => "newer_store",
            Error::MigrationChanged(_) => "migration_changed",
            Error::BundleRejected(_) => "bundle_rejected",
            Error::Busy(_) => "busy",
            Error::DiskFull(_) => "disk_full",
            Error::Io { .. } => "io",
            Error::Db { .. } => "database",
            Error::Crypto(_) => "crypto",
            Error::Trust(_) => "untrusted",
            Error::InjectedFault(_) => "injected_fault",
        }
    }

    /// The message, with its reason and parameters.
    pub fn message(&self) -> Message {
        match self {
            Error::Invalid(m)
            | Error::NotFound(m)
            | Error::UnknownTerm(m)
            | Error::NotInitialised(m)
            | Error::AlreadyInitialised(m)
            | Error::WeakPassphrase(m)
            | Error::Locked(m)
            | Error::PassphraseRequired(m)
            | Error::NewerStore(m)
            | Error::MigrationChanged(m)
            | Error::BundleRejected(m)
            | Error::Busy(m)
            | Error::DiskFull(m)
            | Error::Crypto(m)
            | Error::Trust(m)
            | Error::InjectedFault(m) => m.clone(),
            Error::WrongPassphrase { message, .. } | Error::TooManyAttempts { message, .. } => {
                message.clone()
            }
            Error::Io { message, source } => with_cause(message, source),
            Error::Db { message, source } => with_cause(message, source),
        }
    }

    pub fn invalid(message: Message) -> Self {
        Error::Invalid(message)
    }

    /// A bundle refused: the reason, and that nothing was imported.
    pub fn rejected(reason: Message) -> Self {
        let why = reason.english.clone();
        let mut message = reason;
        message.english = m::bundle_rejected(why).english;
        Error::BundleRejected(message)
    }

    pub fn trust(message: Message) -> Self {
        Error::Trust(message)
    }

    pub fn crypto(message: Message) -> Self {
        Error::Crypto(message)
    }

    pub fn not_found(kind: impl fmt::Display, id: impl fmt::Display) -> Self {
        Error::NotFound(m::not_found(kind, id))
    }

    pub fn wrong_passphrase(retry_after_ms: u64) -> Self {
        let message = if retry_after_ms == 0 {
            m::wrong_passphrase()
        } else {
            m::wrong_passphrase_wait(retry_after_ms.div_ceil(1000))
        };
        Error::WrongPassphrase {
            retry_after_ms,
            message,
        }
    }

    pub fn too_many_attempts(retry_after_ms: u64) -> Self {
        Error::TooManyAttempts {
            retry_after_ms,
            message: m::too_many_attempts(retry_after_ms.div_ceil(1000)),
        }
    }

    /// An I/O failure while doing what `context` says; a full disk is its own error.
    pub fn io(context: Message, source: std::io::Error) -> Self {
        if source.raw_os_error() == Some(28) || source.kind() == std::io::ErrorKind::StorageFull {
            return Error::DiskFull(m::disk_full_while(context.english));
        }
        Error::Io {
            message: context,
            source,
        }
    }

    pub fn db(source: rusqlite::Error) -> Self {
        Error::Db {
            message: m::database(),
            source: Box::new(source),
        }
    }
}

/// A message for a failure of the system underneath, with what it said.
fn with_cause(message: &Message, cause: &dyn fmt::Display) -> Message {
    let mut m = message.clone();
    m.params.insert("cause".into(), cause.to_string());
    m.english = format!("{}: {cause}", m.english);
    m
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DiskFull => return Error::DiskFull(m::disk_full()),
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    return Error::Busy(m::busy())
                }
                ErrorCode::NotADatabase => return Error::Crypto(m::key_does_not_open_store()),
                _ => {}
            }
        }
        Error::db(e)
    }
}

impl From<rusqlite::types::FromSqlError> for Error {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Error::db(rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Null,
            Box::new(e),
        ))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Invalid(m::malformed_json(e))
    }
}

/// What the UI receives: `{code, reason, params, message}`. The UI shows the message
/// for `reason` in its language, and falls back to the English `message`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, TS)]
pub struct ErrorBody {
    pub code: String,
    pub reason: String,
    pub params: BTreeMap<String, String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub retry_after_ms: Option<u64>,
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        let retry_after_ms = match e {
            Error::WrongPassphrase { retry_after_ms, .. }
            | Error::TooManyAttempts { retry_after_ms, .. } => Some(*retry_after_ms),
            _ => None,
        };
        let message = e.message();
        ErrorBody {
            code: e.code().to_string(),
            reason: message.reason,
            params: message.params,
            message: e.to_string(),
            retry_after_ms,
        }
    }
}
