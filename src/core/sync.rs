//! Synchronize (guide §10), the decision for each address WHMCS holds,
//! without I/O: what IP Manager already knows about the address decides
//! whether it is correct, assigned now, created, skipped or a conflict.

use std::collections::HashMap;

use ipnet::IpNet;

use super::address::Address;

/// What IP Manager holds for an address a service has in WHMCS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// A row assigned to this service.
    AssignedHere,
    /// A row assigned to another service.
    AssignedElsewhere(u32),
    /// A row that may be handed out (free, or a cooldown that ended).
    Available(u64),
    /// A row that may not: reserved, in cooldown, being released.
    Unavailable(&'static str),
    /// No row; the address lies in this on-demand subnet and is not reserved.
    Missing { subnet_id: u32 },
    /// No row, and a reservation of its subnet covers it.
    Reserved,
    /// Inside no subnet IP Manager manages.
    Unmanaged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Correct,
    /// An existing free row is assigned to the service.
    Synced(u64),
    /// A row is created in the subnet and assigned.
    Created { subnet_id: u32 },
    Skipped(&'static str),
    Conflict(u32),
}

pub fn decide(known: Known) -> Outcome {
    match known {
        Known::AssignedHere => Outcome::Correct,
        Known::AssignedElsewhere(service) => Outcome::Conflict(service),
        Known::Available(row) => Outcome::Synced(row),
        Known::Unavailable(why) => Outcome::Skipped(why),
        Known::Missing { subnet_id } => Outcome::Created { subnet_id },
        Known::Reserved => Outcome::Skipped("reserved in IP Manager"),
        Known::Unmanaged => Outcome::Skipped("no matching subnet"),
    }
}

/// Finds the most specific subnet holding an address with one hash lookup
/// per prefix length in use, so 100,000 addresses cost milliseconds.
#[derive(Debug, Default)]
pub struct SubnetIndex {
    by_prefix: HashMap<(u8, u8, u128), u32>,
    /// Prefix lengths present, longest first, per bit width.
    lengths: HashMap<u8, Vec<u8>>,
}

impl SubnetIndex {
    pub fn new(subnets: impl IntoIterator<Item = (u32, IpNet)>) -> Self {
        let mut index = SubnetIndex::default();
        for (id, network) in subnets {
            let address = Address::from_ip(network.network());
            let bits = address.version().bits();
            index.by_prefix.insert((bits, network.prefix_len(), address.value()), id);
            let lengths = index.lengths.entry(bits).or_default();
            if !lengths.contains(&network.prefix_len()) {
                lengths.push(network.prefix_len());
                lengths.sort_unstable_by(|a, b| b.cmp(a));
            }
        }
        index
    }

    pub fn containing(&self, address: Address) -> Option<u32> {
        let bits = address.version().bits();
        self.lengths.get(&bits)?.iter().find_map(|&length| {
            let host_bits = u32::from(bits - length);
            let masked = address.value().checked_shr(host_bits).map_or(0, |v| v.checked_shl(host_bits).unwrap_or(0));
            self.by_prefix.get(&(bits, length, masked)).copied()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    #[test]
    fn every_case_of_the_guide_has_its_outcome() {
        assert_eq!(decide(Known::AssignedHere), Outcome::Correct);
        assert_eq!(decide(Known::AssignedElsewhere(9)), Outcome::Conflict(9));
        assert_eq!(decide(Known::Available(4)), Outcome::Synced(4));
        assert_eq!(decide(Known::Missing { subnet_id: 2 }), Outcome::Created { subnet_id: 2 });
        assert_eq!(decide(Known::Reserved), Outcome::Skipped("reserved in IP Manager"));
        assert_eq!(decide(Known::Unmanaged), Outcome::Skipped("no matching subnet"));
        assert_eq!(decide(Known::Unavailable("in cooldown")), Outcome::Skipped("in cooldown"));
    }

    #[test]
    fn the_most_specific_subnet_wins() {
        let index = SubnetIndex::new([(1, net("10.0.0.0/16")), (2, net("10.0.1.0/24")), (3, net("2001:db8::/32")), (4, net("2001:db8:1::/48"))]);
        let at = |text: &str| index.containing(Address::parse(text).unwrap());
        assert_eq!(at("10.0.1.7"), Some(2));
        assert_eq!(at("10.0.2.7"), Some(1));
        assert_eq!(at("10.1.0.1"), None);
        assert_eq!(at("2001:db8:1::5"), Some(4));
        assert_eq!(at("2001:db8:2::5"), Some(3));
        assert_eq!(at("2001:db9::1"), None);
        assert_eq!(SubnetIndex::new([]).containing(Address::parse("192.0.2.1").unwrap()), None);
    }

    #[test]
    fn host_routes_and_whole_v4_octets_are_found() {
        let index = SubnetIndex::new([(1, net("192.0.2.5/32")), (2, net("192.0.2.0/24")), (3, net("10.0.0.0/8"))]);
        assert_eq!(index.containing(Address::parse("192.0.2.5").unwrap()), Some(1));
        assert_eq!(index.containing(Address::parse("192.0.2.6").unwrap()), Some(2));
        assert_eq!(index.containing(Address::parse("10.255.255.255").unwrap()), Some(3));
    }
}
