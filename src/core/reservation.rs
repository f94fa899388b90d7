//! Which addresses of a subnet are never handed out, and why.

use std::str::FromStr;

use ipnet::IpNet;

use super::address::{Address, IpVersion};
use super::error::{CoreError, ErrorKind};
use super::range::{AddressRange, RangeSet};

/// Why an address is reserved; stored in the database by `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReservationKind {
    /// IPv4: the network address. IPv6: the subnet-router anycast address.
    Network,
    Broadcast,
    Gateway,
    /// An excluded address or a reservation rule.
    Custom,
}

impl ReservationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationKind::Network => "network",
            ReservationKind::Broadcast => "broadcast",
            ReservationKind::Gateway => "gateway",
            ReservationKind::Custom => "custom",
        }
    }

    /// The reason as a page shows it.
    pub fn describe(self, version: IpVersion) -> &'static str {
        match (self, version) {
            (ReservationKind::Network, IpVersion::V4) => "network address",
            (ReservationKind::Network, IpVersion::V6) => "subnet-router anycast address",
            (ReservationKind::Broadcast, _) => "broadcast address",
            (ReservationKind::Gateway, _) => "gateway",
            (ReservationKind::Custom, _) => "reserved range",
        }
    }
}

impl FromStr for ReservationKind {
    type Err = CoreError;

    fn from_str(text: &str) -> Result<Self, CoreError> {
        match text {
            "network" => Ok(ReservationKind::Network),
            "broadcast" => Ok(ReservationKind::Broadcast),
            "gateway" => Ok(ReservationKind::Gateway),
            "custom" => Ok(ReservationKind::Custom),
            other => Err(ErrorKind::UnknownReservationKind {
                text: other.to_string(),
            }
            .into()),
        }
    }
}

/// What a subnet reserves, as its settings say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationPolicy {
    /// IPv4: reserve the network address. IPv6: reserve the subnet-router
    /// anycast address (`prefix::`, RFC 4291 §2.6.1).
    pub network: bool,
    /// IPv4 only; IPv6 has no broadcast.
    pub broadcast: bool,
    /// Reserved when set (and inside the subnet).
    pub gateway: Option<Address>,
    /// Excluded addresses and reservation rules; clipped to the subnet.
    pub custom: RangeSet,
}

impl ReservationPolicy {
    /// What a new subnet starts with: IPv4 reserves network and broadcast,
    /// IPv6 reserves its subnet-router anycast address.
    pub fn default_for(version: IpVersion) -> Self {
        ReservationPolicy {
            network: true,
            broadcast: version == IpVersion::V4,
            gateway: None,
            custom: RangeSet::new(),
        }
    }
}

/// The network (or anycast) and broadcast addresses the subnet has at all.
/// IPv4 /31 and /32 have neither (RFC 3021: every address is a host); IPv6
/// /127 (RFC 6164) and /128 have no anycast address, and IPv6 never has a
/// broadcast address.
fn special_addresses(network: &IpNet) -> (Option<Address>, Option<Address>) {
    let first = Address::from_ip(network.network());
    let last = Address::from_ip(network.broadcast());
    match network {
        IpNet::V4(v4) if v4.prefix_len() <= 30 => (Some(first), Some(last)),
        IpNet::V6(v6) if v6.prefix_len() <= 126 => (Some(first), None),
        _ => (None, None),
    }
}

/// Every address of `network` the policy keeps from allocation.
pub fn reserved_set(network: &IpNet, policy: &ReservationPolicy) -> RangeSet {
    let subnet = AddressRange::from_network(network);
    let (network_address, broadcast) = special_addresses(network);
    let singles = [
        network_address.filter(|_| policy.network),
        broadcast.filter(|_| policy.broadcast),
        policy.gateway.filter(|gateway| subnet.contains(*gateway)),
    ];
    singles
        .into_iter()
        .flatten()
        .map(AddressRange::single)
        .chain(policy.custom.iter().filter_map(|range| range.intersection(subnet)))
        .collect()
}

