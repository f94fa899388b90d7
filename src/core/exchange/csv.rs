//! The CSV format: one table, one row per record.
//!
//! Layout: the header row is [`HEADER`], `type` first and then the union of
//! every record type's columns. A row fills the columns of its `type`
//! (`subnet`, `custom_field`, `pool`, `address`, `configuration`, `relation`)
//! and leaves the others empty. One table rather than a section per record
//! type, because a spreadsheet can then sort and filter the whole file, and
//! every row is read the same way. Child rows (`custom_field`, `relation`)
//! follow their owner and name it by id. A file may leave out columns it does
//! not need and order them freely: columns are found by name.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab or
//! carriage return as a formula, so such a value is written with a leading
//! `'`, and a cell read back loses exactly one leading `'` when what follows
//! starts with one of those characters. Values that already start with
//! quotes before such a character get one more, so every value survives the
//! round trip; a `'` typed by hand to quote a formula is read as it is meant.

use std::borrow::Cow;
use std::io::{self, Write};

use csv::WriterBuilder;

use super::decode::Fields;
use super::plan::PlanBuilder;
use super::problem::{Origin, Problem};
use super::record::{column::*, RecordType, Row};
use super::sheet::{delimiter_for, Sheet, SheetRow};

/// The header of an export: `type`, then every column of every record type.
pub(super) const HEADER: [&str; 34] = [
    "type",
    ID,
    PARENT_ID,
    SUBNET_ID,
    POOL_ID,
    CONFIGURATION_ID,
    NAME,
    CIDR,
    IP,
    START_IP,
    END_IP,
    VERSION,
    GATEWAY,
    DNS1,
    DNS2,
    VLAN,
    BRIDGE,
    DELEGATION_PREFIX_LENGTH,
    EXCLUDED_IPS,
    RESERVATION_RULES,
    STORE_FREE_IPS,
    STATUS,
    NOTE,
    SERVICE_ID,
    CLIENT_ID,
    ASSIGNMENT_TYPE,
    OMIT_DEDICATED_IP,
    USE_CUSTOM_FIELD,
    CUSTOM_FIELD_NAME,
    RELATION_TYPE,
    TARGET_ID,
    PRIORITY,
    VALUE,
    DESCRIPTION,
];

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A spreadsheet would run this value, or it is one `'` away from one.
fn looks_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The cell text for a value: a `'` in front of anything formula-like.
pub fn guard(value: &str) -> Cow<'_, str> {
    if looks_like_formula(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value of a cell `guard` wrote (or a person quoted by hand).
pub(super) fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// Writes rows under `HEADER`; the csv crate buffers and quotes.
pub(super) struct CsvEncoder<W: Write> {
    writer: csv::Writer<W>,
    /// For each record type (by `RecordType::ordinal`), where its columns sit
    /// in `HEADER`.
    positions: Vec<Vec<usize>>,
}

impl<W: Write> CsvEncoder<W> {
    pub(super) fn begin(out: W) -> io::Result<Self> {
        let mut writer = WriterBuilder::new().has_headers(false).from_writer(out);
        writer.write_record(HEADER)?;
        let positions = RecordType::ALL
            .iter()
            .map(|record_type| {
                record_type.columns().iter().filter_map(|column| HEADER.iter().position(|h| h == column)).collect()
            })
            .collect();
        Ok(CsvEncoder { writer, positions })
    }

    pub(super) fn write(&mut self, row: &Row<'_>) -> io::Result<()> {
        let mut cells: Vec<Cow<'_, str>> = vec![Cow::Borrowed(""); HEADER.len()];
        cells[0] = Cow::Borrowed(row.record_type.name());
        for (&position, cell) in self.positions[row.record_type.ordinal()].iter().zip(&row.cells) {
            cells[position] = match cell.as_text() {
                Cow::Borrowed(text) => guard(text),
                Cow::Owned(text) => Cow::Owned(guard(&text).into_owned()),
            };
        }
        Ok(self.writer.write_record(cells.iter().map(|cell| cell.as_bytes()))?)
    }

    pub(super) fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|error| io::Error::new(error.error().kind(), error.error().to_string()))
    }
}

