//! Allocation planning: the lowest free address (or aligned prefix) of a range,
//! found from the gaps between used entries, jumping over used and blocked
//! ranges arithmetically. Cost is O(entries × log blocked ranges), never
//! O(addresses), so a /48 with 100,000 used addresses is as quick as a /24.
//!
//! # Contract with the database layer
//!
//! The store streams the used entries of a range (every row whose status is
//! not `free`; a single address as a one-address range, a delegated prefix as
//! its whole range) ascending by first address, one chunk per query, and calls
//! [`lowest_free`] (or [`lowest_free_prefix`]) once per chunk. The blocked set
//! is the subnet's `reserved_set` (and, for a pool, its own rules):
//!
//! ```text
//! let mut rest = range;
//! loop {
//!     // first address in rest.first()..=rest.last(), ascending, LIMIT page
//!     let chunk = store.used_entries(rest.first(), rest.last(), page);
//!     match lowest_free(rest, &blocked, &chunk) {
//!         Scan::Found(address) => break Some(address),
//!         Scan::Exhausted => break None,
//!         Scan::Continue { rest: next } => rest = next,
//!     }
//! }
//! ```
//!
//! - An empty chunk means "no more used entries"; only then is the space
//!   after the last entry searched. A non-empty chunk without a gap returns
//!   `Continue`, whose `rest.first()` is past every entry of the chunk, so each
//!   query returns new rows and the loop ends.
//! - Paging on `first address >= rest.first()` is exact because used entries
//!   are single addresses and aligned prefixes: any two are disjoint or nested.
//!   An entry not yet fetched that starts before `rest.first()` lies inside one
//!   already seen. (Entries that overlap partially are handled within a
//!   chunk, not across chunks.)
//! - The first chunk must also include any used entry that starts before
//!   `range.first()` and reaches into the range (a delegated prefix covering
//!   the start of a pool); entries outside the range or of the other IP version
//!   are ignored.

use std::convert::Infallible;
use std::fmt;

use ipnet::IpNet;

use super::address::Address;
use super::error::{field, CoreError, ErrorKind};
use super::range::{AddressRange, RangeSet};

/// The outcome of searching one chunk of used entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan<T> {
    /// The lowest free address or prefix of the range.
    Found(T),
    /// Nothing free up to the end of this chunk: fetch the next chunk of used
    /// entries starting at `rest.first()` and search `rest`.
    Continue { rest: AddressRange },
    /// Nothing in the range is free.
    Exhausted,
}

impl<T> Scan<T> {
    pub fn map<U>(self, found: impl FnOnce(T) -> U) -> Scan<U> {
        match self {
            Scan::Found(value) => Scan::Found(found(value)),
            Scan::Continue { rest } => Scan::Continue { rest },
            Scan::Exhausted => Scan::Exhausted,
        }
    }
}

/// Searches one chunk of used entries (ascending by first address) for the
/// lowest address of `range` that is neither blocked nor used. See the module
/// documentation for how chunks are fed.
pub fn lowest_free(range: AddressRange, blocked: &RangeSet, used: &[AddressRange]) -> Scan<Address> {
    scan(range, 0, blocked, used).map(AddressRange::first)
}

/// Checks the length of prefixes to delegate from `range` (a pool or subnet):
/// from the longest prefix covering the range to the address width. Check it
/// once, when the length is configured or requested; the error belongs to the
/// `prefix_len` field.
pub fn validate_delegation(range: AddressRange, prefix_len: u8) -> Result<(), CoreError> {
    if prefix_len < range.covering_prefix_len() || prefix_len > range.version().bits() {
        return Err(delegation_error(range, prefix_len));
    }
    Ok(())
}

fn delegation_error(range: AddressRange, prefix_len: u8) -> CoreError {
    let from = range
        .as_network()
        .map_or_else(|| range.to_string(), |network| network.to_string());
    CoreError::new(ErrorKind::DelegationLength {
        requested: prefix_len,
        from,
        shortest: range.covering_prefix_len(),
        longest: range.version().bits(),
    })
    .in_field(field::PREFIX_LEN)
}

