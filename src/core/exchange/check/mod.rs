//! The records of a file checked against each other: every reference
//! resolves, children fit their parents, nothing is listed twice.
//!
//! Overlapping sibling subnets and repeated addresses are `Skippable`: the
//! later record is left out of the plan, with everything that belongs to it,
//! and the admin decides whether to import without it. Everything else wrong
//! is an `Error`; a record with an error is left out too, and what refers to
//! it is dropped without a second message.

mod addresses;
mod subnets;

use std::collections::btree_map::Entry;
use std::collections::{HashMap, HashSet};

use ipnet::IpNet;

use super::decode::CustomFieldRow;
use super::model::{ExportConfiguration, ExportPool, ExportRelation, ExportSubnet};
use super::problem::{Origin, Problems};
use super::record::column::*;
use super::record::RecordType;
use crate::core::allocation::validate_delegation;
use crate::core::error::field;
use crate::core::network::validate_pool_range;
use crate::core::range::AddressRange;

/// What became of the record an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    /// In the plan, at this index.
    Planned(usize),
    /// Left out by a skippable problem; what refers to it is left out too.
    Skipped,
    /// Left out by an error already reported; what refers to it is dropped
    /// without a second message.
    Dropped,
}

/// The fate of every id of one record type.
#[derive(Debug, Default)]
pub(super) struct Fates(HashMap<u32, Fate>);

impl Fates {
    fn get(&self, id: u32) -> Option<Fate> {
        self.0.get(&id).copied()
    }

    fn set(&mut self, id: u32, fate: Fate) {
        self.0.insert(id, fate);
    }
}

/// The records of one type that made it into the plan, with their origins.
pub(super) type Planned<T> = Vec<(Origin, T)>;

/// Runs the checks, collecting their problems.
pub(super) struct Checker {
    problems: Problems,
    /// Ids of records that did not decode, per record type.
    undecodable: HashSet<(RecordType, u32)>,
}

impl Checker {
    pub(super) fn new(problems: Problems, undecodable: HashSet<(RecordType, u32)>) -> Self {
        Checker { problems, undecodable }
    }

    pub(super) fn into_problems(self) -> Problems {
        self.problems
    }

    fn error(&mut self, origin: Origin, column: &str, message: impl Into<String>) {
        self.problems.push(origin.error(Some(column), message));
    }

    /// Keeps the first record of each id; later ones, and records reusing
    /// the id of an undecodable one, are errors.
    fn unique<T>(
        &mut self,
        record_type: RecordType,
        records: Vec<(Origin, T)>,
        id: impl Fn(&T) -> u32,
    ) -> (Planned<T>, Fates) {
        let mut fates = Fates::default();
        for (kind, failed_id) in &self.undecodable {
            if *kind == record_type {
                fates.set(*failed_id, Fate::Dropped);
            }
        }
        let mut kept = Vec::with_capacity(records.len());
        for (origin, record) in records {
            let record_id = id(&record);
            if fates.get(record_id).is_some() {
                self.error(
                    origin,
                    ID,
                    format!("Another {} in this file already has id {record_id}.", record_type.name()),
                );
                continue;
            }
            fates.set(record_id, Fate::Planned(kept.len()));
            kept.push((origin, record));
        }
        (kept, fates)
    }

    /// The fate of the `what` with `id` that a record refers to in `column`;
    /// `None`, reported, when the file has no such record.
    fn follow(&mut self, fates: &Fates, id: u32, what: &str, origin: Origin, column: &str) -> Option<Fate> {
        let fate = fates.get(id);
        if fate.is_none() {
            self.error(origin, column, format!("There is no {what} with id {id} in this file."));
        }
        fate
    }

    /// The fate of the subnet a pool or an address belongs to (required).
    fn owner(&mut self, subnet_fates: &Fates, subnet_id: u32, origin: Origin, what: &str) -> Option<Fate> {
        if subnet_id == 0 {
            self.error(origin, SUBNET_ID, format!("Enter the id of {what}."));
            return None;
        }
        self.follow(subnet_fates, subnet_id, "subnet", origin, SUBNET_ID)
    }

