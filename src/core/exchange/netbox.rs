//! NetBox's CSV exports of prefixes and of IP addresses, with the column
//! names of both its "all data" export (`dns_name`) and its table view
//! (`DNS Name`).
//!
//! Prefixes become subnets, nested by containment; the name is the
//! description, or the prefix when there is none, and the description keeps
//! NetBox's status, site, tenant, VLAN, VRF and role. Addresses go into
//! subnets made from their own prefix length (`192.0.2.10/24` lands in
//! `192.0.2.0/24`), so an address export imports on its own; where that
//! subnet already exists, the database layer adds the addresses to it.
//!
//! Address statuses. IP Manager hands out only free addresses and assigns
//! them to WHMCS services, which NetBox does not know, so:
//! - `active` (in use by something NetBox knows) → reserved, noted, so it
//!   is never handed out; "assigned" would need a WHMCS service;
//! - `reserved` → reserved;
//! - `dhcp` and `slaac` (owned by a DHCP server or by autoconfiguration)
//!   → reserved;
//! - `deprecated` (on its way out) → free;
//! - any other status (NetBox allows custom ones) → reserved, the safe side.
//!
//! The note keeps NetBox's status, DNS name and description.

use std::collections::HashMap;

use ipnet::IpNet;

use super::decode::Decoded;
use super::migration::{joined, nest, new_subnet};
use super::model::{AddressStatus, ExportAddress, ExportSubnet};
use super::plan::PlanBuilder;
use super::problem::{Origin, Problem};
use super::sheet::{delimiter_for, Columns, Sheet, SheetRow};
use crate::core::address::Address;
use crate::core::network::parse_network;

const PREFIX: &[&str] = &["prefix"];
const ADDRESS: &[&str] = &["address", "ip_address"];
const STATUS: &[&str] = &["status"];
const DESCRIPTION: &[&str] = &["description"];
const DNS_NAME: &[&str] = &["dns_name"];
/// Columns only NetBox's address export has (phpIPAM has none of them).
const ADDRESS_MARKERS: &[&str] = &["status", "dns_name", "vrf", "tenant", "role", "assigned"];

pub(super) fn is_prefix_header(columns: &Columns) -> bool {
    columns.has_any(PREFIX)
}

pub(super) fn is_address_header(columns: &Columns) -> bool {
    columns.has_any(ADDRESS) && columns.has_any(ADDRESS_MARKERS)
}

/// The header row and its columns, or `None` (reported).
fn header(sheet: &mut Sheet<'_>, plan: &mut PlanBuilder) -> Option<Columns> {
    match sheet.next_row() {
        Some(Ok(header)) => Some(Columns::new(&header)),
        Some(Err(problem)) => {
            plan.problem(problem);
            None
        }
        None => {
            plan.problem(Problem::file("The file is empty."));
            None
        }
    }
}

/// The data rows; unreadable rows are reported and left out.
fn rows(mut sheet: Sheet<'_>, plan: &mut PlanBuilder) -> Vec<SheetRow> {
    let mut rows = Vec::new();
    while let Some(row) = sheet.next_row() {
        match row {
            Ok(row) if row.is_blank() => {}
            Ok(row) => rows.push(row),
            Err(problem) => plan.problem(problem),
        }
    }
    rows
}

