//! Subnets as operators enter them: parsing CIDR text strictly (a typo must not
//! silently become another network) and checking a subnet against its parent,
//! its siblings, its gateway and its pools.

use ipnet::IpNet;

use super::address::{Address, IpVersion};
use super::error::{field, CoreError, ErrorKind};
use super::range::AddressRange;

/// The shortest prefix length a subnet may have: /8 for IPv4 and /16 for IPv6.
/// Anything larger is almost surely a typo (`/2` for `/24`), and refusing it
/// keeps every size the module handles far from overflowing.
pub fn largest_subnet_prefix(version: IpVersion) -> u8 {
    match version {
        IpVersion::V4 => 8,
        IpVersion::V6 => 16,
    }
}

/// Reads a subnet written `address/length`. Refuses a missing length, host
/// bits set (suggesting the network meant), and subnets larger than
/// `largest_subnet_prefix`. Errors belong to the `cidr` field. The result's
/// `Display` is the canonical text (`2001:db8::/32`, lowercase, compressed).
pub fn parse_network(text: &str) -> Result<IpNet, CoreError> {
    parse_network_text(text).map_err(|error| error.in_field(field::CIDR))
}

fn parse_network_text(text: &str) -> Result<IpNet, CoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ErrorKind::Required {
            what: "the subnet in CIDR form, e.g. 79.133.56.0/24",
        }
        .into());
    }
    // Precise address errors (leading zeros, zone id) are kept; any other
    // failure means the whole text is not CIDR.
    let address_of = |part: &str| {
        Address::parse(part).map_err(|error| match error.kind() {
            ErrorKind::LeadingZeros { .. } | ErrorKind::ZoneId { .. } => error,
            _ => ErrorKind::NotANetwork { text: text.to_string() }.into(),
        })
    };
    let Some((address_text, length_text)) = text.split_once('/') else {
        address_of(text)?;
        return Err(ErrorKind::MissingPrefixLength { text: text.to_string() }.into());
    };
    let address = address_of(address_text)?;
    let version = address.version();
    let invalid_length = || {
        CoreError::new(ErrorKind::InvalidPrefixLength {
            text: text.to_string(),
            version,
        })
    };
    let length_text = length_text.trim();
    if length_text.is_empty() || length_text.len() > 3 || !length_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_length());
    }
    let length: u8 = length_text.parse().map_err(|_| invalid_length())?;
    let network = IpNet::new(address.to_ip(), length).map_err(|_| invalid_length())?;
    if length < largest_subnet_prefix(version) {
        return Err(ErrorKind::TooLarge { network }.into());
    }
    if network.trunc() != network {
        return Err(ErrorKind::HostBitsSet {
            network,
            suggestion: network.trunc(),
        }
        .into());
    }
    Ok(network)
}

/// A child subnet must be of the parent's version and strictly inside it.
/// Errors belong to the `cidr` field.
pub fn validate_child(child: &IpNet, parent: &IpNet) -> Result<(), CoreError> {
    let kind = if IpVersion::of_network(child) != IpVersion::of_network(parent) {
        ErrorKind::ParentVersion {
            child: *child,
            parent: *parent,
        }
    } else if child.trunc() == parent.trunc() {
        ErrorKind::SameAsParent { network: *child }
    } else if !parent.contains(child) {
        ErrorKind::NotInsideParent {
            child: *child,
            parent: *parent,
        }
    } else {
        return Ok(());
    };
    Err(CoreError::new(kind).in_field(field::CIDR))
}

/// A subnet must not overlap any subnet at the same level (same parent, or
/// both top-level); `existing` are those subnets with their ids, without the
/// subnet being edited. The error names the first one in `existing` that
/// overlaps, and belongs to the `cidr` field.
pub fn validate_siblings(new: &IpNet, existing: &[(u32, IpNet)]) -> Result<(), CoreError> {
    for (id, other) in existing {
        let kind = if other.trunc() == new.trunc() {
            ErrorKind::Duplicate {
                network: *new,
                existing_id: *id,
            }
        } else if new.contains(other) || other.contains(new) {
            ErrorKind::Overlaps {
                network: *new,
                existing: *other,
                existing_id: *id,
            }
        } else {
            continue;
        };
        return Err(CoreError::new(kind).in_field(field::CIDR));
    }
    Ok(())
}