    /// Pools whose subnet is planned, with their range and delegation length
    /// checked against it by the core's rules.
    pub(in crate::core::exchange) fn pools(
        &mut self,
        pools: Vec<(Origin, ExportPool)>,
        subnets: &Planned<ExportSubnet>,
        subnet_fates: &Fates,
    ) -> (Planned<ExportPool>, Fates) {
        let (candidates, mut fates) = self.unique(RecordType::Pool, pools, |pool| pool.id);
        let mut planned = Vec::with_capacity(candidates.len());
        for (origin, pool) in candidates {
            let fate = match self.owner(subnet_fates, pool.subnet_id, origin, "the pool's subnet") {
                Some(Fate::Planned(subnet)) if self.fits(origin, &pool, &subnets[subnet].1.cidr) => {
                    Fate::Planned(planned.len())
                }
                Some(Fate::Planned(_)) | None => Fate::Dropped,
                Some(fate) => fate,
            };
            fates.set(pool.id, fate);
            if fate == Fate::Planned(planned.len()) {
                planned.push((origin, pool));
            }
        }
        (planned, fates)
    }

    fn fits(&mut self, origin: Origin, pool: &ExportPool, cidr: &IpNet) -> bool {
        let range = match pool.range {
            Some(range) => match validate_pool_range(&range.first().to_string(), &range.last().to_string(), cidr) {
                Ok(range) => range,
                Err(error) => {
                    let column = if error.field() == Some(field::RANGE_START) { START_IP } else { END_IP };
                    self.error(origin, column, error.to_string());
                    return false;
                }
            },
            None => AddressRange::from_network(cidr),
        };
        if pool.delegation_prefix_length == 0 {
            return true;
        }
        match validate_delegation(range, pool.delegation_prefix_length) {
            Ok(()) => true,
            Err(error) => {
                self.error(origin, DELEGATION_PREFIX_LENGTH, error.to_string());
                false
            }
        }
    }

    /// Puts each custom field value on its planned subnet or pool.
    pub(in crate::core::exchange) fn custom_fields(
        &mut self,
        rows: Vec<(Origin, CustomFieldRow)>,
        subnets: (&mut Planned<ExportSubnet>, &Fates),
        pools: (&mut Planned<ExportPool>, &Fates),
    ) {
        for (origin, row) in rows {
            let (fates, what, id, column) = if row.subnet_id != 0 {
                (subnets.1, "subnet", row.subnet_id, SUBNET_ID)
            } else {
                (pools.1, "pool", row.pool_id, POOL_ID)
            };
            let Some(Fate::Planned(index)) = self.follow(fates, id, what, origin, column) else { continue };
            let values = if row.subnet_id != 0 {
                &mut subnets.0[index].1.custom_fields
            } else {
                &mut pools.0[index].1.custom_fields
            };
            match values.entry(row.name) {
                Entry::Vacant(slot) => {
                    slot.insert(row.value);
                }
                Entry::Occupied(taken) => {
                    let message = format!("The {what} with id {id} already has a value for \"{}\".", taken.key());
                    self.error(origin, NAME, message);
                }
            }
        }
    }

    /// Configurations with their relations, each relation's pool and subnet
    /// checked; a relation to a skipped pool or subnet is left out with it.
    pub(in crate::core::exchange) fn configurations(
        &mut self,
        configurations: Vec<(Origin, ExportConfiguration)>,
        relations: Vec<(Origin, u32, ExportRelation)>,
        pools: (&Planned<ExportPool>, &Fates),
        subnet_fates: &Fates,
    ) -> Vec<ExportConfiguration> {
        let (mut planned, fates) = self.unique(RecordType::Configuration, configurations, |c| c.id);
        for (origin, configuration_id, relation) in relations {
            let Some(Fate::Planned(index)) =
                self.follow(&fates, configuration_id, "configuration", origin, CONFIGURATION_ID)
            else {
                continue;
            };
            if self.relation_holds(origin, &relation, pools, subnet_fates) {
                planned[index].1.relations.push(relation);
            }
        }
        planned.into_iter().map(|(_, configuration)| configuration).collect()
    }