/// Reads an export, or a hand-made sheet with a `type` column and any of the
/// export's columns, into the plan.
pub(super) fn read(bytes: &[u8], plan: &mut PlanBuilder) {
    let delimiter = delimiter_for(bytes, 1, |columns| columns.has_any(&["type"]));
    let mut sheet = Sheet::new(bytes, delimiter, false);
    let header = match sheet.next_row() {
        None => return plan.problem(Problem::file("The file is empty.")),
        Some(Err(problem)) => return plan.problem(problem),
        Some(Ok(header)) => header,
    };
    let Some(header) = header_columns(&header, plan) else { return };
    while let Some(row) = sheet.next_row() {
        let keep_reading = match row {
            Ok(row) => read_row(&row, &header, plan),
            Err(problem) => {
                plan.problem(problem);
                true
            }
        };
        if !keep_reading {
            break;
        }
    }
}

/// The columns of a file's header row.
struct Header {
    /// Where the `type` column is.
    type_at: usize,
    /// The export column of each cell; `None` for `type`.
    columns: Vec<Option<&'static str>>,
}

/// The header, or `None` when it is unusable (reported).
fn header_columns(header: &SheetRow, plan: &mut PlanBuilder) -> Option<Header> {
    let mut type_at = None;
    let mut columns = Vec::with_capacity(header.cells.len());
    let mut seen: Vec<&str> = Vec::with_capacity(HEADER.len());
    let mut usable = true;
    for (at, name) in header.cells.iter().enumerate() {
        let key = unguard(name).trim().to_ascii_lowercase();
        let column = HEADER.iter().copied().find(|known| *known == key);
        let problem = match column {
            None => Some(format!("\"{name}\" is not a column of an IP Manager export")),
            Some(column) if seen.contains(&column) => Some(format!("The column {column} appears twice")),
            Some(column) => {
                seen.push(column);
                None
            }
        };
        if let Some(message) = problem {
            plan.problem(Problem::at_line(header.line, message));
            usable = false;
        }
        if column == Some("type") {
            type_at = Some(at);
        }
        columns.push(column.filter(|column| *column != "type"));
    }
    if type_at.is_none() {
        plan.problem(Problem::at_line(
            header.line,
            "The first row must name the columns, with a \"type\" column; is this an IP Manager CSV export?",
        ));
    }
    Some(Header { type_at: type_at?, columns }).filter(|_| usable)
}

