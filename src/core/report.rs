//! Building blocks of the emails and reports the module sends: HTML escaping,
//! an HTML table and a spreadsheet-safe CSV.

use crate::core::exchange::spreadsheet_safe;

pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A plain bordered table; mail clients ignore stylesheets, so the style is inline.
pub fn html_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cell = "style=\"border:1px solid #ccc;padding:4px 8px;text-align:left\"";
    let mut html = String::from("<table style=\"border-collapse:collapse\"><tr>");
    for h in header {
        html.push_str(&format!("<th {cell}>{}</th>", html_escape(h)));
    }
    html.push_str("</tr>");
    for row in rows {
        html.push_str("<tr>");
        for value in row {
            html.push_str(&format!("<td {cell}>{}</td>", html_escape(value)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    html
}

/// A CSV with a header row; cells that a spreadsheet would run as a formula are neutralised.
pub fn csv_document(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut write = |record: Vec<String>| writer.write_record(record.iter().map(|v| spreadsheet_safe(v).into_owned()));
    // Writing to a Vec cannot fail.
    let _ = write(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        let _ = write(row.clone());
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_everywhere() {
        assert_eq!(
            html_escape("<a href=\"x\">O'Neil & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;"
        );
        let table = html_table(&["<h>"], &[vec!["<td>".into()]]);
        assert!(table.contains("&lt;h&gt;") && table.contains("&lt;td&gt;") && !table.contains("<td>&lt;h"));
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let csv = csv_document(
            &["ip", "client"],
            &[vec!["192.0.2.1".into(), "=HYPERLINK(\"x\")".into()], vec!["2001:db8::1".into(), "Smith, J".into()]],
        );
        assert_eq!(csv, "ip,client\n192.0.2.1,\"'=HYPERLINK(\"\"x\"\")\"\n2001:db8::1,\"Smith, J\"\n");
    }
}