pub(super) fn read_prefixes(bytes: &[u8], plan: &mut PlanBuilder) {
    let mut sheet = Sheet::new(bytes, delimiter_for(bytes, 1, is_prefix_header), false);
    let Some(columns) = header(&mut sheet, plan) else { return };
    let prefix_at = columns.find(PREFIX);
    let details: Vec<(&str, Option<usize>)> = [
        ("status", "status"),
        ("site", "site"),
        ("scope", "scope"),
        ("tenant", "tenant"),
        ("VLAN", "vlan"),
        ("VRF", "vrf"),
        ("role", "role"),
    ]
    .into_iter()
    .map(|(label, column)| (label, columns.find(&[column])))
    .collect();
    let mut subnets: Vec<(Origin, ExportSubnet)> = Vec::new();
    for row in rows(sheet, plan) {
        let origin = Origin::Line(row.line);
        let prefix = row.cell(prefix_at);
        let cidr = match parse_network(prefix) {
            Ok(cidr) => cidr,
            Err(error) => {
                plan.problem(origin.error(Some("prefix"), error.to_string()));
                continue;
            }
        };
        let description = row.cell(columns.find(DESCRIPTION));
        let name = if description.is_empty() { cidr.to_string() } else { description.to_string() };
        let noted: Vec<String> = details
            .iter()
            .filter(|(_, at)| !row.cell(*at).is_empty())
            .map(|(label, at)| format!("{label} {}", row.cell(*at)))
            .collect();
        let noted: Vec<&str> = noted.iter().map(String::as_str).collect();
        let id = subnets.len() as u32 + 1;
        subnets.push((origin, new_subnet(id, name, cidr, format!("NetBox: {}", joined(&noted)))));
    }
    nest(&mut subnets);
    for (origin, subnet) in subnets {
        if !plan.push(origin, Decoded::Subnet(subnet)) {
            return;
        }
    }
}

pub(super) fn read_addresses(bytes: &[u8], plan: &mut PlanBuilder) {
    let mut sheet = Sheet::new(bytes, delimiter_for(bytes, 1, is_address_header), false);
    let Some(columns) = header(&mut sheet, plan) else { return };
    let mut subnets: Vec<(Origin, ExportSubnet)> = Vec::new();
    let mut subnet_ids: HashMap<IpNet, u32> = HashMap::new();
    let mut addresses: Vec<(Origin, ExportAddress)> = Vec::new();
    for row in rows(sheet, plan) {
        let origin = Origin::Line(row.line);
        let (ip, cidr) = match address_and_network(row.cell(columns.find(ADDRESS))) {
            Ok(parsed) => parsed,
            Err(message) => {
                plan.problem(origin.error(Some("address"), message));
                continue;
            }
        };
        let subnet_id = *subnet_ids.entry(cidr).or_insert_with(|| {
            let id = subnets.len() as u32 + 1;
            subnets.push((origin, new_subnet(id, cidr.to_string(), cidr, "NetBox".to_string())));
            id
        });
        let status_text = row.cell(columns.find(STATUS)).to_lowercase();
        let netbox_status = format!("NetBox {}", if status_text.is_empty() { "active" } else { &status_text });
        let note = joined(&[&netbox_status, row.cell(columns.find(DNS_NAME)), row.cell(columns.find(DESCRIPTION))]);
        addresses.push((
            origin,
            ExportAddress {
                subnet_id,
                pool_id: 0,
                ip,
                prefix_length: ip.version().bits(),
                status: status(&status_text),
                note,
                assignment: None,
            },
        ));
    }
    nest(&mut subnets);
    let records = subnets
        .into_iter()
        .map(|(origin, subnet)| (origin, Decoded::Subnet(subnet)))
        .chain(addresses.into_iter().map(|(origin, address)| (origin, Decoded::Address(address))));
    for (origin, record) in records {
        if !plan.push(origin, record) {
            return;
        }
    }
}

/// `192.0.2.10/24` → the address and the subnet it sits in, held to the
/// core's subnet rules.
fn address_and_network(text: &str) -> Result<(Address, IpNet), String> {
    let Some((address, length)) = text.split_once('/') else {
        return Err(format!("\"{text}\" has no prefix length; NetBox writes addresses as 192.0.2.10/24"));
    };
    let ip = Address::parse(address).map_err(|error| error.to_string())?;
    let network = length
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(|length| IpNet::new(ip.to_ip(), length).ok())
        .ok_or_else(|| format!("\"{text}\" has an invalid prefix length"))?;
    let cidr = parse_network(&network.trunc().to_string()).map_err(|error| error.to_string())?;
    Ok((ip, cidr))
}

