//! phpIPAM's export of one subnet's addresses, saved as CSV from its
//! spreadsheet. Above the table phpIPAM writes the subnet's description, its
//! CIDR and its VLAN; the CIDR makes the subnet, the description names it.
//! Header names vary between versions and languages of the export
//! (`ip address`, `ip_addr`, `IP state`, `tag`…), so they are matched
//! loosely.
//!
//! States (phpIPAM's default tags) map as NetBox's statuses do (see
//! `netbox`): `Used` (also `Active`), `Reserved` and `DHCP` → reserved, so
//! IP Manager never hands them out; `Offline` → free; anything else,
//! including an empty state (phpIPAM leaves hidden tags such as `Used`
//! out), → reserved. The note keeps the state, hostname, description and
//! note.

use super::decode::Decoded;
use super::migration::{joined, new_subnet};
use super::model::{AddressStatus, ExportAddress, ExportSubnet};
use super::plan::PlanBuilder;
use super::problem::{Origin, Problem};
use super::sheet::{delimiter_for, Columns, Sheet, SheetRow};
use crate::core::address::Address;
use crate::core::network::parse_network;

const ADDRESS: &[&str] = &["ip_address", "ip_addr", "ip", "address"];
const STATE: &[&str] = &["ip_state", "state", "tag", "ip_tag"];
const HOSTNAME: &[&str] = &["hostname", "dns_name"];
const DESCRIPTION: &[&str] = &["description"];
const NOTE: &[&str] = &["note"];
/// How far down the header may be: phpIPAM's title takes four rows.
pub(super) const TITLE_AND_HEADER_ROWS: usize = 10;
/// Columns that tell phpIPAM's table from another list of addresses.
const MARKERS: &[&str] = &["ip_state", "state", "tag", "hostname", "mac", "owner", "device", "port", "note"];

pub(super) fn is_header(columns: &Columns) -> bool {
    columns.has_any(ADDRESS) && columns.has_any(MARKERS)
}

pub(super) fn read_addresses(bytes: &[u8], plan: &mut PlanBuilder) {
    let mut sheet = Sheet::new(bytes, delimiter_for(bytes, TITLE_AND_HEADER_ROWS, is_header), true);
    let mut above: Vec<SheetRow> = Vec::new();
    let (header_line, columns) = loop {
        match sheet.next_row() {
            None => return plan.problem(Problem::file("The file has no row naming the columns (ip address, …).")),
            Some(Err(problem)) => plan.problem(problem),
            Some(Ok(row)) => {
                let columns = Columns::new(&row);
                if is_header(&columns) {
                    break (row.line, columns);
                }
                above.push(row);
            }
        }
    };
    let Some(subnet) = subnet_from_title(&above) else {
        return plan.problem(Problem::at_line(
            header_line,
            "phpIPAM writes the subnet (e.g. 10.0.0.0/24) above the table, and that line is missing; add it, \
             or paste the addresses into a subnet instead.",
        ));
    };
    let subnet_origin = Origin::Line(above.first().map_or(1, |row| row.line));
    if !plan.push(subnet_origin, Decoded::Subnet(subnet)) {
        return;
    }
    while let Some(row) = sheet.next_row() {
        let row = match row {
            Ok(row) if row.is_blank() => continue,
            Ok(row) => row,
            Err(problem) => {
                plan.problem(problem);
                continue;
            }
        };
        let origin = Origin::Line(row.line);
        match address(&row, &columns) {
            Ok(address) => {
                if !plan.push(origin, Decoded::Address(address)) {
                    return;
                }
            }
            Err(message) => plan.problem(origin.error(Some("ip address"), message)),
        }
    }
}

/// The subnet of the title rows: the first cell that is a CIDR; named by the
/// first row's text (phpIPAM's subnet description) unless that is the CIDR;
/// the other title lines (the VLAN) become its description.
fn subnet_from_title(rows: &[SheetRow]) -> Option<ExportSubnet> {
    let cells: Vec<&str> = rows.iter().flat_map(|row| row.cells.iter().map(str::trim)).collect();
    let (at, cidr) = cells.iter().enumerate().find_map(|(at, cell)| parse_network(cell).ok().map(|cidr| (at, cidr)))?;
    let name = match cells.iter().position(|cell| !cell.is_empty()) {
        Some(first) if first != at => cells[first].to_string(),
        _ => cidr.to_string(),
    };
    let mut description = vec!["phpIPAM"];
    description.extend(cells.iter().copied().filter(|cell| *cell != name && *cell != cells[at]));
    Some(new_subnet(1, name, cidr, joined(&description)))
}