    fn relation_holds(
        &mut self,
        origin: Origin,
        relation: &ExportRelation,
        pools: (&Planned<ExportPool>, &Fates),
        subnet_fates: &Fates,
    ) -> bool {
        let subnet_fate = match relation.subnet_id {
            0 => None,
            id => match self.follow(subnet_fates, id, "subnet", origin, SUBNET_ID) {
                Some(fate) => Some(fate),
                None => return false,
            },
        };
        let pool_fate = match relation.pool_id {
            0 => None,
            id => match self.follow(pools.1, id, "pool", origin, POOL_ID) {
                Some(fate) => Some(fate),
                None => return false,
            },
        };
        if [subnet_fate, pool_fate].iter().flatten().any(|fate| !matches!(fate, Fate::Planned(_))) {
            return false;
        }
        if let (Some(_), Some(Fate::Planned(pool))) = (subnet_fate, pool_fate) {
            let pool_subnet = pools.0[pool].1.subnet_id;
            if pool_subnet != relation.subnet_id {
                self.error(
                    origin,
                    POOL_ID,
                    format!(
                        "The pool with id {} belongs to subnet {pool_subnet}, not to subnet {}.",
                        relation.pool_id, relation.subnet_id
                    ),
                );
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::ImportPlan;
    use crate::core::exchange::tests::problems_of;
    use crate::core::exchange::{Format, Source};

    pub(in crate::core::exchange) const HEADER: &str =
        "type,id,parent_id,subnet_id,pool_id,configuration_id,name,cidr,ip,status,start_ip,end_ip,\
                          relation_type,target_id,delegation_prefix_length,value\n";

    pub(in crate::core::exchange) fn plan(rows: &str) -> (ImportPlan, Vec<String>) {
        problems_of(Source::Native(Format::Csv), &format!("{HEADER}{rows}"))
    }

    pub(in crate::core::exchange) fn cidrs(plan: &ImportPlan) -> Vec<(u32, u32, String)> {
        plan.subnets.iter().map(|s| (s.id, s.parent_id, s.cidr.to_string())).collect()
    }

    #[test]
    fn references_must_resolve_inside_the_file() {
        let (plan, problems) = plan(
            "subnet,1,9,,,,,10.0.0.0/24,,,,,,,,\n\
             pool,1,,5,,,,,,,,,,,,\n\
             pool,2,,,,,,,,,,,,,,\n\
             address,,,7,,,,,10.0.0.1,free,,,,,,\n\
             relation,,,,4,8,,,,,,,product,1,,\n\
             custom_field,,,6,,,Rack,,,,,,,,,A1\n",
        );
        assert_eq!(
            problems,
            [
                "Line 2, parent_id: There is no subnet with id 9 in this file.",
                "Line 3, subnet_id: There is no subnet with id 5 in this file.",
                "Line 4, subnet_id: Enter the id of the pool's subnet.",
                "Line 7, subnet_id: There is no subnet with id 6 in this file.",
                "Line 5, subnet_id: There is no subnet with id 7 in this file.",
                "Line 6, configuration_id: There is no configuration with id 8 in this file.",
            ]
        );
        assert_eq!(plan, ImportPlan::default());
    }

    #[test]
    fn custom_fields_attach_to_their_owner_once() {
        let (plan, problems) = plan(
            "subnet,1,0,,,,,10.0.0.0/24,,,,,,,,\n\
             pool,2,,1,,,,,,,,,,,,\n\
             custom_field,,,1,,,Rack,,,,,,,,,A1\n\
             custom_field,,,,2,,Rack,,,,,,,,,B2\n\
             custom_field,,,1,,,Rack,,,,,,,,,C3\n",
        );
        assert_eq!(problems, ["Line 6, name: The subnet with id 1 already has a value for \"Rack\"."]);
        assert_eq!(plan.subnets[0].custom_fields["Rack"], "A1");
        assert_eq!(plan.pools[0].custom_fields["Rack"], "B2");
    }

    #[test]
    fn records_of_a_broken_record_are_not_reported_twice() {
        let (plan, problems) = plan(
            "subnet,1,0,,,,,10.0.0.0/33,,,,,,,,\n\
             pool,2,,1,,,,,,,,,,,,\n\
             address,,,1,,,,,10.0.0.1,free,,,,,,\n",
        );
        assert_eq!(
            problems,
            ["Line 2, cidr: \"10.0.0.0/33\" has an invalid prefix length; an IPv4 subnet takes /8 to /32"]
        );
        assert!(plan.pools.is_empty() && plan.addresses.is_empty());
    }
}
