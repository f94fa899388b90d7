//! Inclusive address ranges and sorted sets of them: the shape of exclusions,
//! reservations, pools and used entries, so the allocator can jump over whole
//! ranges instead of visiting addresses.

use std::fmt;

use ipnet::IpNet;

use super::address::{Address, IpVersion};
use super::error::{CoreError, ErrorKind};

/// The addresses `first..=last` of one version; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddressRange {
    first: Address,
    last: Address,
}

impl AddressRange {
    /// `None` when the ends are of different versions or `last < first`.
    pub fn new(first: Address, last: Address) -> Option<Self> {
        (first.version() == last.version() && first <= last).then_some(AddressRange { first, last })
    }

    pub fn single(address: Address) -> Self {
        AddressRange {
            first: address,
            last: address,
        }
    }

    /// Every address of the network, network and broadcast addresses included.
    pub fn from_network(network: &IpNet) -> Self {
        AddressRange {
            first: Address::from_ip(network.network()),
            last: Address::from_ip(network.broadcast()),
        }
    }

    /// Reads `a` or `a-b` (both full addresses, spaces around the dash allowed).
    /// Errors quote the whole text; a bad end that has a more precise reason
    /// (leading zeros, a zone id) reports that instead.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let text = text.trim();
        let not_a_range = || CoreError::new(ErrorKind::NotAnAddressOrRange { text: text.to_string() });
        let end = |part: &str| {
            Address::parse(part).map_err(|error| match error.kind() {
                ErrorKind::LeadingZeros { .. } | ErrorKind::ZoneId { .. } => error,
                _ => not_a_range(),
            })
        };
        let Some((first, last)) = text.split_once('-') else {
            return end(text).map(Self::single);
        };
        let (first, last) = (end(first)?, end(last)?);
        if first.version() != last.version() {
            return Err(ErrorKind::MixedVersions { text: text.to_string() }.into());
        }
        AddressRange::new(first, last).ok_or_else(|| {
            ErrorKind::ReversedRange {
                text: text.to_string(),
                suggestion: format!("{last}-{first}"),
            }
            .into()
        })
    }

    pub fn first(self) -> Address {
        self.first
    }

    pub fn last(self) -> Address {
        self.last
    }

    pub fn version(self) -> IpVersion {
        self.first.version()
    }

    /// Number of addresses. The whole IPv6 space (2^128 addresses) does not fit
    /// a u128, so it saturates at `u128::MAX`, one short; subnets that large are
    /// refused long before they get here.
    #[allow(clippy::len_without_is_empty)] // a range always holds an address
    pub fn len(self) -> u128 {
        (self.last.value() - self.first.value()).saturating_add(1)
    }

    pub fn contains(self, address: Address) -> bool {
        self.first <= address && address <= self.last
    }

    pub fn overlaps(self, other: AddressRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// The addresses in both ranges, if any.
    pub fn intersection(self, other: AddressRange) -> Option<AddressRange> {
        AddressRange::new(self.first.max(other.first), self.last.min(other.last))
    }

    /// The length of the longest prefix that contains the whole range, e.g. 120
    /// for `2001:db8::100-2001:db8::1ff`: no prefix shorter than this one fits.
    pub fn covering_prefix_len(self) -> u8 {
        let differing = 128 - (self.first.value() ^ self.last.value()).leading_zeros();
        // `differing` is at most the version's bit count, which is at most 128.
        self.version().bits() - differing as u8
    }

    /// The network this range is exactly, if it is one (aligned, 2^n addresses).
    pub fn as_network(self) -> Option<IpNet> {
        let network = IpNet::new(self.first.to_ip(), self.covering_prefix_len()).ok()?;
        (AddressRange::from_network(&network) == self).then_some(network)
    }
}

/// `a` for a single address, `a-b` otherwise: the form `parse` reads.
impl fmt::Display for AddressRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// A set of addresses kept as sorted ranges that neither overlap nor touch
/// (touching ranges are merged), so membership is a binary search and the
/// address after a range is never in the set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeSet {
    ranges: Vec<AddressRange>,
}

