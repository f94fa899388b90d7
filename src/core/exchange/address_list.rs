//! A WHMCS server's "Assigned IP Addresses" list, pasted into a subnet the
//! admin chose: one address per line, as WHMCS keeps it.

use std::collections::HashMap;

use ipnet::IpNet;

use super::problem::{Origin, Problem, ProblemKind};
use crate::core::address::{Address, IpVersion};
use crate::core::error::{CoreError, ErrorKind};

/// The addresses of `text` in order, each inside `subnet`; blank lines are
/// ignored. A bad line is an error naming its line; a repeated address is
/// skippable (the first is kept).
pub fn parse_address_list(text: &str, subnet: &IpNet) -> (Vec<Address>, Vec<Problem>) {
    let mut addresses = Vec::new();
    let mut problems = Vec::new();
    let mut first_line: HashMap<Address, u64> = HashMap::new();
    for (line, entry) in (1u64..).zip(text.lines()) {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let origin = Origin::Line(line);
        let address = match inside(entry, subnet) {
            Ok(address) => address,
            Err(error) => {
                problems.push(origin.error(None, error.to_string()));
                continue;
            }
        };
        match first_line.get(&address) {
            Some(first) => problems.push(origin.problem(
                ProblemKind::Skippable,
                None,
                format!("{address} is already on line {first}; skipping keeps the first"),
            )),
            None => {
                first_line.insert(address, line);
                addresses.push(address);
            }
        }
    }
    (addresses, problems)
}

/// One address of the subnet, with the core's messages.
fn inside(entry: &str, subnet: &IpNet) -> Result<Address, CoreError> {
    let address = Address::parse(entry)?;
    let text = entry.to_string();
    if address.version() != IpVersion::of_network(subnet) {
        return Err(ErrorKind::WrongVersion { text, version: address.version(), network: *subnet }.into());
    }
    if !subnet.contains(&address.to_ip()) {
        return Err(ErrorKind::Outside { text, network: *subnet }.into());
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_address_a_line_and_names_bad_lines() {
        let subnet: IpNet = "79.133.56.0/24".parse().unwrap();
        let text = "79.133.56.10\r\n\n  79.133.56.11  \n79.133.57.1\nhost\n2001:db8::1\n79.133.56.10\n";
        let (addresses, problems) = parse_address_list(text, &subnet);
        let addresses: Vec<String> = addresses.iter().map(ToString::to_string).collect();
        assert_eq!(addresses, ["79.133.56.10", "79.133.56.11"]);
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "Line 4: \"79.133.57.1\" is outside 79.133.56.0/24",
                "Line 5: \"host\" is not an IP address",
                "Line 6: \"2001:db8::1\" is IPv6 but 79.133.56.0/24 is IPv4",
                "Line 7: 79.133.56.10 is already on line 1; skipping keeps the first",
            ]
        );
    }

    #[test]
    fn an_empty_list_is_empty() {
        let subnet: IpNet = "2001:db8::/64".parse().unwrap();
        assert_eq!(parse_address_list(" \n\t\n", &subnet), (vec![], vec![]));
    }
}
