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
    /// A failure of the shell itself (a thread that did not finish), not of the core.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        CommandError(nansen_core::ErrorBody {
            code: "internal".into(),
            reason: "internal".into(),
            params: Default::default(),
            message: detail.to_string(),
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
