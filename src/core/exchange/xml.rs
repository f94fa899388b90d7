//! The XML format: `<ipmanager_export version="1">` holding one element per
//! record, named by its type, with one child element per column:
//!
//! ```xml
//! <ipmanager_export version="1">
//!   <subnet>
//!     <id>1</id>
//!     <cidr>79.133.56.0/24</cidr>
//!     <gateway/>
//!   </subnet>
//! </ipmanager_export>
//! ```
//!
//! Child elements rather than attributes, because XML parsers turn line
//! breaks in attribute values into spaces and descriptions have them. A
//! carriage return and other control characters are written as character
//! references, so other parsers' line-end handling keeps them too; NUL has
//! no XML form at all, and a file holding one is refused on import.
//!
//! Reading never expands entities: a DOCTYPE (which could declare them) and
//! any entity reference other than XML's five and character references are
//! refused, so a "billion laughs" file costs nothing.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesRef, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

use super::decode::Fields;
use super::plan::PlanBuilder;
use super::problem::{Origin, Problem};
use super::record::{RecordType, Row};

/// The root element.
pub(super) const ROOT: &str = "ipmanager_export";
/// The file layout this module writes; a reader refuses others.
const VERSION: &str = "1";

pub(super) struct XmlEncoder<W: Write> {
    writer: Writer<BufWriter<W>>,
}

impl<W: Write> XmlEncoder<W> {
    pub(super) fn begin(out: W) -> io::Result<Self> {
        let mut writer = Writer::new_with_indent(BufWriter::new(out), b' ', 2);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer.write_event(Event::Start(BytesStart::new(ROOT).with_attributes([("version", VERSION)])))?;
        Ok(XmlEncoder { writer })
    }

    pub(super) fn write(&mut self, row: &Row<'_>) -> io::Result<()> {
        let element = row.record_type.name();
        self.writer.write_event(Event::Start(BytesStart::new(element)))?;
        for (column, cell) in row.record_type.columns().iter().zip(&row.cells) {
            let text = cell.as_text();
            if text.is_empty() {
                self.writer.write_event(Event::Empty(BytesStart::new(*column)))?;
            } else {
                self.writer.write_event(Event::Start(BytesStart::new(*column)))?;
                self.writer.write_event(Event::Text(BytesText::from_escaped(escape(&text))))?;
                self.writer.write_event(Event::End(BytesEnd::new(*column)))?;
            }
        }
        self.writer.write_event(Event::End(BytesEnd::new(element)))
    }

    pub(super) fn finish(mut self) -> io::Result<W> {
        self.writer.write_event(Event::End(BytesEnd::new(ROOT)))?;
        let mut out = self.writer.into_inner();
        out.write_all(b"\n")?;
        out.into_inner().map_err(io::IntoInnerError::into_error)
    }
}