/// Like [`lowest_free`], for the lowest aligned prefix of `prefix_len` inside
/// `range` that touches no blocked and no used address (IPv6 prefix
/// delegation, e.g. /64s from a /48). Validate the length first with
/// [`validate_delegation`] against the whole pool: here `range` may be the
/// `rest` of an earlier step, so only the address width is checked, and a
/// prefix too large for what is left is simply not found.
pub fn lowest_free_prefix(
    range: AddressRange,
    prefix_len: u8,
    blocked: &RangeSet,
    used: &[AddressRange],
) -> Result<Scan<IpNet>, CoreError> {
    let host_bits = range
        .version()
        .bits()
        .checked_sub(prefix_len)
        .ok_or_else(|| delegation_error(range, prefix_len))?;
    let host_mask = u128::MAX.checked_shr(u32::from(128 - host_bits)).unwrap_or(0);
    match scan(range, host_mask, blocked, used) {
        Scan::Found(block) => IpNet::new(block.first().to_ip(), prefix_len)
            .map(Scan::Found)
            .map_err(|_| delegation_error(range, prefix_len)),
        Scan::Continue { rest } => Ok(Scan::Continue { rest }),
        Scan::Exhausted => Ok(Scan::Exhausted),
    }
}

/// Runs the [`lowest_free`] loop over entries held in memory (sorted by first
/// address), `chunk_len` at a time, as the store does with queries.
pub fn plan_lowest_free(
    range: AddressRange,
    blocked: &RangeSet,
    used_sorted: &[AddressRange],
    chunk_len: usize,
) -> Option<Address> {
    let planned = run_plan(range, used_sorted, chunk_len, |rest, chunk| {
        Ok::<_, Infallible>(lowest_free(rest, blocked, chunk))
    });
    match planned {
        Ok(found) => found,
        Err(never) => match never {},
    }
}

/// Validates the length, then runs the [`lowest_free_prefix`] loop over
/// entries held in memory.
pub fn plan_lowest_free_prefix(
    range: AddressRange,
    prefix_len: u8,
    blocked: &RangeSet,
    used_sorted: &[AddressRange],
    chunk_len: usize,
) -> Result<Option<IpNet>, CoreError> {
    validate_delegation(range, prefix_len)?;
    run_plan(range, used_sorted, chunk_len, |rest, chunk| {
        lowest_free_prefix(rest, prefix_len, blocked, chunk)
    })
}

/// The caller's side of the contract, over a slice: chunks of entries whose
/// first address lies in what is left of the range, the first chunk led by
/// the entries that start before the range and reach into it.
fn run_plan<T, E>(
    range: AddressRange,
    used_sorted: &[AddressRange],
    chunk_len: usize,
    mut step: impl FnMut(AddressRange, &[AddressRange]) -> Result<Scan<T>, E>,
) -> Result<Option<T>, E> {
    let mut chunk: Vec<AddressRange> = used_sorted
        .iter()
        .copied()
        .filter(|entry| entry.first() < range.first() && entry.last() >= range.first())
        .collect();
    let mut rest = range;
    loop {
        let start = used_sorted.partition_point(|entry| entry.first() < rest.first());
        chunk.extend(
            used_sorted[start..]
                .iter()
                .copied()
                .take_while(|entry| entry.first() <= rest.last())
                .take(chunk_len.max(1)),
        );
        match step(rest, &chunk)? {
            Scan::Found(found) => return Ok(Some(found)),
            Scan::Exhausted => return Ok(None),
            Scan::Continue { rest: next } => rest = next,
        }
        chunk.clear();
    }
}

/// The search shared by addresses (`host_mask` 0) and prefixes (`host_mask`
/// covering the host bits). `floor` only ever moves past used entries, never
/// past blocked ranges, so that `Continue`'s `rest` starts right after the
/// entries seen, which keeps paging exact (see the module documentation).
fn scan(range: AddressRange, host_mask: u128, blocked: &RangeSet, used: &[AddressRange]) -> Scan<AddressRange> {
    let mut floor = range.first();
    for entry in used.iter().filter(|entry| entry.version() == range.version()) {
        if entry.last() < floor {
            continue;
        }
        let gap = entry
            .first()
            .checked_sub(1)
            .and_then(|before| AddressRange::new(floor, before.min(range.last())));
        if let Some(block) = gap.and_then(|gap| free_block(gap, host_mask, blocked)) {
            return Scan::Found(block);
        }
        match entry.last().checked_add(1) {
            Some(next) if entry.first() <= range.last() && next <= range.last() => floor = next,
            _ => return Scan::Exhausted,
        }
    }
    let rest = match AddressRange::new(floor, range.last()) {
        Some(rest) => rest,
        None => return Scan::Exhausted,
    };
    if !used.is_empty() {
        return Scan::Continue { rest };
    }
    free_block(rest, host_mask, blocked).map_or(Scan::Exhausted, Scan::Found)
}

