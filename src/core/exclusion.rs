//! The "excluded IPs" field of a subnet: a free-form list an operator pastes,
//! checked entry by entry so the message can point at the one that is wrong.

use ipnet::IpNet;

use super::address::IpVersion;
use super::error::{field, CoreError, ErrorKind};
use super::range::{AddressRange, RangeSet};

/// A checked exclusion list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusions {
    /// Every excluded address, merged, for the allocator.
    pub ranges: RangeSet,
    /// The entries in canonical form, in the operator's order without repeats,
    /// one per line: what to store and show back in the field.
    pub text: String,
}

/// Reads entries separated by commas and/or line breaks (LF or CRLF); blanks
/// around entries and empty entries are ignored. Each entry is an address or a
/// range `a-b` lying wholly inside `network`. The first bad entry fails the
/// whole list (nothing is half-saved), named in an error for `excluded_ips`.
pub fn parse_exclusions(text: &str, network: &IpNet) -> Result<Exclusions, CoreError> {
    let mut entries: Vec<AddressRange> = Vec::new();
    for entry in text.split([',', '\n']).map(str::trim).filter(|entry| !entry.is_empty()) {
        let range = parse_entry(entry, network).map_err(|error| error.in_field(field::EXCLUDED_IPS))?;
        if !entries.contains(&range) {
            entries.push(range);
        }
    }
    Ok(Exclusions {
        ranges: entries.iter().copied().collect(),
        text: entries
            .iter()
            .map(AddressRange::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

fn parse_entry(entry: &str, network: &IpNet) -> Result<AddressRange, CoreError> {
    let range = AddressRange::parse(entry)?;
    let subnet = AddressRange::from_network(network);
    let text = entry.to_string();
    let kind = if range.version() != IpVersion::of_network(network) {
        ErrorKind::WrongVersion {
            text,
            version: range.version(),
            network: *network,
        }
    } else if !range.overlaps(subnet) {
        ErrorKind::Outside {
            text,
            network: *network,
        }
    } else if !(subnet.contains(range.first()) && subnet.contains(range.last())) {
        ErrorKind::PartlyOutside {
            text,
            network: *network,
        }
    } else {
        return Ok(range);
    };
    Err(kind.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    fn refused(text: &str, network: &str) -> String {
        let error = parse_exclusions(text, &net(network)).unwrap_err();
        assert_eq!(error.field(), Some("excluded_ips"));
        error.to_string()
    }

    #[test]
    fn reads_commas_newlines_and_ranges() {
        let text = " 79.133.56.10 ,79.133.56.20-79.133.56.30\r\n\r\n79.133.56.11,,\n 79.133.56.40 - 79.133.56.41 \n";
        let exclusions = parse_exclusions(text, &net("79.133.56.0/24")).unwrap();
        assert_eq!(
            exclusions.text,
            "79.133.56.10\n79.133.56.20-79.133.56.30\n79.133.56.11\n79.133.56.40-79.133.56.41"
        );
        let merged: Vec<String> = exclusions.ranges.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            merged,
            [
                "79.133.56.10-79.133.56.11",
                "79.133.56.20-79.133.56.30",
                "79.133.56.40-79.133.56.41"
            ]
        );
    }

    #[test]
    fn canonicalises_ipv6_and_drops_repeats() {
        let exclusions = parse_exclusions(
            "2001:DB8::10-2001:db8::1F\n2001:db8:0::10-2001:db8::1f, 2001:0db8::ff",
            &net("2001:db8::/64"),
        )
        .unwrap();
        assert_eq!(exclusions.text, "2001:db8::10-2001:db8::1f\n2001:db8::ff");
    }

    #[test]
    fn empty_list_is_empty() {
        let exclusions = parse_exclusions(" \r\n , \n", &net("10.0.0.0/24")).unwrap();
        assert!(exclusions.ranges.is_empty());
        assert_eq!(exclusions.text, "");
    }

    #[test]
    fn names_the_bad_entry_and_why() {
        let subnet = "79.133.56.0/24";
        assert_eq!(
            refused("79.133.56.1\n79.133.57.9", subnet),
            "\"79.133.57.9\" is outside 79.133.56.0/24"
        );
        assert_eq!(
            refused("79.133.56.x", subnet),
            "\"79.133.56.x\" is not an IP address or range"
        );
        assert_eq!(
            refused("79.133.56.1 79.133.56.2", subnet),
            "\"79.133.56.1 79.133.56.2\" is not an IP address or range"
        );
        assert_eq!(
            refused("79.133.56.20-79.133.56.10", subnet),
            "\"79.133.56.20-79.133.56.10\" ends before it starts; did you mean 79.133.56.10-79.133.56.20?"
        );
        assert_eq!(
            refused("79.133.56.250-79.133.57.5", subnet),
            "\"79.133.56.250-79.133.57.5\" reaches outside 79.133.56.0/24"
        );
        assert_eq!(
            refused("79.133.55.0-79.133.55.5", subnet),
            "\"79.133.55.0-79.133.55.5\" is outside 79.133.56.0/24"
        );
        assert_eq!(
            refused("2001:db8::1", subnet),
            "\"2001:db8::1\" is IPv6 but 79.133.56.0/24 is IPv4"
        );
        assert_eq!(
            refused("79.133.56.1-2001:db8::1", subnet),
            "\"79.133.56.1-2001:db8::1\" mixes IPv4 and IPv6"
        );
        assert_eq!(
            refused("079.133.56.1", subnet),
            "\"079.133.56.1\" has leading zeros, which some systems read as octal; write 79.133.56.1"
        );
        assert_eq!(
            refused("2001:db9::1", "2001:db8::/32"),
            "\"2001:db9::1\" is outside 2001:db8::/32"
        );
    }
}
