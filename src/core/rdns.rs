//! Reverse-DNS names: the zones a subnet's PTR records live in, and the PTR
//! name of one address.

use ipnet::IpNet;

use super::address::{Address, IpVersion};

/// Bits per label (an octet for `in-addr.arpa`, a nibble for `ip6.arpa`) and
/// the zone suffix.
fn label_bits_and_suffix(version: IpVersion) -> (u8, &'static str) {
    match version {
        IpVersion::V4 => (8, "in-addr.arpa"),
        IpVersion::V6 => (4, "ip6.arpa"),
    }
}

/// The name of the reverse zone or record for the first `length` bits of
/// `value` (`length` a multiple of the label size).
fn reverse_name(version: IpVersion, value: u128, length: u8) -> String {
    let (label_bits, suffix) = label_bits_and_suffix(version);
    let bits = version.bits();
    let mut name = String::new();
    for label in (0..length / label_bits).rev() {
        let shift = bits - label_bits * (label + 1);
        let part = (value >> shift) & ((1 << label_bits) - 1);
        let text = match version {
            IpVersion::V4 => part.to_string(),
            IpVersion::V6 => format!("{part:x}"),
        };
        name.push_str(&text);
        name.push('.');
    }
    name.push_str(suffix);
    name
}

/// The reverse zones that hold the PTR records of `network`.
///
/// On a label boundary that is one zone (`56.133.79.in-addr.arpa` for a /24,
/// `8.b.d.0.1.0.0.2.ip6.arpa` for 2001:db8::/32). Otherwise the prefix length
/// is rounded up to the next boundary and every zone of that length inside
/// the network is listed, so their union is exactly the network: a /23 gives
/// two /24 zones, a /22 four, a /47 two /48 zones. Rounding adds at most 7 bits
/// (IPv4) or 3 (IPv6), so the list never exceeds 128 or 8 zones.
///
/// Networks longer than the last zone boundary (/25–/32, /125–/128) return
/// the one zone that contains them: delegating part of a zone (RFC 2317
/// classless delegation for IPv4) is arranged by the operator with whoever
/// runs that zone.
pub fn reverse_zones(network: &IpNet) -> Vec<String> {
    let version = IpVersion::of_network(network);
    let (label_bits, _) = label_bits_and_suffix(version);
    let bits = version.bits();
    let prefix = network.prefix_len();
    let zone_length = (prefix.div_ceil(label_bits) * label_bits).min(bits - label_bits);
    let base = Address::from_ip(network.network()).value();
    if prefix >= zone_length {
        return vec![reverse_name(version, base, zone_length)];
    }
    // Here zone_length > prefix ≥ 0, so the shift is below the address width.
    let shift = bits - zone_length;
    let zones = 1u128 << (zone_length - prefix);
    (0..zones)
        .map(|zone| reverse_name(version, base + (zone << shift), zone_length))
        .collect()
}