/// The gateway field: empty means no gateway; otherwise one address inside
/// the subnet. An IPv4 gateway may not be the network or broadcast address of
/// a /30 or larger (no host can use them); on /31 and /32 every address is a
/// host (RFC 3021). Errors belong to the `gateway` field.
pub fn validate_gateway(text: &str, network: &IpNet) -> Result<Option<Address>, CoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let gateway = address_inside(text, network).map_err(|error| error.in_field(field::GATEWAY))?;
    let role = match network {
        IpNet::V4(v4) if v4.prefix_len() <= 30 => {
            if gateway.to_ip() == network.network() {
                Some("network address")
            } else if gateway.to_ip() == network.broadcast() {
                Some("broadcast address")
            } else {
                None
            }
        }
        _ => None,
    };
    match role {
        Some(role) => Err(CoreError::new(ErrorKind::GatewayNotHost {
            gateway: gateway.canonical(),
            role,
            network: *network,
        })
        .in_field(field::GATEWAY)),
        None => Ok(Some(gateway)),
    }
}

/// A pool's first and last address: both required, both inside the subnet, in
/// order. Errors belong to `range_start` or `range_end`.
pub fn validate_pool_range(start: &str, end: &str, network: &IpNet) -> Result<AddressRange, CoreError> {
    let bound = |text: &str, field: &'static str, what: &'static str| {
        let text = text.trim();
        if text.is_empty() {
            return Err(CoreError::new(ErrorKind::Required { what }).in_field(field));
        }
        address_inside(text, network).map_err(|error| error.in_field(field))
    };
    let first = bound(start, field::RANGE_START, "the first address of the range")?;
    let last = bound(end, field::RANGE_END, "the last address of the range")?;
    AddressRange::new(first, last).ok_or_else(|| {
        CoreError::new(ErrorKind::RangeEndsBeforeStart {
            first: first.canonical(),
            last: last.canonical(),
        })
        .in_field(field::RANGE_END)
    })
}

