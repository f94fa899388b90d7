//! One IP address as a version and a number, so ranges, gaps and prefixes are
//! plain integer arithmetic and both versions share one code path.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::IpNet;

use super::error::{CoreError, ErrorKind};

/// IPv4 sorts before IPv6, as in `Address`'s ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpVersion {
    V4,
    V6,
}

impl IpVersion {
    /// Bits in an address of this version.
    pub const fn bits(self) -> u8 {
        match self {
            IpVersion::V4 => 32,
            IpVersion::V6 => 128,
        }
    }

    pub fn of_network(network: &IpNet) -> Self {
        match network {
            IpNet::V4(_) => IpVersion::V4,
            IpNet::V6(_) => IpVersion::V6,
        }
    }
}

impl fmt::Display for IpVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpVersion::V4 => "IPv4",
            IpVersion::V6 => "IPv6",
        })
    }
}

/// An IPv4 or IPv6 address. Ordered by version, then numerically, which is also
/// the byte order of `to_bin`, so the database's order and ours agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    version: IpVersion,
    /// Always at most `max_value(version)`: every constructor checks it.
    value: u128,
}

impl Address {
    /// The address with this number, if the number fits the version.
    pub fn new(version: IpVersion, value: u128) -> Option<Self> {
        (value <= Self::max_value(version).value).then_some(Address { version, value })
    }

    /// Reads an address as an operator types it: surrounding whitespace is
    /// ignored; zone ids and IPv4 octets with leading zeros are refused, with a
    /// message that says why.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ErrorKind::Required { what: "an IP address" }.into());
        }
        match text.parse::<IpAddr>() {
            Ok(ip) => Ok(Self::from_ip(ip)),
            Err(_) => Err(explain_unparsable(text).into()),
        }
    }

    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Address {
                version: IpVersion::V4,
                value: u128::from(u32::from(v4)),
            },
            IpAddr::V6(v6) => Address {
                version: IpVersion::V6,
                value: u128::from(v6),
            },
        }
    }

    pub fn to_ip(self) -> IpAddr {
        match self.version {
            // The constructors keep an IPv4 value within 32 bits.
            IpVersion::V4 => IpAddr::V4(Ipv4Addr::from(self.value as u32)),
            IpVersion::V6 => IpAddr::V6(Ipv6Addr::from(self.value)),
        }
    }

    pub fn version(self) -> IpVersion {
        self.version
    }

    /// The address as a number (for IPv4, within the low 32 bits).
    pub fn value(self) -> u128 {
        self.value
    }

    /// Dotted quad for IPv4, RFC 5952 (lowercase, `::` for the longest run of
    /// zero groups) for IPv6: the text the database and pages show.
    pub fn canonical(self) -> String {
        self.to_ip().to_string()
    }

    /// Big-endian bytes, 4 for IPv4 and 16 for IPv6: the `VARBINARY(16)`
    /// column, whose byte order is the numeric order within one version.
    pub fn to_bin(self) -> Vec<u8> {
        match self.to_ip() {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets().to_vec(),
        }
    }

    /// Reads the `VARBINARY(16)` column back; any length but 4 or 16 is not an
    /// address.
    pub fn from_bin(bytes: &[u8]) -> Option<Self> {
        if let Ok(octets) = <[u8; 4]>::try_from(bytes) {
            Some(Self::from_ip(IpAddr::from(octets)))
        } else if let Ok(octets) = <[u8; 16]>::try_from(bytes) {
            Some(Self::from_ip(IpAddr::from(octets)))
        } else {
            None
        }
    }

    /// The address `n` further on, or `None` past the end of the version's space.
    pub fn checked_add(self, n: u128) -> Option<Self> {
        Self::new(self.version, self.value.checked_add(n)?)
    }

    /// The address `n` before, or `None` below the version's zero address.
    pub fn checked_sub(self, n: u128) -> Option<Self> {
        Some(Address {
            version: self.version,
            value: self.value.checked_sub(n)?,
        })
    }

    /// The highest address of the version (255.255.255.255 or ffff:…:ffff).
    pub fn max_value(version: IpVersion) -> Self {
        let value = match version {
            IpVersion::V4 => u128::from(u32::MAX),
            IpVersion::V6 => u128::MAX,
        };
        Address { version, value }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_ip().fmt(f)
    }
}

