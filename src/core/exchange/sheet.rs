//! Reading CSV as spreadsheets write it: whichever delimiter the locale
//! chose, header names in any case and spacing, every row with its line.

use csv::{ByteRecord, ReaderBuilder, StringRecord};

use super::problem::Problem;

/// The delimiters spreadsheets save CSV with: `,`, and `;` in the many
/// locales where the comma is the decimal separator, and tab.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// The delimiter under which one of the first `rows` rows is a header that
/// `is_header` recognises, or `,` when none is. Recognising the header is
/// what decides, not counting characters: values may hold any number of
/// semicolons and tabs, which need no quotes in a comma-separated file.
pub(super) fn delimiter_for(bytes: &[u8], rows: usize, mut is_header: impl FnMut(&Columns) -> bool) -> u8 {
    let mut recognised = |delimiter: u8| {
        let mut sheet = Sheet::new(bytes, delimiter, true);
        std::iter::from_fn(|| sheet.next_row()).take(rows).flatten().any(|row| is_header(&Columns::new(&row)))
    };
    DELIMITERS.into_iter().find(|&delimiter| recognised(delimiter)).unwrap_or(b',')
}

/// A header name as people write it, for matching: `IP Address`,
/// `ip-address` and ` ip_address` all become `ip_address`.
pub(super) fn key(name: &str) -> String {
    name.trim().to_lowercase().replace([' ', '-'], "_")
}

/// One row of a sheet, with the line it starts on (1-based).
pub(super) struct SheetRow {
    pub line: u64,
    pub cells: StringRecord,
}

impl SheetRow {
    pub(super) fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.trim().is_empty())
    }

    /// The cell at `index`, trimmed; empty when the row is shorter.
    pub(super) fn cell(&self, index: Option<usize>) -> &str {
        index.and_then(|index| self.cells.get(index)).map_or("", str::trim)
    }
}

/// A header row's names, normalised with `key`, to find columns by any of
/// the names different versions of a tool give them.
pub(super) struct Columns(Vec<String>);

impl Columns {
    pub(super) fn new(header: &SheetRow) -> Self {
        Columns(header.cells.iter().map(key).collect())
    }

    /// The first column called any of `names` (given as `key` makes them).
    pub(super) fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| self.0.iter().position(|column| column == name))
    }

    pub(super) fn has_any(&self, names: &[&str]) -> bool {
        self.find(names).is_some()
    }
}

/// The rows of a CSV file.
pub(super) struct Sheet<'a> {
    reader: csv::Reader<&'a [u8]>,
    record: ByteRecord,
}

impl<'a> Sheet<'a> {
    /// `flexible` allows rows of different lengths (files with a title above
    /// the table); otherwise a row with another cell count than the first is
    /// a problem, which is how a file cut short shows.
    pub(super) fn new(bytes: &'a [u8], delimiter: u8, flexible: bool) -> Self {
        let reader = ReaderBuilder::new().has_headers(false).flexible(flexible).delimiter(delimiter).from_reader(bytes);
        Sheet { reader, record: ByteRecord::new() }
    }

    /// The next row, or the problem that stands in for it.
    pub(super) fn next_row(&mut self) -> Option<Result<SheetRow, Problem>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                Some(match StringRecord::from_byte_record(self.record.clone()) {
                    Ok(cells) => Ok(SheetRow { line, cells }),
                    Err(_) => Err(Problem::at_line(
                        line,
                        "This row is not UTF-8 text; save the file as \"CSV UTF-8\" and import it again.",
                    )),
                })
            }
            Err(error) => Some(Err(match error.kind() {
                csv::ErrorKind::UnequalLengths { pos, expected_len, len } => Problem::at_line(
                    pos.as_ref().map_or(0, csv::Position::line),
                    format!(
                        "This row has {} but the first row has {}; the file may be cut short, \
                         or a value with a delimiter in it lacks quotes.",
                        cells(*len),
                        cells(*expected_len)
                    ),
                ),
                _ => Problem::file(format!("The file cannot be read as CSV: {error}")),
            })),
        }
    }
}

fn cells(count: u64) -> String {
    if count == 1 {
        "1 cell".to_string()
    } else {
        format!("{count} cells")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8], flexible: bool) -> Vec<Result<(u64, Vec<String>), String>> {
        let mut sheet = Sheet::new(bytes, b',', flexible);
        std::iter::from_fn(|| sheet.next_row())
            .map(|row| {
                row.map(|row| (row.line, row.cells.iter().map(str::to_string).collect()))
                    .map_err(|problem| problem.to_string())
            })
            .collect()
    }

    #[test]
    fn the_delimiter_is_the_one_that_shows_the_header() {
        let is_header = |columns: &Columns| columns.has_any(&["cidr"]);
        assert_eq!(delimiter_for(b"name;cidr\nx;10.0.0.0/8\n", 1, is_header), b';');
        assert_eq!(delimiter_for(b"name,cidr\n\"a;b;c;d;e\",10.0.0.0/8\n", 1, is_header), b',');
        assert_eq!(delimiter_for(b"title\nname\tcidr\n", 2, is_header), b'\t');
        assert_eq!(delimiter_for(b"title\nname\tcidr\n", 1, is_header), b',');
        assert_eq!(delimiter_for(b"", 1, is_header), b',');
    }

    #[test]
    fn normalises_header_names() {
        assert_eq!(key(" IP Address "), "ip_address");
        assert_eq!(key("DNS-Name"), "dns_name");
    }

    #[test]
    fn rows_carry_their_line_and_problems() {
        let text = b"a,b\n1,\"two\nlines\"\n3\n\xff,4\n";
        assert_eq!(
            rows(text, false),
            [
                Ok((1, vec!["a".to_string(), "b".to_string()])),
                Ok((2, vec!["1".to_string(), "two\nlines".to_string()])),
                Err("Line 4: This row has 1 cell but the first row has 2 cells; the file may be cut short, or a \
                     value with a delimiter in it lacks quotes."
                    .to_string()),
                Err("Line 5: This row is not UTF-8 text; save the file as \"CSV UTF-8\" and import it again."
                    .to_string()),
            ]
        );
        assert_eq!(rows(b"title\na,b\n", true).len(), 2);
    }
}