/// One address (trimmed, non-empty text) that must lie inside `network`.
fn address_inside(text: &str, network: &IpNet) -> Result<Address, CoreError> {
    let address = Address::parse(text)?;
    if address.version() != IpVersion::of_network(network) {
        return Err(ErrorKind::WrongVersion {
            text: text.to_string(),
            version: address.version(),
            network: *network,
        }
        .into());
    }
    if !network.contains(&address.to_ip()) {
        return Err(ErrorKind::Outside {
            text: text.to_string(),
            network: *network,
        }
        .into());
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn net(text: &str) -> IpNet {
        parse_network(text).unwrap()
    }

    fn refused(text: &str) -> CoreError {
        parse_network(text).unwrap_err()
    }

    #[test]
    fn parses_and_prints_canonical_cidr() {
        assert_eq!(net("79.133.56.0/24").to_string(), "79.133.56.0/24");
        assert_eq!(net(" 2001:0DB8::/32 ").to_string(), "2001:db8::/32");
        assert_eq!(net("2001:db8:0:0:0:0:0:0/48").to_string(), "2001:db8::/48");
        assert_eq!(net("10.0.0.0/8").to_string(), "10.0.0.0/8");
        assert_eq!(net("2001::/16").to_string(), "2001::/16");
        assert_eq!(net("79.133.56.7/32").to_string(), "79.133.56.7/32");
        assert_eq!(net("2001:db8::1/128").to_string(), "2001:db8::1/128");
        assert_eq!(net("10.0.0.0 / 24").to_string(), "10.0.0.0/24");
    }

    #[test]
    fn refuses_host_bits_with_a_suggestion() {
        let error = refused("79.133.56.7/24");
        assert_eq!(
            error.to_string(),
            "79.133.56.7/24 is not a network address; did you mean 79.133.56.0/24?"
        );
        assert_eq!(error.field(), Some("cidr"));
        assert_eq!(
            refused("2001:DB8::1/32").to_string(),
            "2001:db8::1/32 is not a network address; did you mean 2001:db8::/32?"
        );
        assert_eq!(
            refused("10.0.0.1/31").to_string(),
            "10.0.0.1/31 is not a network address; did you mean 10.0.0.0/31?"
        );
    }

    #[test]
    fn refuses_absurd_sizes_naming_the_limit() {
        assert_eq!(
            refused("10.0.0.0/7").to_string(),
            "10.0.0.0/7 is too large; an IPv4 subnet can be at most a /8"
        );
        assert_eq!(
            refused("0.0.0.0/0").to_string(),
            "0.0.0.0/0 is too large; an IPv4 subnet can be at most a /8"
        );
        assert_eq!(
            refused("2000::/15").to_string(),
            "2000::/15 is too large; an IPv6 subnet can be at most a /16"
        );
        assert_eq!(
            refused("::/0").to_string(),
            "::/0 is too large; an IPv6 subnet can be at most a /16"
        );
        assert_eq!(
            refused("10.1.2.3/4").to_string(),
            "10.1.2.3/4 is too large; an IPv4 subnet can be at most a /8"
        );
    }

    #[test]
    fn refuses_malformed_text() {
        let cases = [
            ("", "Enter the subnet in CIDR form, e.g. 79.133.56.0/24."),
            (
                "79.133.56.0",
                "\"79.133.56.0\" has no prefix length; write the subnet as address/length, e.g. 79.133.56.0/24",
            ),
            (
                "79.133.56.0/",
                "\"79.133.56.0/\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
            ),
            (
                "79.133.56.0/33",
                "\"79.133.56.0/33\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
            ),
            (
                "79.133.56.0/+24",
                "\"79.133.56.0/+24\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
            ),
            (
                "79.133.56.0/0024",
                "\"79.133.56.0/0024\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
            ),
            (
                "79.133.56.0/24/1",
                "\"79.133.56.0/24/1\" has an invalid prefix length; an IPv4 subnet takes /8 to /32",
            ),
            (
                "2001:db8::/129",
                "\"2001:db8::/129\" has an invalid prefix length; an IPv6 subnet takes /16 to /128",
            ),
            (
                "79.133.56.x/24",
                "\"79.133.56.x/24\" is not a subnet in CIDR form, e.g. 79.133.56.0/24 or 2001:db8::/48",
            ),
            (
                "/24",
                "\"/24\" is not a subnet in CIDR form, e.g. 79.133.56.0/24 or 2001:db8::/48",
            ),
            (
                "hello",
                "\"hello\" is not a subnet in CIDR form, e.g. 79.133.56.0/24 or 2001:db8::/48",
            ),
            (
                "010.0.0.0/8",
                "\"010.0.0.0\" has leading zeros, which some systems read as octal; write 10.0.0.0",
            ),
            (
                "fe80::%eth0/64",
                "\"fe80::%eth0\" has a zone index (the part from %); enter the address without it",
            ),
        ];
        for (text, message) in cases {
            let error = refused(text);
            assert_eq!(error.to_string(), message, "{text}");
            assert_eq!(error.field(), Some("cidr"), "{text}");
        }
    }

    #[test]
    fn children_must_be_strictly_inside_the_parent() {
        let parent = net("10.0.0.0/16");
        assert_eq!(validate_child(&net("10.0.5.0/24"), &parent), Ok(()));
        assert_eq!(validate_child(&net("10.0.255.255/32"), &parent), Ok(()));
        let message = |child: &str, parent: &str| validate_child(&net(child), &net(parent)).unwrap_err().to_string();
        assert_eq!(
            message("10.0.0.0/16", "10.0.0.0/16"),
            "10.0.0.0/16 is the parent subnet itself; a child subnet must be smaller"
        );
        assert_eq!(
            message("10.1.0.0/24", "10.0.0.0/16"),
            "10.1.0.0/24 is not inside the parent subnet 10.0.0.0/16"
        );
        assert_eq!(
            message("10.0.0.0/8", "10.0.0.0/16"),
            "10.0.0.0/8 is not inside the parent subnet 10.0.0.0/16"
        );
        assert_eq!(
            message("2001:db8::/48", "10.0.0.0/16"),
            "2001:db8::/48 is IPv6 but the parent subnet 10.0.0.0/16 is IPv4"
        );
        assert_eq!(validate_child(&net("2001:db8:1::/48"), &net("2001:db8::/32")), Ok(()));
        assert_eq!(
            validate_child(&net("10.1.0.0/24"), &parent).unwrap_err().field(),
            Some("cidr")
        );
    }

    #[test]
    fn siblings_must_not_overlap() {
        let existing = [
            (3, net("10.0.1.0/24")),
            (4, net("10.0.4.0/22")),
            (5, net("2001:db8::/48")),
        ];
        assert_eq!(validate_siblings(&net("10.0.2.0/23"), &existing), Ok(()));
        assert_eq!(validate_siblings(&net("2001:db8:1::/48"), &existing), Ok(()));
        let error = validate_siblings(&net("10.0.0.0/23"), &existing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "10.0.0.0/23 overlaps the existing subnet 10.0.1.0/24"
        );
        assert_eq!(error.field(), Some("cidr"));
        assert!(matches!(error.kind(), ErrorKind::Overlaps { existing_id: 3, .. }));
        assert_eq!(
            validate_siblings(&net("10.0.5.0/24"), &existing)
                .unwrap_err()
                .to_string(),
            "10.0.5.0/24 overlaps the existing subnet 10.0.4.0/22"
        );
        let error = validate_siblings(&net("2001:db8::/48"), &existing).unwrap_err();
        assert_eq!(error.to_string(), "2001:db8::/48 already exists");
        assert!(matches!(error.kind(), ErrorKind::Duplicate { existing_id: 5, .. }));
        assert_eq!(validate_siblings(&net("10.0.0.0/8"), &[]), Ok(()));
    }

    #[test]
    fn gateway_is_optional_and_inside() {
        let subnet = net("79.133.56.0/24");
        assert_eq!(validate_gateway("  ", &subnet), Ok(None));
        assert_eq!(
            validate_gateway(" 79.133.56.1 ", &subnet),
            Ok(Some(Address::parse("79.133.56.1").unwrap()))
        );
        let message = |text: &str, subnet: &IpNet| {
            let error = validate_gateway(text, subnet).unwrap_err();
            assert_eq!(error.field(), Some("gateway"));
            error.to_string()
        };
        assert_eq!(
            message("79.133.57.1", &subnet),
            "\"79.133.57.1\" is outside 79.133.56.0/24"
        );
        assert_eq!(
            message("2001:db8::1", &subnet),
            "\"2001:db8::1\" is IPv6 but 79.133.56.0/24 is IPv4"
        );
        assert_eq!(
            message("79.133.56.1, 79.133.56.2", &subnet),
            "\"79.133.56.1, 79.133.56.2\" is not an IP address"
        );
        assert_eq!(
            message("79.133.56.0", &subnet),
            "79.133.56.0 is the network address of 79.133.56.0/24; choose a host address for the gateway"
        );
        assert_eq!(
            message("79.133.56.255", &subnet),
            "79.133.56.255 is the broadcast address of 79.133.56.0/24; choose a host address for the gateway"
        );
        assert!(validate_gateway("79.133.56.6", &net("79.133.56.6/31"))
            .unwrap()
            .is_some());
        assert!(validate_gateway("79.133.56.7", &net("79.133.56.7/32"))
            .unwrap()
            .is_some());
        assert!(validate_gateway("2001:db8::", &net("2001:db8::/64")).unwrap().is_some());
    }

    #[test]
    fn pool_ranges_are_inside_and_ordered() {
        let subnet = net("79.133.56.0/24");
        assert_eq!(
            validate_pool_range("79.133.56.10", " 79.133.56.20", &subnet)
                .unwrap()
                .to_string(),
            "79.133.56.10-79.133.56.20"
        );
        let refused = |start: &str, end: &str| {
            let error = validate_pool_range(start, end, &subnet).unwrap_err();
            (error.field().unwrap(), error.to_string())
        };
        assert_eq!(
            refused("", "79.133.56.20"),
            ("range_start", "Enter the first address of the range.".into())
        );
        assert_eq!(
            refused("79.133.56.10", ""),
            ("range_end", "Enter the last address of the range.".into())
        );
        assert_eq!(
            refused("79.133.55.10", "79.133.56.20"),
            ("range_start", "\"79.133.55.10\" is outside 79.133.56.0/24".into())
        );
        assert_eq!(
            refused("79.133.56.10", "x"),
            ("range_end", "\"x\" is not an IP address".into())
        );
        assert_eq!(
            refused("79.133.56.20", "79.133.56.10"),
            (
                "range_end",
                "The range ends at 79.133.56.10, before its first address 79.133.56.20".into()
            )
        );
    }

    proptest! {
        #[test]
        fn any_ipv4_cidr_text_is_accepted_or_refused_without_panic(a in any::<u32>(), len in 0u8..=40) {
            let text = format!("{}/{len}", std::net::Ipv4Addr::from(a));
            match parse_network(&text) {
                Ok(network) => {
                    prop_assert_eq!(network.to_string(), text);
                    prop_assert!(len >= 8);
                }
                Err(error) => prop_assert_eq!(error.field(), Some("cidr")),
            }
        }

        #[test]
        fn suggested_network_is_always_accepted(a in any::<u128>(), len in 16u8..=128) {
            let text = format!("{}/{len}", std::net::Ipv6Addr::from(a));
            match parse_network(&text) {
                Ok(network) => prop_assert_eq!(network.to_string(), text),
                Err(error) => match error.kind() {
                    ErrorKind::HostBitsSet { suggestion, .. } => {
                        prop_assert_eq!(parse_network(&suggestion.to_string()), Ok(*suggestion));
                    }
                    other => prop_assert!(false, "unexpected {other:?}"),
                },
            }
        }
    }
}