impl RangeSet {
    pub fn new() -> Self {
        RangeSet::default()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Adds the range, merging it with every range it overlaps or touches.
    pub fn insert(&mut self, range: AddressRange) {
        let start = self.ranges.partition_point(|r| ends_before_gap(r.last, range.first));
        let end = self.ranges.partition_point(|r| !starts_after_gap(r.first, range.last));
        let touched = self.ranges.get(start..end).unwrap_or(&[]);
        let merged = match (touched.first(), touched.last()) {
            (Some(low), Some(high)) => AddressRange {
                first: low.first.min(range.first),
                last: high.last.max(range.last),
            },
            _ => range,
        };
        self.ranges.splice(start..end, [merged]);
    }

    pub fn contains(&self, address: Address) -> bool {
        self.first_overlapping(AddressRange::single(address)).is_some()
    }

    pub fn overlaps(&self, range: AddressRange) -> bool {
        self.first_overlapping(range).is_some()
    }

    /// The lowest range of the set that shares an address with `range`.
    pub fn first_overlapping(&self, range: AddressRange) -> Option<AddressRange> {
        let index = self.ranges.partition_point(|r| r.last < range.first);
        self.ranges.get(index).copied().filter(|r| r.first <= range.last)
    }

    /// The lowest address of `within` that is not in the set. One lookup:
    /// the address after a range of the set is never in the set.
    pub fn lowest_outside(&self, within: AddressRange) -> Option<Address> {
        let candidate = match self.first_overlapping(AddressRange::single(within.first)) {
            Some(range) => range.last.checked_add(1)?,
            None => within.first,
        };
        (candidate <= within.last).then_some(candidate)
    }

    /// How many addresses of `range` are in the set, visiting only the ranges
    /// that overlap it (saturating like `AddressRange::len`).
    pub fn count_within(&self, range: AddressRange) -> u128 {
        let index = self.ranges.partition_point(|r| r.last < range.first);
        self.ranges[index..]
            .iter()
            .map_while(|r| r.intersection(range))
            .fold(0u128, |total, part| total.saturating_add(part.len()))
    }

    /// The ranges in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = AddressRange> + '_ {
        self.ranges.iter().copied()
    }
}

/// Builds the set in one sort and one pass, for long lists.
impl FromIterator<AddressRange> for RangeSet {
    fn from_iter<I: IntoIterator<Item = AddressRange>>(iter: I) -> Self {
        let mut sorted: Vec<AddressRange> = iter.into_iter().collect();
        sorted.sort_unstable();
        let mut ranges: Vec<AddressRange> = Vec::with_capacity(sorted.len());
        for range in sorted {
            match ranges.last_mut() {
                Some(previous) if !ends_before_gap(previous.last, range.first) => {
                    previous.last = previous.last.max(range.last);
                }
                _ => ranges.push(range),
            }
        }
        RangeSet { ranges }
    }
}

/// A range ending at `last` lies wholly before `address` with at least one
/// address between them (so the two cannot be merged).
fn ends_before_gap(last: Address, address: Address) -> bool {
    last < address && last.checked_add(1) != Some(address)
}

