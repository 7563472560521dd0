//! What data exports say when a request cannot be carried out.

crate::messages! {
    export_profile_kind(kind, profile) => "a {kind} export cannot use the {profile} profile: the aggregate table (kind aggregate) is made with the aggregate profile, and lists of persons or events with the named or pseudonymised one";
    export_hxl_is_aggregate(kind) => "HXL is for aggregate tables; a {kind} list is exported as CSV or XLSX";
    export_key_only_pseudonymised() => "a pseudonymisation key is used only by the pseudonymised profile";
    export_k_only_aggregate() => "a threshold or a level is used only by the aggregate table";
    export_bad_k(k, min, max) => "the threshold {k} is not between {min} and {max}";
    export_key_too_short(min) => "the pseudonymisation key must be at least {min} characters long";
    export_needs_confirmation(count, ids) => "strictly confidential records would leave in this export ({count}); nothing was written. Confirm each one by its id (--confirm ID) to export it: {ids}";
    export_xlsx_failed(detail) => "the XLSX file could not be written: {detail}";
    export_store_key_damaged() => "the pseudonymisation key kept in this store is damaged";
}
