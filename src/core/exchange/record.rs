//! The records of an export file and their columns, in one canonical order
//! shared by CSV, XML and JSON, so the three formats carry the same content
//! and differ only in syntax.
//!
//! A file is a flat sequence of records. A subnet is followed by its
//! `custom_field` records and a configuration by its `relation` records; each
//! child names its owner by id, as a spreadsheet row must.

use std::borrow::Cow;

use super::model::{ExportAddress, ExportConfiguration, ExportPool, ExportRelation, ExportSubnet, Vocabulary};

/// Column names, shared by the encoders here and the decoders in `decode`.
pub(super) mod column {
    pub const ID: &str = "id";
    pub const PARENT_ID: &str = "parent_id";
    pub const SUBNET_ID: &str = "subnet_id";
    pub const POOL_ID: &str = "pool_id";
    pub const CONFIGURATION_ID: &str = "configuration_id";
    pub const NAME: &str = "name";
    pub const CIDR: &str = "cidr";
    pub const IP: &str = "ip";
    pub const START_IP: &str = "start_ip";
    pub const END_IP: &str = "end_ip";
    pub const VERSION: &str = "version";
    pub const GATEWAY: &str = "gateway";
    pub const DNS1: &str = "dns1";
    pub const DNS2: &str = "dns2";
    pub const VLAN: &str = "vlan";
    pub const BRIDGE: &str = "bridge";
    pub const DELEGATION_PREFIX_LENGTH: &str = "delegation_prefix_length";
    pub const EXCLUDED_IPS: &str = "excluded_ips";
    pub const RESERVATION_RULES: &str = "reservation_rules";
    pub const STORE_FREE_IPS: &str = "store_free_ips";
    pub const STATUS: &str = "status";
    pub const NOTE: &str = "note";
    pub const SERVICE_ID: &str = "service_id";
    pub const CLIENT_ID: &str = "client_id";
    pub const ASSIGNMENT_TYPE: &str = "assignment_type";
    pub const OMIT_DEDICATED_IP: &str = "omit_dedicated_ip";
    pub const USE_CUSTOM_FIELD: &str = "use_custom_field";
    pub const CUSTOM_FIELD_NAME: &str = "custom_field_name";
    pub const RELATION_TYPE: &str = "relation_type";
    pub const TARGET_ID: &str = "target_id";
    pub const PRIORITY: &str = "priority";
    pub const VALUE: &str = "value";
    pub const DESCRIPTION: &str = "description";
}

use column::*;

/// The kinds of record, in the order an export writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum RecordType {
    Subnet,
    CustomField,
    Pool,
    Address,
    Configuration,
    Relation,
}

impl RecordType {
    pub(super) const ALL: [RecordType; 6] = [
        RecordType::Subnet,
        RecordType::CustomField,
        RecordType::Pool,
        RecordType::Address,
        RecordType::Configuration,
        RecordType::Relation,
    ];

    /// Position in `ALL`, for tables indexed by record type.
    pub(super) fn ordinal(self) -> usize {
        self as usize
    }

    /// The value of the `type` column, and the XML element name.
    pub(super) fn name(self) -> &'static str {
        match self {
            RecordType::Subnet => "subnet",
            RecordType::CustomField => "custom_field",
            RecordType::Pool => "pool",
            RecordType::Address => "address",
            RecordType::Configuration => "configuration",
            RecordType::Relation => "relation",
        }
    }

    pub(super) fn from_name(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|record_type| record_type.name().eq_ignore_ascii_case(text))
    }

    /// The record's columns in canonical order.
    pub(super) fn columns(self) -> &'static [&'static str] {
        match self {
            RecordType::Subnet => &[
                ID,
                PARENT_ID,
                NAME,
                CIDR,
                GATEWAY,
                START_IP,
                END_IP,
                VERSION,
                EXCLUDED_IPS,
                RESERVATION_RULES,
                STORE_FREE_IPS,
                DESCRIPTION,
            ],
            RecordType::CustomField => &[SUBNET_ID, POOL_ID, NAME, VALUE],
            RecordType::Pool => &[
                ID,
                SUBNET_ID,
                NAME,
                START_IP,
                END_IP,
                GATEWAY,
                DNS1,
                DNS2,
                VLAN,
                BRIDGE,
                DELEGATION_PREFIX_LENGTH,
                DESCRIPTION,
            ],
            RecordType::Address => &[SUBNET_ID, POOL_ID, IP, STATUS, NOTE, SERVICE_ID, CLIENT_ID, ASSIGNMENT_TYPE],
            RecordType::Configuration => &[ID, NAME, OMIT_DEDICATED_IP, USE_CUSTOM_FIELD, CUSTOM_FIELD_NAME],
            RecordType::Relation => &[CONFIGURATION_ID, RELATION_TYPE, TARGET_ID, SUBNET_ID, POOL_ID, PRIORITY],
        }
    }

    /// Where `column` is in `columns()`.
    pub(super) fn column_index(self, column: &str) -> Option<usize> {
        self.columns().iter().position(|known| *known == column)
    }
}

