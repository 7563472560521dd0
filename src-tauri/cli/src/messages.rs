//! What the command line itself says when it refuses something, in the core's form: a
//! stable reason (in `--json` errors) with its parameters and English sentence. Errors
//! the core also raises (reading a file, no store here…) use the core's messages.
// `ALL`, made by the macro, is read only by the test below.
#![cfg_attr(not(test), allow(dead_code))]

nansen_core::messages! {
    bad_arguments(detail) => "{detail}";
    not_in_form(value, form) => "'{value}' is not {form}";
    not_a_whole_number(value) => "'{value}' is not a whole number";
    not_true_or_false(value) => "'{value}' is not true or false";
    json_not_an_object() => "the JSON must be an object";
    link_set_not_a_list() => "a link set in the JSON must be a list";
    reading_stdin() => "reading stdin";
    attachment_file_not_here() => "this attachment's file has not reached this store";
    reading_passphrase() => "reading the passphrase";
    passphrases_differ() => "the two passphrases differ";
    reading_answer() => "reading the answer";
    confirmation_needed() => "confirmation needed: run in a terminal, or pass --yes once the numbers were compared";
    not_confirmed() => "not confirmed; nothing was changed";
    choose_resolution() => "choose --pick VALUE_ID, --value VALUE, --keep or --delete";
    bundles_not_imported(failed, total, imported) => "{failed} of {total} bundles could not be imported (see above); the other {imported} were";
    rebuild_differs() => "the rebuilt state differs from the stored one";
    log_tampered() => "the op log has been tampered with";
    panic_needs_confirmation() => "panic destroys this store's keys: every record here becomes unreadable for good, and changes not yet sent to headquarters are lost. Run again with --yes-destroy-everything";
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// A reason names one message everywhere, so the command line's must not reuse the
    /// core's.
    #[test]
    fn reasons_are_not_the_cores() {
        let core: BTreeSet<_> = nansen_core::api::catalog::catalog()
            .iter()
            .map(|e| e.reason)
            .collect();
        for e in super::ALL {
            assert!(!core.contains(e.reason), "{} is a core reason", e.reason);
        }
    }
}
