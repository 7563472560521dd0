//! The record kinds of the domain, as data: each kind's fields and link sets. The op
//! log, validation, the CLI flags and the UI forms all read these, so a field exists in
//! exactly one place.

use super::schema::{FieldSpec, FieldType, Kind, KindSpec, LinkSpec};

const fn f(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
    }
}
const fn req(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
    }
}
const fn vocab(v: &'static str) -> FieldType {
    FieldType::Vocab { vocab: v }
}
const fn r(kind: Kind) -> FieldType {
    FieldType::Ref { kind }
}

/// Fields every record kind has.
pub const DELETED: &str = "deleted";
pub const SAMPLE: &str = "sample";
/// A person's judgements about other persons' being the same person (see
/// `api::duplicates`): written only by merge, unmerge and not-same, never by an edit.
pub const JUDGEMENTS: &str = "judgements";

const ALIAS: LinkSpec = LinkSpec {
    name: "aliases",
    flag: "alias",
    fields: &[req("text", FieldType::Text), req("lang", FieldType::Text)],
    one_of: &[],
};
const SOURCE_LINK: LinkSpec = LinkSpec {
    name: "sources",
    flag: "source",
    fields: &[req("source", r(Kind::Source)), f("fact", FieldType::Text)],
    one_of: &[],
};

pub(super) static PERSON: KindSpec = KindSpec {
    name: "person",
    plural: "persons",
    table: "person",
    label_field: "name",
    fields: &[
        req("name", FieldType::Name),
        f("sex", vocab("sex")),
        f("birth_date", FieldType::Date),
        f("nationality", FieldType::Text),
        f("origin", r(Kind::Location)),
        f("notes", FieldType::LongText),
        f("confidentiality", vocab("confidentiality")),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[
        ALIAS,
        LinkSpec {
            name: "identifiers",
            flag: "identifier",
            fields: &[
                req("type", vocab("identifier_type")),
                req("value", FieldType::Text),
            ],
            one_of: &[],
        },
        LinkSpec {
            name: "family",
            flag: "family",
            fields: &[
                req("relation", vocab("relation")),
                req("person", r(Kind::Person)),
            ],
            one_of: &[],
        },
        SOURCE_LINK,
        // Kept by the person with the smaller id of the pair, so a pair has one place.
        LinkSpec {
            name: JUDGEMENTS,
            flag: "judgement",
            fields: &[
                req("person", r(Kind::Person)),
                req("verdict", vocab("verdict")),
            ],
            one_of: &[],
        },
    ],
};

pub(super) static GROUP: KindSpec = KindSpec {
    name: "group",
    plural: "groups",
    table: "grp",
    label_field: "name",
    fields: &[
        req("name", FieldType::Text),
        f(
            "asserted_count",
            FieldType::Int {
                min: 0,
                max: 10_000_000,
            },
        ),
        f("location", r(Kind::Location)),
        f("description", FieldType::LongText),
        f("confidentiality", vocab("confidentiality")),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[
        LinkSpec {
            name: "members",
            flag: "member",
            fields: &[req("person", r(Kind::Person))],
            one_of: &[],
        },
        SOURCE_LINK,
    ],
};

pub(super) static LOCATION: KindSpec = KindSpec {
    name: "location",
    plural: "locations",
    table: "location",
    label_field: "name",
    fields: &[
        req("name", FieldType::Text),
        req("type", vocab("location_type")),
        f("parent", r(Kind::Location)),
        f("coordinates", FieldType::Coordinates),
        f("notes", FieldType::LongText),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[ALIAS],
};

pub(super) static ACTOR: KindSpec = KindSpec {
    name: "actor",
    plural: "actors",
    table: "actor",
    label_field: "name",
    fields: &[
        req("name", FieldType::Text),
        req("type", vocab("actor_type")),
        f("country", FieldType::Text),
        f("notes", FieldType::LongText),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[ALIAS],
};

pub(super) static EVENT: KindSpec = KindSpec {
    name: "event",
    plural: "events",
    table: "event",
    label_field: "title",
    fields: &[
        req("type", vocab("event_type")),
        f("title", FieldType::Text),
        f("date", FieldType::Date),
        f("end_date", FieldType::Date),
        f("location", r(Kind::Location)),
        f("description", FieldType::LongText),
        f("confidentiality", vocab("confidentiality")),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[
        LinkSpec {
            name: "involvements",
            flag: "involvement",
            fields: &[
                req("role", vocab("role")),
                f("person", r(Kind::Person)),
                f("group", r(Kind::Group)),
                f("actor", r(Kind::Actor)),
            ],
            one_of: &["person", "group", "actor"],
        },
        SOURCE_LINK,
    ],
};

pub(super) static STATUS: KindSpec = KindSpec {
    name: "status",
    plural: "statuses",
    table: "status",
    label_field: "value",
    fields: &[
        f("person", r(Kind::Person)),
        f("group", r(Kind::Group)),
        req("type", vocab("status_type")),
        req("value", vocab("status")),
        f("effective", FieldType::Date),
        f("location", r(Kind::Location)),
        f("imminent", FieldType::Bool),
        f("event", r(Kind::Event)),
        f("notes", FieldType::LongText),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[SOURCE_LINK],
};

pub(super) static SOURCE: KindSpec = KindSpec {
    name: "source",
    plural: "sources",
    table: "source",
    label_field: "title",
    fields: &[
        req("type", vocab("source_type")),
        req("title", FieldType::Text),
        f("reliability", vocab("reliability")),
        f("date", FieldType::Date),
        f("reported_by", r(Kind::Actor)),
        f("informant", FieldType::Text),
        f("reference", FieldType::Text),
        f("consent", FieldType::Bool),
        f("content", FieldType::LongText),
        f("confidentiality", vocab("confidentiality")),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[],
};

pub(super) static INTERVENTION: KindSpec = KindSpec {
    name: "intervention",
    plural: "interventions",
    table: "intervention",
    label_field: "title",
    fields: &[
        req("type", vocab("intervention_type")),
        req("title", FieldType::Text),
        f("by", r(Kind::Actor)),
        f("target", r(Kind::Actor)),
        f("date", FieldType::Date),
        f("due", FieldType::Date),
        req("status", vocab("intervention_status")),
        f("response", FieldType::LongText),
        f("notes", FieldType::LongText),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[LinkSpec {
        name: "concerns",
        flag: "concerns",
        fields: &[
            f("person", r(Kind::Person)),
            f("group", r(Kind::Group)),
            f("event", r(Kind::Event)),
        ],
        one_of: &["person", "group", "event"],
    }],
};

pub(super) static ATTACHMENT: KindSpec = KindSpec {
    name: "attachment",
    plural: "attachments",
    table: "attachment",
    label_field: "caption",
    fields: &[
        req("hash", FieldType::Hash),
        f("filename", FieldType::Text),
        f("mime", FieldType::Text),
        f(
            "size",
            FieldType::Int {
                min: 0,
                max: i64::MAX,
            },
        ),
        f("caption", FieldType::Text),
        f("captured", FieldType::Date),
        f("confidentiality", vocab("confidentiality")),
        f(SAMPLE, FieldType::Bool),
        f(DELETED, FieldType::Bool),
    ],
    links: &[LinkSpec {
        name: "attached_to",
        flag: "to",
        fields: &[
            f("person", r(Kind::Person)),
            f("event", r(Kind::Event)),
            f("source", r(Kind::Source)),
        ],
        one_of: &["person", "event", "source"],
    }],
};