/// One value of a record. The text formats write `Number` and `Flag` as
/// text (`true`/`false`); JSON writes them as numbers and booleans, and
/// `Empty` as `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(i64),
    Flag(bool),
}

impl Cell<'_> {
    pub(super) fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Number(number) => Cow::Owned(number.to_string()),
            Cell::Flag(true) => Cow::Borrowed("true"),
            Cell::Flag(false) => Cow::Borrowed("false"),
        }
    }
}

/// A record ready to write: `cells` follow `record_type.columns()`.
#[derive(Debug)]
pub(super) struct Row<'a> {
    pub record_type: RecordType,
    pub cells: Vec<Cell<'a>>,
}

fn text(value: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(value))
}

fn shown<T: ToString>(value: Option<T>) -> Cell<'static> {
    value.map_or(Cell::Empty, |value| Cell::Text(Cow::Owned(value.to_string())))
}

/// Entries joined by `, `: one line per record keeps a spreadsheet readable.
fn list<T: ToString>(entries: &[T]) -> Cell<'static> {
    Cell::Text(Cow::Owned(entries.iter().map(T::to_string).collect::<Vec<_>>().join(", ")))
}

pub(super) fn subnet(subnet: &ExportSubnet) -> Row<'_> {
    let cidr = subnet.cidr;
    let version = if cidr.max_prefix_len() == 32 { 4 } else { 6 };
    Row {
        record_type: RecordType::Subnet,
        cells: vec![
            Cell::Number(subnet.id.into()),
            Cell::Number(subnet.parent_id.into()),
            text(&subnet.name),
            shown(Some(cidr)),
            shown(subnet.gateway),
            shown(Some(cidr.network())),
            shown(Some(cidr.broadcast())),
            Cell::Number(version),
            list(&subnet.excluded_ips),
            list(&subnet.reservation_rules),
            Cell::Flag(subnet.store_free_ips),
            text(&subnet.description),
        ],
    }
}

/// A custom field value of the subnet or the pool (the other id is 0).
pub(super) fn custom_field<'a>(subnet_id: u32, pool_id: u32, name: &'a str, value: &'a str) -> Row<'a> {
    Row {
        record_type: RecordType::CustomField,
        cells: vec![Cell::Number(subnet_id.into()), Cell::Number(pool_id.into()), text(name), text(value)],
    }
}

pub(super) fn pool(pool: &ExportPool) -> Row<'_> {
    Row {
        record_type: RecordType::Pool,
        cells: vec![
            Cell::Number(pool.id.into()),
            Cell::Number(pool.subnet_id.into()),
            text(&pool.name),
            shown(pool.range.map(|range| range.first())),
            shown(pool.range.map(|range| range.last())),
            shown(pool.gateway),
            shown(pool.dns1),
            shown(pool.dns2),
            text(&pool.vlan),
            text(&pool.bridge),
            Cell::Number(pool.delegation_prefix_length.into()),
            text(&pool.description),
        ],
    }
}

