//! `deadlines`: interventions overdue or due in the next 7 days that are not closed,
//! with what they concern.

use crate::cli::DeadlinesArgs;
use crate::messages as m;
use crate::output::Out;
use crate::session::{open, Global};
use nansen_core::api::{Deadline, Deadlines};
use nansen_core::date::FuzzyDate;
use nansen_core::{Error, Result};

pub fn run(args: DeadlinesArgs, global: &Global, out: &Out) -> Result<()> {
    let n = open(global)?;
    let deadlines = match args.as_of {
        Some(day) => {
            let not_a_day = || Error::invalid(m::not_in_form(&day, "a day (YYYY-MM-DD)"));
            match FuzzyDate::parse(&day).map_err(|_| not_a_day())?.bounds() {
                (Some(first), Some(last)) if first == last => n.deadlines_as_of(first)?,
                _ => return Err(not_a_day()),
            }
        }
        None => n.deadlines()?,
    };
    out.show(&deadlines, || describe(&deadlines));
    Ok(())
}

fn line(d: &Deadline) -> String {
    let when = match d.days_left {
        0 => "due today".to_string(),
        1 => "due tomorrow".to_string(),
        n if n > 0 => format!("due in {n} days"),
        -1 => "1 day overdue".to_string(),
        n => format!("{} days overdue", -n),
    };
    let concerns: Vec<String> = d
        .concerns
        .iter()
        .map(|c| format!("{} {}", c.kind, c.label))
        .collect();
    format!(
        "  {} ({when}) {} [{}, {}]{}{}  {}",
        d.due_on,
        d.title,
        d.intervention_type,
        d.status,
        d.target_label
            .as_ref()
            .map(|t| format!(" to {t}"))
            .unwrap_or_default(),
        if concerns.is_empty() {
            String::new()
        } else {
            format!("; concerns {}", concerns.join(", "))
        },
        d.id
    )
}

fn describe(d: &Deadlines) -> String {
    let mut s = vec![format!("Overdue on {} ({}):", d.as_of, d.overdue.len())];
    s.extend(d.overdue.iter().map(line));
    s.push(format!("Due in the next 7 days ({}):", d.upcoming.len()));
    s.extend(d.upcoming.iter().map(line));
    s.join("\n")
}
