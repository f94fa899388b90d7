//! The JSON format: an object naming the format and its version, with the
//! records in one array, one record object per line so a diff or an error
//! points at a record:
//!
//! ```json
//! {"format":"ipmanager-export","version":1,"records":[
//! {"type":"subnet","id":1,"parent_id":0,"name":"Production","cidr":"79.133.56.0/24","gateway":null,…},
//! {"type":"pool","id":3,"subnet_id":1,…}
//! ]}
//! ```
//!
//! Ids and numbers are JSON numbers, flags booleans, absent values `null`.
//! A bare array of records is read too. Records are decoded one at a time
//! while the document is parsed, so a large file never exists as a tree.

use std::fmt;
use std::io::{self, BufWriter, Write};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::decode::Fields;
use super::plan::PlanBuilder;
use super::problem::{Origin, Problem};
use super::record::{Cell, RecordType, Row};

/// The `format` member that marks an IP Manager export.
const FORMAT: &str = "ipmanager-export";
const VERSION: u64 = 1;

pub(super) struct JsonEncoder<W: Write> {
    out: BufWriter<W>,
    first: bool,
}

impl<W: Write> JsonEncoder<W> {
    pub(super) fn begin(out: W) -> io::Result<Self> {
        let mut out = BufWriter::new(out);
        write!(out, "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"records\":[")?;
        Ok(JsonEncoder { out, first: true })
    }

    pub(super) fn write(&mut self, row: &Row<'_>) -> io::Result<()> {
        self.out.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, &JsonRow(row))?;
        Ok(())
    }

    pub(super) fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"\n]}\n")?;
        self.out.into_inner().map_err(io::IntoInnerError::into_error)
    }
}

/// A row as a JSON object: `type` first, then the columns in order.
struct JsonRow<'r, 'a>(&'r Row<'a>);

impl Serialize for JsonRow<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Row { record_type, cells } = self.0;
        let mut map = serializer.serialize_map(Some(cells.len() + 1))?;
        map.serialize_entry("type", record_type.name())?;
        for (column, cell) in record_type.columns().iter().zip(cells) {
            match cell {
                Cell::Empty => map.serialize_entry(column, &())?,
                Cell::Text(text) => map.serialize_entry(column, text.as_ref())?,
                Cell::Number(number) => map.serialize_entry(column, number)?,
                Cell::Flag(flag) => map.serialize_entry(column, flag)?,
            }
        }
        map.end()
    }
}