/// `ip` is the bare address, or `address/length` for a delegated prefix.
pub(super) fn address(address: &ExportAddress) -> Row<'_> {
    let ip = if address.prefix_length == address.ip.version().bits() {
        address.ip.to_string()
    } else {
        format!("{}/{}", address.ip, address.prefix_length)
    };
    let assignment = address.assignment;
    Row {
        record_type: RecordType::Address,
        cells: vec![
            Cell::Number(address.subnet_id.into()),
            Cell::Number(address.pool_id.into()),
            Cell::Text(Cow::Owned(ip)),
            text(address.status.as_str()),
            text(&address.note),
            assignment.map_or(Cell::Empty, |a| Cell::Number(a.service_id.into())),
            assignment.map_or(Cell::Empty, |a| Cell::Number(a.client_id.into())),
            assignment.map_or(Cell::Empty, |a| text(a.assignment_type.as_str())),
        ],
    }
}

pub(super) fn configuration(configuration: &ExportConfiguration) -> Row<'_> {
    Row {
        record_type: RecordType::Configuration,
        cells: vec![
            Cell::Number(configuration.id.into()),
            text(&configuration.name),
            Cell::Flag(configuration.omit_dedicated_ip),
            Cell::Flag(configuration.use_custom_field),
            text(&configuration.custom_field_name),
        ],
    }
}