/// The PTR record name of an address, e.g. `10.56.133.79.in-addr.arpa`.
pub fn ptr_name(address: Address) -> String {
    reverse_name(address.version(), address.value(), address.version().bits())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn zones(text: &str) -> Vec<String> {
        reverse_zones(&text.parse().unwrap())
    }

    #[test]
    fn ipv4_octet_boundaries_give_one_zone() {
        assert_eq!(zones("79.133.56.0/24"), ["56.133.79.in-addr.arpa"]);
        assert_eq!(zones("79.133.0.0/16"), ["133.79.in-addr.arpa"]);
        assert_eq!(zones("79.0.0.0/8"), ["79.in-addr.arpa"]);
    }

    #[test]
    fn ipv4_between_boundaries_lists_the_covering_zones() {
        assert_eq!(
            zones("79.133.56.0/23"),
            ["56.133.79.in-addr.arpa", "57.133.79.in-addr.arpa"]
        );
        assert_eq!(
            zones("79.133.56.0/22"),
            [
                "56.133.79.in-addr.arpa",
                "57.133.79.in-addr.arpa",
                "58.133.79.in-addr.arpa",
                "59.133.79.in-addr.arpa"
            ]
        );
        let seventeen = zones("79.133.128.0/17");
        assert_eq!(seventeen.len(), 128);
        assert_eq!(seventeen[0], "128.133.79.in-addr.arpa");
        assert_eq!(seventeen[127], "255.133.79.in-addr.arpa");
        assert_eq!(zones("10.0.0.0/9").len(), 128);
        assert_eq!(zones("10.128.0.0/9")[127], "255.10.in-addr.arpa");
    }

    #[test]
    fn ipv4_longer_than_a_slash_24_gives_its_containing_zone() {
        assert_eq!(zones("79.133.56.128/25"), ["56.133.79.in-addr.arpa"]);
        assert_eq!(zones("79.133.56.6/31"), ["56.133.79.in-addr.arpa"]);
        assert_eq!(zones("79.133.56.7/32"), ["56.133.79.in-addr.arpa"]);
    }

    #[test]
    fn ipv6_nibble_boundaries() {
        assert_eq!(zones("2001:db8::/32"), ["8.b.d.0.1.0.0.2.ip6.arpa"]);
        assert_eq!(zones("2001:db8:1::/48"), ["1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"]);
        assert_eq!(
            zones("2001:db8::/47"),
            ["0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", "1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"]
        );
        let thirty_three = zones("2001:db8:8000::/33");
        assert_eq!(thirty_three.len(), 8);
        assert_eq!(thirty_three[0], "8.8.b.d.0.1.0.0.2.ip6.arpa");
        assert_eq!(thirty_three[7], "f.8.b.d.0.1.0.0.2.ip6.arpa");
        let forty_nine = zones("2001:db8:0:8000::/49");
        assert_eq!(forty_nine.len(), 8);
        assert_eq!(forty_nine[0], "8.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        assert_eq!(forty_nine[7], "f.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        // 2001:0db8 and 22 more nibbles: 0000 (×5) 01.
        let zeros = |n: usize| "0.".repeat(n);
        assert_eq!(
            zones("2001:db8::100/120"),
            [format!("1.{}8.b.d.0.1.0.0.2.ip6.arpa", zeros(21))]
        );
        assert_eq!(
            zones("2001:db8::1/128"),
            [format!("{}8.b.d.0.1.0.0.2.ip6.arpa", zeros(23))]
        );
        assert_eq!(zones("::/0"), ["ip6.arpa"]);
        assert_eq!(zones("0.0.0.0/0"), ["in-addr.arpa"]);
    }

    #[test]
    fn ptr_names() {
        assert_eq!(
            ptr_name(Address::parse("79.133.56.10").unwrap()),
            "10.56.133.79.in-addr.arpa"
        );
        assert_eq!(
            ptr_name(Address::parse("2001:db8::1").unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }

    /// Any address of the network has exactly one zone of the list as suffix.
    fn check_zones(network: IpNet, offset: u128, most: usize) -> Result<(), TestCaseError> {
        let unused_bits = u32::from(network.prefix_len()) + 128 - u32::from(network.max_prefix_len());
        let host_mask = u128::MAX.checked_shr(unused_bits).unwrap_or(0);
        let base = Address::from_ip(network.network());
        let address = Address::new(base.version(), base.value() | (offset & host_mask)).unwrap();
        let ptr = ptr_name(address);
        let zones = reverse_zones(&network);
        prop_assert!(!zones.is_empty() && zones.len() <= most);
        prop_assert_eq!(
            zones.iter().filter(|zone| ptr.ends_with(&format!(".{zone}"))).count(),
            1
        );
        Ok(())
    }

    proptest! {
        #[test]
        fn ipv6_zones_cover_the_network_once(a in any::<u128>(), len in 0u8..=128, offset in any::<u128>()) {
            check_zones(IpNet::new(std::net::Ipv6Addr::from(a).into(), len).unwrap().trunc(), offset, 8)?;
        }

        #[test]
        fn ipv4_zones_cover_the_network_once(a in any::<u32>(), len in 0u8..=32, offset in any::<u128>()) {
            check_zones(IpNet::new(std::net::Ipv4Addr::from(a).into(), len).unwrap().trunc(), offset, 128)?;
        }
    }
}