/// The lowest aligned block (`start & host_mask == 0`, `host_mask + 1`
/// addresses) inside `within` that overlaps no blocked range; each step jumps
/// past one blocked range.
fn free_block(within: AddressRange, host_mask: u128, blocked: &RangeSet) -> Option<AddressRange> {
    let mut start = align_up(within.first(), host_mask)?;
    loop {
        let last = Address::new(start.version(), start.value() | host_mask)?;
        let block = AddressRange::new(start, last).filter(|block| block.last() <= within.last())?;
        match blocked.first_overlapping(block) {
            None => return Some(block),
            Some(taken) => start = align_up(taken.last().checked_add(1)?, host_mask)?,
        }
    }
}

/// The lowest block start at or after `address`.
fn align_up(address: Address, host_mask: u128) -> Option<Address> {
    if address.value() & host_mask == 0 {
        Some(address)
    } else {
        Address::new(address.version(), (address.value() | host_mask).checked_add(1)?)
    }
}

/// Addresses of a range in use, by status, as the store counts them
/// (a delegated prefix counts all its addresses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsedCounts {
    pub assigned: u128,
    pub cooldown: u128,
    pub releasing: u128,
}

/// The usage figures of a subnet or pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Every address of the range (saturating for a whole IPv6 space).
    pub total: u128,
    /// Blocked addresses: network, broadcast, gateway, exclusions, rules.
    pub reserved: u128,
    /// `total - reserved`: what allocation may ever hand out.
    pub usable: u128,
    pub assigned: u128,
    pub cooldown: u128,
    pub releasing: u128,
    /// Usable addresses not in use; never below zero.
    pub free: u128,
    /// Share of the usable addresses in use (assigned, cooldown, releasing).
    pub percent_used: Percent,
}

/// Usage from the blocked set and the store's counts, without enumerating
/// anything. An address both blocked and in use (say, excluded after it was
/// assigned) counts as reserved and as in use; `free` then stops at zero.
pub fn usage(range: AddressRange, blocked: &RangeSet, counts: UsedCounts) -> Usage {
    let total = range.len();
    let reserved = blocked.count_within(range);
    let usable = total.saturating_sub(reserved);
    let in_use = counts
        .assigned
        .saturating_add(counts.cooldown)
        .saturating_add(counts.releasing);
    let free = usable.saturating_sub(in_use);
    Usage {
        total,
        reserved,
        usable,
        assigned: counts.assigned,
        cooldown: counts.cooldown,
        releasing: counts.releasing,
        free,
        percent_used: Percent::of(usable - free, usable),
    }
}

/// A percentage with one decimal, rounded down so that 100.0 means full and
/// an alert threshold of 90 fires at 90% exactly. Displays as `12.3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent {
    tenths: u16,
}

impl Percent {
    /// `part` of `whole`; an empty whole is full (nothing left to hand out).
    pub fn of(part: u128, whole: u128) -> Self {
        if whole == 0 {
            return Percent { tenths: 1000 };
        }
        let part = part.min(whole);
        let tenths = match part.checked_mul(1000) {
            Some(scaled) => scaled / whole,
            // Only above 2^118 addresses: dropping 10 low bits of both changes
            // nothing at one decimal.
            None => (part >> 10) * 1000 / (whole >> 10),
        };
        Percent {
            tenths: u16::try_from(tenths).unwrap_or(1000),
        }
    }

