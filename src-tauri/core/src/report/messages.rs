//! What reports say when they cannot be made.

crate::messages! {
    unknown_report_language(lang) => "'{lang}' is not a language reports are written in; use en or ru";
    not_a_day(value) => "'{value}' is not a day; write it as YYYY-MM-DD, e.g. 2005-06-10";
    not_a_sheet_subject(id, kind) => "{id} is a {kind}; an urgent-action sheet is made for a person or a group";
    sheet_exists(path) => "{path} already exists; choose another name, or allow replacing it (--overwrite)";
    typesetting_failed(detail) => "the sheet could not be typeset: {detail}";
    not_a_month(value) => "'{value}' is not a month; write it as YYYY-MM";
    unknown_dashboard_list(list) => "'{list}' is not a list the dashboard counts";
}
