//! Export and import of subnets, pools, addresses and configurations
//! (Addons → IP Manager → Export / Import): the file formats, without any
//! database.
//!
//! Export: the database layer hands records to an [`ExportWriter`], which
//! writes CSV, XML or JSON to any `std::io::Write` as they come, so the size
//! of an export never shows in memory.
//!
//! Import: [`read_plan`] reads a whole file, ours or another tool's, and
//! returns the [`ImportPlan`] of what it would create together with every
//! [`Problem`], each naming its line or element path. Nothing is written
//! here; the database layer imports the plan only when no problem is an
//! error (and, if some are skippable, when the admin agrees to skip them).
//!
//! The three formats carry the same records with the same columns (see
//! `record`), so a file exported in one format, imported, and exported again
//! is the same file apart from ids.

mod address_list;
mod check;
mod csv;
mod decode;
mod json;
mod limits;
mod migration;
mod model;
mod netbox;
mod phpipam;
mod plan;
mod problem;
mod record;
mod sheet;
mod writer;
mod xml;

pub use address_list::parse_address_list;
/// A CSV cell a spreadsheet will not run as a formula (a `'` in front when needed).
pub use csv::guard as spreadsheet_safe;
pub use limits::Limits;
pub use model::{
    AddressStatus, Assignment, AssignmentType, ExportAddress, ExportConfiguration, ExportPool, ExportRelation,
    ExportSubnet, RelationType, ReservationRule, Vocabulary,
};
pub use plan::ImportPlan;
pub use problem::{Problem, ProblemKind};
pub use writer::ExportWriter;

use plan::PlanBuilder;
use sheet::{delimiter_for, Columns};

/// The formats IP Manager exports, and reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Xml,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xml => "xml",
            Format::Json => "json",
        }
    }
}

/// `ipmanager_export_2024-03-07.csv` for `(2024, 3, 7)`.
pub fn file_name(format: Format, (year, month, day): (u16, u8, u8)) -> String {
    format!("ipmanager_export_{year:04}-{month:02}-{day:02}.{}", format.extension())
}

/// What an import file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// An IP Manager export.
    Native(Format),
    /// NetBox's CSV export of prefixes.
    NetBoxPrefixes,
    /// NetBox's CSV export of IP addresses.
    NetBoxAddresses,
    /// phpIPAM's export of a subnet's addresses, saved as CSV.
    PhpIpamAddresses,
}

/// Recognises a file by its content, for when the admin does not say:
/// `<` starts XML, `{` or `[` JSON, anything else is CSV, whose header tells
/// an IP Manager export from NetBox's and phpIPAM's. `None` for a file with
/// nothing in it.
pub fn detect(bytes: &[u8]) -> Option<Source> {
    let bytes = without_bom(bytes);
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace())?;
    Some(match first {
        b'<' => Source::Native(Format::Xml),
        b'{' | b'[' => Source::Native(Format::Json),
        _ => csv_source(bytes),
    })
}

/// Which CSV this is, by the first row that is a header under one of the
/// delimiters (phpIPAM puts a title above its table).
fn csv_source(bytes: &[u8]) -> Source {
    let mut found = None;
    delimiter_for(bytes, phpipam::TITLE_AND_HEADER_ROWS, |columns| {
        found = header_source(columns);
        found.is_some()
    });
    found.unwrap_or(Source::Native(Format::Csv))
}

fn header_source(columns: &Columns) -> Option<Source> {
    if columns.has_any(&["type"]) {
        Some(Source::Native(Format::Csv))
    } else if netbox::is_prefix_header(columns) {
        Some(Source::NetBoxPrefixes)
    } else if netbox::is_address_header(columns) {
        Some(Source::NetBoxAddresses)
    } else if phpipam::is_header(columns) {
        Some(Source::PhpIpamAddresses)
    } else {
        None
    }
}

/// Reads and checks a whole import file. The plan holds what the file would
/// create, in creation order; the problems say what stands in the way. See
/// [`ImportPlan`] for what the database layer does with both.
pub fn read_plan(source: Source, bytes: &[u8], limits: &Limits) -> (ImportPlan, Vec<Problem>) {
    if let Err(problem) = limits.check_size(bytes) {
        return (ImportPlan::default(), vec![problem]);
    }
    let bytes = without_bom(bytes);
    let mut plan = PlanBuilder::new(limits);
    match source {
        Source::Native(Format::Csv) => csv::read(bytes, &mut plan),
        Source::Native(Format::Xml) => xml::read(bytes, &mut plan),
        Source::Native(Format::Json) => json::read(bytes, limits.max_json_depth, &mut plan),
        Source::NetBoxPrefixes => netbox::read_prefixes(bytes, &mut plan),
        Source::NetBoxAddresses => netbox::read_addresses(bytes, &mut plan),
        Source::PhpIpamAddresses => phpipam::read_addresses(bytes, &mut plan),
    }
    plan.finish()
}