/// Text content with `&`, `<` and `>` escaped, and control characters other
/// than tab and line feed as character references.
fn escape(text: &str) -> Cow<'_, str> {
    let escaped = partial_escape(text);
    let is_raw_control = |c: char| c.is_control() && c != '\t' && c != '\n';
    if !escaped.contains(is_raw_control) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        if is_raw_control(c) {
            out.push_str(&format!("&#{};", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Reads an export into the plan; a malformed document stops at its first
/// structural problem, a bad value is reported and reading goes on.
pub(super) fn read(bytes: &[u8], plan: &mut PlanBuilder) {
    let mut document = Document {
        reader: Reader::from_reader(bytes),
        lines: Lines { bytes, offset: 0, line: 1 },
        plan,
        seen: [0; RecordType::ALL.len()],
    };
    // A `Stopped` read has reported why.
    let _ = document.read();
}

/// Reading ended early; the reason is reported.
struct Stopped;

struct Document<'a, 'p> {
    reader: Reader<&'a [u8]>,
    lines: Lines<'a>,
    plan: &'p mut PlanBuilder,
    /// Records read so far, per record type, for element paths.
    seen: [u32; RecordType::ALL.len()],
}

impl<'a> Document<'a, '_> {
    fn read(&mut self) -> Result<(), Stopped> {
        loop {
            match self.next()? {
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) if is_blank(&text) => {}
                Event::Start(start) if start.name().as_ref() == ROOT.as_bytes() => {
                    self.check_version(&start)?;
                    self.records()?;
                    break;
                }
                Event::Empty(start) if start.name().as_ref() == ROOT.as_bytes() => {
                    self.check_version(&start)?;
                    break;
                }
                Event::Eof => return Err(self.stop(None, format!("The file has no <{ROOT}> element."))),
                _ => {
                    let message = format!("The document must start with <{ROOT}>; is this an IP Manager XML export?");
                    return Err(self.stop(None, message));
                }
            }
        }
        loop {
            match self.next()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) if is_blank(&text) => {}
                _ => return Err(self.stop(None, format!("Nothing may follow </{ROOT}>."))),
            }
        }
    }

    fn check_version(&mut self, root: &BytesStart<'_>) -> Result<(), Stopped> {
        let version = root.try_get_attribute("version").ok().flatten().map(|attribute| attribute.value);
        match version {
            Some(value) if value.as_ref() != VERSION.as_bytes() => {
                let value = String::from_utf8_lossy(&value).into_owned();
                let message = format!(
                    "This file is in version {value} of the export format; this IP Manager reads version {VERSION}."
                );
                Err(self.stop(Some(format!("/{ROOT}/@version")), message))
            }
            _ => Ok(()),
        }
    }

    /// The record elements, up to `</ipmanager_export>`.
    fn records(&mut self) -> Result<(), Stopped> {
        loop {
            match self.next()? {
                Event::Start(start) => match record_type(&start) {
                    Some(record_type) => self.record(record_type, false)?,
                    None => {
                        self.unknown_record(&start);
                        self.skip(&start)?;
                    }
                },
                Event::Empty(start) => match record_type(&start) {
                    Some(record_type) => self.record(record_type, true)?,
                    None => self.unknown_record(&start),
                },
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.stop(None, format!("The file ends before </{ROOT}>; it may be cut short.")))
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) if is_blank(&text) => {}
                _ => {
                    let line = self.line();
                    self.plan.problem(located(line, format!("/{ROOT}"), "Text here is outside any record."));
                }
            }
        }
    }

    fn unknown_record(&mut self, start: &BytesStart<'_>) {
        let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        let names: Vec<&str> = RecordType::ALL.iter().map(|t| t.name()).collect();
        let message = format!("<{name}> is not a record; the records are {}.", names.join(", "));
        let line = self.line();
        self.plan.problem(located(line, format!("/{ROOT}/{name}"), message));
    }

    /// One record element, its start tag just read.
    fn record(&mut self, record_type: RecordType, empty: bool) -> Result<(), Stopped> {
        let count = &mut self.seen[record_type.ordinal()];
        *count = count.saturating_add(1);
        let nth = *count;
        let origin = Origin::Element { line: self.line(), record_type, nth };
        let mut fields = Fields::new(record_type, origin);
        if !empty {
            self.columns(&mut fields)?;
        }
        if self.plan.add(&fields) {
            Ok(())
        } else {
            Err(Stopped)
        }
    }

    /// The column elements of a record, up to its end tag.
    fn columns(&mut self, fields: &mut Fields) -> Result<(), Stopped> {
        let (origin, record_type) = (fields.origin, fields.record_type);
        let mut given = vec![false; record_type.columns().len()];
        loop {
            let (start, has_content) = match self.next()? {
                Event::Start(start) => (start, true),
                Event::Empty(start) => (start, false),
                Event::End(_) => return Ok(()),
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Text(text) if is_blank(&text) => continue,
                Event::Eof => return Err(self.truncated(origin, None, record_type.name())),
                _ => {
                    self.plan.problem(origin.error(None, "Text here is outside any column element."));
                    continue;
                }
            };
            let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
            let Some(index) = record_type.column_index(&name) else {
                let message = format!("A {} has no column <{name}>.", record_type.name());
                self.plan.problem(origin.error(Some(&name), message));
                if has_content {
                    self.skip(&start)?;
                }
                continue;
            };
            let value = if has_content { self.column_text(origin, &name)? } else { String::new() };
            if std::mem::replace(&mut given[index], true) {
                self.plan.problem(origin.error(Some(&name), format!("<{name}> appears twice.")));
            }
            fields.set(index, value);
        }
    }

    /// The text of a column element, its start tag just read.
    fn column_text(&mut self, origin: Origin, column: &str) -> Result<String, Stopped> {
        let mut value = String::new();
        loop {
            let decoded = match self.next()? {
                Event::Text(text) => text.xml10_content(),
                Event::CData(data) => data.xml10_content(),
                Event::GeneralRef(reference) => {
                    match resolve(&reference) {
                        Ok(character) => value.push(character),
                        Err(message) => return Err(self.stop_at(origin, column, message)),
                    }
                    continue;
                }
                Event::End(_) => return Ok(value),
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => return Err(self.truncated(origin, Some(column), column)),
                Event::Start(start) => {
                    self.plan.problem(origin.error(Some(column), format!("<{column}> holds text, not elements.")));
                    self.skip(&start)?;
                    continue;
                }
                _ => {
                    self.plan.problem(origin.error(Some(column), format!("<{column}> holds text, not elements.")));
                    continue;
                }
            };
            match decoded {
                Ok(text) => value.push_str(&text),
                Err(_) => return Err(self.stop_at(origin, column, "This text is not UTF-8.")),
            }
        }
    }

    /// The next event; a DOCTYPE anywhere, or malformed XML, stops reading.
    fn next(&mut self) -> Result<Event<'a>, Stopped> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.stop(
                None,
                "The file has a DOCTYPE declaration, which can define entities; IP Manager refuses them. \
                 Remove it and import again.",
            )),
            Ok(event) => Ok(event),
            Err(error) => {
                let line = self.lines.at(self.reader.error_position());
                self.plan.problem(Problem::at_line(line, format!("The XML is not well-formed: {error}.")));
                Err(Stopped)
            }
        }
    }

    /// Skips an element whose start tag was just read.
    fn skip(&mut self, start: &BytesStart<'_>) -> Result<(), Stopped> {
        match self.reader.read_to_end(start.name()) {
            Ok(_) => Ok(()),
            Err(error) => {
                let line = self.lines.at(self.reader.error_position());
                self.plan.problem(Problem::at_line(line, format!("The XML is not well-formed: {error}.")));
                Err(Stopped)
            }
        }
    }

    fn line(&mut self) -> u64 {
        self.lines.at(self.reader.buffer_position())
    }

    fn stop(&mut self, path: Option<String>, message: impl Into<String>) -> Stopped {
        let line = self.line();
        let mut problem = Problem::at_line(line, message);
        problem.path = path;
        self.plan.problem(problem);
        Stopped
    }

    fn stop_at(&mut self, origin: Origin, column: &str, message: impl Into<String>) -> Stopped {
        self.plan.problem(origin.error(Some(column), message));
        Stopped
    }

    fn truncated(&mut self, origin: Origin, column: Option<&str>, element: &str) -> Stopped {
        let message = format!("The file ends inside <{element}>; it may be cut short.");
        self.plan.problem(origin.error(column, message));
        Stopped
    }
}

