//! Addresses inside their subnet and pool, each listed once.

use std::collections::HashMap;

use ipnet::IpNet;

use super::{Checker, Fate, Fates, Planned};
use crate::core::address::IpVersion;
use crate::core::error::{CoreError, ErrorKind};
use crate::core::exchange::model::{ExportAddress, ExportPool, ExportSubnet};
use crate::core::exchange::problem::{Origin, ProblemKind};
use crate::core::exchange::record::column::*;
use crate::core::range::AddressRange;

impl Checker {
    /// Addresses inside their planned subnet (and pool); a repeat of an
    /// address in the same subnet is left out.
    pub(in crate::core::exchange) fn addresses(
        &mut self,
        addresses: Vec<(Origin, ExportAddress)>,
        subnets: (&Planned<ExportSubnet>, &Fates),
        pools: (&Planned<ExportPool>, &Fates),
    ) -> Vec<ExportAddress> {
        let mut kept: Vec<(Origin, ExportAddress)> = Vec::with_capacity(addresses.len());
        for (origin, address) in addresses {
            let Some(Fate::Planned(subnet)) = self.owner(subnets.1, address.subnet_id, origin, "the address's subnet")
            else {
                continue;
            };
            let pool_range = match address.pool_id {
                0 => None,
                pool_id => match self.follow(pools.1, pool_id, "pool", origin, POOL_ID) {
                    Some(Fate::Planned(pool)) => {
                        let pool = &pools.0[pool].1;
                        if pool.subnet_id != address.subnet_id {
                            self.error(
                                origin,
                                POOL_ID,
                                format!(
                                    "The pool with id {pool_id} belongs to subnet {}, not to subnet {}.",
                                    pool.subnet_id, address.subnet_id
                                ),
                            );
                            continue;
                        }
                        pool.range
                    }
                    _ => continue,
                },
            };
            if let Err(message) = inside(&address, &subnets.0[subnet].1.cidr, pool_range) {
                self.error(origin, IP, message);
                continue;
            }
            kept.push((origin, address));
        }
        self.without_repeats(kept)
    }

    /// Keeps the first of the addresses that share subnet and address, in
    /// file order. Sorting indexes instead of hashing keeps the extra memory
    /// small for a million addresses.
    fn without_repeats(&mut self, addresses: Vec<(Origin, ExportAddress)>) -> Vec<ExportAddress> {
        let key = |index: usize| (addresses[index].1.subnet_id, addresses[index].1.ip);
        let mut order: Vec<usize> = (0..addresses.len()).collect();
        order.sort_unstable_by_key(|&index| (key(index), index));
        let mut first_of: HashMap<usize, Origin> = HashMap::new();
        let mut keeper = None;
        for &index in &order {
            match keeper {
                Some(first) if key(first) == key(index) => {
                    first_of.insert(index, addresses[first].0);
                }
                _ => keeper = Some(index),
            }
        }
        let mut kept = Vec::with_capacity(addresses.len() - first_of.len());
        for (index, (origin, address)) in addresses.into_iter().enumerate() {
            match first_of.get(&index) {
                None => kept.push(address),
                Some(first) => self.problems.push(origin.problem(
                    ProblemKind::Skippable,
                    Some(IP),
                    format!(
                        "{} is already listed in subnet {} ({}); skipping keeps the first",
                        address.ip,
                        address.subnet_id,
                        first.describe()
                    ),
                )),
            }
        }
        kept
    }
}

/// The address (or delegated prefix) lies in the subnet and, if it has one,
/// in its pool's range; the message is the core's where the core has one.
fn inside(address: &ExportAddress, cidr: &IpNet, pool_range: Option<AddressRange>) -> Result<(), String> {
    let text = if address.prefix_length == address.ip.version().bits() {
        address.ip.to_string()
    } else {
        format!("{}/{}", address.ip, address.prefix_length)
    };
    if address.ip.version() != IpVersion::of_network(cidr) {
        let kind = ErrorKind::WrongVersion { text, version: address.ip.version(), network: *cidr };
        return Err(CoreError::new(kind).to_string());
    }
    let covered = IpNet::new(address.ip.to_ip(), address.prefix_length)
        .map(|network| AddressRange::from_network(&network))
        .map_err(|_| format!("/{} is not a prefix length of {text}", address.prefix_length))?;
    if !cidr.contains(&address.ip.to_ip()) || covered.last() > AddressRange::from_network(cidr).last() {
        return Err(CoreError::new(ErrorKind::Outside { text, network: *cidr }).to_string());
    }
    match pool_range {
        Some(range) if !(range.contains(covered.first()) && range.contains(covered.last())) => {
            Err(format!("\"{text}\" is outside its pool's range {range}"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::core::exchange::check::tests::plan;

    #[test]
    fn pools_and_addresses_stay_inside_their_subnet() {
        let (_, problems) = plan(
            "subnet,1,0,,,,,10.0.0.0/24,,,,,,,,\n\
             subnet,2,0,,,,,2001:db8::/48,,,,,,,,\n\
             pool,1,,1,,,,,,,10.0.0.10,10.0.1.5,,,,\n\
             pool,2,,1,,,,,,,10.0.0.10,10.0.0.20,,,,\n\
             pool,3,,2,,,,,,,,,,,40,\n\
             address,,,1,2,,,,10.0.0.30,free,,,,,,\n\
             address,,,2,2,,,,2001:db8::1,free,,,,,,\n\
             address,,,1,,,,,2001:db8::1,free,,,,,,\n\
             address,,,2,,,,,2001:db8:1::/56,free,,,,,,\n\
             relation,,,2,2,9,,,,,,,product,3,,\n\
             configuration,9,,,,,,,,,,,,,,\n\
             subnet,1,0,,,,,10.9.0.0/24,,,,,,,,\n",
        );
        assert_eq!(
            problems,
            [
                "Line 13, id: Another subnet in this file already has id 1.",
                "Line 4, end_ip: \"10.0.1.5\" is outside 10.0.0.0/24",
                "Line 6, delegation_prefix_length: A /40 cannot be delegated from 2001:db8::/48; choose a prefix \
                 length from /48 to /128",
                "Line 7, ip: \"10.0.0.30\" is outside its pool's range 10.0.0.10-10.0.0.20",
                "Line 8, pool_id: The pool with id 2 belongs to subnet 1, not to subnet 2.",
                "Line 9, ip: \"2001:db8::1\" is IPv6 but 10.0.0.0/24 is IPv4",
                "Line 10, ip: \"2001:db8:1::/56\" is outside 2001:db8::/48",
                "Line 11, pool_id: The pool with id 2 belongs to subnet 1, not to subnet 2.",
            ]
        );
    }
}
