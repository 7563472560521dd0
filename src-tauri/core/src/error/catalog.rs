//! What a module's message catalog is made of (`messages!`); `api::catalog` gathers
//! them all.

/// One message: its stable reason, its English template (`{param}` placeholders) and
/// its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub reason: &'static str,
    pub english: &'static str,
    pub params: &'static [&'static str],
}
