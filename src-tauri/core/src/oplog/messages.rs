//! What the op log says of a malformed or damaged change.

crate::messages! {
    malformed_change(detail) => "malformed change: {detail}";
    unknown_change_format(version) => "change format {version} is not supported by this version of Nansen";
    value_not_canonical(kind, field) => "{kind}.{field}: value is not canonical";
    element_not_canonical(kind, link) => "{kind}.{link}: element is not canonical";
    log_damaged(device, seq) => "change {device}:{seq} in the log does not match its hash; the store is damaged";
}
