//! From a record's text values to the model, with every check that needs
//! nothing but the record itself. Checks against other records (parents,
//! pools inside their subnet, duplicates) are the plan's.
//!
//! Free text (names, notes, descriptions) is kept exactly as written, spaces
//! included, so a round trip changes nothing; structured values (numbers,
//! addresses, vocabularies) are read with surrounding blanks ignored.

use std::collections::BTreeMap;
use std::str::FromStr;

use ipnet::IpNet;

use super::model::{
    AddressStatus, Assignment, AssignmentType, ExportAddress, ExportConfiguration, ExportPool, ExportRelation,
    ExportSubnet, RelationType, ReservationRule, Vocabulary,
};
use super::problem::{Origin, Problems};
use super::record::column::*;
use super::record::RecordType;
use crate::core::address::Address;
use crate::core::exclusion::parse_exclusions;
use crate::core::network::{parse_network, validate_gateway};
use crate::core::range::AddressRange;
use crate::core::reservation::ReservationKind;

/// The text values of one record as a reader found them, one per column of
/// its type; a column the file does not have is empty.
#[derive(Debug)]
pub(super) struct Fields {
    pub record_type: RecordType,
    pub origin: Origin,
    values: Vec<String>,
}

impl Fields {
    pub(super) fn new(record_type: RecordType, origin: Origin) -> Self {
        Fields { record_type, origin, values: vec![String::new(); record_type.columns().len()] }
    }

    /// Sets the value of the column at `index` of `record_type.columns()`.
    pub(super) fn set(&mut self, index: usize, value: String) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = value;
        }
    }

    fn get(&self, column: &str) -> &str {
        self.record_type.column_index(column).and_then(|index| self.values.get(index)).map_or("", String::as_str)
    }
}

/// A custom field value before its owner is looked up.
#[derive(Debug)]
pub(super) struct CustomFieldRow {
    pub subnet_id: u32,
    pub pool_id: u32,
    pub name: String,
    pub value: String,
}

/// A decoded record, ready for the plan.
#[derive(Debug)]
pub(super) enum Decoded {
    Subnet(ExportSubnet),
    CustomField(CustomFieldRow),
    Pool(ExportPool),
    Address(ExportAddress),
    Configuration(ExportConfiguration),
    Relation { configuration_id: u32, relation: ExportRelation },
}

/// Why a record did not decode. Its problems are already reported; `id` is
/// its own id when that much was readable, so records referring to it are
/// dropped quietly instead of being reported as dangling.
#[derive(Debug)]
pub(super) struct Undecodable {
    pub id: Option<u32>,
}

pub(super) fn decode(fields: &Fields, problems: &mut Problems) -> Result<Decoded, Undecodable> {
    let mut reader = FieldReader { fields, problems, failed: false };
    let decoded = match fields.record_type {
        RecordType::Subnet => reader.subnet().map(Decoded::Subnet),
        RecordType::CustomField => reader.custom_field().map(Decoded::CustomField),
        RecordType::Pool => reader.pool().map(Decoded::Pool),
        RecordType::Address => reader.address().map(Decoded::Address),
        RecordType::Configuration => reader.configuration().map(Decoded::Configuration),
        RecordType::Relation => reader.relation(),
    };
    match decoded {
        Some(decoded) if !reader.failed => Ok(decoded),
        _ => Err(Undecodable { id: own_id(fields) }),
    }
}

/// The record's own id, if it has one and it reads as a number.
fn own_id(fields: &Fields) -> Option<u32> {
    fields.record_type.column_index(ID)?;
    fields.get(ID).trim().parse().ok()
}

/// Reads the columns of one record, reporting each bad value against its
/// column and remembering that the record failed.
struct FieldReader<'a> {
    fields: &'a Fields,
    problems: &'a mut Problems,
    failed: bool,
}