/// A range starting at `first` lies wholly after `address` with a gap.
fn starts_after_gap(first: Address, address: Address) -> bool {
    ends_before_gap(address, first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(text: &str) -> Address {
        Address::parse(text).unwrap()
    }

    fn range(text: &str) -> AddressRange {
        AddressRange::parse(text).unwrap()
    }

    fn set(texts: &[&str]) -> RangeSet {
        let mut set = RangeSet::new();
        for text in texts {
            set.insert(range(text));
        }
        set
    }

    fn texts(set: &RangeSet) -> Vec<String> {
        set.iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn parses_ranges_and_single_addresses() {
        let r = range("79.133.56.10-79.133.56.20");
        assert_eq!((r.first(), r.last()), (addr("79.133.56.10"), addr("79.133.56.20")));
        assert_eq!(r.len(), 11);
        assert_eq!(
            range(" 2001:db8::10 - 2001:DB8::1f ").to_string(),
            "2001:db8::10-2001:db8::1f"
        );
        assert_eq!(range("10.0.0.1"), AddressRange::single(addr("10.0.0.1")));
        assert_eq!(range("10.0.0.1-10.0.0.1").to_string(), "10.0.0.1");
    }

    #[test]
    fn refuses_bad_ranges_naming_the_text() {
        let message = |text: &str| AddressRange::parse(text).unwrap_err().to_string();
        assert_eq!(
            message("10.0.0.x-10.0.0.5"),
            "\"10.0.0.x-10.0.0.5\" is not an IP address or range"
        );
        assert_eq!(message("10.0.0.1-"), "\"10.0.0.1-\" is not an IP address or range");
        assert_eq!(message("10.0.0.1-5"), "\"10.0.0.1-5\" is not an IP address or range");
        assert_eq!(message(""), "\"\" is not an IP address or range");
        assert_eq!(
            message("10.0.0.1-2001:db8::1"),
            "\"10.0.0.1-2001:db8::1\" mixes IPv4 and IPv6"
        );
        assert_eq!(
            message("79.133.56.20-79.133.56.10"),
            "\"79.133.56.20-79.133.56.10\" ends before it starts; did you mean 79.133.56.10-79.133.56.20?"
        );
        assert_eq!(
            message("10.0.0.1-10.0.0.09"),
            "\"10.0.0.09\" has leading zeros, which some systems read as octal; write 10.0.0.9"
        );
    }

    #[test]
    fn new_refuses_reversed_and_mixed() {
        assert_eq!(AddressRange::new(addr("10.0.0.2"), addr("10.0.0.1")), None);
        assert_eq!(AddressRange::new(addr("10.0.0.1"), addr("::1")), None);
    }

    #[test]
    fn length_never_overflows() {
        let everything = AddressRange::new(addr("::"), Address::max_value(IpVersion::V6)).unwrap();
        assert_eq!(everything.len(), u128::MAX);
        let all_v4 = AddressRange::new(addr("0.0.0.0"), addr("255.255.255.255")).unwrap();
        assert_eq!(all_v4.len(), 1 << 32);
        assert_eq!(
            AddressRange::from_network(&"2001:db8::/64".parse().unwrap()).len(),
            1 << 64
        );
    }

    #[test]
    fn containment_overlap_and_intersection() {
        let r = range("10.0.0.10-10.0.0.20");
        assert!(r.contains(addr("10.0.0.10")) && r.contains(addr("10.0.0.20")));
        assert!(!r.contains(addr("10.0.0.21")) && !r.contains(addr("::a")));
        assert!(r.overlaps(range("10.0.0.20-10.0.0.30")));
        assert!(!r.overlaps(range("10.0.0.21-10.0.0.30")));
        assert_eq!(
            r.intersection(range("10.0.0.15-10.0.1.0")),
            Some(range("10.0.0.15-10.0.0.20"))
        );
        assert_eq!(r.intersection(range("10.0.0.21-10.0.1.0")), None);
    }

    #[test]
    fn networks_as_ranges() {
        let net: IpNet = "79.133.56.0/24".parse().unwrap();
        let r = AddressRange::from_network(&net);
        assert_eq!(r.to_string(), "79.133.56.0-79.133.56.255");
        assert_eq!(r.covering_prefix_len(), 24);
        assert_eq!(r.as_network(), Some(net));
        assert_eq!(range("2001:db8::100-2001:db8::1ff").covering_prefix_len(), 120);
        assert_eq!(
            range("2001:db8::100-2001:db8::1ff").as_network().map(|n| n.to_string()),
            Some("2001:db8::100/120".into())
        );
        assert_eq!(range("2001:db8::100-2001:db8::1fe").as_network(), None);
        assert_eq!(range("10.0.0.1").covering_prefix_len(), 32);
        assert_eq!(range("10.0.0.1").as_network(), Some("10.0.0.1/32".parse().unwrap()));
        assert_eq!(range("10.0.0.255-10.0.1.0").covering_prefix_len(), 23);
        let everything = AddressRange::new(addr("::"), Address::max_value(IpVersion::V6)).unwrap();
        assert_eq!(everything.covering_prefix_len(), 0);
        assert_eq!(everything.as_network(), Some("::/0".parse().unwrap()));
    }

    #[test]
    fn insert_merges_overlapping_and_touching_ranges() {
        let s = set(&["10.0.0.10-10.0.0.20", "10.0.0.30-10.0.0.40", "10.0.0.50"]);
        assert_eq!(texts(&s), ["10.0.0.10-10.0.0.20", "10.0.0.30-10.0.0.40", "10.0.0.50"]);
        let mut t = s.clone();
        t.insert(range("10.0.0.21-10.0.0.29"));
        assert_eq!(texts(&t), ["10.0.0.10-10.0.0.40", "10.0.0.50"]);
        let mut t = s.clone();
        t.insert(range("10.0.0.15-10.0.0.49"));
        assert_eq!(texts(&t), ["10.0.0.10-10.0.0.50"]);
        let mut t = s.clone();
        t.insert(range("10.0.0.1-10.0.0.5"));
        t.insert(range("10.0.0.60"));
        t.insert(range("10.0.0.35"));
        assert_eq!(
            texts(&t),
            [
                "10.0.0.1-10.0.0.5",
                "10.0.0.10-10.0.0.20",
                "10.0.0.30-10.0.0.40",
                "10.0.0.50",
                "10.0.0.60"
            ]
        );
    }

    #[test]
    fn versions_never_merge() {
        let s = set(&["255.255.255.255", "::"]);
        assert_eq!(texts(&s), ["255.255.255.255", "::"]);
        assert!(!s.contains(addr("::1")));
        assert_eq!(RangeSet::from_iter([range("::"), range("255.255.255.255")]), s);
    }

    #[test]
    fn lookups() {
        let s = set(&["10.0.0.10-10.0.0.20", "10.0.0.30-10.0.0.40"]);
        assert!(s.contains(addr("10.0.0.10")) && s.contains(addr("10.0.0.40")));
        assert!(!s.contains(addr("10.0.0.25")) && !s.contains(addr("10.0.0.9")));
        assert!(s.overlaps(range("10.0.0.0-10.0.0.10")));
        assert!(!s.overlaps(range("10.0.0.21-10.0.0.29")));
        assert_eq!(
            s.first_overlapping(range("10.0.0.15-10.0.0.35")),
            Some(range("10.0.0.10-10.0.0.20"))
        );
        assert_eq!(s.lowest_outside(range("10.0.0.10-10.0.0.255")), Some(addr("10.0.0.21")));
        assert_eq!(s.lowest_outside(range("10.0.0.5-10.0.0.255")), Some(addr("10.0.0.5")));
        assert_eq!(s.lowest_outside(range("10.0.0.10-10.0.0.20")), None);
        assert_eq!(s.count_within(range("10.0.0.0-10.0.0.255")), 22);
        assert_eq!(s.count_within(range("10.0.0.15-10.0.0.35")), 12);
        assert_eq!(s.count_within(range("10.0.0.21-10.0.0.29")), 0);
        assert!(!s.is_empty() && RangeSet::new().is_empty());
        let top = set(&["255.255.255.0-255.255.255.255"]);
        assert_eq!(top.lowest_outside(range("255.255.255.0-255.255.255.255")), None);
    }

    /// Small IPv4 ranges near zero, so a brute-force check over 0..64 is exact.
    fn small_range() -> impl Strategy<Value = AddressRange> {
        (0u128..64, 0u128..8).prop_map(|(start, len)| {
            let first = Address::new(IpVersion::V4, start).unwrap();
            AddressRange::new(first, first.checked_add(len).unwrap()).unwrap()
        })
    }

    proptest! {
        #[test]
        fn set_matches_brute_force(ranges in prop::collection::vec(small_range(), 0..12), probe in small_range()) {
            let mut inserted = RangeSet::new();
            for r in &ranges {
                inserted.insert(*r);
            }
            let collected: RangeSet = ranges.iter().copied().collect();
            prop_assert_eq!(&inserted, &collected);
            let listed: Vec<AddressRange> = inserted.iter().collect();
            for pair in listed.windows(2) {
                prop_assert!(ends_before_gap(pair[0].last(), pair[1].first()));
            }
            let member = |v: u128| ranges.iter().any(|r| r.first().value() <= v && v <= r.last().value());
            for v in 0..80u128 {
                prop_assert_eq!(inserted.contains(Address::new(IpVersion::V4, v).unwrap()), member(v));
            }
            let values = probe.first().value()..=probe.last().value();
            prop_assert_eq!(inserted.count_within(probe), values.clone().filter(|v| member(*v)).count() as u128);
            prop_assert_eq!(inserted.overlaps(probe), values.clone().any(member));
            let lowest = values.clone().find(|v| !member(*v)).map(|v| Address::new(IpVersion::V4, v).unwrap());
            prop_assert_eq!(inserted.lowest_outside(probe), lowest);
        }
    }
}
