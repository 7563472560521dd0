//! What the service API says when a request cannot be carried out.

crate::messages! {
    bad_office_name(min, max) => "the office name must be one line of {min} to {max} characters";
    bad_user_name(min, max) => "the user name must be one line of {min} to {max} characters";
    no_device_key() => "this store has no device key; it is damaged";
    unknown_language(lang) => "'{lang}' is not a language Nansen speaks; use en, ru, uz or ky";
    idle_time_out_of_range(min, max) => "the idle time must be between {min} and {max} minutes";
    sample_data_loaded() => "the sample data is already loaded in this store";

    input_not_an_object(kind) => "a {kind} must be given as a JSON object";
    use_delete_or_restore(kind) => "to delete or restore a {kind}, use delete or restore";
    merge_needs_two() => "name two or more different persons";
    not_merged(id) => "person {id} is not merged with anyone";
    use_merge_commands() => "whether two records are the same person is decided with merge, unmerge and not-same (Duplicates in the app), not by editing";
    section_must_map_links(section) => "'{section}' must map link names to lists";
    must_be_list(link, element) => "'{link}' must be a list of {element} entries";
    element_cannot_refer_to(element, kind) => "a {element} cannot refer to a {kind}";
    ref_of_wrong_kind(field, kind, id, other) => "'{field}' must be a {kind}, but {id} is a {other}";
    ref_to_deleted(field, kind, id) => "'{field}' refers to {kind} {id}, which is deleted";
    field_in_conflict(field, kind, count) => "'{field}' of this {kind} has {count} conflicting values; resolve the conflict first (Conflicts, or `nansen resolve`)";
    id_taken(id) => "a record with id {id} already exists";
    edit_deleted(kind, id) => "{kind} {id} is deleted; restore it before editing";
    already_deleted(kind, id) => "{kind} {id} is deleted already";
    not_deleted(kind, id) => "{kind} {id} is not deleted already";
    not_a_person(id, kind) => "{id} is a {kind}, not a person";
    not_a_value_id(value) => "'{value}' is not a value id (device:seq:idx)";
    attachment_too_large(file, max) => "{file} is larger than {max} MiB; attachments must fit on a USB stick bundle";

    no_conflict(kind, id, field) => "{kind} {id} has no conflict on '{field}'";
    not_a_conflicting_value(value_id, values) => "'{value_id}' is not one of the conflicting values; they are: {values}";
    resolve_delete_with_keep_or_delete() => "resolve a delete conflict with keep or delete";

    no_such_peer_none_known(peer) => "no enrolled device of an office or id '{peer}'; this store knows no other devices yet (enrol with headquarters, or import a bundle)";
    no_such_peer(peer, offices) => "no enrolled device of an office or id '{peer}'; known offices: {offices}";
    peer_revoked(peer) => "every device of '{peer}' has been revoked";
    export_needs_peer() => "say who the bundle is for (--for OFFICE), or use --full";
    fork(device, seq) => "device {device} has two different changes numbered {seq} (a fork: it was probably restored from a backup). The conflicting change is kept for review under `nansen forks`; that device must be re-initialised and enrolled again";

    only_hq_enrols() => "only headquarters can enrol devices";
    only_hq_rotates() => "only a headquarters device that holds the organisation key can rotate it";
    store_not_enrolled() => "this store is not enrolled in an organisation yet";
    device_needs_enrolment() => "this device is not enrolled: a store restored from a backup has a new device identity, which headquarters must enrol (`nansen enrol request`, then approve and accept) before it can export";
    only_hq_revokes() => "only headquarters can revoke devices";
    cannot_revoke_self() => "a device cannot revoke itself";
    ambiguous_device(device) => "'{device}' matches several devices; give the whole id";

    path_not_absolute() => "give the whole path of the file (starting with /), or choose it with the button";
    attachment_must_be_picked() => "choose the file with the button: Nansen copies a file into its store only when you pick it in the file dialog";
    wrong_extension(extension) => "the file name must end in .{extension}";
    file_exists(path) => "{path} already exists; give a new name, or choose it with the button to replace it";
    folder_of_missing(path) => "the folder of {path} does not exist";
    no_such_file(path) => "there is no file {path}";
    file_not_granted() => "that file was not chosen for this; choose it again";
    type_destroy() => "type DESTROY to confirm";

    bad_page_size(min, max) => "a page holds {min} to {max} rows";
    bad_cursor(cursor) => "'{cursor}' is not a page cursor; use the `next` value of the page before, or start from the first page";
}