fn address(row: &SheetRow, columns: &Columns) -> Result<ExportAddress, String> {
    let ip = Address::parse(row.cell(columns.find(ADDRESS))).map_err(|error| error.to_string())?;
    let state = row.cell(columns.find(STATE));
    let status = match state.to_lowercase().as_str() {
        "offline" => AddressStatus::Free,
        _ => AddressStatus::Reserved,
    };
    let state_note = format!("phpIPAM {}", if state.is_empty() { "Used" } else { state });
    let note = joined(&[
        &state_note,
        row.cell(columns.find(HOSTNAME)),
        row.cell(columns.find(DESCRIPTION)),
        row.cell(columns.find(NOTE)),
    ]);
    Ok(ExportAddress {
        subnet_id: 1,
        pool_id: 0,
        ip,
        prefix_length: ip.version().bits(),
        status,
        note,
        assignment: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::tests::problems_of;
    use crate::core::exchange::{detect, Source};

    const EXPORT: &str = "\
Customer VPS
10.20.30.0/24
vlan: 120 - vps

IP address;IP state;Description;Hostname;MAC;Owner;Device;Port;Note
10.20.30.1;Reserved;gateway;gw.example.com;;;;;
10.20.30.10;;VPS 1;vps1.example.com;;;;;
10.20.30.11;Offline;;;;;;;old box
10.20.30.12;DHCP;;;;;;;
10.20.31.5;;stray;;;;;;
10.20.30.1;Reserved;;;;;;;
";

    #[test]
    fn reads_the_subnet_from_the_title_and_maps_states() {
        assert_eq!(detect(EXPORT.as_bytes()), Some(Source::PhpIpamAddresses));
        let (plan, problems) = problems_of(Source::PhpIpamAddresses, EXPORT);
        assert_eq!(
            problems,
            [
                "Line 10, ip: \"10.20.31.5\" is outside 10.20.30.0/24",
                "Line 11, ip: 10.20.30.1 is already listed in subnet 1 (line 6); skipping keeps the first",
            ]
        );
        let subnet = &plan.subnets[0];
        assert_eq!((subnet.name.as_str(), subnet.cidr.to_string()), ("Customer VPS", "10.20.30.0/24".to_string()));
        assert_eq!(subnet.description, "phpIPAM; vlan: 120 - vps");
        let addresses: Vec<(String, AddressStatus, &str)> =
            plan.addresses.iter().map(|a| (a.ip.to_string(), a.status, a.note.as_str())).collect();
        assert_eq!(
            addresses,
            [
                ("10.20.30.1".to_string(), AddressStatus::Reserved, "phpIPAM Reserved; gw.example.com; gateway"),
                ("10.20.30.10".to_string(), AddressStatus::Reserved, "phpIPAM Used; vps1.example.com; VPS 1"),
                ("10.20.30.11".to_string(), AddressStatus::Free, "phpIPAM Offline; old box"),
                ("10.20.30.12".to_string(), AddressStatus::Reserved, "phpIPAM DHCP"),
            ]
        );
    }

    #[test]
    fn needs_the_subnet_line() {
        let text = "ip_addr,state,hostname\n10.0.0.1,Used,a\n";
        assert_eq!(detect(text.as_bytes()), Some(Source::PhpIpamAddresses));
        let (_, problems) = problems_of(Source::PhpIpamAddresses, text);
        assert_eq!(
            problems,
            ["Line 1: phpIPAM writes the subnet (e.g. 10.0.0.0/24) above the table, and that line is missing; add \
              it, or paste the addresses into a subnet instead."]
        );
    }

    #[test]
    fn names_bad_addresses_by_line() {
        let (_, problems) = problems_of(Source::PhpIpamAddresses, "10.0.0.0/24\nip address,hostname\n10.0.0.x,a\n");
        assert_eq!(problems, ["Line 3, ip address: \"10.0.0.x\" is not an IP address"]);
    }
}
