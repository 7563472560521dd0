//! Which column holds what. A [`Mapping`] names some columns, by header or position;
//! every column it does not name is mapped from its header ([`auto_mapping`]), and a
//! header that names nothing Nansen knows is ignored. So a file whose headers already
//! say `name`, `birth_date`, `camp_id` needs no mapping, and one odd header needs one
//! line.

use super::messages as m;
use crate::domain::vocab::Vocabularies;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A column of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum Column {
    /// Its position, counting from 1.
    Position(u32),
    /// Its header, matched ignoring case and surrounding spaces. A number that no
    /// header matches is taken as a position.
    Header(String),
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Target {
    /// The person's name in its own script; `Text@uz-Cyrl` gives the tag too.
    Name,
    /// The name's BCP 47 tag (`uz-Cyrl`); without one it is guessed from the script.
    NameLang,
    /// Other spellings, separated by `;`, each `Text` or `Text@uz-Latn`.
    Alias,
    Sex,
    /// EDTF: `1975`, `1975~`, `2005-06`, `2005-06-13`.
    BirthDate,
    Nationality,
    Notes,
    /// `TYPE:VALUE` pairs separated by `;` (`passport:AB123; camp_id:B-117`).
    Identifiers,
    /// Identifiers of one type (`camp_id`), separated by `;`.
    Identifier {
        #[serde(rename = "type")]
        id_type: String,
    },
    /// Groups the person joins, separated by `;`: each a group's id or exact name.
    Group,
    Ignore,
}

/// The columns of a file as an import takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct Mapping {
    /// The sheet of a workbook to read; the first when none.
    pub sheet: Option<String>,
    /// Columns mapped by hand; each other column is mapped from its header.
    pub columns: Vec<MappedColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappedColumn {
    pub column: Column,
    pub target: Target,
}

/// How one column was taken, for reports and previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ColumnUse {
    /// Counting from 1.
    pub position: u32,
    pub header: String,
    pub target: Target,
    /// Mapped from its header, not by the mapping.
    pub automatic: bool,
}

impl ColumnUse {
    /// The header, or the position when the header is blank.
    pub fn label(&self) -> String {
        if self.header.is_empty() {
            self.position.to_string()
        } else {
            self.header.clone()
        }
    }
}

/// A mapping checked against a file's header: one [`ColumnUse`] per column.
#[derive(Debug, Clone)]
pub struct ResolvedMapping {
    pub columns: Vec<ColumnUse>,
}

/// Headers that name a field, in English, Russian, Uzbek (Latin) and Kyrgyz, as
/// [`normalise`] leaves them.
const HEADERS: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "name",
            "full name",
            "person",
            "имя",
            "фио",
            "полное имя",
            "фамилия имя",
            "фамилия имя отчество",
            "ism",
            "ismi",
            "fish",
            "ism familiya",
            "familiya ism",
            "to'liq ismi",
            "аты",
            "аты жөнү",
            "толук аты",
        ],
    ),
    (
        "name_lang",
        &[
            "name lang",
            "lang",
            "language",
            "язык",
            "язык имени",
            "til",
            "ism tili",
            "тил",
            "атынын тили",
        ],
    ),
    (
        "alias",
        &[
            "alias",
            "aliases",
            "other spelling",
            "other spellings",
            "aka",
            "также известен как",
            "другое написание",
            "другие написания",
            "вариант написания",
            "варианты написания",
            "boshqa yozilishi",
            "taxallus",
            "башка жазылышы",
            "лакап аты",
        ],
    ),
    ("sex", &["sex", "gender", "пол", "jinsi", "jins", "жынысы"]),
    (
        "birth_date",
        &[
            "birth date",
            "date of birth",
            "dob",
            "born",
            "дата рождения",
            "год рождения",
            "tug'ilgan sana",
            "tug'ilgan sanasi",
            "tug'ilgan yili",
            "туулган күнү",
            "туулган датасы",
            "туулган жылы",
        ],
    ),
    (
        "nationality",
        &[
            "nationality",
            "citizenship",
            "гражданство",
            "национальность",
            "fuqaroligi",
            "millati",
            "жарандыгы",
            "улуту",
        ],
    ),
    (
        "notes",
        &[
            "notes",
            "note",
            "comment",
            "comments",
            "remarks",
            "примечание",
            "примечания",
            "комментарий",
            "комментарии",
            "заметки",
            "izoh",
            "izohlar",
            "eslatma",
            "эскертүү",
            "эскертүүлөр",
        ],
    ),
    (
        "identifiers",
        &[
            "identifiers",
            "identifier",
            "ids",
            "documents",
            "идентификаторы",
            "документы",
            "identifikatorlar",
            "hujjatlar",
            "идентификаторлор",
            "документтер",
        ],
    ),
    (
        "group",
        &[
            "group",
            "groups",
            "группа",
            "группы",
            "guruh",
            "guruhlar",
            "топ",
            "топтор",
        ],
    ),
    ("ignore", &["ignore"]),
];

