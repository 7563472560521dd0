//! `duplicates`, `merge`, `unmerge`, `not-same`: deciding which person records are the
//! same person.

use crate::cli::{DuplicatesArgs, MergeArgs, NotSameArgs, UnmergeArgs};
use crate::output::Out;
use crate::session::{open, Global};
use nansen_core::api::{Candidate, ClusterReport, DuplicateQuery};
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
    out.page(&page, describe);
    Ok(())
}

fn describe(c: &Candidate) -> String {
    let mut s = format!(
        "{:.2}  {}  {}\n      {}  {}",
        c.score, c.a.id, c.a.label, c.b.id, c.b.label
    );
    for e in &c.evidence {
        s.push_str(&format!("\n      · {e}"));
    }
    if !c.verdicts.is_empty() {
        s.push_str(&format!("\n      judged: {}", c.verdicts.join(", ")));
    }
    s
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
