//! Messages of errors any module may raise.

crate::messages! {
    not_found(kind, id) => "no {kind} with id {id}";
    not_an_id(value, kind) => "'{value}' is not a valid {kind} id (expected a UUID)";
    malformed_json(detail) => "malformed JSON: {detail}";
    bundle_rejected(reason) => "bundle rejected: {reason}; nothing was imported";
    wrong_passphrase() => "wrong passphrase";
    wrong_passphrase_wait(seconds) => "wrong passphrase; wait {seconds} s before the next try";
    too_many_attempts(seconds) => "too many wrong passphrases; wait {seconds} s before trying again";
    disk_full() => "the disk is full; nothing was changed — free some space and try again";
    disk_full_while(context) => "the disk is full ({context}); nothing was changed — free some space and try again";
    busy() => "the store is in use by another Nansen window or command; close it and try again";
    database() => "database error";
    key_does_not_open_store() => "the store could not be decrypted with this key; the key file and the database do not match";
    reading(path) => "reading {path}";
    writing(path) => "writing {path}";
    opening(path) => "opening {path}";
    creating(path) => "creating {path}";
    locking(path) => "locking {path}";
    destroying(path) => "destroying {path}";
    injected_fault(statement) => "injected fault at statement {statement} (test hook)";
}