fn record_type(start: &BytesStart<'_>) -> Option<RecordType> {
    std::str::from_utf8(start.name().as_ref()).ok().and_then(RecordType::from_name)
}

fn is_blank(text: &BytesText<'_>) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}

/// XML's five predefined entities and character references; nothing else.
fn resolve(reference: &BytesRef<'_>) -> Result<char, String> {
    let name = String::from_utf8_lossy(reference);
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(character)) => Ok(character),
            _ => Err(format!("&{name}; is not a character this file can hold.")),
        };
    }
    match name.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(format!("&{name}; is not one of XML's own entities; IP Manager expands no others.")),
    }
}

fn located(line: u64, path: String, message: impl Into<String>) -> Problem {
    let mut problem = Problem::at_line(line, message);
    problem.path = Some(path);
    problem
}

/// Line numbers for byte offsets, counted incrementally because the reader
/// moves forward.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, position: u64) -> u64 {
        let position = usize::try_from(position).unwrap_or(usize::MAX).min(self.bytes.len());
        if position < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self.bytes[self.offset..position].iter().filter(|&&byte| byte == b'\n').count();
        self.line += newlines as u64;
        self.offset = position;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::tests::{problems_of, round_trip};
    use crate::core::exchange::{Format, Source};

    fn problems(text: &str) -> Vec<String> {
        problems_of(Source::Native(Format::Xml), text).1
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(escape("line\r\nnext\ttab\u{1}"), "line&#13;\nnext\ttab&#1;");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn round_trips_with_child_elements() {
        let text = round_trip(Format::Xml);
        assert!(text.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ipmanager_export version=\"1\">\n  <subnet>\n    <id>1</id>"
        ));
        assert!(text.contains("<description>=HYPERLINK(\"x\")&#13;\nsecond line &lt;&amp;&gt;</description>"));
        assert!(text.contains("<gateway/>"));
        assert!(text.ends_with("</ipmanager_export>\n"));
    }

    #[test]
    fn refuses_doctype_and_entities() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\n\
                    <ipmanager_export><subnet><name>&lol2;</name></subnet></ipmanager_export>";
        assert_eq!(
            problems(bomb),
            ["Line 2: The file has a DOCTYPE declaration, which can define entities; IP Manager refuses them. \
              Remove it and import again."]
        );
        let entity = "<ipmanager_export>\n<subnet><id>1</id><name>&ext;</name></subnet></ipmanager_export>";
        assert_eq!(
            problems(entity),
            ["Line 2, /ipmanager_export/subnet[1]/name: &ext; is not one of XML's own entities; IP Manager expands \
              no others."]
        );
    }

    #[test]
    fn resolves_predefined_and_character_references() {
        let text = "<ipmanager_export><subnet><id>1</id><cidr>10.0.0.0/24</cidr>\
                    <name>&lt;a&amp;b&gt; &#233;&#x41;&quot;&apos;<![CDATA[<raw>]]></name></subnet></ipmanager_export>";
        let (plan, problems) = problems_of(Source::Native(Format::Xml), text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(plan.subnets[0].name, "<a&b> éA\"'<raw>");
    }

    #[test]
    fn truncated_documents_name_the_open_element() {
        let text = round_trip(Format::Xml);
        let cut = &text[..text.find("<cidr>79.133.56.128/25").unwrap()];
        let (_, problems) = problems_of(Source::Native(Format::Xml), cut);
        let line = cut[..cut.rfind("<subnet>").unwrap()].matches('\n').count() + 1;
        assert_eq!(
            problems,
            [format!("Line {line}, /ipmanager_export/subnet[2]: The file ends inside <subnet>; it may be cut short.")]
        );
        let cut = &text[..text.find("79.133.56.128/25").unwrap()];
        let (_, problems) = problems_of(Source::Native(Format::Xml), cut);
        assert_eq!(
            problems,
            [format!(
                "Line {line}, /ipmanager_export/subnet[2]/cidr: The file ends inside <cidr>; it may be cut short."
            )]
        );
        let (_, problems) = problems_of(Source::Native(Format::Xml), "<ipmanager_export>\n<subnet><id>1</i");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("Line 2: The XML is not well-formed"), "{problems:?}");
    }

    #[test]
    fn reports_unknown_elements_and_versions() {
        assert_eq!(
            problems("<ipmanager_export>\n<prefix><x/></prefix>\n<subnet><id>1</id><cidr>10.0.0.0/24</cidr><cdir/></subnet></ipmanager_export>"),
            [
                "Line 2, /ipmanager_export/prefix: <prefix> is not a record; the records are subnet, custom_field, pool, \
                 address, configuration, relation.",
                "Line 3, /ipmanager_export/subnet[1]/cdir: A subnet has no column <cdir>.",
            ]
        );
        assert_eq!(
            problems("<ipmanager_export version=\"2\"/>"),
            ["Line 1, /ipmanager_export/@version: This file is in version 2 of the export format; this IP Manager \
              reads version 1."]
        );
        assert_eq!(
            problems("<export/>"),
            ["Line 1: The document must start with <ipmanager_export>; is this an IP Manager XML export?"]
        );
    }
}