/// One data row into the plan; `false` when the plan is full.
fn read_row(row: &SheetRow, header: &Header, plan: &mut PlanBuilder) -> bool {
    if row.is_blank() {
        return true;
    }
    let origin = Origin::Line(row.line);
    let type_text = row.cells.get(header.type_at).map_or("", unguard);
    let Some(record_type) = RecordType::from_name(type_text) else {
        let names: Vec<&str> = RecordType::ALL.iter().map(|t| t.name()).collect();
        let message = format!("\"{type_text}\" is not a record type; use one of {}", names.join(", "));
        plan.problem(origin.error(Some("type"), message));
        return true;
    };
    let mut fields = Fields::new(record_type, origin);
    for (column, cell) in header.columns.iter().zip(&row.cells) {
        let Some(column) = column else { continue };
        let value = unguard(cell);
        match record_type.column_index(column) {
            Some(index) => fields.set(index, value.to_string()),
            None if !value.trim().is_empty() => {
                let message = format!("A {} row has no {column}; leave the cell empty.", record_type.name());
                plan.problem(origin.error(Some(column), message));
            }
            None => {}
        }
    }
    plan.add(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::tests::{export, problems_of, round_trip, sample_plan};
    use crate::core::exchange::{read_plan, Format, Limits, Source};

    #[test]
    fn header_holds_every_column_once() {
        for record_type in RecordType::ALL {
            for column in record_type.columns() {
                assert_eq!(HEADER.iter().filter(|h| *h == column).count(), 1, "{column}");
            }
        }
        let used: usize = HEADER.iter().filter(|h| RecordType::ALL.iter().any(|t| t.column_index(h).is_some())).count();
        assert_eq!(used, HEADER.len() - 1, "every header column but type belongs to a record type");
    }

    #[test]
    fn formulas_are_neutralised_and_restored() {
        for (value, cell) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-ops", "'-ops"),
            ("@home", "'@home"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("plain", "plain"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(guard(value), cell, "{value:?}");
            assert_eq!(unguard(cell), value, "{cell:?}");
        }
        assert_eq!(unguard("'=typed by hand"), "=typed by hand");
    }

    #[test]
    fn round_trips_with_formulas_quoted_in_the_file() {
        let text = round_trip(Format::Csv);
        assert!(text.starts_with("type,id,parent_id,subnet_id,"));
        assert!(text.contains(",\"'=HYPERLINK(\"\"x\"\")\r\nsecond line <&>\"\n"));
        assert!(text.contains("custom_field,,,1,0,,Owner,"));
        assert!(text.contains(",'-ops,"));
        assert!(text.contains(",''=1+1,"), "a note that starts with a quote and a formula keeps both");
    }

    /// Found by fuzzing: semicolons need no quotes in a comma-separated
    /// file, so they must not sway which delimiter the reader picks.
    #[test]
    fn values_full_of_semicolons_keep_the_comma() {
        let mut plan = sample_plan();
        plan.subnets[0].description = ";".repeat(500);
        plan.subnets[1].name = "\t".repeat(500);
        let text = export(Format::Csv, &plan);
        let (read, problems) = read_plan(Source::Native(Format::Csv), text.as_bytes(), &Limits::default());
        assert_eq!(problems, []);
        assert_eq!(read, plan);
    }

    #[test]
    fn reads_a_minimal_hand_made_sheet_with_semicolons() {
        let (plan, problems) = problems_of(Source::Native(Format::Csv), "cidr;type;id\n10.0.0.0/24;subnet;1\n;;\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(plan.subnets[0].cidr.to_string(), "10.0.0.0/24");
    }

    #[test]
    fn reports_bad_headers_rows_and_cells() {
        let (_, problems) = problems_of(Source::Native(Format::Csv), "type,id,cidrr\n");
        assert_eq!(problems, ["Line 1: \"cidrr\" is not a column of an IP Manager export"]);
        let (_, problems) = problems_of(Source::Native(Format::Csv), "id,cidr\n1,10.0.0.0/24\n");
        assert_eq!(
            problems,
            ["Line 1: The first row must name the columns, with a \"type\" column; is this an IP Manager CSV export?"]
        );
        let (_, problems) = problems_of(
            Source::Native(Format::Csv),
            "type,id,cidr,ip\nsubnet,1,10.0.0.0/24,10.0.0.1\nprefix,2,,\nsubnet,3,10.0.1.0/24\n",
        );
        assert_eq!(
            problems,
            [
                "Line 2, ip: A subnet row has no ip; leave the cell empty.",
                "Line 3, type: \"prefix\" is not a record type; use one of subnet, custom_field, pool, address, \
                 configuration, relation",
                "Line 4: This row has 3 cells but the first row has 4 cells; the file may be cut short, or a value \
                 with a delimiter in it lacks quotes.",
            ]
        );
    }

    #[test]
    fn a_truncated_file_names_its_last_line() {
        let text = round_trip(Format::Csv);
        let cut = &text[..text.len() - 20];
        let (_, problems) = problems_of(Source::Native(Format::Csv), cut);
        let last_line = cut.lines().count();
        assert!(problems.iter().any(|p| p.starts_with(&format!("Line {last_line}: This row has"))), "{problems:?}");
    }
}
