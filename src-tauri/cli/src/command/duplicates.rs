//! `duplicates`, `merge`, `unmerge`, `not-same`: deciding which person records are the
//! same person.

use crate::cli::{DuplicatesArgs, MergeArgs, NotSameArgs, UnmergeArgs};
use crate::output::Out;
use crate::session::{open, Global};
use nansen_core::api::{Candidate, ClusterReport, DuplicateQuery};
use nansen_core::domain::matching::{
    Evidence, IdentifierAgreement, NameLevel, WordMatch, WordRole,
};
use nansen_core::domain::vocab::Vocabularies;
use nansen_core::domain::Kind;
use nansen_core::ids::parse_id;
use nansen_core::Result;

pub fn list(args: DuplicatesArgs, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    // Persons written in bulk are compared first, so that the list is complete.
    out.check_duplicates(&mut n)?;
    let page = n.duplicates(&DuplicateQuery {
        min_score: args.min_score,
        limit: args.page.limit,
        after: args.page.after,
    })?;
    if page.total == 0 && !out.json {
        println!("no possible duplicates");
        return Ok(());
    }
    let words = Words {
        vocab: n.vocabularies(),
        group: &|id| {
            let id = uuid::Uuid::parse_str(id).ok()?;
            n.get(Kind::Group, id).ok().map(|g| g.label)
        },
    };
    out.page(&page, |c| describe(c, &words));
    Ok(())
}

/// What the evidence's words need that it does not carry: vocabulary labels, and the
/// names of groups.
struct Words<'a> {
    vocab: &'a Vocabularies,
    group: &'a dyn Fn(&str) -> Option<String>,
}

fn describe(c: &Candidate, words: &Words) -> String {
    let mut s = format!(
        "{:.2}  {}  {}\n      {}  {}",
        c.score, c.a.id, c.a.label, c.b.id, c.b.label
    );
    // Strongest first, for or against, as the review queue lists them.
    let mut evidence: Vec<(f64, String)> = c
        .evidence
        .iter()
        .map(|e| match serde_json::from_value::<Evidence>(e.clone()) {
            Ok(e) => (e.weight(), in_words(&e, words)),
            // Evidence of a kind this version does not know: shown as stored.
            Err(_) => (0.0, e.to_string()),
        })
        .collect();
    evidence.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    for (weight, text) in evidence {
        s.push_str(&format!("\n      {weight:>+5.1}  {text}"));
    }
    if !c.verdicts.is_empty() {
        s.push_str(&format!("\n      judged: {}", c.verdicts.join(", ")));
    }
    s
}

/// One piece of evidence as the review queue words it in English; the weight (bits
/// for one person when positive, against when negative) is printed before it.
fn in_words(e: &Evidence, words: &Words) -> String {
    let label = |list: &str, term: &str| words.vocab.label(list, term, "en");
    match e {
        Evidence::Names {
            a,
            a_lang,
            b,
            b_lang,
            words,
            ..
        } => {
            let mut s = format!("names compared: {a} ({a_lang}) and {b} ({b_lang})");
            for w in words {
                s.push_str(&format!("\n               {:>+5.1}  {}", w.weight, word(w)));
            }
            s
        }
        Evidence::Identifier {
            id_type,
            a,
            b,
            agreement,
            ..
        } => {
            let how = match agreement {
                IdentifierAgreement::Same => "agree",
                IdentifierAgreement::Near => "are one character apart, perhaps a typo",
                IdentifierAgreement::Different => "disagree",
            };
            format!("{}: {a} and {b} {how}", label("identifier_type", id_type))
        }
        Evidence::BirthDates {
            a,
            b,
            compatible: true,
            ..
        } => format!("birth dates {a} and {b} are compatible"),
        Evidence::BirthDates {
            a, b, years_apart, ..
        } => format!(
            "birth dates {a} and {b} are {years_apart} year{} apart",
            if *years_apart == 1 { "" } else { "s" }
        ),
        Evidence::Sex { a, agree: true, .. } => format!("sex: {} in both", label("sex", a)),
        Evidence::Sex { a, b, .. } => {
            format!("sex differs: {} and {}", label("sex", a), label("sex", b))
        }
        Evidence::Origin { same: true, .. } => "the same place of origin".into(),
        Evidence::Origin { .. } => "different places of origin".into(),
        Evidence::SameGroup { groups, .. } => {
            let names: Vec<String> = groups.iter().filter_map(|g| (words.group)(g)).collect();
            match (names.is_empty(), groups.len()) {
                (false, _) => format!("both are members of {}", names.join(", ")),
                (true, 1) => "both are members of the same group".into(),
                (true, n) => format!("both are members of the same {n} groups"),
            }
        }
        Evidence::FamilyOfEachOther { .. } => {
            "one is recorded as family of the other: two different people".into()
        }
        Evidence::SharedFamily { persons, .. } if persons.len() == 1 => {
            "linked to the same family member".into()
        }
        Evidence::SharedFamily { persons, .. } => {
            format!("linked to the same {} family members", persons.len())
        }
    }
}

fn word(w: &WordMatch) -> String {
    let (a, b) = (&w.a, &w.b);
    let text = match w.level {
        NameLevel::Exact => format!("{a} = {b}: the same name, in another script or spelling"),
        NameLevel::Variant => {
            format!("{a} ≈ {b}: a transliteration variant (a vowel shift or another romanisation)")
        }
        NameLevel::Suffix => format!("{a} ≈ {b}: the same name but for a suffix (-jon, -xon, -a)"),
        NameLevel::Phonetic => format!("{a} ≈ {b}: sounds the same, a typo apart"),
        NameLevel::Fuzzy => format!(
            "{a} ~ {b}: a similar spelling ({:.0}% alike), perhaps a typo",
            w.similarity * 100.0
        ),
        NameLevel::Initial => format!("{a} ~ {b}: an initial that fits"),
        NameLevel::Different => format!("{a} ≠ {b}: different"),
    };
    match w.role {
        WordRole::Patronymic => format!("{text} (patronymic)"),
        WordRole::Name => text,
    }
}

fn report(r: &ClusterReport) -> String {
    if r.members.len() > 1 {
        format!(
            "{} records shown as one person, {}: {}",
            r.members.len(),
            r.cluster,
            r.members.join(", ")
        )
    } else {
        format!("{} stands alone", r.cluster)
    }
}

pub fn merge(args: MergeArgs, global: &Global, out: &Out) -> Result<()> {
    let ids = args
        .ids
        .iter()
        .map(|i| parse_id("person", i))
        .collect::<Result<Vec<_>>>()?;
    let r = open(global)?.merge(&ids)?;
    out.show(&r, || report(&r));
    Ok(())
}

pub fn unmerge(args: UnmergeArgs, global: &Global, out: &Out) -> Result<()> {
    let r = open(global)?.unmerge(parse_id("person", &args.id)?)?;
    out.show(&r, || report(&r));
    Ok(())
}

pub fn not_same(args: NotSameArgs, global: &Global, out: &Out) -> Result<()> {
    let (a, b) = (parse_id("person", &args.a)?, parse_id("person", &args.b)?);
    let r = open(global)?.not_same(a, b)?;
    out.show(&r, || {
        format!("{a} and {b} are recorded as different persons")
    });
    Ok(())
}