/// Why `address` is reserved in `network`, or `None` when it is not; where
/// several reasons apply, the first of network, broadcast, gateway, custom.
pub fn reservation_reason(network: &IpNet, policy: &ReservationPolicy, address: Address) -> Option<ReservationKind> {
    let subnet = AddressRange::from_network(network);
    if !subnet.contains(address) {
        return None;
    }
    let (network_address, broadcast) = special_addresses(network);
    if policy.network && network_address == Some(address) {
        Some(ReservationKind::Network)
    } else if policy.broadcast && broadcast == Some(address) {
        Some(ReservationKind::Broadcast)
    } else if policy.gateway == Some(address) {
        Some(ReservationKind::Gateway)
    } else if policy.custom.contains(address) {
        Some(ReservationKind::Custom)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    fn addr(text: &str) -> Address {
        Address::parse(text).unwrap()
    }

    fn reserved(network: &str, policy: &ReservationPolicy) -> Vec<String> {
        reserved_set(&net(network), policy)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    fn v4() -> ReservationPolicy {
        ReservationPolicy::default_for(IpVersion::V4)
    }

    fn v6() -> ReservationPolicy {
        ReservationPolicy::default_for(IpVersion::V6)
    }

    #[test]
    fn kinds_round_trip_through_the_database_text() {
        for kind in [
            ReservationKind::Network,
            ReservationKind::Broadcast,
            ReservationKind::Gateway,
            ReservationKind::Custom,
        ] {
            assert_eq!(kind.as_str().parse::<ReservationKind>(), Ok(kind));
        }
        assert_eq!(
            "Network".parse::<ReservationKind>().unwrap_err().to_string(),
            "\"Network\" is not a reservation kind (network, broadcast, gateway or custom)"
        );
    }

    #[test]
    fn ipv4_reserves_network_and_broadcast_when_chosen() {
        assert_eq!(reserved("79.133.56.0/24", &v4()), ["79.133.56.0", "79.133.56.255"]);
        assert_eq!(reserved("79.133.56.0/30", &v4()), ["79.133.56.0", "79.133.56.3"]);
        let none = ReservationPolicy {
            network: false,
            broadcast: false,
            ..v4()
        };
        assert!(reserved("79.133.56.0/24", &none).is_empty());
        let only_broadcast = ReservationPolicy { network: false, ..v4() };
        assert_eq!(reserved("79.133.56.0/24", &only_broadcast), ["79.133.56.255"]);
    }

    #[test]
    fn ipv4_point_to_point_and_host_routes_reserve_nothing() {
        assert!(reserved("79.133.56.6/31", &v4()).is_empty());
        assert!(reserved("79.133.56.7/32", &v4()).is_empty());
        let with_gateway = ReservationPolicy {
            gateway: Some(addr("79.133.56.6")),
            ..v4()
        };
        assert_eq!(reserved("79.133.56.6/31", &with_gateway), ["79.133.56.6"]);
    }

    #[test]
    fn ipv6_reserves_the_subnet_router_anycast_address() {
        assert_eq!(reserved("2001:db8::/64", &v6()), ["2001:db8::"]);
        assert_eq!(reserved("2001:db8::/126", &v6()), ["2001:db8::"]);
        assert!(reserved("2001:db8::/127", &v6()).is_empty());
        assert!(reserved("2001:db8::1/128", &v6()).is_empty());
        let broadcast_asked = ReservationPolicy {
            broadcast: true,
            ..v6()
        };
        assert_eq!(reserved("2001:db8::/64", &broadcast_asked), ["2001:db8::"]);
        let anycast_off = ReservationPolicy { network: false, ..v6() };
        assert!(reserved("2001:db8::/64", &anycast_off).is_empty());
    }

    #[test]
    fn gateway_and_custom_ranges_merge_and_are_clipped() {
        let policy = ReservationPolicy {
            gateway: Some(addr("79.133.56.1")),
            custom: ["79.133.56.2-79.133.56.9", "79.133.56.250-79.133.57.10", "10.0.0.1"]
                .iter()
                .map(|text| AddressRange::parse(text).unwrap())
                .collect(),
            ..v4()
        };
        assert_eq!(
            reserved("79.133.56.0/24", &policy),
            ["79.133.56.0-79.133.56.9", "79.133.56.250-79.133.56.255"]
        );
        let outside_gateway = ReservationPolicy {
            gateway: Some(addr("10.0.0.1")),
            ..v4()
        };
        assert_eq!(
            reserved("79.133.56.0/24", &outside_gateway),
            ["79.133.56.0", "79.133.56.255"]
        );
    }

    #[test]
    fn explains_why_an_address_is_reserved() {
        let subnet = net("79.133.56.0/24");
        let policy = ReservationPolicy {
            gateway: Some(addr("79.133.56.1")),
            custom: std::iter::once(AddressRange::parse("79.133.56.10-79.133.56.20").unwrap()).collect(),
            ..v4()
        };
        let reason =
            |text: &str| reservation_reason(&subnet, &policy, addr(text)).map(|kind| kind.describe(IpVersion::V4));
        assert_eq!(reason("79.133.56.0"), Some("network address"));
        assert_eq!(reason("79.133.56.255"), Some("broadcast address"));
        assert_eq!(reason("79.133.56.1"), Some("gateway"));
        assert_eq!(reason("79.133.56.15"), Some("reserved range"));
        assert_eq!(reason("79.133.56.2"), None);
        assert_eq!(reason("79.133.57.0"), None);
        let point_to_point = net("79.133.56.6/31");
        assert_eq!(reservation_reason(&point_to_point, &v4(), addr("79.133.56.6")), None);
        let v6_subnet = net("2001:db8::/64");
        let anycast = reservation_reason(&v6_subnet, &v6(), addr("2001:db8::"));
        assert_eq!(
            anycast.map(|kind| kind.describe(IpVersion::V6)),
            Some("subnet-router anycast address")
        );
        assert_eq!(
            reservation_reason(&net("2001:db8::/127"), &v6(), addr("2001:db8::")),
            None
        );
    }

    #[test]
    fn reasons_agree_with_the_reserved_set() {
        let subnet = net("79.133.56.0/28");
        let policy = ReservationPolicy {
            gateway: Some(addr("79.133.56.14")),
            custom: std::iter::once(AddressRange::parse("79.133.56.3-79.133.56.5").unwrap()).collect(),
            ..v4()
        };
        let set = reserved_set(&subnet, &policy);
        for last_octet in 0..16u8 {
            let address = Address::parse(&format!("79.133.56.{last_octet}")).unwrap();
            assert_eq!(
                set.contains(address),
                reservation_reason(&subnet, &policy, address).is_some()
            );
        }
    }
}