/// Spreadsheets and Windows editors start UTF-8 files with a byte order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::exchange::record::tests::sample;

    /// Writes every record of `plan` (or of the sample), in the order the
    /// writer documents.
    pub(crate) fn export(format: Format, plan: &ImportPlan) -> String {
        let mut writer = ExportWriter::begin(format, Vec::new()).unwrap();
        plan.subnets.iter().try_for_each(|subnet| writer.subnet(subnet)).unwrap();
        plan.pools.iter().try_for_each(|pool| writer.pool(pool)).unwrap();
        plan.addresses.iter().try_for_each(|address| writer.address(address)).unwrap();
        plan.configurations.iter().try_for_each(|configuration| writer.configuration(configuration)).unwrap();
        String::from_utf8(writer.finish().unwrap()).unwrap()
    }

    pub(crate) fn sample_plan() -> ImportPlan {
        let (subnets, pools, addresses, configurations) = sample();
        ImportPlan { subnets, pools, addresses, configurations }
    }

    /// Exports the sample, imports it, checks the plan is the sample and a
    /// second export is the first byte for byte; returns the export.
    pub(crate) fn round_trip(format: Format) -> String {
        let original = sample_plan();
        let text = export(format, &original);
        let (plan, problems) = read_plan(Source::Native(format), text.as_bytes(), &Limits::default());
        assert_eq!(problems, [], "{format:?}:\n{text}");
        assert_eq!(plan, original, "{format:?}");
        assert_eq!(export(format, &plan), text, "{format:?}");
        text
    }

    /// The plan and the problems as text, with default limits.
    pub(crate) fn problems_of(source: Source, text: &str) -> (ImportPlan, Vec<String>) {
        let (plan, problems) = read_plan(source, text.as_bytes(), &Limits::default());
        (plan, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn names_export_files_by_date() {
        assert_eq!(file_name(Format::Csv, (2024, 3, 7)), "ipmanager_export_2024-03-07.csv");
        assert_eq!(file_name(Format::Json, (2025, 12, 31)), "ipmanager_export_2025-12-31.json");
        assert_eq!(file_name(Format::Xml, (999, 1, 1)), "ipmanager_export_0999-01-01.xml");
    }

    #[test]
    fn every_format_round_trips_to_the_same_plan() {
        for format in [Format::Csv, Format::Xml, Format::Json] {
            round_trip(format);
        }
    }

    #[test]
    fn detects_formats_and_sources() {
        assert_eq!(detect(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>"), Some(Source::Native(Format::Xml)));
        assert_eq!(detect(b"\n{\"records\":[]}"), Some(Source::Native(Format::Json)));
        assert_eq!(detect(b"[]"), Some(Source::Native(Format::Json)));
        assert_eq!(detect(export(Format::Csv, &sample_plan()).as_bytes()), Some(Source::Native(Format::Csv)));
        assert_eq!(detect(b"anything else"), Some(Source::Native(Format::Csv)));
        assert_eq!(detect(b" \r\n\t"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn refuses_files_over_the_limits() {
        let limits = Limits { max_bytes: 100, ..Limits::default() };
        let text = export(Format::Json, &sample_plan());
        let (plan, problems) = read_plan(Source::Native(Format::Json), text.as_bytes(), &limits);
        assert_eq!(plan, ImportPlan::default());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("The file is "), "{problems:?}");

        let limits = Limits { max_rows: 2, ..Limits::default() };
        for format in [Format::Csv, Format::Xml, Format::Json] {
            let text = export(format, &sample_plan());
            let (plan, problems) = read_plan(Source::Native(format), text.as_bytes(), &limits);
            let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
            assert_eq!(messages, ["The file has more than 2 records; split it into smaller files."], "{format:?}");
            assert_eq!(plan.subnets.len(), 1, "{format:?}");
        }
    }

    #[test]
    fn lists_a_bounded_number_of_problems() {
        let mut text = String::from("type,id,cidr\n");
        for id in 1..=50 {
            text.push_str(&format!("subnet,{id},bad\n"));
        }
        let limits = Limits { max_problems: 3, ..Limits::default() };
        let (_, problems) = read_plan(Source::Native(Format::Csv), text.as_bytes(), &limits);
        assert_eq!(problems.len(), 4);
        assert_eq!(problems[3].message, "47 more problems are not listed (errors: 47).");
    }
}