impl FieldReader<'_> {
    fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.failed = true;
        self.problems.push(self.fields.origin.error(Some(column), message));
    }

    fn text(&self, column: &str) -> String {
        self.fields.get(column).to_string()
    }

    /// The column's trimmed value through `parse`, `None` when empty or bad.
    fn parsed<T>(&mut self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let text = self.fields.get(column).trim();
        if text.is_empty() {
            return None;
        }
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.fail(column, message);
                None
            }
        }
    }

    fn required<T>(&mut self, column: &str, what: &str, value: Option<T>) -> Option<T> {
        if value.is_none() && self.fields.get(column).trim().is_empty() {
            self.fail(column, format!("Enter {what}."));
        }
        value
    }

    fn number<T: FromStr>(&mut self, column: &str, what: &str) -> Option<T> {
        self.parsed(column, |text| text.parse().map_err(|_| format!("\"{text}\" is not {what}")))
    }

    /// The record's own id: required, greater than 0.
    fn id(&mut self) -> Option<u32> {
        let id = self.number::<u32>(ID, "an id (a whole number from 1)");
        match self.required(ID, "the record's id (a whole number from 1)", id) {
            Some(0) => {
                self.fail(ID, "An id must be greater than 0; 0 means \"none\" in references.");
                None
            }
            id => id,
        }
    }

    /// An id of another record in the file; empty is 0, which means none.
    fn reference(&mut self, column: &str) -> u32 {
        self.number(column, "an id (a whole number; 0 for none)").unwrap_or(0)
    }

    fn flag(&mut self, column: &str) -> bool {
        self.parsed(column, |text| match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(format!("\"{text}\" is not true or false")),
        })
        .unwrap_or(false)
    }

    fn optional_address(&mut self, column: &str) -> Option<Address> {
        self.parsed(column, |text| Address::parse(text).map_err(|error| error.to_string()))
    }

    fn vocabulary<T: Vocabulary>(&mut self, column: &str) -> Option<T> {
        self.parsed(column, |text| T::from_text(text).ok_or_else(|| format!("\"{text}\" is not {}", T::choices())))
    }

    fn subnet(&mut self) -> Option<ExportSubnet> {
        let id = self.id();
        let parent_id = self.reference(PARENT_ID);
        let cidr = self.parsed(CIDR, |text| parse_network(text).map_err(|error| error.to_string()));
        let cidr = self.required(CIDR, "the subnet in CIDR form, e.g. 79.133.56.0/24", cidr)?;
        self.expect_derived(START_IP, &cidr.network().to_string());
        self.expect_derived(END_IP, &cidr.broadcast().to_string());
        self.expect_derived(VERSION, if cidr.max_prefix_len() == 32 { "4" } else { "6" });
        let gateway = match validate_gateway(self.fields.get(GATEWAY), &cidr) {
            Ok(gateway) => gateway,
            Err(error) => {
                self.fail(GATEWAY, error.to_string());
                None
            }
        };
        let excluded_ips = self.excluded_ips(&cidr);
        let reservation_rules = self.reservation_rules(&cidr);
        Some(ExportSubnet {
            id: id?,
            parent_id,
            name: self.text(NAME),
            cidr,
            gateway,
            excluded_ips,
            reservation_rules,
            store_free_ips: self.flag(STORE_FREE_IPS),
            description: self.text(DESCRIPTION),
            custom_fields: BTreeMap::new(),
        })
    }

    /// `start_ip`, `end_ip` and `version` follow from the CIDR; they may be
    /// left empty, but a different value means the row was edited by hand in
    /// one place and not the other.
    fn expect_derived(&mut self, column: &str, expected: &str) {
        let text = self.fields.get(column).trim();
        let agrees = text.is_empty()
            || text == expected
            || Address::parse(text).is_ok_and(|address| address.to_string() == expected);
        if !agrees {
            self.fail(
                column,
                format!("\"{text}\" does not match the cidr, which gives {expected}; correct it or leave it empty"),
            );
        }
    }

    /// The core's exclusion rules, then the canonical entries it lists.
    fn excluded_ips(&mut self, cidr: &IpNet) -> Vec<AddressRange> {
        match parse_exclusions(self.fields.get(EXCLUDED_IPS), cidr) {
            Ok(exclusions) => exclusions.text.lines().filter_map(|line| AddressRange::parse(line).ok()).collect(),
            Err(error) => {
                self.fail(EXCLUDED_IPS, error.to_string());
                Vec::new()
            }
        }
    }

    /// Comma-separated `network`, `broadcast`, `gateway` and custom ranges
    /// inside the subnet; repeats are dropped.
    fn reservation_rules(&mut self, cidr: &IpNet) -> Vec<ReservationRule> {
        let mut rules: Vec<ReservationRule> = Vec::new();
        let text = self.fields.get(RESERVATION_RULES).to_string();
        for entry in text.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
            let rule = match entry.to_ascii_lowercase().parse::<ReservationKind>() {
                Ok(ReservationKind::Network) => Ok(ReservationRule::Network),
                Ok(ReservationKind::Broadcast) => Ok(ReservationRule::Broadcast),
                Ok(ReservationKind::Gateway) => Ok(ReservationRule::Gateway),
                _ => custom_rule(entry, cidr),
            };
            match rule {
                Ok(rule) if !rules.contains(&rule) => rules.push(rule),
                Ok(_) => {}
                Err(message) => self.fail(RESERVATION_RULES, message),
            }
        }
        rules
    }

    fn custom_field(&mut self) -> Option<CustomFieldRow> {
        let subnet_id = self.reference(SUBNET_ID);
        let pool_id = self.reference(POOL_ID);
        if (subnet_id == 0) == (pool_id == 0) {
            self.fail(SUBNET_ID, "A custom field value belongs to one subnet or one pool: set subnet_id or pool_id.");
        }
        let name = self.text(NAME);
        if name.trim().is_empty() {
            self.fail(NAME, "Enter the custom field's name.");
        }
        Some(CustomFieldRow { subnet_id, pool_id, name, value: self.text(VALUE) })
    }

    fn pool(&mut self) -> Option<ExportPool> {
        let id = self.id();
        let subnet_id = self.reference(SUBNET_ID);
        let range = self.pool_range();
        let delegation_prefix_length = self.number(DELEGATION_PREFIX_LENGTH, "a prefix length (0 to 128)");
        Some(ExportPool {
            id: id?,
            subnet_id,
            name: self.text(NAME),
            range,
            gateway: self.optional_address(GATEWAY),
            dns1: self.optional_address(DNS1),
            dns2: self.optional_address(DNS2),
            vlan: self.text(VLAN),
            bridge: self.text(BRIDGE),
            delegation_prefix_length: delegation_prefix_length.unwrap_or(0),
            description: self.text(DESCRIPTION),
            custom_fields: BTreeMap::new(),
        })
    }

    /// Both ends or neither (the whole subnet); that they lie inside the
    /// subnet is checked by the plan, which knows the subnet.
    fn pool_range(&mut self) -> Option<AddressRange> {
        let first = self.optional_address(START_IP);
        let last = self.optional_address(END_IP);
        let start_given = !self.fields.get(START_IP).trim().is_empty();
        let end_given = !self.fields.get(END_IP).trim().is_empty();
        if start_given != end_given {
            let column = if start_given { END_IP } else { START_IP };
            self.fail(column, "Enter both ends of the range, or neither for a pool that covers its whole subnet.");
        }
        let (first, last) = (first?, last?);
        if first.version() != last.version() {
            self.fail(END_IP, format!("\"{first}-{last}\" mixes IPv4 and IPv6"));
            return None;
        }
        let range = AddressRange::new(first, last);
        if range.is_none() {
            self.fail(END_IP, format!("The range ends at {last}, before its first address {first}"));
        }
        range
    }

    fn address(&mut self) -> Option<ExportAddress> {
        let subnet_id = self.reference(SUBNET_ID);
        let pool_id = self.reference(POOL_ID);
        let ip = self.parsed(IP, parse_ip);
        let (ip, prefix_length) = self.required(IP, "the IP address", ip)?;
        let status = self.vocabulary::<AddressStatus>(STATUS);
        let status = self.required(STATUS, &format!("the status ({})", AddressStatus::choices()), status)?;
        let assignment = self.assignment(status)?;
        Some(ExportAddress { subnet_id, pool_id, ip, prefix_length, status, note: self.text(NOTE), assignment })
    }

    /// An assigned address names its service; any other has no assignment.
    fn assignment(&mut self, status: AddressStatus) -> Option<Option<Assignment>> {
        let service_id = self.number::<u32>(SERVICE_ID, "a WHMCS service id");
        let client_id = self.number::<u32>(CLIENT_ID, "a WHMCS client id");
        let assignment_type = self.vocabulary::<AssignmentType>(ASSIGNMENT_TYPE);
        if status != AddressStatus::Assigned {
            for column in [SERVICE_ID, CLIENT_ID, ASSIGNMENT_TYPE] {
                if !self.fields.get(column).trim().is_empty() {
                    self.fail(
                        column,
                        format!("Only an assigned address has a {column}; its status is {}.", status.as_str()),
                    );
                }
            }
            return Some(None);
        }
        let service_id = self.required(SERVICE_ID, "the WHMCS service the address is assigned to", service_id)?;
        let client_id = self.required(CLIENT_ID, "the WHMCS client the address is assigned to", client_id)?;
        if service_id == 0 {
            self.fail(SERVICE_ID, "An assigned address needs its service id (greater than 0).");
        }
        Some(Some(Assignment {
            service_id,
            client_id,
            assignment_type: assignment_type.unwrap_or(AssignmentType::Primary),
        }))
    }

    fn configuration(&mut self) -> Option<ExportConfiguration> {
        let id = self.id();
        Some(ExportConfiguration {
            id: id?,
            name: self.text(NAME),
            omit_dedicated_ip: self.flag(OMIT_DEDICATED_IP),
            use_custom_field: self.flag(USE_CUSTOM_FIELD),
            custom_field_name: self.text(CUSTOM_FIELD_NAME),
            relations: Vec::new(),
        })
    }

    fn relation(&mut self) -> Option<Decoded> {
        let configuration_id = self.reference(CONFIGURATION_ID);
        if configuration_id == 0 {
            self.fail(CONFIGURATION_ID, "Enter the id of the configuration the relation belongs to.");
        }
        let relation_type = self.vocabulary::<RelationType>(RELATION_TYPE);
        let relation_type =
            self.required(RELATION_TYPE, &format!("the relation type ({})", RelationType::choices()), relation_type)?;
        let target_id = self.number::<u32>(TARGET_ID, "a WHMCS id");
        let target_id = self.required(TARGET_ID, "the WHMCS id of the product, server, addon or option", target_id)?;
        let subnet_id = self.reference(SUBNET_ID);
        let pool_id = self.reference(POOL_ID);
        if subnet_id == 0 && pool_id == 0 {
            self.fail(POOL_ID, "A relation needs a pool_id, a subnet_id or both.");
        }
        let priority = self.number::<i32>(PRIORITY, "a whole number").unwrap_or(0);
        let relation = ExportRelation { relation_type, target_id, subnet_id, pool_id, priority };
        Some(Decoded::Relation { configuration_id, relation })
    }
}

