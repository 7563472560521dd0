//! What bulk intake says when a file, a mapping or a row cannot be taken.

crate::messages! {
    unsupported_file(path) => "{path}: persons are read from .csv and .xlsx files (also .xls, .xlsb and .ods)";
    unreadable_csv(path, detail) => "{path} could not be read as CSV: {detail}";
    unreadable_workbook(path, detail) => "{path} could not be read as a spreadsheet: {detail}";
    no_header(path) => "{path} has no header row: the first row must name the columns";
    header_not_utf8(path) => "the header row of {path} is not UTF-8 text; save the file as \"CSV UTF-8\"";
    no_such_sheet(sheet, sheets) => "there is no sheet '{sheet}'; the sheets are: {sheets}";
    no_such_column(column, columns) => "there is no column '{column}'; the columns are: {columns}";
    no_name_column(columns) => "no column is mapped to 'name'; map the column of names (the columns are: {columns})";
    mapped_twice(field, columns) => "'{field}' is mapped from several columns ({columns}); map it from one";
    unknown_target(target, targets) => "'{target}' is not something a column can hold; use one of: {targets}";
    row_not_utf8() => "this row is not UTF-8 text; save the file as \"CSV UTF-8\"";
    cell_error(error) => "the cell holds a spreadsheet error ({error})";
    not_type_value(value) => "'{value}' is not TYPE:VALUE, e.g. passport:AB123";
    no_such_group(group) => "there is no group '{group}'; give a group's id or its exact name";
    group_name_ambiguous(group, count) => "{count} groups are named '{group}'; give the group's id";
}