/// Lower case, `_` and `-` as spaces, no dots, colons or `№`, single spaces, and
/// every apostrophe of Uzbek (o‘ g‘ ʼ, typed in any of their usual forms) as `'`.
fn normalise(header: &str) -> String {
    header
        .to_lowercase()
        .replace(['_', '-'], " ")
        .replace(['‘', '’', 'ʻ', 'ʼ', '`'], "'")
        .replace(['.', ':', '№'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The identifier type whose term or label is `normalised` (see [`normalise`]).
fn identifier_type(normalised: &str, vocab: &Vocabularies) -> Option<String> {
    vocab.0.get("identifier_type")?.iter().find_map(|t| {
        std::iter::once(t.term.as_str())
            .chain(t.labels())
            .any(|l| normalise(l) == normalised)
            .then(|| t.term.clone())
    })
}

impl Target {
    fn simple(name: &str) -> Option<Target> {
        Some(match name {
            "name" => Target::Name,
            "name_lang" => Target::NameLang,
            "alias" => Target::Alias,
            "sex" => Target::Sex,
            "birth_date" => Target::BirthDate,
            "nationality" => Target::Nationality,
            "notes" => Target::Notes,
            "identifiers" => Target::Identifiers,
            "group" => Target::Group,
            "ignore" => Target::Ignore,
            _ => return None,
        })
    }

    /// How the target is written: `name`, `birth_date`, `identifier:camp_id`…
    pub fn label(&self) -> String {
        match self {
            Target::Name => "name",
            Target::NameLang => "name_lang",
            Target::Alias => "alias",
            Target::Sex => "sex",
            Target::BirthDate => "birth_date",
            Target::Nationality => "nationality",
            Target::Notes => "notes",
            Target::Identifiers => "identifiers",
            Target::Identifier { id_type } => return format!("identifier:{id_type}"),
            Target::Group => "group",
            Target::Ignore => "ignore",
        }
        .to_string()
    }

    /// The person field or link set the column fills, as reasons name it.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            Target::Name | Target::NameLang => "name",
            Target::Alias => "aliases",
            Target::Sex => "sex",
            Target::BirthDate => "birth_date",
            Target::Nationality => "nationality",
            Target::Notes => "notes",
            Target::Identifiers | Target::Identifier { .. } => "identifiers",
            Target::Group => "group",
            Target::Ignore => return None,
        })
    }

    /// The target a header names, if it names one: a field (in any language of the UI),
    /// or an identifier type by its term or label (`passport`, `Паспорт`). `other`
    /// is left out: a column headed "Other" is rarely a list of identifiers.
    pub fn from_header(header: &str, vocab: &Vocabularies) -> Option<Target> {
        let wanted = normalise(header);
        if wanted.is_empty() {
            return None;
        }
        if let Some((name, _)) = HEADERS.iter().find(|(name, synonyms)| {
            normalise(name) == wanted || synonyms.contains(&wanted.as_str())
        }) {
            return Target::simple(name);
        }
        identifier_type(&wanted, vocab)
            .filter(|t| t != "other")
            .map(|id_type| Target::Identifier { id_type })
    }

    /// A target as a person writes it (`--mapping COLUMN=FIELD`): what a header may
    /// say, or `identifier:TYPE`.
    pub fn parse(text: &str, vocab: &Vocabularies) -> Result<Target> {
        if let Some((head, id_type)) = text.split_once([':', '=']) {
            if normalise(head) == "identifier" {
                // A type no term or label matches: the vocabulary's own refusal.
                let id_type = match identifier_type(&normalise(id_type), vocab) {
                    Some(t) => t,
                    None => vocab.term("identifier_type", id_type.trim())?.term.clone(),
                };
                return Ok(Target::Identifier { id_type });
            }
        }
        Target::from_header(text, vocab).ok_or_else(|| {
            let types = vocab
                .0
                .get("identifier_type")
                .map(|ts| ts.iter().map(|t| t.term.as_str()).collect::<Vec<_>>())
                .unwrap_or_default();
            let mut targets: Vec<String> = HEADERS.iter().map(|(n, _)| n.to_string()).collect();
            targets.push(format!("identifier:TYPE or TYPE ({})", types.join(", ")));
            Error::invalid(m::unknown_target(text, targets.join(", ")))
        })
    }
}

