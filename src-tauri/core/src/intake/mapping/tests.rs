use super::*;
use crate::domain::vocab::Term;

fn vocab() -> Vocabularies {
    let term = |t: &str, en: &str, ru: &str| Term {
        term: t.into(),
        category: None,
        implies: None,
        label_en: en.into(),
        label_ru: ru.into(),
        label_uz: en.into(),
        label_ky: ru.into(),
    };
    let mut v = Vocabularies::default();
    v.0.insert(
        "identifier_type".into(),
        vec![
            term("passport", "Passport", "Паспорт"),
            term("camp_id", "Camp ID", "Номер в лагере"),
            term("other", "Other", "Другое"),
        ],
    );
    v
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

#[test]
fn headers_that_name_a_field_map_themselves_in_english_or_russian() {
    let v = vocab();
    let targets: Vec<Target> = auto_mapping(
        &headers(&[
            "Имя",
            "Дата рождения",
            "Camp ID",
            "passport",
            "Other",
            "Birth_Date",
            "Комментарий",
            "Ф.И.О.",
        ]),
        &v,
    )
    .columns
    .into_iter()
    .map(|c| c.target)
    .collect();
    assert_eq!(
        targets,
        vec![
            Target::Name,
            Target::BirthDate,
            Target::Identifier {
                id_type: "camp_id".into()
            },
            Target::Identifier {
                id_type: "passport".into()
            },
            Target::Ignore,
            Target::BirthDate,
            Target::Notes,
            Target::Name,
        ]
    );
}

#[test]
fn headers_map_themselves_in_uzbek_and_kyrgyz() {
    let v = vocab();
    let targets: Vec<Target> = auto_mapping(
        &headers(&[
            "F.I.Sh.",
            "Tug‘ilgan sana",
            "tug'ilgan yili",
            "Жынысы",
            "Аты-жөнү",
            "Топ",
            "Izoh",
        ]),
        &v,
    )
    .columns
    .into_iter()
    .map(|c| c.target)
    .collect();
    assert_eq!(
        targets,
        vec![
            Target::Name,
            Target::BirthDate,
            Target::BirthDate,
            Target::Sex,
            Target::Name,
            Target::Group,
            Target::Notes,
        ]
    );
}

#[test]
fn a_mapping_names_some_columns_and_the_header_maps_the_rest() {
    let v = vocab();
    let h = headers(&["Full name", "Ф.И.О.", "N"]);
    assert_eq!(
        Mapping::default()
            .resolve(&h, &v)
            .unwrap_err()
            .message()
            .reason,
        "mapped_twice"
    );
    let mapping = Mapping {
        sheet: None,
        columns: vec![
            MappedColumn {
                column: Column::Header(" ф.и.о. ".into()),
                target: Target::Alias,
            },
            MappedColumn {
                column: Column::Header("3".into()),
                target: Target::parse("identifier:Camp_ID", &v).unwrap(),
            },
        ],
    };
    let r = mapping.resolve(&h, &v).unwrap();
    let targets: Vec<&Target> = r.columns.iter().map(|c| &c.target).collect();
    assert_eq!(
        targets,
        [
            &Target::Name,
            &Target::Alias,
            &Target::Identifier {
                id_type: "camp_id".into()
            }
        ]
    );
    assert!(r.columns[0].automatic && !r.columns[1].automatic);
    let no_names = Mapping {
        sheet: None,
        columns: vec![MappedColumn {
            column: Column::Position(1),
            target: Target::Ignore,
        }],
    };
    assert_eq!(
        no_names.resolve(&h[..1], &v).unwrap_err().message().reason,
        "no_name_column"
    );
    assert_eq!(
        Target::parse("colour", &v).unwrap_err().message().reason,
        "unknown_target"
    );
    assert_eq!(
        Target::parse("Паспорт", &v).unwrap().label(),
        "identifier:passport"
    );
}
