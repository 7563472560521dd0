//! The urgent-action sheet: one or two A4 pages in the shape human-rights
//! organisations use for an urgent appeal — reference, the names in every script, the
//! concern, case details and timeline, background, recommended actions, the
//! authorities to address, and the sources with their reliability.
//!
//! The page is typeset by typst, used as a library through its `World` trait (in `typeset`): the
//! template (`sheet.typ`) is compiled in, it reads everything it shows from one JSON
//! file given to it in memory (so no record text is ever read as markup), and the
//! fonts are typst-assets' (Libertinus Serif, with Cyrillic), embedded in the binary:
//! nothing is read from disk or fetched at run time.

use super::lang::Lang;
use serde::Serialize;
#[cfg(not(feature = "pdf"))]
use {
    super::messages as m,
    crate::error::{Error, Result},
};

#[cfg(feature = "pdf")]
const TEMPLATE: &str = include_str!("sheet.typ");

/// A name as written in one script.
#[derive(Debug, Clone, Serialize)]
pub struct Name {
    pub text: String,
    /// "Uzbek, Cyrillic" — the language and script of the spelling.
    pub script: String,
}

/// A member of a group, by every spelling of their name, and where they stand.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub names: Vec<Name>,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub date: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Authority {
    pub name: String,
    pub other_names: Vec<String>,
}

/// Everything the sheet shows, already in its language.
#[derive(Debug, Clone, Serialize)]
pub struct SheetData {
    pub lang: String,
    /// The headings, in the sheet's language.
    pub labels: Labels,
    /// "UA 0193f2a1": the urgent action's reference, or the record's.
    pub reference: String,
    pub issued: String,
    pub title: String,
    pub names: Vec<Name>,
    pub members: Vec<Member>,
    pub members_note: Option<String>,
    pub concern: Vec<String>,
    pub details: Vec<(String, String)>,
    pub timeline: Vec<Line>,
    pub background: Vec<String>,
    pub actions: Vec<String>,
    pub taken: Vec<String>,
    pub authorities: Vec<Authority>,
    pub sources: Vec<String>,
    pub footer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub heading: &'static str,
    pub names: &'static str,
    pub members: &'static str,
    pub concern: &'static str,
    pub details: &'static str,
    pub timeline: &'static str,
    pub background: &'static str,
    pub actions: &'static str,
    pub actions_intro: &'static str,
    pub taken: &'static str,
    pub authorities: &'static str,
    pub sources: &'static str,
}

pub fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            heading: "URGENT ACTION",
            names: "Names in every script",
            members: "Members identified by name",
            concern: "Concern",
            details: "Case details",
            timeline: "What happened",
            background: "Background",
            actions: "Recommended action",
            actions_intro: "Please write immediately, in English, Russian or your own language:",
            taken: "Action taken so far",
            authorities: "Please address appeals to",
            sources: "Sources and their reliability",
        },
        Lang::Ru => Labels {
            heading: "СРОЧНАЯ АКЦИЯ",
            names: "Имена во всех написаниях",
            members: "Поимённо известные члены группы",
            concern: "Повод для беспокойства",
            details: "Сведения о деле",
            timeline: "Что произошло",
            background: "Общие сведения",
            actions: "Рекомендуемые действия",
            actions_intro: "Пожалуйста, срочно напишите на русском, английском или своём языке:",
            taken: "Что уже сделано",
            authorities: "Обращения направляйте",
            sources: "Источники и их надёжность",
        },
    }
}