/// Each column mapped from its header; columns whose header names nothing are ignored.
pub fn auto_mapping(headers: &[String], vocab: &Vocabularies) -> Mapping {
    Mapping {
        sheet: None,
        columns: headers
            .iter()
            .enumerate()
            .map(|(i, h)| MappedColumn {
                column: Column::Position(i as u32 + 1),
                target: Target::from_header(h, vocab).unwrap_or(Target::Ignore),
            })
            .collect(),
    }
}

fn labels(columns: &[&ColumnUse]) -> String {
    columns
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Mapping {
    /// This mapping over the columns of `headers`: every column gets a target; exactly
    /// one holds the name, and no field but aliases, identifiers and groups comes from
    /// two columns.
    pub fn resolve(&self, headers: &[String], vocab: &Vocabularies) -> Result<ResolvedMapping> {
        let auto = auto_mapping(headers, vocab);
        let mut columns: Vec<ColumnUse> = headers
            .iter()
            .zip(auto.columns)
            .enumerate()
            .map(|(i, (header, auto))| ColumnUse {
                position: i as u32 + 1,
                header: header.clone(),
                target: auto.target,
                automatic: true,
            })
            .collect();
        let all = labels(&columns.iter().collect::<Vec<_>>());
        let mut mapped = Vec::new();
        for MappedColumn { column, target } in &self.columns {
            if let Target::Identifier { id_type } = target {
                vocab.term("identifier_type", id_type)?;
            }
            let positions: Vec<usize> = match column {
                Column::Position(p) => vec![*p as usize],
                Column::Header(h) => {
                    let named: Vec<usize> = columns
                        .iter()
                        .filter(|c| c.header.trim().to_lowercase() == h.trim().to_lowercase())
                        .map(|c| c.position as usize)
                        .collect();
                    match h.trim().parse::<usize>() {
                        Ok(p) if named.is_empty() => vec![p],
                        _ => named,
                    }
                }
            };
            let wrong = |c: &dyn std::fmt::Display| Error::invalid(m::no_such_column(c, &all));
            if positions.is_empty() {
                return Err(match column {
                    Column::Header(h) => wrong(h),
                    Column::Position(p) => wrong(p),
                });
            }
            for p in positions {
                if p == 0 || p > columns.len() {
                    return Err(wrong(&p));
                }
                mapped.push((p - 1, target.clone()));
            }
        }
        for (i, target) in mapped {
            columns[i].target = target;
            columns[i].automatic = false;
        }
        let names: Vec<&ColumnUse> = columns
            .iter()
            .filter(|c| c.target == Target::Name)
            .collect();
        if names.is_empty() {
            return Err(Error::invalid(m::no_name_column(&all)));
        }
        let once = [
            Target::Name,
            Target::NameLang,
            Target::Sex,
            Target::BirthDate,
            Target::Nationality,
            Target::Notes,
        ];
        for target in once {
            let from: Vec<&ColumnUse> = columns.iter().filter(|c| c.target == target).collect();
            if from.len() > 1 {
                return Err(Error::invalid(m::mapped_twice(
                    target.label(),
                    labels(&from),
                )));
            }
        }
        Ok(ResolvedMapping { columns })
    }
}

#[cfg(test)]
mod tests;