pub(super) fn relation(configuration_id: u32, relation: &ExportRelation) -> Row<'static> {
    Row {
        record_type: RecordType::Relation,
        cells: vec![
            Cell::Number(configuration_id.into()),
            text(relation.relation_type.as_str()),
            Cell::Number(relation.target_id.into()),
            Cell::Number(relation.subnet_id.into()),
            Cell::Number(relation.pool_id.into()),
            Cell::Number(relation.priority.into()),
        ],
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::core::address::Address;
    use crate::core::exchange::model::*;
    use crate::core::range::AddressRange;

    fn addr(text: &str) -> Address {
        Address::parse(text).unwrap()
    }

    fn range(text: &str) -> AddressRange {
        AddressRange::parse(text).unwrap()
    }

    /// A small installation touching every field: IPv4 with a child subnet,
    /// IPv6 with a delegation pool, awkward text, assignments, relations.
    pub(in crate::core::exchange) fn sample(
    ) -> (Vec<ExportSubnet>, Vec<ExportPool>, Vec<ExportAddress>, Vec<ExportConfiguration>) {
        let subnets = vec![
            ExportSubnet {
                id: 1,
                parent_id: 0,
                name: "Production, \"IPv4\"".into(),
                cidr: "79.133.56.0/24".parse().unwrap(),
                gateway: Some(addr("79.133.56.1")),
                excluded_ips: vec![range("79.133.56.10"), range("79.133.56.20-79.133.56.30")],
                reservation_rules: vec![
                    ReservationRule::Network,
                    ReservationRule::Broadcast,
                    ReservationRule::Gateway,
                    ReservationRule::Custom(range("79.133.56.250-79.133.56.254")),
                ],
                store_free_ips: true,
                description: "=HYPERLINK(\"x\")\r\nsecond line <&>".into(),
                custom_fields: BTreeMap::from([
                    ("Rack".to_string(), "A12".to_string()),
                    ("Owner".to_string(), "-ops".to_string()),
                ]),
            },
            ExportSubnet {
                id: 2,
                parent_id: 1,
                name: "@child".into(),
                cidr: "79.133.56.128/25".parse().unwrap(),
                gateway: None,
                excluded_ips: vec![],
                reservation_rules: vec![],
                store_free_ips: false,
                description: String::new(),
                custom_fields: BTreeMap::new(),
            },
            ExportSubnet {
                id: 7,
                parent_id: 0,
                name: "Ünïcode v6 ✓".into(),
                cidr: "2001:db8::/48".parse().unwrap(),
                gateway: Some(addr("2001:db8::1")),
                excluded_ips: vec![range("2001:db8::10-2001:db8::1f")],
                reservation_rules: vec![ReservationRule::Network],
                store_free_ips: false,
                description: "\ttabbed".into(),
                custom_fields: BTreeMap::new(),
            },
        ];
        let pools = vec![
            ExportPool {
                id: 3,
                subnet_id: 1,
                name: "+VPS".into(),
                range: Some(range("79.133.56.2-79.133.56.100")),
                gateway: Some(addr("79.133.56.1")),
                dns1: Some(addr("1.1.1.1")),
                dns2: Some(addr("2606:4700:4700::1111")),
                vlan: "100".into(),
                bridge: "vmbr0".into(),
                delegation_prefix_length: 0,
                description: " padded ".into(),
                custom_fields: BTreeMap::from([("Rack".to_string(), "'quoted".to_string())]),
            },
            ExportPool {
                id: 4,
                subnet_id: 7,
                name: "Delegation".into(),
                range: None,
                gateway: None,
                dns1: None,
                dns2: None,
                vlan: String::new(),
                bridge: String::new(),
                delegation_prefix_length: 56,
                description: String::new(),
                custom_fields: BTreeMap::new(),
            },
        ];
        let addresses = vec![
            ExportAddress {
                subnet_id: 1,
                pool_id: 3,
                ip: addr("79.133.56.2"),
                prefix_length: 32,
                status: AddressStatus::Assigned,
                note: "'=1+1".into(),
                assignment: Some(Assignment { service_id: 42, client_id: 7, assignment_type: AssignmentType::Primary }),
            },
            ExportAddress {
                subnet_id: 1,
                pool_id: 0,
                ip: addr("79.133.56.3"),
                prefix_length: 32,
                status: AddressStatus::Reserved,
                note: String::new(),
                assignment: None,
            },
            ExportAddress {
                subnet_id: 7,
                pool_id: 4,
                ip: addr("2001:db8:0:100::"),
                prefix_length: 56,
                status: AddressStatus::Assigned,
                note: "line\nbreak".into(),
                assignment: Some(Assignment {
                    service_id: 43,
                    client_id: 8,
                    assignment_type: AssignmentType::Additional,
                }),
            },
        ];
        let configurations = vec![ExportConfiguration {
            id: 5,
            name: "Proxmox VPS/VDS".into(),
            omit_dedicated_ip: true,
            use_custom_field: false,
            custom_field_name: String::new(),
            relations: vec![
                ExportRelation {
                    relation_type: RelationType::Product,
                    target_id: 12,
                    subnet_id: 0,
                    pool_id: 3,
                    priority: -1,
                },
                ExportRelation {
                    relation_type: RelationType::Server,
                    target_id: 3,
                    subnet_id: 7,
                    pool_id: 4,
                    priority: 0,
                },
            ],
        }];
        (subnets, pools, addresses, configurations)
    }

    #[test]
    fn every_row_has_a_cell_per_column() {
        let (subnets, pools, addresses, configurations) = sample();
        let mut rows: Vec<Row> = Vec::new();
        rows.extend(subnets.iter().map(subnet));
        rows.push(custom_field(1, 0, "Rack", "A12"));
        rows.extend(pools.iter().map(pool));
        rows.extend(addresses.iter().map(address));
        rows.extend(configurations.iter().map(configuration));
        rows.push(relation(5, &configurations[0].relations[0]));
        for row in rows {
            assert_eq!(row.cells.len(), row.record_type.columns().len(), "{:?}", row.record_type);
        }
    }

    #[test]
    fn derived_and_list_cells() {
        let (subnets, _, addresses, _) = sample();
        let row = subnet(&subnets[0]);
        let cell = |name: &str| row.cells[RecordType::Subnet.column_index(name).unwrap()].as_text().into_owned();
        assert_eq!(cell(START_IP), "79.133.56.0");
        assert_eq!(cell(END_IP), "79.133.56.255");
        assert_eq!(cell(VERSION), "4");
        assert_eq!(cell(EXCLUDED_IPS), "79.133.56.10, 79.133.56.20-79.133.56.30");
        assert_eq!(cell(RESERVATION_RULES), "network, broadcast, gateway, 79.133.56.250-79.133.56.254");
        assert_eq!(cell(STORE_FREE_IPS), "true");
        let prefix = address(&addresses[2]);
        assert_eq!(prefix.cells[2].as_text(), "2001:db8:0:100::/56");
        assert_eq!(address(&addresses[1]).cells[5], Cell::Empty);
    }

    #[test]
    fn record_types_are_named_case_insensitively() {
        assert_eq!(RecordType::from_name(" Custom_Field "), Some(RecordType::CustomField));
        assert_eq!(RecordType::from_name("prefix"), None);
        assert_eq!(RecordType::Pool.column_index(DNS2), Some(7));
        assert_eq!(RecordType::Pool.column_index(CIDR), None);
    }
}
