//! The sentences of a situation summary, in English and Russian, for every event type
//! and status the vocabularies hold. Each is a template for one and for several people:
//! `{n}` is the count in the nominative ("29 asylum-seekers", "29 просителей
//! убежища"), `{g}` in the genitive ("для 29 просителей убежища"). Russian predicates
//! agree with a numeral in the singular after 1, 21, 31… and in the plural otherwise;
//! nothing else in a template has to agree. A term no template knows (a vocabulary
//! grows by migrations) is said with its label: "Label: 5 asylum-seekers".

use super::lang::{count, count_gen, plural, Lang, Noun, Plural};

/// Templates: [English one, English several, Russian one, Russian several].
type Forms = [&'static str; 4];

/// What happened to the victims of an event of each type.
const EVENTS: &[(&str, Forms)] = &[
    (
        "detention",
        [
            "{n} was detained",
            "{n} were detained",
            "{n} был задержан",
            "{n} были задержаны",
        ],
    ),
    (
        "transfer",
        [
            "{n} was transferred",
            "{n} were transferred",
            "{n} был переведён",
            "{n} были переведены",
        ],
    ),
    (
        "forcible_return",
        [
            "{n} was forcibly returned",
            "{n} were forcibly returned",
            "{n} был принудительно возвращён",
            "{n} были принудительно возвращены",
        ],
    ),
    (
        "removal_request",
        [
            "Removal or extradition was requested for {n}",
            "Removal or extradition was requested for {n}",
            "Запрошена высылка или выдача {g}",
            "Запрошена высылка или выдача {g}",
        ],
    ),
    (
        "release",
        [
            "{n} was released",
            "{n} were released",
            "{n} был освобождён",
            "{n} были освобождены",
        ],
    ),
    (
        "disappearance",
        [
            "{n} disappeared",
            "{n} disappeared",
            "{n} исчез",
            "{n} исчезли",
        ],
    ),
    (
        "arrival",
        [
            "{n} arrived in a camp",
            "{n} arrived in a camp",
            "{n} прибыл в лагерь",
            "{n} прибыли в лагерь",
        ],
    ),
    (
        "interview",
        [
            "{n} was interviewed",
            "{n} were interviewed",
            "{n} был опрошен",
            "{n} были опрошены",
        ],
    ),
    (
        "unhcr_registration",
        [
            "{n} was registered with UNHCR",
            "{n} were registered with UNHCR",
            "{n} был зарегистрирован в УВКБ ООН",
            "{n} были зарегистрированы в УВКБ ООН",
        ],
    ),
    (
        "resettlement",
        [
            "{n} was resettled in a third country",
            "{n} were resettled in a third country",
            "{n} был переселён в третью страну",
            "{n} были переселены в третью страну",
        ],
    ),
    (
        "ill_treatment",
        [
            "{n} was subjected to torture or ill-treatment",
            "{n} were subjected to torture or ill-treatment",
            "{n} подвергся пыткам или жестокому обращению",
            "{n} подверглись пыткам или жестокому обращению",
        ],
    ),
    (
        "threat",
        [
            "{n} was threatened or intimidated",
            "{n} were threatened or intimidated",
            "{n} подвергся угрозам или запугиванию",
            "{n} подверглись угрозам или запугиванию",
        ],
    ),
];

/// Where a group stands, by `type:value` (and `:imminent` for an imminent risk).
const STATUSES: &[(&str, Forms)] = &[
    (
        "protection:at_risk",
        [
            "{n} remains at risk of forcible return",
            "{n} remain at risk of forcible return",
            "{n} остаётся под угрозой принудительного возвращения",
            "{n} остаются под угрозой принудительного возвращения",
        ],
    ),
    (
        "protection:at_risk:imminent",
        [
            "{n} remains at risk of imminent forcible return",
            "{n} remain at risk of imminent forcible return",
            "{n} остаётся под угрозой неминуемого принудительного возвращения",
            "{n} остаются под угрозой неминуемого принудительного возвращения",
        ],
    ),
    (
        "protection:detained",
        [
            "{n} remains in detention",
            "{n} remain in detention",
            "{n} остаётся под стражей",
            "{n} остаются под стражей",
        ],
    ),
    (
        "protection:in_camp",
        [
            "{n} is in a camp",
            "{n} are in a camp",
            "{n} находится в лагере",
            "{n} находятся в лагере",
        ],
    ),
    (
        "protection:forcibly_returned",
        [
            "{n} has been forcibly returned",
            "{n} have been forcibly returned",
            "{n} принудительно возвращён",
            "{n} принудительно возвращены",
        ],
    ),
    (
        "protection:released",
        [
            "{n} has been released",
            "{n} have been released",
            "{n} освобождён",
            "{n} освобождены",
        ],
    ),
    (
        "protection:resettled",
        [
            "{n} has been resettled in a third country",
            "{n} have been resettled in a third country",
            "{n} переселён в третью страну",
            "{n} переселены в третью страну",
        ],
    ),
    (
        "protection:whereabouts_unknown",
        [
            "Whereabouts unknown for {n}",
            "Whereabouts unknown for {n}",
            "Местонахождение {g} неизвестно",
            "Местонахождение {g} неизвестно",
        ],
    ),
    (
        "refugee:assessment_pending",
        [
            "UNHCR assessment pending for {n}",
            "UNHCR assessment pending for {n}",
            "Оценка УВКБ ООН не завершена для {g}",
            "Оценка УВКБ ООН не завершена для {g}",
        ],
    ),
    (
        "refugee:registered",
        [
            "{n} is registered with UNHCR",
            "{n} are registered with UNHCR",
            "{n} зарегистрирован в УВКБ ООН",
            "{n} зарегистрированы в УВКБ ООН",
        ],
    ),
    (
        "refugee:not_registered",
        [
            "{n} is not registered with UNHCR",
            "{n} are not registered with UNHCR",
            "{n} не зарегистрирован в УВКБ ООН",
            "{n} не зарегистрированы в УВКБ ООН",
        ],
    ),
    (
        "refugee:recognised",
        [
            "{n} has been recognised as a refugee",
            "{n} have been recognised as refugees",
            "{n} признан беженцем",
            "{n} признаны беженцами",
        ],
    ),
    (
        "refugee:rejected",
        [
            "The refugee claim of {n} was rejected by UNHCR",
            "The refugee claims of {n} were rejected by UNHCR",
            "УВКБ ООН отклонило заявления о признании беженцами: {n}",
            "УВКБ ООН отклонило заявления о признании беженцами: {n}",
        ],
    ),
];

fn fill(template: &str, lang: Lang, n: u64, noun: Noun) -> String {
    super::lang::capitalise(
        &template
            .replace("{n}", &count(lang, n, noun))
            .replace("{g}", &count_gen(lang, n, noun)),
    )
}

fn say(table: &[(&str, Forms)], key: &str, label: &str, lang: Lang, n: u64, noun: Noun) -> String {
    let Some((_, forms)) = table.iter().find(|(k, _)| *k == key) else {
        return format!(
            "{}: {}",
            super::lang::capitalise(label),
            count(lang, n, noun)
        );
    };
    let one = plural(lang, n) == Plural::One;
    let i = match (lang, one) {
        (Lang::En, true) => 0,
        (Lang::En, false) => 1,
        (Lang::Ru, true) => 2,
        (Lang::Ru, false) => 3,
    };
    fill(forms[i], lang, n, noun)
}

/// "29 asylum-seekers were detained", for the victims of events of a type.
pub fn event(event_type: &str, label: &str, lang: Lang, n: u64, noun: Noun) -> String {
    say(EVENTS, event_type, label, lang, n, noun)
}

/// "UNHCR assessment pending for 29 asylum-seekers", for a group's status.
pub fn status(key: &str, label: &str, lang: Lang, n: u64, noun: Noun) -> String {
    say(STATUSES, key, label, lang, n, noun)
}

/// Whether a template exists for every term of these vocabularies (a test keeps the
/// tables complete as the vocabularies grow).
pub fn knows_event(event_type: &str) -> bool {
    EVENTS.iter().any(|(k, _)| *k == event_type)
}

pub fn knows_status(key: &str) -> bool {
    STATUSES.iter().any(|(k, _)| *k == key)
}

/// "3 identified by name", "поимённо известны: 3".
pub fn identified(lang: Lang, k: u64) -> String {
    match (lang, k) {
        (Lang::En, 0) => "none identified by name".into(),
        (Lang::Ru, 0) => "поимённо не известен никто".into(),
        (Lang::En, k) => format!("{} identified by name", super::lang::number(lang, k)),
        (Lang::Ru, k) => format!("поимённо известны: {}", super::lang::number(lang, k)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::lang::{ASYLUM_SEEKER, MAN};
    use super::*;

    #[test]
    fn sentences_agree_with_their_numbers() {
        let ev = |t, lang, n| event(t, "", lang, n, ASYLUM_SEEKER);
        assert_eq!(
            ev("detention", Lang::En, 29),
            "29\u{a0}asylum-seekers were detained"
        );
        assert_eq!(
            ev("detention", Lang::En, 1),
            "1\u{a0}asylum-seeker was detained"
        );
        assert_eq!(
            ev("detention", Lang::Ru, 29),
            "29\u{a0}просителей убежища были задержаны"
        );
        assert_eq!(
            ev("detention", Lang::Ru, 21),
            "21\u{a0}проситель убежища был задержан"
        );
        assert_eq!(
            ev("forcible_return", Lang::Ru, 4),
            "4\u{a0}просителя убежища были принудительно возвращены"
        );
        assert_eq!(
            ev("removal_request", Lang::Ru, 103),
            "Запрошена высылка или выдача 103\u{a0}просителей убежища"
        );
        assert_eq!(
            event("forcible_return", "", Lang::En, 4, MAN),
            "4\u{a0}men were forcibly returned"
        );
        assert_eq!(
            status(
                "refugee:assessment_pending",
                "",
                Lang::Ru,
                29,
                ASYLUM_SEEKER
            ),
            "Оценка УВКБ ООН не завершена для 29\u{a0}просителей убежища"
        );
        assert_eq!(
            event("new_term", "New term", Lang::En, 5, ASYLUM_SEEKER),
            "New term: 5\u{a0}asylum-seekers"
        );
    }
}
