//! What is wrong with an import file, and where, so the admin can fix the file
//! in a text editor or a spreadsheet and try again.

use std::fmt;

use super::record::RecordType;

/// One thing wrong with an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// 1-based line of the file, where the format tells it: CSV rows, XML
    /// elements, JSON syntax errors, lines of a pasted list.
    pub line: Option<u64>,
    /// Where in the record: the column for CSV (`cidr`), the element path for
    /// XML (`/ipmanager_export/subnet[2]/cidr`), the path for JSON
    /// (`records[1].cidr`).
    pub path: Option<String>,
    pub message: String,
}

/// Whether the import can go ahead at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file cannot be imported until it is fixed.
    Error,
    /// The record is left out of the plan (with what belongs to it); the admin
    /// chooses to import without it or to stop.
    Skippable,
}

impl Problem {
    /// A problem with the file as a whole, such as its size.
    pub(super) fn file(message: impl Into<String>) -> Self {
        Problem { kind: ProblemKind::Error, line: None, path: None, message: message.into() }
    }

    pub(super) fn at_line(line: u64, message: impl Into<String>) -> Self {
        Problem { kind: ProblemKind::Error, line: Some(line), path: None, message: message.into() }
    }

    pub fn is_error(&self) -> bool {
        self.kind == ProblemKind::Error
    }
}

/// `Line 4, cidr: …`, `records[1].cidr: …` or just the message.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.path) {
            (Some(line), Some(path)) => write!(f, "Line {line}, {path}: {}", self.message),
            (Some(line), None) => write!(f, "Line {line}: {}", self.message),
            (None, Some(path)) => write!(f, "{path}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Where a record came from, kept small because a plan holds one per address:
/// the path text is only built when there is a problem to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// A CSV row or a line of a pasted list.
    Line(u64),
    /// The `nth` (1-based) element of its record type in an XML file.
    Element { line: u64, record_type: RecordType, nth: u32 },
    /// The entry at `index` (0-based) of a JSON file's `records`.
    Entry { index: u32 },
}

impl Origin {
    /// A problem about the record, or about its `column` when one is named.
    pub(super) fn problem(self, kind: ProblemKind, column: Option<&str>, message: impl Into<String>) -> Problem {
        let (line, path) = match self {
            Origin::Line(line) => (Some(line), column.map(str::to_string)),
            Origin::Element { line, record_type, nth } => {
                let element = format!("/{}/{}[{nth}]", super::xml::ROOT, record_type.name());
                (Some(line), Some(column.map_or_else(|| element.clone(), |column| format!("{element}/{column}"))))
            }
            Origin::Entry { index } => {
                let entry = format!("records[{index}]");
                (None, Some(column.map_or_else(|| entry.clone(), |column| format!("{entry}.{column}"))))
            }
        };
        Problem { kind, line, path, message: message.into() }
    }

    pub(super) fn error(self, column: Option<&str>, message: impl Into<String>) -> Problem {
        self.problem(ProblemKind::Error, column, message)
    }

    /// `line 7` or `records[3]`: a reference to this record from another
    /// record's message.
    pub(super) fn describe(self) -> String {
        match self {
            Origin::Line(line) | Origin::Element { line, .. } => format!("line {line}"),
            Origin::Entry { index } => format!("records[{index}]"),
        }
    }
}

/// The problems of one import, at most `max` of them listed: a file with a
/// million bad rows must not become a million messages. Those not listed are
/// still counted, so an unlisted error still stops the import.
#[derive(Debug)]
pub(super) struct Problems {
    listed: Vec<Problem>,
    max: usize,
    unlisted_errors: u64,
    unlisted_skippable: u64,
}

impl Problems {
    pub(super) fn new(max: usize) -> Self {
        Problems { listed: Vec::new(), max, unlisted_errors: 0, unlisted_skippable: 0 }
    }

    pub(super) fn push(&mut self, problem: Problem) {
        if self.listed.len() < self.max {
            self.listed.push(problem);
        } else if problem.is_error() {
            self.unlisted_errors += 1;
        } else {
            self.unlisted_skippable += 1;
        }
    }

    /// The listed problems, closed by a count of the unlisted ones, which is
    /// an error when any of them is.
    pub(super) fn into_vec(mut self) -> Vec<Problem> {
        let unlisted = self.unlisted_errors + self.unlisted_skippable;
        if unlisted > 0 {
            let (kind, what) = if self.unlisted_errors > 0 {
                (ProblemKind::Error, format!("errors: {}", self.unlisted_errors))
            } else {
                (ProblemKind::Skippable, "each a record that would be left out".to_string())
            };
            self.listed.push(Problem {
                kind,
                line: None,
                path: None,
                message: if unlisted == 1 {
                    format!("1 more problem is not listed ({what}).")
                } else {
                    format!("{unlisted} more problems are not listed ({what}).")
                },
            });
        }
        self.listed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_line_and_path() {
        let csv = Origin::Line(4).error(Some("cidr"), "bad");
        assert_eq!(csv.to_string(), "Line 4, cidr: bad");
        let xml = Origin::Element { line: 9, record_type: RecordType::Pool, nth: 2 }.error(Some("name"), "bad");
        assert_eq!(xml.to_string(), "Line 9, /ipmanager_export/pool[2]/name: bad");
        let json = Origin::Entry { index: 3 }.error(None, "bad");
        assert_eq!(json.to_string(), "records[3]: bad");
        assert_eq!(Problem::file("too big").to_string(), "too big");
        assert_eq!(Origin::Entry { index: 3 }.describe(), "records[3]");
    }

    #[test]
    fn unlisted_problems_are_counted_with_their_worst_kind() {
        let mut problems = Problems::new(1);
        problems.push(Problem::at_line(1, "first"));
        problems.push(Origin::Line(2).problem(ProblemKind::Skippable, None, "dup"));
        let listed = problems.into_vec();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[1].kind, ProblemKind::Skippable);
        assert_eq!(listed[1].message, "1 more problem is not listed (each a record that would be left out).");

        let mut problems = Problems::new(0);
        problems.push(Origin::Line(2).problem(ProblemKind::Skippable, None, "dup"));
        problems.push(Problem::at_line(3, "bad"));
        let listed = problems.into_vec();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].is_error());
        assert_eq!(listed[0].message, "2 more problems are not listed (errors: 1).");
    }
}
