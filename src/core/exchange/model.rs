//! What an export carries and an import plans to create, in the module's own
//! words. The database layer builds these from its rows for an export and
//! creates rows from them after an import; every id in them is file-local (see
//! `ImportPlan`), every address and network is typed, so the files always hold
//! canonical text.

use std::collections::BTreeMap;
use std::fmt;

use ipnet::IpNet;

use crate::core::address::Address;
use crate::core::range::AddressRange;
use crate::core::reservation::ReservationKind;

/// A subnet with everything that belongs to the subnet row itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSubnet {
    /// File-local id, greater than 0, unique among the file's subnets.
    pub id: u32,
    /// The `id` of the parent subnet in the same file; 0 for a top-level subnet.
    pub parent_id: u32,
    pub name: String,
    /// The network; the files also carry its first and last address and its
    /// version, for people and other tools, and an import checks they agree.
    pub cidr: IpNet,
    pub gateway: Option<Address>,
    /// The "Excluded IPs" entries (addresses or `a-b` ranges), in the
    /// operator's order.
    pub excluded_ips: Vec<AddressRange>,
    /// The subnet's "Reserve" choices and reserved ranges, in stored order.
    pub reservation_rules: Vec<ReservationRule>,
    pub store_free_ips: bool,
    pub description: String,
    /// Custom field name → value.
    pub custom_fields: BTreeMap<String, String>,
}

/// One reservation rule of a subnet. A rule's note stays behind: the rules are
/// the checkboxes and ranges of the subnet form, the notes are bookkeeping of
/// the installation that made them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReservationRule {
    Network,
    Broadcast,
    Gateway,
    /// An address or range kept from allocation, inside the subnet.
    Custom(AddressRange),
}

impl ReservationRule {
    pub fn kind(self) -> ReservationKind {
        match self {
            ReservationRule::Network => ReservationKind::Network,
            ReservationRule::Broadcast => ReservationKind::Broadcast,
            ReservationRule::Gateway => ReservationKind::Gateway,
            ReservationRule::Custom(_) => ReservationKind::Custom,
        }
    }
}

/// `network`, `broadcast`, `gateway`, or the custom range (`a` or `a-b`): the
/// text an entry of the `reservation_rules` column holds.
impl fmt::Display for ReservationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReservationRule::Custom(range) => range.fmt(f),
            rule => f.write_str(rule.kind().as_str()),
        }
    }
}

/// A pool of a subnet with its network settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPool {
    /// File-local id, greater than 0, unique among the file's pools.
    pub id: u32,
    /// The `id` of its subnet in the same file.
    pub subnet_id: u32,
    pub name: String,
    /// The addresses it hands out; `None` when it covers the whole subnet.
    pub range: Option<AddressRange>,
    pub gateway: Option<Address>,
    pub dns1: Option<Address>,
    pub dns2: Option<Address>,
    /// As the operator typed it, e.g. `100` or `vlan100`.
    pub vlan: String,
    pub bridge: String,
    /// 0 hands out single addresses; otherwise prefixes of this length.
    pub delegation_prefix_length: u8,
    pub description: String,
    /// Custom field name → value.
    pub custom_fields: BTreeMap<String, String>,
}

/// A stored address (or delegated prefix) with its state and assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportAddress {
    /// The `id` of its subnet in the same file.
    pub subnet_id: u32,
    /// The `id` of its pool in the same file; 0 when it is in no pool.
    pub pool_id: u32,
    pub ip: Address,
    /// The address width (32 or 128) for a single address; shorter for a
    /// delegated prefix, which `ip` starts.
    pub prefix_length: u8,
    pub status: AddressStatus,
    pub note: String,
    /// Present exactly when `status` is `Assigned`.
    pub assignment: Option<Assignment>,
}

/// An address row's place in the allocation state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressStatus {
    Free,
    Assigned,
    Reserved,
    Cooldown,
    Releasing,
}

/// The WHMCS service an address is assigned to. Service and client ids are
/// WHMCS ids, never remapped: an import into another installation is only
/// meaningful where they name the same services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub service_id: u32,
    pub client_id: u32,
    pub assignment_type: AssignmentType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentType {
    Primary,
    Additional,
}

/// A configuration with the relations that link products and servers to
/// pools and subnets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportConfiguration {
    /// File-local id, greater than 0, unique among the file's configurations.
    pub id: u32,
    pub name: String,
    pub omit_dedicated_ip: bool,
    pub use_custom_field: bool,
    pub custom_field_name: String,
    pub relations: Vec<ExportRelation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportRelation {
    pub relation_type: RelationType,
    /// The WHMCS product, server, addon or configurable option id; not remapped.
    pub target_id: u32,
    /// File-local subnet id; 0 for none.
    pub subnet_id: u32,
    /// File-local pool id; 0 for none. A relation names a pool, a subnet or both.
    pub pool_id: u32,
    pub priority: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelationType {
    Product,
    Server,
    Addon,
    ConfigOption,
}

/// The closed vocabularies of the files: each value's text is its database
/// enum value, and the same text is read back (case-insensitively).
pub trait Vocabulary: Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    fn from_text(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.iter().copied().find(|value| value.as_str().eq_ignore_ascii_case(text))
    }

    /// `a, b or c`, for messages.
    fn choices() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|value| value.as_str()).collect();
        match names.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

impl Vocabulary for AddressStatus {
    const ALL: &'static [Self] = &[
        AddressStatus::Free,
        AddressStatus::Assigned,
        AddressStatus::Reserved,
        AddressStatus::Cooldown,
        AddressStatus::Releasing,
    ];

    fn as_str(self) -> &'static str {
        match self {
            AddressStatus::Free => "free",
            AddressStatus::Assigned => "assigned",
            AddressStatus::Reserved => "reserved",
            AddressStatus::Cooldown => "cooldown",
            AddressStatus::Releasing => "releasing",
        }
    }
}

impl Vocabulary for AssignmentType {
    const ALL: &'static [Self] = &[AssignmentType::Primary, AssignmentType::Additional];

    fn as_str(self) -> &'static str {
        match self {
            AssignmentType::Primary => "primary",
            AssignmentType::Additional => "additional",
        }
    }
}

impl Vocabulary for RelationType {
    const ALL: &'static [Self] =
        &[RelationType::Product, RelationType::Server, RelationType::Addon, RelationType::ConfigOption];

    fn as_str(self) -> &'static str {
        match self {
            RelationType::Product => "product",
            RelationType::Server => "server",
            RelationType::Addon => "addon",
            RelationType::ConfigOption => "configoption",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_read_back_their_text() {
        for status in AddressStatus::ALL {
            assert_eq!(AddressStatus::from_text(status.as_str()), Some(*status));
        }
        assert_eq!(RelationType::from_text(" ConfigOption "), Some(RelationType::ConfigOption));
        assert_eq!(AssignmentType::from_text("secondary"), None);
        assert_eq!(AssignmentType::choices(), "primary or additional");
        assert_eq!(RelationType::choices(), "product, server, addon or configoption");
    }

    #[test]
    fn reservation_rules_print_their_kind_or_range() {
        let range = AddressRange::parse("10.0.0.5-10.0.0.9").unwrap();
        assert_eq!(ReservationRule::Custom(range).to_string(), "10.0.0.5-10.0.0.9");
        assert_eq!(ReservationRule::Broadcast.to_string(), "broadcast");
        assert_eq!(ReservationRule::Custom(range).kind(), ReservationKind::Custom);
    }
}