/// NetBox's status as an IP Manager status; see the module documentation.
fn status(netbox: &str) -> AddressStatus {
    match netbox {
        "deprecated" => AddressStatus::Free,
        _ => AddressStatus::Reserved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::tests::problems_of;
    use crate::core::exchange::{detect, Source};

    const PREFIXES: &str = "\
prefix,status,vrf,tenant,site,vlan,role,description
10.0.0.0/16,container,,Acme,Frankfurt,,,Customers
10.0.1.0/24,active,,Acme,Frankfurt,100 (VPS),,
2001:db8::/32,active,,,,,,
10.0.1.0/24,reserved,Blue,,,,,Blue copy
10.0.2.0/33,active,,,,,,
";

    #[test]
    fn prefixes_become_nested_subnets() {
        assert_eq!(detect(PREFIXES.as_bytes()), Some(Source::NetBoxPrefixes));
        let (plan, problems) = problems_of(Source::NetBoxPrefixes, PREFIXES);
        assert_eq!(
            problems,
            [
                "Line 6, prefix: \"10.0.2.0/33\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
                "Line 5, cidr: 10.0.1.0/24 repeats 10.0.1.0/24 (line 3) at the same level; skipping it also skips \
                 its child subnets, pools, addresses and relations",
            ]
        );
        let summary: Vec<(u32, u32, &str, String)> =
            plan.subnets.iter().map(|s| (s.id, s.parent_id, s.name.as_str(), s.description.clone())).collect();
        assert_eq!(
            summary,
            [
                (1, 0, "Customers", "NetBox: status container; site Frankfurt; tenant Acme".to_string()),
                (2, 1, "10.0.1.0/24", "NetBox: status active; site Frankfurt; tenant Acme; VLAN 100 (VPS)".to_string()),
                (3, 0, "2001:db8::/32", "NetBox: status active".to_string()),
            ]
        );
    }

    const ADDRESSES: &str = "\
IP Address,Status,Role,Tenant,Assigned,DNS Name,Description
192.0.2.10/24,Active,,,,web1.example.com,Frontend
192.0.2.11/24,Reserved,,,,,
192.0.2.12/24,DHCP,,,,,
192.0.2.13/24,Deprecated,,,,,old
2001:db8::5/64,SLAAC,,,,,
192.0.2.10/24,Active,,,,,again
192.0.2.99,Active,,,,,
";

    #[test]
    fn addresses_land_in_subnets_made_from_their_prefix() {
        assert_eq!(detect(ADDRESSES.as_bytes()), Some(Source::NetBoxAddresses));
        let (plan, problems) = problems_of(Source::NetBoxAddresses, ADDRESSES);
        assert_eq!(
            problems,
            [
                "Line 8, address: \"192.0.2.99\" has no prefix length; NetBox writes addresses as 192.0.2.10/24",
                "Line 7, ip: 192.0.2.10 is already listed in subnet 1 (line 2); skipping keeps the first",
            ]
        );
        let subnets: Vec<String> = plan.subnets.iter().map(|s| s.cidr.to_string()).collect();
        assert_eq!(subnets, ["192.0.2.0/24", "2001:db8::/64"]);
        let addresses: Vec<(String, AddressStatus, &str)> =
            plan.addresses.iter().map(|a| (a.ip.to_string(), a.status, a.note.as_str())).collect();
        assert_eq!(
            addresses,
            [
                ("192.0.2.10".to_string(), AddressStatus::Reserved, "NetBox active; web1.example.com; Frontend"),
                ("192.0.2.11".to_string(), AddressStatus::Reserved, "NetBox reserved"),
                ("192.0.2.12".to_string(), AddressStatus::Reserved, "NetBox dhcp"),
                ("192.0.2.13".to_string(), AddressStatus::Free, "NetBox deprecated; old"),
                ("2001:db8::5".to_string(), AddressStatus::Reserved, "NetBox slaac"),
            ]
        );
        assert_eq!(plan.addresses[4].subnet_id, 2);
    }
}