/// Refuses nesting deeper than `max_depth` before serde_json sees the file,
/// by counting brackets outside strings: a deep file costs one pass, never
/// a deep recursion.
pub(super) fn check_depth(bytes: &[u8], max_depth: usize) -> Result<(), Problem> {
    let (mut depth, mut line) = (0usize, 1u64);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in bytes {
        if byte == b'\n' {
            line += 1;
        }
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(Problem::at_line(
                        line,
                        format!("The JSON nests deeper than {max_depth} levels; an IP Manager export needs 3."),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Reads an export into the plan, record by record.
pub(super) fn read(bytes: &[u8], max_depth: usize, plan: &mut PlanBuilder) {
    if let Err(problem) = check_depth(bytes, max_depth) {
        return plan.problem(problem);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut document = Document { plan, entries: 0, has_records: false, full: false };
    let outcome = (&mut document).deserialize(&mut deserializer).and_then(|()| deserializer.end());
    match outcome {
        Err(_) if document.full => {}
        Err(error) => document.plan.problem(syntax_problem(&error)),
        Ok(()) if !document.has_records => {
            document.plan.problem(Problem::file("The JSON has no \"records\"; is this an IP Manager JSON export?"))
        }
        Ok(()) => {}
    }
}

/// A serde_json error as a problem on its line, without serde_json's own
/// "at line … column …" suffix.
fn syntax_problem(error: &serde_json::Error) -> Problem {
    let text = error.to_string();
    let detail = text.find(" at line ").map_or(text.as_str(), |at| &text[..at]);
    let message = if error.is_eof() {
        "The file ends early; it may be cut short.".to_string()
    } else {
        format!("The JSON is not valid at column {}: {detail}.", error.column())
    };
    Problem::at_line(error.line() as u64, message)
}

/// The state of one read: where the records go and how many were seen.
struct Document<'p> {
    plan: &'p mut PlanBuilder,
    entries: u32,
    has_records: bool,
    /// The plan is over the row limit; the error that ends parsing is ours.
    full: bool,
}

impl Document<'_> {
    /// Decodes one entry of `records` into the plan; `false` when the plan
    /// is full.
    fn entry(&mut self, value: Value) -> bool {
        let origin = Origin::Entry { index: self.entries };
        self.entries = self.entries.saturating_add(1);
        let Value::Object(members) = value else {
            self.plan.problem(origin.error(None, "A record is an object with a \"type\" member."));
            return true;
        };
        let type_name = members.get("type").and_then(Value::as_str).unwrap_or_default();
        let Some(record_type) = RecordType::from_name(type_name) else {
            let names: Vec<&str> = RecordType::ALL.iter().map(|t| t.name()).collect();
            let message = format!("\"{type_name}\" is not a record type; use one of {}", names.join(", "));
            self.plan.problem(origin.error(Some("type"), message));
            return true;
        };
        let mut fields = Fields::new(record_type, origin);
        for (member, value) in members.into_iter().filter(|(member, _)| member != "type") {
            let Some(index) = record_type.column_index(&member) else {
                let message = format!("A {} has no member \"{member}\".", record_type.name());
                self.plan.problem(origin.error(Some(&member), message));
                continue;
            };
            match value {
                Value::String(text) => fields.set(index, text),
                Value::Number(number) => fields.set(index, number.to_string()),
                Value::Bool(flag) => fields.set(index, flag.to_string()),
                Value::Null => {}
                Value::Array(_) | Value::Object(_) => {
                    let message = "This member holds a list or an object; it takes a single value.";
                    self.plan.problem(origin.error(Some(&member), message));
                }
            }
        }
        self.full = !self.plan.add(&fields);
        !self.full
    }

    fn member(&mut self, member: &str, value: Value) {
        let problem = match member {
            "format" if value.as_str() != Some(FORMAT) => {
                Some(format!("This is not an IP Manager export: its format is {value}, not \"{FORMAT}\"."))
            }
            "version" if value.as_u64() != Some(VERSION) => Some(format!(
                "This file is in version {value} of the export format; this IP Manager reads version {VERSION}."
            )),
            "format" | "version" => None,
            _ => Some(format!("An export has no member \"{member}\".")),
        };
        if let Some(message) = problem {
            let mut problem = Problem::file(message);
            problem.path = Some(member.to_string());
            self.plan.problem(problem);
        }
    }
}

impl<'de> DeserializeSeed<'de> for &mut Document<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The document: the export object, or a bare array of records.
impl<'de> Visitor<'de> for &mut Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an IP Manager export: an object with \"records\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(member) = map.next_key::<String>()? {
            if member == "records" {
                self.has_records = true;
                map.next_value_seed(Records(&mut *self))?;
            } else {
                let value = map.next_value::<Value>()?;
                self.member(&member, value);
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.has_records = true;
        Records(self).visit_seq(seq)
    }
}

/// The `records` array, decoded entry by entry.
struct Records<'d, 'p>(&'d mut Document<'p>);

impl<'de> DeserializeSeed<'de> for Records<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            if !self.0.entry(value) {
                return Err(de::Error::custom("the file has more records than the limit"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::tests::{problems_of, round_trip};
    use crate::core::exchange::{Format, Source};

    fn problems(text: &str) -> Vec<String> {
        problems_of(Source::Native(Format::Json), text).1
    }

    #[test]
    fn round_trips_one_record_a_line() {
        let text = round_trip(Format::Json);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("{\"format\":\"ipmanager-export\",\"version\":1,\"records\":["));
        assert!(lines.next().unwrap().starts_with("{\"type\":\"subnet\",\"id\":1,\"parent_id\":0,\"name\":"));
        assert!(text.contains("\"gateway\":null"));
        assert!(text.contains("\"store_free_ips\":true"));
        assert!(text.ends_with("\n]}\n"));
    }

    #[test]
    fn refuses_deep_nesting_before_parsing() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(problems(&deep), ["Line 1: The JSON nests deeper than 32 levels; an IP Manager export needs 3."]);
        let in_strings =
            format!("{{\"records\":[{{\"type\":\"configuration\",\"id\":1,\"name\":\"{}\\\"\"}}]}}", "[".repeat(100));
        assert!(problems(&in_strings).is_empty());
        assert_eq!(check_depth(b"[[[]]]", 3), Ok(()));
        assert!(check_depth(b"[[[[]]]]", 3).is_err());
    }

    #[test]
    fn a_cut_file_names_its_line() {
        let text = round_trip(Format::Json);
        let cut = &text[..text.len() / 2];
        let line = cut.lines().count();
        assert_eq!(problems(cut), [format!("Line {line}: The file ends early; it may be cut short.")]);
        assert_eq!(
            problems("{\"records\":[\n{\"type\":\"subnet\",,}]}"),
            ["Line 2: The JSON is not valid at column 18: key must be a string."]
        );
    }

    #[test]
    fn reports_members_and_values_by_path() {
        assert_eq!(
            problems(
                "{\"format\":\"other\",\"records\":[\n\"x\",\n{\"type\":\"subnet\",\"id\":1,\"cidr\":\"10.0.0.0/24\",\
                 \"cidr_ip\":1,\"name\":[1]},\n{\"type\":\"route\"}\n],\"extra\":1}"
            ),
            [
                "format: This is not an IP Manager export: its format is \"other\", not \"ipmanager-export\".",
                "records[0]: A record is an object with a \"type\" member.",
                "records[1].cidr_ip: A subnet has no member \"cidr_ip\".",
                "records[1].name: This member holds a list or an object; it takes a single value.",
                "records[2].type: \"route\" is not a record type; use one of subnet, custom_field, pool, address, \
                 configuration, relation",
                "extra: An export has no member \"extra\".",
            ]
        );
        assert_eq!(problems("{}"), ["The JSON has no \"records\"; is this an IP Manager JSON export?"]);
        assert_eq!(problems("\"text\""), ["Line 1: The JSON is not valid at column 6: invalid type: string \"text\", expected an IP Manager export: an object with \"records\"."]);
    }

    #[test]
    fn reads_a_bare_array_with_strings_for_numbers() {
        let (plan, problems) = problems_of(
            Source::Native(Format::Json),
            "[{\"type\":\"subnet\",\"id\":\"1\",\"cidr\":\"10.0.0.0/24\",\"store_free_ips\":\"yes\"}]",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(plan.subnets[0].store_free_ips);
    }
}
