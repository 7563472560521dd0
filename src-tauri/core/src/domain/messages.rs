//! What the domain says when a record or a value is not right.

crate::messages! {
    unknown_kind(value, kinds) => "'{value}' is not a record kind; use one of: {kinds}";
    unknown_field(kind, field, fields) => "a {kind} has no field '{field}'; its fields are: {fields}";
    no_links(kind, link) => "a {kind} has no links called '{link}'";
    unknown_link(kind, link, links) => "a {kind} has no links called '{link}'; it has: {links}";
    not_a_language_tag(value) => "'{value}' is not a language tag; write language-Script, e.g. uz-Cyrl, uz-Latn, ru-Cyrl, en-Latn";
    must_be_text(field, value) => "'{field}' must be text, not {value}";
    must_be_name(field, value) => "'{field}' must be a name: {\"text\": …, \"lang\": …}, not {value}";
    must_be_whole_number(field, value) => "'{field}' must be a whole number, not {value}";
    must_be_bool(field, value) => "'{field}' must be true or false, not {value}";
    must_be_date(field, value) => "'{field}' must be a date, not {value}";
    must_be_record_id(field, value) => "'{field}' must be a record id, not {value}";
    must_be_term(field, value) => "'{field}' must be a vocabulary term (lowercase letters, digits and _), not {value}";
    must_be_coordinates(field, value) => "'{field}' must be {\"lat\": …, \"lon\": …}, not {value}";
    must_be_hash(field, value) => "'{field}' must be a BLAKE3 hash (64 hex digits), not {value}";
    must_be_id_of(field, kind, value) => "'{field}' must be the id of a {kind}, not '{value}'";
    too_long(field, max) => "'{field}' is longer than {max} characters";
    single_line(field) => "'{field}' must be a single line";
    name_needs_text(field) => "'{field}' needs a text";
    name_too_long(field, max) => "'{field}' must be one line of at most {max} characters";
    unknown_name_part(field, part) => "'{field}' has an unknown part '{part}'";
    out_of_range(field, min, max, value) => "'{field}' must be between {min} and {max}, not {value}";
    coordinates_out_of_range(field) => "'{field}': latitude must be within ±90 and longitude within ±180";
    element_not_an_object(element, value) => "a {element} must be an object, not {value}";
    unknown_element_part(element, part, parts) => "a {element} has no part '{part}'; its parts are: {parts}";
    field_required(kind, field) => "a {kind} needs a '{field}'";
    exactly_one_of(element, fields) => "a {element} must name exactly one of: {fields}";
    unknown_vocabulary(vocabulary) => "unknown vocabulary '{vocabulary}'";
    unknown_term(term, vocabulary, known) => "'{term}' is not a known {vocabulary}; known terms: {known}";
    status_needs_one_subject() => "a status is about exactly one person or one group";
    status_of_other_type(value, status_type, fitting) => "'{value}' is not a {status_type} status; use one of: {fitting}";
    event_ends_before_start() => "an event cannot end before it starts";
}
