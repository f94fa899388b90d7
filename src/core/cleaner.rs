//! The IP Cleaner's rule and report: an assignment is stale when its address
//! is no longer listed anywhere WHMCS keeps a service's addresses (dedicated
//! IP, assigned IPs, the service's custom fields).

use crate::core::address::Address;
use crate::core::message::{Attachment, Message};
use crate::core::report::{csv_document, html_escape, html_table};

/// Whether `ip` (an address, or a delegated prefix written `ip/len`) appears
/// in any of WHMCS's fields. Entries are compared as addresses, so
/// `2001:DB8::0001` matches `2001:db8::1`; an entry's own `/len` is ignored.
pub fn is_listed(ip: &str, fields: &[&str]) -> bool {
    let wanted = parse_entry(ip);
    fields.iter().flat_map(|field| entries(field)).any(|entry| match (wanted, parse_entry(entry)) {
        (Some(a), Some(b)) => a == b,
        _ => entry.eq_ignore_ascii_case(ip),
    })
}

/// Splits a WHMCS address field: one per line, but CRLF, commas, semicolons and spaces occur too.
fn entries(field: &str) -> impl Iterator<Item = &str> {
    field.split(['\n', '\r', ',', ';', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty())
}

fn parse_entry(entry: &str) -> Option<Address> {
    let address = entry.split_once('/').map_or(entry, |(a, _)| a);
    Address::parse(address.trim()).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    NotifyOnly,
    MarkFree,
}

impl Behavior {
    /// The module setting's values: "notify" (the default) or "mark_free".
    pub fn parse(setting: &str) -> Behavior {
        match setting.trim() {
            "mark_free" => Behavior::MarkFree,
            _ => Behavior::NotifyOnly,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Behavior::NotifyOnly => "Notify only",
            Behavior::MarkFree => "Mark free",
        }
    }
}

/// One stale assignment and what the cleaner did about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub ip: String,
    pub subnet: String,
    pub service_id: u32,
    pub service_status: String,
    pub client_id: u32,
    pub client: String,
    pub product: String,
    pub whmcs_dedicated_ip: String,
    pub whmcs_assigned_ips: String,
    /// "reported", "freed", "in cooldown", "skipped: …" or "failed: …".
    pub action: String,
}

const HEADER: [&str; 10] = [
    "IP address",
    "Subnet",
    "Service ID",
    "Status",
    "Client ID",
    "Client",
    "Product",
    "WHMCS dedicated IP",
    "WHMCS assigned IPs",
    "Action",
];

fn row(f: &Finding) -> Vec<String> {
    vec![
        f.ip.clone(),
        f.subnet.clone(),
        f.service_id.to_string(),
        f.service_status.clone(),
        f.client_id.to_string(),
        f.client.clone(),
        f.product.clone(),
        f.whmcs_dedicated_ip.clone(),
        f.whmcs_assigned_ips.replace(['\r', '\n'], " ").trim().to_string(),
        f.action.clone(),
    ]
}

/// The report as a CSV file.
pub fn report_csv(findings: &[Finding]) -> String {
    csv_document(&HEADER, &findings.iter().map(row).collect::<Vec<_>>())
}

