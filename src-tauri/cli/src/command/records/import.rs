//! `nansen person import FILE`: persons from a spreadsheet (`.csv` or `.xlsx`) with a
//! header row. Headers that name a field (`name`, `birth_date`, `camp_id`, `Имя`…) map
//! themselves; `--mapping COLUMN=FIELD` maps the others. Refused rows are reported
//! with their line and reasons, one per line, and are a normal outcome: the command
//! fails only when the file or the mapping cannot be used at all. Running it again
//! imports only what is not there yet.

use crate::output::Out;
use clap::{Arg, ArgAction, ArgMatches, Command};
use nansen_core::api::{Column, ColumnUse, MappedColumn, Mapping, Progress, Refusal, Target};
use nansen_core::{Error, Nansen, Result};
use std::path::PathBuf;

pub fn command() -> Command {
    Command::new("import")
        .about(
            "import persons from a spreadsheet (.csv or .xlsx) whose first row names the columns",
        )
        .arg(Arg::new("file").value_name("FILE").required(true))
        .arg(
            Arg::new("mapping")
                .long("mapping")
                .value_name("COLUMN=FIELD")
                .action(ArgAction::Append)
                .help(
                    "what a column (its header, or its position from 1) holds: name, name_lang, \
                     alias, sex, birth_date, nationality, notes, identifiers (TYPE:VALUE), an \
                     identifier type such as passport or camp_id, group, or ignore; columns not \
                     named are mapped from their header",
                ),
        )
        .arg(
            Arg::new("sheet")
                .long("sheet")
                .value_name("NAME")
                .help("the sheet of a workbook to read (the first by default)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("check every row and report, but write nothing"),
        )
}

fn mapping(n: &Nansen, m: &ArgMatches) -> Result<Option<Mapping>> {
    let sheet = m.get_one::<String>("sheet").cloned();
    let mut columns = Vec::new();
    for raw in m.get_many::<String>("mapping").into_iter().flatten() {
        // The field never holds `=`; a header might.
        let (column, field) = raw
            .rsplit_once('=')
            .filter(|(c, f)| !c.trim().is_empty() && !f.trim().is_empty())
            .ok_or_else(|| Error::invalid(crate::messages::not_in_form(raw, "COLUMN=FIELD")))?;
        columns.push(MappedColumn {
            column: Column::Header(column.trim().to_string()),
            target: Target::parse(field.trim(), n.vocabularies())?,
        });
    }
    Ok((sheet.is_some() || !columns.is_empty()).then_some(Mapping { sheet, columns }))
}

pub fn run(n: &mut Nansen, m: &ArgMatches, out: &Out) -> Result<()> {
    let file = PathBuf::from(m.get_one::<String>("file").expect("required"));
    let mapping = mapping(n, m)?;
    if m.get_flag("dry-run") {
        let preview = n.intake_preview(&file, mapping)?;
        out.show(&preview, || {
            describe(
                &preview.file,
                &preview.columns,
                format!(
                    "{} rows — would import {}, {} already present, {} refused (dry run: nothing written)",
                    preview.rows, preview.to_import, preview.already_present, preview.refused_count
                ),
                &preview.refused,
                preview.refused_count,
            )
        });
        return Ok(());
    }
    let bar = out.progress_bar(1);
    if let Some(b) = &bar {
        b.set_message("rows");
    }
    let mut report = n.intake_persons(&file, mapping, &mut |p: Progress| {
        if let Some(b) = &bar {
            b.set_length(p.total.max(1));
            b.set_position(p.done);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // The rows are in; comparing them with the store's persons is the longer part.
    let check = out.check_duplicates(n)?;
    report.unchecked = check.remaining;
    out.show(&report, || {
        describe(
            &report.file,
            &report.columns,
            format!(
                "{} rows — {} imported, {} already present, {} refused; {} persons checked for \
                 possible duplicates",
                report.rows,
                report.imported,
                report.already_present,
                report.refused_count,
                check.checked
            ),
            &report.refused,
            report.refused_count,
        )
    });
    Ok(())
}

/// The counts, how the columns were read, then one line per refused row.
fn describe(
    file: &str,
    columns: &[ColumnUse],
    counts: String,
    refused: &[Refusal],
    refused_count: u64,
) -> String {
    let mut text = format!("{file}: {counts}\n");
    let read: Vec<String> = columns
        .iter()
        .map(|c| match c.target {
            Target::Ignore => format!("{} (ignored)", c.label()),
            _ => format!("{} → {}", c.label(), c.target.label()),
        })
        .collect();
    text.push_str(&format!("columns: {}\n", read.join(", ")));
    for r in refused {
        let reasons: Vec<String> = r
            .reasons
            .iter()
            .map(|why| match &why.column {
                Some(column) if !column.is_empty() => format!("[{column}] {}", why.message),
                _ => why.message.to_string(),
            })
            .collect();
        text.push_str(&format!("line {}: {}\n", r.line, reasons.join("; ")));
    }
    if refused_count > refused.len() as u64 {
        text.push_str(&format!(
            "… and {} more refused rows\n",
            refused_count - refused.len() as u64
        ));
    }
    text
}
