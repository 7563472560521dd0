use serde::Serialize;

/// An error as the web view sees it: `{code, message, retry_after_ms?}`.
/// ui/src/lib/api.ts turns it into an `ApiError`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandError(nansen_core::ErrorBody);

impl From<nansen_core::Error> for CommandError {
    fn from(e: nansen_core::Error) -> Self {
        CommandError(nansen_core::ErrorBody::from(&e))
    }
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError(nansen_core::ErrorBody {
            code: code.into(),
            message: message.into(),
            retry_after_ms: None,
        })
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)
    }
}

impl std::error::Error for CommandError {}

pub type CommandResult<T> = Result<T, CommandError>;