/// What the subject needs, by where they stand: the recommended actions.
pub fn recommended(
    lang: Lang,
    protection: Option<&str>,
    refugee: Option<&str>,
    several: bool,
) -> Vec<String> {
    let pick = |en1: &str, en2: &str, ru1: &str, ru2: &str| -> String {
        match (lang, several) {
            (Lang::En, false) => en1,
            (Lang::En, true) => en2,
            (Lang::Ru, false) => ru1,
            (Lang::Ru, true) => ru2,
        }
        .to_string()
    };
    let mut out = Vec::new();
    let returned = protection == Some("forcibly_returned");
    let safe = matches!(protection, Some("released" | "resettled"));
    if returned {
        out.push(pick(
            "urging the authorities of the country they were returned to to disclose where this person is held, to protect them from torture and other ill-treatment, and to guarantee a fair trial;",
            "urging the authorities of the country they were returned to to disclose where these people are held, to protect them from torture and other ill-treatment, and to guarantee them fair trials;",
            "призывая власти страны, куда человек был возвращён, сообщить, где он содержится, защитить его от пыток и жестокого обращения и обеспечить справедливый суд;",
            "призывая власти страны, куда люди были возвращены, сообщить, где они содержатся, защитить их от пыток и жестокого обращения и обеспечить справедливый суд;",
        ));
    } else if !safe {
        out.push(pick(
            "urging the authorities not to return this person to any country where they would be at risk of torture or other serious human rights violations (the principle of non-refoulement);",
            "urging the authorities not to return these people to any country where they would be at risk of torture or other serious human rights violations (the principle of non-refoulement);",
            "призывая власти не возвращать этого человека в страну, где ему угрожают пытки или другие серьёзные нарушения прав человека (принцип невысылки);",
            "призывая власти не возвращать этих людей в страну, где им угрожают пытки или другие серьёзные нарушения прав человека (принцип невысылки);",
        ));
    }
    if protection == Some("detained") {
        out.push(pick(
            "calling for this person to be protected from torture and other ill-treatment in detention, and to have prompt access to a lawyer, their family and UNHCR;",
            "calling for these people to be protected from torture and other ill-treatment in detention, and to have prompt access to lawyers, their families and UNHCR;",
            "призывая обеспечить защиту этого человека от пыток и жестокого обращения под стражей и незамедлительный доступ к адвокату, родным и УВКБ ООН;",
            "призывая обеспечить защиту этих людей от пыток и жестокого обращения под стражей и незамедлительный доступ к адвокатам, родным и УВКБ ООН;",
        ));
    }
    if protection == Some("whereabouts_unknown") {
        out.push(pick(
            "urging the authorities to disclose where this person is;",
            "urging the authorities to disclose where these people are;",
            "призывая власти сообщить, где находится этот человек;",
            "призывая власти сообщить, где находятся эти люди;",
        ));
    }
    if !returned && !safe && !matches!(refugee, Some("recognised" | "rejected")) {
        out.push(pick(
            "urging the authorities to give UNHCR full access to this person and to let it complete its assessment of their need for international protection;",
            "urging the authorities to give UNHCR full access to these people and to let it complete its assessment of their need for international protection;",
            "призывая власти предоставить УВКБ ООН полный доступ к этому человеку и возможность завершить оценку его потребности в международной защите;",
            "призывая власти предоставить УВКБ ООН полный доступ к этим людям и возможность завершить оценку их потребности в международной защите;",
        ));
    }
    if !safe {
        out.push(pick(
            "calling on the international community to ensure a durable solution, including resettlement in a third country, for this person if they are recognised as a refugee or at risk.",
            "calling on the international community to ensure a durable solution, including resettlement in a third country, for all those recognised as refugees or at risk.",
            "призывая международное сообщество обеспечить этому человеку долгосрочное решение, включая переселение в третью страну, если он признан беженцем или находится под угрозой.",
            "призывая международное сообщество обеспечить долгосрочное решение, включая переселение в третью страну, для всех, кто признан беженцем или находится под угрозой.",
        ));
    }
    out
}

/// "Uzbek, Cyrillic" for `uz-Cyrl`.
pub fn script_label(lang: Lang, tag: &str) -> String {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    let script = parts.find(|p| p.len() == 4).unwrap_or_default();
    let language = match (lang, language) {
        (Lang::En, "uz") => "Uzbek",
        (Lang::En, "ru") => "Russian",
        (Lang::En, "ky") => "Kyrgyz",
        (Lang::En, "en") => "English",
        (Lang::En, "tg") => "Tajik",
        (Lang::Ru, "uz") => "узбекский",
        (Lang::Ru, "ru") => "русский",
        (Lang::Ru, "ky") => "киргизский",
        (Lang::Ru, "en") => "английский",
        (Lang::Ru, "tg") => "таджикский",
        (_, other) => other,
    };
    let script = match (lang, script) {
        (Lang::En, "Cyrl") => "Cyrillic",
        (Lang::En, "Latn") => "Latin",
        (Lang::En, "Arab") => "Arabic",
        (Lang::Ru, "Cyrl") => "кириллица",
        (Lang::Ru, "Latn") => "латиница",
        (Lang::Ru, "Arab") => "арабское письмо",
        (_, other) => other,
    };
    match (language.is_empty(), script.is_empty()) {
        (false, false) => format!("{language}, {script}"),
        (false, true) => language.to_string(),
        (true, _) => script.to_string(),
    }
}

// Fuzzing builds the core without typst (`default-features = false`): the sheet's
// content is still gathered and checked; only the typesetting is left out.
#[cfg(feature = "pdf")]
mod typeset;
#[cfg(feature = "pdf")]
pub use typeset::render_pdf;

/// A core built without the `pdf` feature cannot typeset; it says so instead.
#[cfg(not(feature = "pdf"))]
pub fn render_pdf(_data: &SheetData) -> Result<(Vec<u8>, usize)> {
    Err(Error::invalid(m::typesetting_failed(
        "this build of Nansen has no typesetter".to_string(),
    )))
}