impl FromStr for Address {
    type Err = CoreError;

    fn from_str(text: &str) -> Result<Self, CoreError> {
        Address::parse(text)
    }
}

/// Why `text` (trimmed, non-empty) is not an address, as precisely as we can tell.
fn explain_unparsable(text: &str) -> ErrorKind {
    if let Some((address, _zone)) = text.split_once('%') {
        if address.parse::<Ipv6Addr>().is_ok() {
            return ErrorKind::ZoneId { text: text.to_string() };
        }
    }
    match without_leading_zeros(text) {
        Some(suggestion) => ErrorKind::LeadingZeros {
            text: text.to_string(),
            suggestion,
        },
        None => ErrorKind::NotAnAddress { text: text.to_string() },
    }
}

/// `010.0.0.1` → `10.0.0.1`: the decimal reading of a dotted quad that std
/// refused only because an octet has a leading zero.
fn without_leading_zeros(text: &str) -> Option<String> {
    let octets: Vec<&str> = text.split('.').collect();
    if octets.len() != 4 || !octets.iter().any(|octet| octet.len() > 1 && octet.starts_with('0')) {
        return None;
    }
    let mut values = [0u8; 4];
    for (value, octet) in values.iter_mut().zip(&octets) {
        if octet.is_empty() || !octet.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *value = octet.parse().ok()?;
    }
    Some(Ipv4Addr::from(values).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(text: &str) -> Address {
        Address::parse(text).unwrap()
    }

    fn message(text: &str) -> String {
        Address::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_both_versions_and_trims() {
        let a = addr("  79.133.56.10\t");
        assert_eq!(a.version(), IpVersion::V4);
        assert_eq!(a.value(), 0x4f85_380a);
        let b = addr("\n2001:DB8::1 ");
        assert_eq!(b.version(), IpVersion::V6);
        assert_eq!(b.value(), 0x2001_0db8_0000_0000_0000_0000_0000_0001);
        assert_eq!("10.0.0.1".parse::<Address>().unwrap(), addr("10.0.0.1"));
    }

    #[test]
    fn refuses_bad_text_with_reasons() {
        assert_eq!(message(""), "Enter an IP address.");
        assert_eq!(message("   "), "Enter an IP address.");
        assert_eq!(message("79.133.56.x"), "\"79.133.56.x\" is not an IP address");
        assert_eq!(message("10.0.0.0/24"), "\"10.0.0.0/24\" is not an IP address");
        assert_eq!(message("[::1]"), "\"[::1]\" is not an IP address");
        assert_eq!(message("1.2.3.4.5"), "\"1.2.3.4.5\" is not an IP address");
        assert_eq!(message("256.0.0.1"), "\"256.0.0.1\" is not an IP address");
        assert_eq!(
            message("fe80::1%eth0"),
            "\"fe80::1%eth0\" has a zone index (the part from %); enter the address without it"
        );
        assert_eq!(message("10.0.0.1%eth0"), "\"10.0.0.1%eth0\" is not an IP address");
        assert_eq!(
            message("010.0.0.1"),
            "\"010.0.0.1\" has leading zeros, which some systems read as octal; write 10.0.0.1"
        );
        assert_eq!(
            message("192.168.001.020"),
            "\"192.168.001.020\" has leading zeros, which some systems read as octal; write 192.168.1.20"
        );
        assert_eq!(message("010.0.0.256"), "\"010.0.0.256\" is not an IP address");
        assert_eq!(message("010.0.+0.1"), "\"010.0.+0.1\" is not an IP address");
        assert_eq!(message("010..0.1"), "\"010..0.1\" is not an IP address");
    }

    #[test]
    fn canonical_text_is_rfc_5952() {
        let cases = [
            ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("::FFFF:10.0.0.1", "::ffff:10.0.0.1"),
            ("79.133.56.10", "79.133.56.10"),
        ];
        for (input, canonical) in cases {
            assert_eq!(addr(input).canonical(), canonical, "{input}");
            assert_eq!(addr(input).to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn binary_form_is_4_or_16_bytes_big_endian() {
        assert_eq!(addr("79.133.56.10").to_bin(), vec![79, 133, 56, 10]);
        let v6 = addr("2001:db8::1").to_bin();
        assert_eq!(v6.len(), 16);
        assert_eq!(&v6[..4], &[0x20, 0x01, 0x0d, 0xb8]);
        assert_eq!(v6[15], 1);
        assert_eq!(Address::from_bin(&[79, 133, 56, 10]), Some(addr("79.133.56.10")));
        assert_eq!(Address::from_bin(&v6), Some(addr("2001:db8::1")));
        assert_eq!(Address::from_bin(&[]), None);
        assert_eq!(Address::from_bin(&[1, 2, 3]), None);
        assert_eq!(Address::from_bin(&[0; 8]), None);
    }

    #[test]
    fn arithmetic_stays_inside_the_version() {
        let top4 = Address::max_value(IpVersion::V4);
        assert_eq!(top4, addr("255.255.255.255"));
        assert_eq!(top4.checked_add(1), None);
        assert_eq!(addr("255.255.255.254").checked_add(1), Some(top4));
        assert_eq!(addr("0.0.0.0").checked_sub(1), None);
        assert_eq!(addr("10.0.1.0").checked_sub(1), Some(addr("10.0.0.255")));
        let top6 = Address::max_value(IpVersion::V6);
        assert_eq!(top6.canonical(), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assert_eq!(top6.checked_add(1), None);
        assert_eq!(addr("::").checked_sub(1), None);
        assert_eq!(Address::new(IpVersion::V4, 1 << 32), None);
        assert_eq!(
            Address::new(IpVersion::V6, 1 << 32).map(Address::canonical),
            Some("::1:0:0".into())
        );
    }

    #[test]
    fn orders_by_version_then_value() {
        assert!(addr("255.255.255.255") < addr("::"));
        assert!(addr("10.0.0.2") < addr("10.0.0.10"));
        assert!(addr("2001:db8::2") < addr("2001:db8::10"));
    }

    #[test]
    fn ip_round_trip() {
        for text in ["0.0.0.0", "79.133.56.10", "::", "2001:db8::1"] {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(Address::from_ip(ip).to_ip(), ip);
        }
    }

    fn any_address() -> impl Strategy<Value = Address> {
        prop_oneof![
            any::<u32>().prop_map(|v| Address::from_ip(IpAddr::V4(Ipv4Addr::from(v)))),
            any::<u128>().prop_map(|v| Address::from_ip(IpAddr::V6(Ipv6Addr::from(v)))),
        ]
    }

    proptest! {
        #[test]
        fn canonical_text_and_bin_round_trip(a in any_address()) {
            prop_assert_eq!(Address::parse(&a.canonical()).unwrap(), a);
            prop_assert_eq!(Address::from_bin(&a.to_bin()), Some(a));
        }

        #[test]
        fn bin_order_is_address_order_within_a_version(a in any_address(), b in any::<u128>()) {
            let b = Address::new(a.version(), b & Address::max_value(a.version()).value()).unwrap();
            prop_assert_eq!(a.to_bin().cmp(&b.to_bin()), a.cmp(&b));
        }

        #[test]
        fn add_then_sub_is_identity(a in any_address(), n in any::<u32>()) {
            if let Some(b) = a.checked_add(u128::from(n)) {
                prop_assert_eq!(b.checked_sub(u128::from(n)), Some(a));
            }
        }
    }
}
