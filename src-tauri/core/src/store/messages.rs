//! What the store says: the data dir, the key file, passphrases, attachment files.

crate::messages! {
    not_initialised(dir) => "no Nansen store in {dir}; create one with `nansen init --office NAME`";
    already_initialised(dir) => "a Nansen store already exists in {dir}";
    newer_store(found, supported) => "this store was written by a newer version of Nansen (schema {found}, this version knows up to {supported}); install the newer version";
    migration_changed(version, name) => "migration {version} ({name}) has changed since it was applied to this store; a released migration must never be edited — add a new one instead";
    no_such_folder(folder) => "the folder {folder} does not exist";
    will_not_overwrite(path) => "{path} exists already and was not written over; choose another name, or allow overwriting it";
    database_missing(path) => "the database {path} named by the key file is missing";
    no_wal(mode) => "could not switch the store to WAL (got {mode})";
    passphrase_too_short(min) => "this passphrase is too weak: it must be at least {min} characters long. Choose a longer one, for example four or five unrelated words";
    passphrase_too_weak(advice) => "this passphrase is too weak: {advice}. Choose a longer one, for example four or five unrelated words";
    locked() => "the store is locked; unlock it with your passphrase";
    passphrase_required() => "a passphrase is needed: type it at the prompt, or set NANSEN_PASSPHRASE or --passphrase-file";
    unknown_kdf(algorithm) => "unknown key derivation '{algorithm}'";
    keyfile_damaged_salt() => "the key file is damaged (salt)";
    keyfile_bad_kdf(detail) => "the key file has invalid Argon2 parameters: {detail}";
    kdf_failed(detail) => "key derivation failed: {detail}";
    store_key_not_sealed() => "could not seal the store key";
    keyfile_damaged() => "the key file is damaged; restore it from a backup";
    file_damaged(path) => "{path} is damaged; restore it from a backup";
    keyfile_unknown_version(path) => "{path} is not a key file this version understands";
    attachment_key_missing() => "the attachment key is missing";
    attachment_key_damaged() => "the attachment key is damaged";
    not_a_content_hash(value) => "'{value}' is not a content hash";
    attachment_hash_mismatch() => "attachment bytes do not match their hash";
    attachment_not_sealed() => "could not encrypt the attachment";
    attachment_damaged() => "an attachment file is damaged or was altered";
    not_a_backup(path) => "{path} is not a Nansen backup";
    backup_newer_format(version) => "this backup was written by a newer version of Nansen (backup format {version}); update Nansen to restore it";
    backup_damaged(detail) => "the backup is damaged or incomplete ({detail}); nothing was restored";
    backup_too_costly() => "this backup's passphrase protection needs far more work to open than this computer expects; restore it on a faster computer";
    restore_over_store(dir) => "a Nansen store already exists in {dir}; a backup is restored only into an empty folder";
    restore_not_empty(dir, entry) => "the folder {dir} is not empty (it holds {entry}); a backup is restored only into an empty folder, or a new one";
}