/// A custom reservation range, held to the subnet by the core's exclusion
/// rules (the same rules hold the "Excluded IPs" field).
fn custom_rule(entry: &str, cidr: &IpNet) -> Result<ReservationRule, String> {
    let exclusions = parse_exclusions(entry, cidr).map_err(|error| {
        if matches!(error.kind(), crate::core::error::ErrorKind::NotAnAddressOrRange { .. }) {
            format!("\"{entry}\" is not network, broadcast, gateway or an address range")
        } else {
            error.to_string()
        }
    })?;
    let range = exclusions.ranges.iter().next();
    range.map(ReservationRule::Custom).ok_or_else(|| format!("\"{entry}\" is empty"))
}

/// An address, or `address/length` for a delegated prefix (no host bits).
pub(super) fn parse_ip(text: &str) -> Result<(Address, u8), String> {
    if text.contains('/') {
        let network = parse_network(text).map_err(|error| error.to_string())?;
        return Ok((Address::from_ip(network.network()), network.prefix_len()));
    }
    let address = Address::parse(text).map_err(|error| error.to_string())?;
    Ok((address, address.version().bits()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(record_type: RecordType, values: &[(&str, &str)]) -> Fields {
        let mut fields = Fields::new(record_type, Origin::Line(2));
        for (column, value) in values {
            fields.set(record_type.column_index(column).unwrap(), value.to_string());
        }
        fields
    }

    fn decoded(record_type: RecordType, values: &[(&str, &str)]) -> Result<Decoded, Vec<String>> {
        let mut problems = Problems::new(100);
        decode(&fields(record_type, values), &mut problems)
            .map_err(|_| problems.into_vec().iter().map(ToString::to_string).collect())
    }

    fn refused(record_type: RecordType, values: &[(&str, &str)]) -> Vec<String> {
        decoded(record_type, values).unwrap_err()
    }

    #[test]
    fn reads_a_subnet_with_lists_and_canonical_text() {
        let Ok(Decoded::Subnet(subnet)) = decoded(
            RecordType::Subnet,
            &[
                (ID, " 4 "),
                (CIDR, "2001:DB8::/48"),
                (START_IP, "2001:0db8::"),
                (VERSION, "6"),
                (EXCLUDED_IPS, "2001:db8::5\n2001:db8::10 - 2001:db8::1f"),
                (RESERVATION_RULES, "Network, 2001:db8::ff, network"),
                (STORE_FREE_IPS, "TRUE"),
                (NAME, " spaced "),
            ],
        ) else {
            panic!("not a subnet");
        };
        assert_eq!((subnet.id, subnet.parent_id, subnet.name.as_str()), (4, 0, " spaced "));
        assert_eq!(subnet.cidr.to_string(), "2001:db8::/48");
        let excluded: Vec<String> = subnet.excluded_ips.iter().map(ToString::to_string).collect();
        assert_eq!(excluded, ["2001:db8::5", "2001:db8::10-2001:db8::1f"]);
        let rules: Vec<String> = subnet.reservation_rules.iter().map(ToString::to_string).collect();
        assert_eq!(rules, ["network", "2001:db8::ff"]);
        assert!(subnet.store_free_ips);
    }

    #[test]
    fn names_the_column_and_the_core_message() {
        assert_eq!(
            refused(RecordType::Subnet, &[(ID, "1"), (CIDR, "10.0.0.7/24")]),
            ["Line 2, cidr: 10.0.0.7/24 is not a network address; did you mean 10.0.0.0/24?"]
        );
        assert_eq!(
            refused(RecordType::Subnet, &[(ID, "0"), (CIDR, "10.0.0.0/24"), (GATEWAY, "10.0.1.1")]),
            [
                "Line 2, id: An id must be greater than 0; 0 means \"none\" in references.",
                "Line 2, gateway: \"10.0.1.1\" is outside 10.0.0.0/24",
            ]
        );
        assert_eq!(
            refused(RecordType::Subnet, &[(ID, "1"), (CIDR, "10.0.0.0/24"), (END_IP, "10.0.0.254")]),
            ["Line 2, end_ip: \"10.0.0.254\" does not match the cidr, which gives 10.0.0.255; correct it or leave it empty"]
        );
        assert_eq!(
            refused(RecordType::Subnet, &[(ID, "1"), (CIDR, "10.0.0.0/24"), (RESERVATION_RULES, "network, gw")]),
            ["Line 2, reservation_rules: \"gw\" is not network, broadcast, gateway or an address range"]
        );
        assert_eq!(
            refused(RecordType::Subnet, &[(ID, "1"), (CIDR, "10.0.0.0/24"), (RESERVATION_RULES, "10.0.1.0")]),
            ["Line 2, reservation_rules: \"10.0.1.0\" is outside 10.0.0.0/24"]
        );
        assert_eq!(
            refused(RecordType::Subnet, &[(ID, "x")]),
            [
                "Line 2, id: \"x\" is not an id (a whole number from 1)",
                "Line 2, cidr: Enter the subnet in CIDR form, e.g. 79.133.56.0/24."
            ]
        );
    }

    #[test]
    fn pools_need_both_ends_in_order() {
        assert_eq!(
            refused(RecordType::Pool, &[(ID, "1"), (SUBNET_ID, "1"), (START_IP, "10.0.0.5")]),
            ["Line 2, end_ip: Enter both ends of the range, or neither for a pool that covers its whole subnet."]
        );
        assert_eq!(
            refused(RecordType::Pool, &[(ID, "1"), (START_IP, "10.0.0.5"), (END_IP, "10.0.0.1")]),
            ["Line 2, end_ip: The range ends at 10.0.0.1, before its first address 10.0.0.5"]
        );
        assert_eq!(
            refused(RecordType::Pool, &[(ID, "1"), (START_IP, "10.0.0.5"), (END_IP, "::1")]),
            ["Line 2, end_ip: \"10.0.0.5-::1\" mixes IPv4 and IPv6"]
        );
    }

    #[test]
    fn assignments_go_with_the_assigned_status() {
        let Ok(Decoded::Address(address)) = decoded(
            RecordType::Address,
            &[(SUBNET_ID, "1"), (IP, "10.0.0.5"), (STATUS, "Assigned"), (SERVICE_ID, "9"), (CLIENT_ID, "3")],
        ) else {
            panic!("not an address");
        };
        assert_eq!(address.assignment.map(|a| a.assignment_type), Some(AssignmentType::Primary));
        assert_eq!(
            refused(RecordType::Address, &[(IP, "10.0.0.5"), (STATUS, "free"), (SERVICE_ID, "9")]),
            ["Line 2, service_id: Only an assigned address has a service_id; its status is free."]
        );
        assert_eq!(
            refused(RecordType::Address, &[(IP, "10.0.0.5"), (STATUS, "assigned")]),
            ["Line 2, service_id: Enter the WHMCS service the address is assigned to."]
        );
        assert_eq!(
            refused(RecordType::Address, &[(IP, "10.0.0.5"), (STATUS, "taken")]),
            ["Line 2, status: \"taken\" is not free, assigned, reserved, cooldown or releasing"]
        );
        assert_eq!(
            refused(RecordType::Address, &[(IP, "2001:db8::1/56"), (STATUS, "free")]),
            ["Line 2, ip: 2001:db8::1/56 is not a network address; did you mean 2001:db8::/56?"]
        );
    }

    #[test]
    fn children_name_their_owner() {
        assert_eq!(
            refused(RecordType::CustomField, &[(SUBNET_ID, "1"), (POOL_ID, "2"), (NAME, "Rack")]),
            ["Line 2, subnet_id: A custom field value belongs to one subnet or one pool: set subnet_id or pool_id."]
        );
        assert_eq!(
            refused(RecordType::Relation, &[(CONFIGURATION_ID, "1"), (RELATION_TYPE, "product"), (TARGET_ID, "4")]),
            ["Line 2, pool_id: A relation needs a pool_id, a subnet_id or both."]
        );
        let Ok(Decoded::Relation { configuration_id, relation }) = decoded(
            RecordType::Relation,
            &[(CONFIGURATION_ID, "1"), (RELATION_TYPE, "server"), (TARGET_ID, "4"), (POOL_ID, "2"), (PRIORITY, "-3")],
        ) else {
            panic!("not a relation");
        };
        assert_eq!((configuration_id, relation.priority, relation.relation_type), (1, -3, RelationType::Server));
    }

    #[test]
    fn failed_records_keep_their_id_for_references() {
        let mut problems = Problems::new(10);
        let failed = decode(&fields(RecordType::Subnet, &[(ID, "7"), (CIDR, "bad")]), &mut problems).unwrap_err();
        assert_eq!(failed.id, Some(7));
    }
}
