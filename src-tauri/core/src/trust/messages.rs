//! What trust says: keys, certificates, the organisation's statement, enrolment files.

crate::messages! {
    not_a_request() => "this is not a Nansen enrolment request";
    request_unknown_version() => "this is not an enrolment request this version understands";
    request_damaged() => "the enrolment request is damaged";
    request_bad_signature() => "the enrolment request's signature does not verify; it was altered";
    request_wrong_device() => "the enrolment request's device id does not match its key";
    request_bad_encryption_key() => "the enrolment request has a damaged encryption key";
    request_without_office() => "the enrolment request names no office";
    not_headquarters() => "only headquarters can enrol devices: this store holds no organisation key";
    damaged_key() => "damaged key";
    not_an_enrolment() => "this is not a Nansen enrolment file";
    enrolment_from_newer_version() => "this enrolment file was made by a newer version of Nansen; update Nansen first";
    enrolment_damaged() => "the enrolment file is damaged";
    enrolment_cert_unsigned() => "the certificate in this enrolment file is not signed by the organisation key it names";
    enrolment_for_other_device() => "this enrolment file was issued for another device; ask headquarters for the file made from this device's request";
    enrolment_other_encryption_key() => "this enrolment file names another encryption key for this device";
    other_organisation() => "this store is already enrolled in another organisation; it cannot change organisation";
    enrolment_from_older_version(version) => "this enrolment file was made by an older version of Nansen (format {version}), whose escrow key was not signed; ask headquarters to update Nansen and approve this device's request again";
    public_key_wrong_length() => "a public key has the wrong length";
    invalid_public_key() => "an invalid public key";
    statement_bad_signature() => "a signature does not verify against the organisation key";
    organisation_key_damaged() => "a damaged organisation key";
    org_statement_unsigned() => "the organisation's statement (its escrow key) is not signed by the organisation key; the file was altered";
    org_statement_other_key() => "the organisation's statement names another organisation key";
    escrow_key_damaged() => "the organisation's escrow key is damaged";
    escrow_equivocation() => "two different escrow keys carry the same organisation statement number; only headquarters can change the escrow key, with a newer statement";
    other_organisation_bundle() => "it belongs to another organisation";
    cert_damaged_key() => "a certificate has a damaged key";
    cert_wrong_device() => "a certificate's device id does not match its key";
    cert_damaged_encryption_key() => "a certificate has a damaged encryption key";
    not_enrolled() => "this store is not enrolled in an organisation; enrol it with headquarters first";
    key_missing(which) => "the {which} keys are missing";
    key_damaged(which) => "the {which} keys are damaged";
    statement_malformed(detail) => "a signed statement is malformed: {detail}";
    rotation_unsigned() => "a rotation of the organisation key is not signed by the key it retires; the file was altered";
    rotation_chain_broken() => "the organisation key's rotations do not follow one another; the file was altered";
    org_key_equivocation() => "the organisation key was rotated from one key to two different new keys: the old key may be in the wrong hands. Nothing was taken; call headquarters and compare safety numbers";
    enrolment_retired_key() => "this enrolment file is signed by an organisation key that has been retired; ask headquarters for a new one";
    transfer_not_hq() => "this enrolment file carries the organisation key, but not for a headquarters device";
    transfer_unreadable() => "the organisation key in this enrolment file cannot be opened by this device";
    transfer_mismatch() => "the organisation key in this enrolment file is not the organisation's; the file was altered";
}
