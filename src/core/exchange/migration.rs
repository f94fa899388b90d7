//! What the readers of other tools' exports share: subnets made the way the
//! subnet form makes them, nested by containment (other tools nest prefixes
//! by what contains what, not by a parent id), and notes built from the
//! other tool's free text.

use std::collections::BTreeMap;

use ipnet::IpNet;

use super::model::{ExportSubnet, ReservationRule};
use super::problem::Origin;
use crate::core::address::{Address, IpVersion};

/// A subnet with the reservations a new subnet starts with
/// (`ReservationPolicy::default_for`): network and broadcast for IPv4, the
/// subnet-router anycast address for IPv6.
pub(super) fn new_subnet(id: u32, name: String, cidr: IpNet, description: String) -> ExportSubnet {
    let reservation_rules = match IpVersion::of_network(&cidr) {
        IpVersion::V4 => vec![ReservationRule::Network, ReservationRule::Broadcast],
        IpVersion::V6 => vec![ReservationRule::Network],
    };
    ExportSubnet {
        id,
        parent_id: 0,
        name,
        cidr,
        gateway: None,
        excluded_ips: Vec::new(),
        reservation_rules,
        store_free_ips: false,
        description,
        custom_fields: BTreeMap::new(),
    }
}

/// Sets each subnet's `parent_id` to the smallest other subnet of the list
/// that contains it. A repeated network gets the parent of its first
/// occurrence, and children go under that first one, so the plan reports
/// the repeat and skipping it loses nothing else.
pub(super) fn nest(subnets: &mut [(Origin, ExportSubnet)]) {
    let mut order: Vec<usize> = (0..subnets.len()).collect();
    order.sort_by_key(|&index| {
        let cidr = subnets[index].1.cidr;
        (Address::from_ip(cidr.network()), cidr.prefix_len(), index)
    });
    let mut enclosing: Vec<usize> = Vec::new();
    for index in order {
        let cidr = subnets[index].1.cidr;
        while let Some(&outer) = enclosing.last() {
            if subnets[outer].1.cidr.contains(&cidr) {
                break;
            }
            enclosing.pop();
        }
        match enclosing.last() {
            Some(&same) if subnets[same].1.cidr == cidr => subnets[index].1.parent_id = subnets[same].1.parent_id,
            Some(&outer) => {
                subnets[index].1.parent_id = subnets[outer].1.id;
                enclosing.push(index);
            }
            None => {
                subnets[index].1.parent_id = 0;
                enclosing.push(index);
            }
        }
    }
}

/// The non-empty parts joined by `; `.
pub(super) fn joined(parts: &[&str]) -> String {
    parts.iter().map(|part| part.trim()).filter(|part| !part.is_empty()).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subnets(cidrs: &[&str]) -> Vec<(Origin, ExportSubnet)> {
        let made = cidrs.iter().zip(1..).map(|(cidr, id)| {
            (Origin::Line(u64::from(id)), new_subnet(id, String::new(), cidr.parse().unwrap(), String::new()))
        });
        made.collect()
    }

    #[test]
    fn nests_by_containment_whatever_the_order() {
        let mut list = subnets(&[
            "10.0.1.0/24",
            "10.0.0.0/16",
            "2001:db8::/32",
            "10.0.1.128/25",
            "10.1.0.0/16",
            "2001:db8:1::/48",
        ]);
        nest(&mut list);
        let parents: Vec<u32> = list.iter().map(|(_, subnet)| subnet.parent_id).collect();
        assert_eq!(parents, [2, 0, 0, 1, 0, 3]);
    }

    #[test]
    fn repeats_share_the_first_ones_parent_and_children() {
        let mut list = subnets(&["10.0.0.0/16", "10.0.1.0/24", "10.0.1.0/24", "10.0.1.5/32"]);
        nest(&mut list);
        let parents: Vec<u32> = list.iter().map(|(_, subnet)| subnet.parent_id).collect();
        assert_eq!(parents, [0, 1, 1, 2]);
    }

    #[test]
    fn new_subnets_reserve_like_the_form() {
        let v4 = new_subnet(1, "a".into(), "10.0.0.0/24".parse().unwrap(), String::new());
        assert_eq!(v4.reservation_rules, [ReservationRule::Network, ReservationRule::Broadcast]);
        let v6 = new_subnet(2, "b".into(), "2001:db8::/64".parse().unwrap(), String::new());
        assert_eq!(v6.reservation_rules, [ReservationRule::Network]);
        assert_eq!(joined(&[" a ", "", "b"]), "a; b");
    }
}