/// The report email, with the CSV attached as `file_name`.
pub fn report_message(
    to: Vec<String>,
    findings: &[Finding],
    behavior: Behavior,
    system_name: &str,
    file_name: &str,
) -> Message {
    let subject = format!(
        "[IP Manager] IP Cleaner: {} {} no longer in WHMCS{}",
        findings.len(),
        if findings.len() == 1 { "address" } else { "addresses" },
        if behavior == Behavior::MarkFree { ", freed" } else { "" }
    );
    let intro = match behavior {
        Behavior::NotifyOnly => format!(
            "The IP Cleaner of {system_name} found addresses that IP Manager assigns to services whose dedicated or assigned IPs in WHMCS no longer list them. \
             Nothing was changed (behavior: Notify only). Unassign them on the Assignments page, or set the IP Cleaner to Mark free."
        ),
        Behavior::MarkFree => format!(
            "The IP Cleaner of {system_name} found addresses that IP Manager assigned to services whose dedicated or assigned IPs in WHMCS no longer list them, \
             and unassigned them (behavior: Mark free). Each row says what was done."
        ),
    };
    let rows: Vec<Vec<String>> = findings.iter().map(row).collect();
    let mut text = format!("{intro}\n\n");
    for f in findings {
        text.push_str(&format!(
            "- {} on service #{} ({}, client #{} {}): {}\n",
            f.ip, f.service_id, f.product, f.client_id, f.client, f.action
        ));
    }
    text.push_str(&format!("\nThe same list is attached as {file_name}.\n"));
    let html = format!(
        "<p>{}</p>{}<p>The same list is attached as {}.</p>",
        html_escape(&intro),
        html_table(&HEADER, &rows),
        html_escape(file_name)
    );
    let attachment = Attachment {
        filename: file_name.to_string(),
        content_type: "text/csv".into(),
        content: report_csv(findings).into_bytes(),
    };
    Message { to, subject, text, html, attachments: vec![attachment] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_listed_in_any_field_and_any_spelling() {
        assert!(is_listed("192.0.2.5", &["192.0.2.5", ""]));
        assert!(is_listed("192.0.2.5", &["", "192.0.2.4\r\n192.0.2.5"]));
        assert!(is_listed("192.0.2.5", &["", "192.0.2.4, 192.0.2.5;192.0.2.6"]));
        assert!(is_listed("2001:db8::1", &["2001:DB8:0:0::0001", ""]));
        assert!(is_listed("2001:db8:1::/64", &["", "2001:db8:1::/64"]));
        assert!(is_listed("2001:db8:1::/64", &["2001:db8:1::", ""]));
        assert!(is_listed("192.0.2.5", &["", "", "custom: 192.0.2.5"]));
        assert!(!is_listed("192.0.2.5", &["192.0.2.50", "192.0.2.55\n10.0.0.5"]));
        assert!(!is_listed("192.0.2.5", &["", ""]));
    }

    #[test]
    fn behavior_defaults_to_notify() {
        assert_eq!(Behavior::parse("mark_free"), Behavior::MarkFree);
        assert_eq!(Behavior::parse("notify"), Behavior::NotifyOnly);
        assert_eq!(Behavior::parse(""), Behavior::NotifyOnly);
    }

    fn finding(ip: &str, action: &str) -> Finding {
        Finding {
            ip: ip.into(),
            subnet: "192.0.2.0/24".into(),
            service_id: 7,
            service_status: "Active".into(),
            client_id: 3,
            client: "=cmd()".into(),
            product: "VPS".into(),
            whmcs_dedicated_ip: "192.0.2.9".into(),
            whmcs_assigned_ips: "192.0.2.10\r\n192.0.2.11".into(),
            action: action.into(),
        }
    }

    #[test]
    fn the_report_attaches_a_csv_with_every_finding() {
        let message = report_message(
            vec!["ops@example.test".into()],
            &[finding("192.0.2.5", "freed")],
            Behavior::MarkFree,
            "Acme",
            "r.csv",
        );
        assert_eq!(message.subject, "[IP Manager] IP Cleaner: 1 address no longer in WHMCS, freed");
        assert!(message.text.contains("- 192.0.2.5 on service #7 (VPS, client #3 =cmd()): freed"));
        let csv = String::from_utf8(message.attachments[0].content.clone()).unwrap();
        assert_eq!(
            csv,
            "IP address,Subnet,Service ID,Status,Client ID,Client,Product,WHMCS dedicated IP,WHMCS assigned IPs,Action\n\
             192.0.2.5,192.0.2.0/24,7,Active,3,'=cmd(),VPS,192.0.2.9,192.0.2.10  192.0.2.11,freed\n"
        );
        assert_eq!(message.attachments[0].filename, "r.csv");
        let notify = report_message(
            vec![],
            &[finding("192.0.2.5", "reported"), finding("192.0.2.6", "reported")],
            Behavior::NotifyOnly,
            "Acme",
            "r.csv",
        );
        assert_eq!(notify.subject, "[IP Manager] IP Cleaner: 2 addresses no longer in WHMCS");
        assert!(notify.html.contains("Nothing was changed"));
    }
}