    pub fn tenths(self) -> u16 {
        self.tenths
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.tenths / 10, self.tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::address::IpVersion;
    use crate::core::reservation::{reserved_set, ReservationPolicy};
    use proptest::prelude::*;

    fn addr(text: &str) -> Address {
        Address::parse(text).unwrap()
    }

    fn range(text: &str) -> AddressRange {
        AddressRange::parse(text).unwrap()
    }

    fn net_range(text: &str) -> AddressRange {
        AddressRange::from_network(&text.parse().unwrap())
    }

    fn ranges(texts: &[&str]) -> Vec<AddressRange> {
        texts.iter().map(|text| range(text)).collect()
    }

    fn blocked(texts: &[&str]) -> RangeSet {
        ranges(texts).into_iter().collect()
    }

    fn reserved(network: &str) -> RangeSet {
        let network: IpNet = network.parse().unwrap();
        reserved_set(
            &network,
            &ReservationPolicy::default_for(IpVersion::of_network(&network)),
        )
    }

    #[test]
    fn empty_chunk_searches_past_the_blocked_set() {
        let subnet = net_range("79.133.56.0/24");
        assert_eq!(
            lowest_free(subnet, &reserved("79.133.56.0/24"), &[]),
            Scan::Found(addr("79.133.56.1"))
        );
        let excluded = blocked(&["79.133.56.0-79.133.56.9", "79.133.56.255"]);
        assert_eq!(lowest_free(subnet, &excluded, &[]), Scan::Found(addr("79.133.56.10")));
        assert_eq!(
            lowest_free(subnet, &blocked(&["79.133.56.0-79.133.56.255"]), &[]),
            Scan::Exhausted
        );
    }

    #[test]
    fn finds_gaps_between_used_entries() {
        let subnet = net_range("79.133.56.0/24");
        let used = ranges(&["79.133.56.1", "79.133.56.2", "79.133.56.4"]);
        assert_eq!(
            lowest_free(subnet, &reserved("79.133.56.0/24"), &used),
            Scan::Found(addr("79.133.56.3"))
        );
        let used = ranges(&["79.133.56.1", "79.133.56.2", "79.133.56.3"]);
        assert_eq!(
            lowest_free(subnet, &reserved("79.133.56.0/24"), &used),
            Scan::Continue {
                rest: range("79.133.56.4-79.133.56.255")
            }
        );
        // A gap that is wholly blocked is no gap.
        let used = ranges(&["79.133.56.1", "79.133.56.5"]);
        let excluded = blocked(&["79.133.56.0", "79.133.56.2-79.133.56.4"]);
        assert_eq!(
            lowest_free(subnet, &excluded, &used),
            Scan::Continue {
                rest: range("79.133.56.6-79.133.56.255")
            }
        );
    }

    #[test]
    fn continue_never_skips_past_blocked_ranges_beyond_the_chunk() {
        // Blocked .2-.100 follows the chunk's last entry: `rest` starts at .2,
        // right after the entries seen, so the next query cannot miss a used
        // entry that starts inside the blocked range.
        let subnet = net_range("10.0.0.0/24");
        let used = ranges(&["10.0.0.0", "10.0.0.1"]);
        assert_eq!(
            lowest_free(subnet, &blocked(&["10.0.0.2-10.0.0.100"]), &used),
            Scan::Continue {
                rest: range("10.0.0.2-10.0.0.255")
            }
        );
        let next = ranges(&["10.0.0.96-10.0.0.103"]);
        assert_eq!(
            lowest_free(range("10.0.0.2-10.0.0.255"), &blocked(&["10.0.0.2-10.0.0.100"]), &next),
            Scan::Continue {
                rest: range("10.0.0.104-10.0.0.255")
            }
        );
    }

    #[test]
    fn entries_may_overlap_each_other_and_the_blocked_set() {
        let subnet = net_range("10.0.0.0/24");
        let used = ranges(&[
            "10.0.0.0-10.0.0.15",
            "10.0.0.4",
            "10.0.0.8-10.0.0.11",
            "10.0.0.14-10.0.0.17",
            "10.0.0.19",
        ]);
        assert_eq!(
            lowest_free(subnet, &blocked(&["10.0.0.0-10.0.0.5"]), &used),
            Scan::Found(addr("10.0.0.18"))
        );
        assert_eq!(
            lowest_free(subnet, &blocked(&["10.0.0.18"]), &used),
            Scan::Continue {
                rest: range("10.0.0.20-10.0.0.255")
            }
        );
    }

    #[test]
    fn entries_of_the_other_version_or_outside_are_ignored() {
        let pool = range("10.0.0.10-10.0.0.20");
        let used = ranges(&["10.0.0.1", "10.0.0.10", "::1"]);
        assert_eq!(
            lowest_free(pool, &RangeSet::new(), &used),
            Scan::Continue {
                rest: range("10.0.0.11-10.0.0.20")
            }
        );
        let beyond = ranges(&["10.0.0.10", "10.0.0.30"]);
        assert_eq!(
            lowest_free(pool, &RangeSet::new(), &beyond),
            Scan::Found(addr("10.0.0.11"))
        );
        let full = ranges(&["10.0.0.10-10.0.0.20", "10.0.0.30"]);
        assert_eq!(lowest_free(pool, &RangeSet::new(), &full), Scan::Exhausted);
        let after_full = ranges(&["10.0.0.30"]);
        assert_eq!(
            lowest_free(pool, &blocked(&["10.0.0.10-10.0.0.20"]), &after_full),
            Scan::Exhausted
        );
    }

    #[test]
    fn point_to_point_and_host_subnets() {
        assert_eq!(
            lowest_free(net_range("10.0.0.6/31"), &reserved("10.0.0.6/31"), &[]),
            Scan::Found(addr("10.0.0.6"))
        );
        let used = ranges(&["10.0.0.6"]);
        assert_eq!(
            plan_lowest_free(net_range("10.0.0.6/31"), &reserved("10.0.0.6/31"), &used, 10),
            Some(addr("10.0.0.7"))
        );
        assert_eq!(
            plan_lowest_free(net_range("10.0.0.7/32"), &reserved("10.0.0.7/32"), &[], 10),
            Some(addr("10.0.0.7"))
        );
        let used = ranges(&["10.0.0.7"]);
        assert_eq!(
            plan_lowest_free(net_range("10.0.0.7/32"), &reserved("10.0.0.7/32"), &used, 10),
            None
        );
        assert_eq!(
            lowest_free(net_range("2001:db8::/127"), &reserved("2001:db8::/127"), &[]),
            Scan::Found(addr("2001:db8::"))
        );
        assert_eq!(
            lowest_free(net_range("2001:db8::/64"), &reserved("2001:db8::/64"), &[]),
            Scan::Found(addr("2001:db8::1"))
        );
        let used = ranges(&["2001:db8::1"]);
        assert_eq!(
            plan_lowest_free(net_range("2001:db8::1/128"), &reserved("2001:db8::1/128"), &used, 1),
            None
        );
    }

    #[test]
    fn the_top_of_the_address_space_does_not_overflow() {
        let top = range("255.255.255.254-255.255.255.255");
        assert_eq!(
            lowest_free(top, &RangeSet::new(), &ranges(&["255.255.255.254"])),
            Scan::Continue {
                rest: range("255.255.255.255")
            }
        );
        assert_eq!(
            lowest_free(top, &RangeSet::new(), &ranges(&["255.255.255.255"])),
            Scan::Found(addr("255.255.255.254"))
        );
        assert_eq!(
            lowest_free(top, &RangeSet::new(), &ranges(&["255.255.255.254-255.255.255.255"])),
            Scan::Exhausted
        );
        assert_eq!(
            lowest_free(top, &blocked(&["255.255.255.254-255.255.255.255"]), &[]),
            Scan::Exhausted
        );
        let v6_top = net_range("ffff:ffff:ffff:ffff::/64");
        let used = [AddressRange::new(addr("ffff:ffff:ffff:ffff::"), Address::max_value(IpVersion::V6)).unwrap()];
        assert_eq!(lowest_free(v6_top, &RangeSet::new(), &used), Scan::Exhausted);
        assert_eq!(
            lowest_free_prefix(v6_top, 64, &RangeSet::new(), &used),
            Ok(Scan::Exhausted)
        );
    }

    #[test]
    fn chunk_boundaries_in_the_middle_of_entries() {
        // A delegated /126 at .4 with single addresses nested in it and around it.
        let used = ranges(&[
            "10.0.0.1",
            "10.0.0.2",
            "10.0.0.3",
            "10.0.0.4-10.0.0.7",
            "10.0.0.5",
            "10.0.0.8",
            "10.0.0.10",
        ]);
        let subnet = net_range("10.0.0.0/24");
        let blocked = reserved("10.0.0.0/24");
        for chunk_len in 1..=8 {
            assert_eq!(
                plan_lowest_free(subnet, &blocked, &used, chunk_len),
                Some(addr("10.0.0.9")),
                "chunk {chunk_len}"
            );
        }
        // The first chunk ends inside the /126: the next starts after it.
        assert_eq!(
            lowest_free(subnet, &blocked, &used[..4]),
            Scan::Continue {
                rest: range("10.0.0.8-10.0.0.255")
            }
        );
        assert_eq!(
            lowest_free(range("10.0.0.8-10.0.0.255"), &blocked, &used[5..]),
            Scan::Found(addr("10.0.0.9"))
        );
    }

    #[test]
    fn a_prefix_covering_the_start_of_a_pool_is_honoured() {
        let used = ranges(&["2001:db8::-2001:db8::ff", "2001:db8::1:0"]);
        let pool = range("2001:db8::80-2001:db8::1:ff");
        assert_eq!(
            plan_lowest_free(pool, &RangeSet::new(), &used, 1),
            Some(addr("2001:db8::100"))
        );
        assert_eq!(
            lowest_free(pool, &RangeSet::new(), &used[..1]),
            Scan::Continue {
                rest: range("2001:db8::100-2001:db8::1:ff")
            }
        );
    }

    #[test]
    fn huge_ranges_cost_entries_not_addresses() {
        // A /48 with 100,000 used addresses from prefix::1 on.
        let base = addr("2001:db8::");
        let used: Vec<AddressRange> = (1..=100_000u128)
            .map(|n| AddressRange::single(base.checked_add(n).unwrap()))
            .collect();
        let subnet = net_range("2001:db8::/48");
        let anycast = reserved("2001:db8::/48");
        assert_eq!(
            plan_lowest_free(subnet, &anycast, &used, 1000),
            base.checked_add(100_001)
        );
        assert_eq!(
            plan_lowest_free_prefix(subnet, 64, &RangeSet::new(), &used, 1000)
                .unwrap()
                .map(|n| n.to_string()),
            Some("2001:db8:0:1::/64".to_string())
        );
        // A /16 fully blocked, an IPv6 /64 blocked but for its last address.
        assert_eq!(
            plan_lowest_free(
                net_range("10.0.0.0/16"),
                &blocked(&["10.0.0.0-10.0.255.255"]),
                &[],
                1000
            ),
            None
        );
        let v6 = net_range("2001:db8::/64");
        let nearly_all = blocked(&["2001:db8::-2001:db8::ffff:ffff:ffff:fffe"]);
        assert_eq!(
            plan_lowest_free(v6, &nearly_all, &[], 1000),
            Some(addr("2001:db8::ffff:ffff:ffff:ffff"))
        );
        let used = ranges(&["2001:db8::ffff:ffff:ffff:ffff"]);
        assert_eq!(plan_lowest_free(v6, &nearly_all, &used, 1000), None);
    }

    #[test]
    fn delegates_aligned_prefixes() {
        let site = net_range("2001:db8::/48");
        let nothing = RangeSet::new();
        let found = |blocked: &RangeSet, used: &[AddressRange]| {
            plan_lowest_free_prefix(site, 64, blocked, used, 2)
                .unwrap()
                .map(|network| network.to_string())
        };
        assert_eq!(found(&nothing, &[]), Some("2001:db8::/64".into()));
        // The /48's anycast address sits in its first /64.
        assert_eq!(found(&reserved("2001:db8::/48"), &[]), Some("2001:db8:0:1::/64".into()));
        let used = ranges(&[
            "2001:db8::-2001:db8::ffff:ffff:ffff:ffff",
            "2001:db8:0:1::5",
            "2001:db8:0:3::-2001:db8:0:3:ffff:ffff:ffff:ffff",
        ]);
        assert_eq!(found(&nothing, &used), Some("2001:db8:0:2::/64".into()));
        let first_half = blocked(&["2001:db8::-2001:db8:0:7fff:ffff:ffff:ffff:ffff"]);
        assert_eq!(found(&first_half, &[]), Some("2001:db8:0:8000::/64".into()));
        let all_but_one_address = blocked(&["2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:fffe"]);
        assert_eq!(found(&all_but_one_address, &[]), None);
        assert_eq!(
            plan_lowest_free_prefix(site, 128, &all_but_one_address, &[], 2)
                .unwrap()
                .map(|n| n.to_string()),
            Some("2001:db8:0:ffff:ffff:ffff:ffff:ffff/128".into())
        );
        assert_eq!(
            lowest_free_prefix(site, 56, &nothing, &ranges(&["2001:db8::1"])),
            Ok(Scan::Continue {
                rest: range("2001:db8::2-2001:db8:0:ffff:ffff:ffff:ffff:ffff")
            })
        );
    }

    #[test]
    fn delegation_from_an_unaligned_pool() {
        let pool = range("2001:db8::10-2001:db8::4f");
        let delegate = |len: u8| {
            plan_lowest_free_prefix(pool, len, &RangeSet::new(), &[], 4).map(|found| found.map(|n| n.to_string()))
        };
        assert_eq!(delegate(124), Ok(Some("2001:db8::10/124".into())));
        assert_eq!(delegate(123), Ok(Some("2001:db8::20/123".into())));
        assert_eq!(delegate(122), Ok(None));
        assert_eq!(delegate(121), Ok(None));
        let error = delegate(120).unwrap_err();
        assert_eq!(error.field(), Some("prefix_len"));
        assert_eq!(
            error.to_string(),
            "A /120 cannot be delegated from 2001:db8::10-2001:db8::4f; choose a prefix length from /121 to /128"
        );
        // What is left after a step may be too small for the prefix: not found, not an error.
        assert_eq!(
            lowest_free_prefix(range("2001:db8::4f"), 124, &RangeSet::new(), &[]),
            Ok(Scan::Exhausted)
        );
        let error = lowest_free_prefix(net_range("10.0.0.0/24"), 33, &RangeSet::new(), &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "A /33 cannot be delegated from 10.0.0.0/24; choose a prefix length from /24 to /32"
        );
        assert_eq!(validate_delegation(net_range("2001:db8::/48"), 64), Ok(()));
        let error = validate_delegation(net_range("2001:db8::/48"), 40).unwrap_err();
        assert_eq!(
            error.to_string(),
            "A /40 cannot be delegated from 2001:db8::/48; choose a prefix length from /48 to /128"
        );
    }

    #[test]
    fn usage_figures() {
        let subnet = net_range("79.133.56.0/24");
        let figures = usage(
            subnet,
            &reserved("79.133.56.0/24"),
            UsedCounts {
                assigned: 3,
                cooldown: 1,
                releasing: 0,
            },
        );
        assert_eq!((figures.total, figures.reserved, figures.usable), (256, 2, 254));
        assert_eq!((figures.assigned, figures.cooldown, figures.free), (3, 1, 250));
        assert_eq!(figures.percent_used.to_string(), "1.5");
        let full = usage(
            subnet,
            &reserved("79.133.56.0/24"),
            UsedCounts {
                assigned: 250,
                cooldown: 2,
                releasing: 2,
            },
        );
        assert_eq!((full.free, full.percent_used.to_string()), (0, "100.0".to_string()));
        let nearly = usage(
            subnet,
            &reserved("79.133.56.0/24"),
            UsedCounts {
                assigned: 253,
                ..UsedCounts::default()
            },
        );
        assert_eq!((nearly.free, nearly.percent_used.to_string()), (1, "99.6".to_string()));
        let v6 = usage(
            net_range("2001:db8::/64"),
            &reserved("2001:db8::/64"),
            UsedCounts {
                assigned: 3,
                ..UsedCounts::default()
            },
        );
        assert_eq!((v6.total, v6.usable, v6.free), (1 << 64, (1 << 64) - 1, (1 << 64) - 4));
        assert_eq!(v6.percent_used.to_string(), "0.0");
        let all_reserved = usage(net_range("10.0.0.7/32"), &blocked(&["10.0.0.7"]), UsedCounts::default());
        assert_eq!(
            (all_reserved.usable, all_reserved.percent_used.to_string()),
            (0, "100.0".to_string())
        );
        let over = usage(
            subnet,
            &blocked(&["79.133.56.0-79.133.56.99"]),
            UsedCounts {
                assigned: 200,
                ..UsedCounts::default()
            },
        );
        assert_eq!((over.usable, over.free, over.percent_used.tenths()), (156, 0, 1000));
    }

    #[test]
    fn percent_of_huge_numbers() {
        let whole = u128::MAX;
        assert_eq!(Percent::of(whole / 2, whole).to_string(), "49.9");
        assert_eq!(Percent::of(whole, whole).to_string(), "100.0");
        assert_eq!(Percent::of(1, 3).to_string(), "33.3");
        assert_eq!(Percent::of(2, 3).to_string(), "66.6");
        assert_eq!(Percent::of(0, 0).to_string(), "100.0");
        assert!(Percent::of(1, 10) < Percent::of(2, 10));
    }

    /// A network, a search range inside it, blocked ranges and used entries
    /// (single addresses and aligned prefixes, unique first addresses), as the
    /// store would hold them.
    #[derive(Debug, Clone)]
    struct Case {
        network: AddressRange,
        range: AddressRange,
        blocked: Vec<AddressRange>,
        used: Vec<AddressRange>,
        chunk_len: usize,
    }

    fn case() -> impl Strategy<Value = Case> {
        let v4 = (any::<u32>(), 20u8..=32).prop_map(|(base, len)| (IpVersion::V4, u128::from(base), len));
        let v6 = (any::<u128>(), 112u8..=128).prop_map(|(base, len)| (IpVersion::V6, base, len));
        prop_oneof![v4, v6].prop_flat_map(|(version, base, len)| {
            let host_bits = version.bits() - len;
            let size = 1u128 << host_bits;
            let first = base & !(size - 1) & Address::max_value(version).value();
            let network = AddressRange::new(
                Address::new(version, first).unwrap(),
                Address::new(version, first + size - 1).unwrap(),
            )
            .unwrap();
            let offset = 0..size;
            let range = (offset.clone(), offset.clone()).prop_map(move |(a, b)| {
                let (low, high) = if a <= b { (a, b) } else { (b, a) };
                within(network, low, high)
            });
            let whole_or_part = prop_oneof![Just(network), range];
            let blocked =
                prop::collection::vec((offset.clone(), 0..size.div_ceil(8).max(1)), 0..6).prop_map(move |spans| {
                    spans
                        .into_iter()
                        .map(|(start, len)| within(network, start, (start + len).min(size - 1)))
                        .collect()
                });
            // Mostly single addresses, some delegated prefixes of any size.
            let entry_bits = prop_oneof![3 => Just(0u8), 1 => 0..=host_bits];
            let used = prop::collection::vec((offset, entry_bits), 0..40).prop_map(move |entries| {
                let mut used: Vec<AddressRange> = entries
                    .into_iter()
                    .map(|(at, bits)| {
                        let block = 1u128 << bits;
                        let start = at & !(block - 1);
                        within(network, start, start + block - 1)
                    })
                    .collect();
                used.sort();
                used.dedup_by_key(|entry| entry.first());
                used
            });
            (whole_or_part, blocked, used, 1usize..6).prop_map(move |(range, blocked, used, chunk_len)| Case {
                network,
                range,
                blocked,
                used,
                chunk_len,
            })
        })
    }

    fn within(network: AddressRange, low: u128, high: u128) -> AddressRange {
        let at = |offset| network.first().checked_add(offset).unwrap();
        AddressRange::new(at(low), at(high)).unwrap()
    }

    fn hits(ranges: &[AddressRange], block: AddressRange) -> bool {
        ranges.iter().any(|r| r.overlaps(block))
    }

    /// Brute force: every address of the range in turn.
    fn oracle_address(case: &Case) -> Option<Address> {
        let (first, last) = (case.range.first().value(), case.range.last().value());
        (first..=last)
            .map(|value| Address::new(case.range.version(), value).unwrap())
            .find(|&a| !hits(&case.blocked, AddressRange::single(a)) && !hits(&case.used, AddressRange::single(a)))
    }

    /// Brute force: every aligned block of the range in turn.
    fn oracle_prefix(case: &Case, used: &[AddressRange], prefix_len: u8) -> Option<AddressRange> {
        let size = 1u128 << (case.range.version().bits() - prefix_len);
        let (first, last) = (case.range.first().value(), case.range.last().value());
        (first.div_ceil(size)..)
            .map_while(|index| index.checked_mul(size))
            .take_while(|start| start + size - 1 <= last)
            .map(|start| {
                within(
                    case.network,
                    start - case.network.first().value(),
                    start + size - 1 - case.network.first().value(),
                )
            })
            .find(|&block| !hits(&case.blocked, block) && !hits(used, block))
    }

    proptest! {
        #[test]
        fn lowest_free_matches_brute_force(case in case()) {
            let blocked: RangeSet = case.blocked.iter().copied().collect();
            let found = plan_lowest_free(case.range, &blocked, &case.used, case.chunk_len);
            if let Some(address) = found {
                prop_assert!(case.range.contains(address));
                prop_assert!(!blocked.contains(address));
                prop_assert!(!hits(&case.used, AddressRange::single(address)));
            }
            prop_assert_eq!(found, oracle_address(&case));
        }

        #[test]
        fn lowest_free_prefix_matches_brute_force(case in case(), extra_bits in 0u8..=16) {
            let blocked: RangeSet = case.blocked.iter().copied().collect();
            let bits = case.range.version().bits();
            let prefix_len = (case.range.covering_prefix_len() + extra_bits).min(bits);
            let mut used = case.used.clone();
            let mut previous: Option<AddressRange> = None;
            // Delegate several times in a row, as customers come and go.
            for _ in 0..4 {
                let found = plan_lowest_free_prefix(case.range, prefix_len, &blocked, &used, case.chunk_len).unwrap();
                let block = found.map(|network| AddressRange::from_network(&network));
                prop_assert_eq!(block, oracle_prefix(&case, &used, prefix_len));
                let Some(block) = block else { break };
                prop_assert_eq!(found.map(|network| network.prefix_len()), Some(prefix_len));
                prop_assert!(case.range.contains(block.first()) && case.range.contains(block.last()));
                prop_assert!(!blocked.overlaps(block) && !hits(&used, block));
                prop_assert!(previous.is_none_or(|p| p.last() < block.first()));
                previous = Some(block);
                let at = used.partition_point(|entry| entry.first() < block.first());
                used.insert(at, block);
            }
        }
    }
}
