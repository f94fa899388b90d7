//! The import plan: what a file would create, in an order the database
//! layer can create it in, gathered record by record as a reader decodes
//! them and checked as a whole (see `check`) at the end.
//!
//! Ids in the plan are the file's own: the database layer gives every record a
//! new id and follows the file's `parent_id`, `subnet_id`, `pool_id` and
//! `configuration_id` through its own map. Every such reference is checked
//! to name a record of the file (or to be 0 where "none" is allowed).

use std::collections::HashSet;

use super::check::Checker;
use super::decode::{decode, CustomFieldRow, Decoded, Fields};
use super::limits::Limits;
use super::model::{ExportAddress, ExportConfiguration, ExportPool, ExportRelation, ExportSubnet};
use super::problem::{Origin, Problem, Problems};
use super::record::RecordType;

/// What an import would create, in creation order.
///
/// The database layer imports it only when no problem is an `Error`, and
/// when some are `Skippable` only after the admin chose to skip them; then,
/// in one transaction:
/// - creates subnets, pools, addresses and configurations in plan order,
///   keeping a map from each file id to the new id and writing every
///   `parent_id`, `subnet_id`, `pool_id` (0 stays 0) and relation through it;
/// - checks each top-level subnet against the installation's own with
///   `validate_siblings` (a subnet whose CIDR exists already is best offered
///   as "use the existing one", which is how addresses of a NetBox address
///   export join subnets made from its prefix export);
/// - checks what only WHMCS knows: the services and clients of assignments
///   and the products, servers, addons and options of relations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// Every parent before its children.
    pub subnets: Vec<ExportSubnet>,
    pub pools: Vec<ExportPool>,
    pub addresses: Vec<ExportAddress>,
    pub configurations: Vec<ExportConfiguration>,
}

/// Collects decoded records as a reader produces them, then checks them
/// against each other in `finish`.
#[derive(Debug)]
pub(super) struct PlanBuilder {
    limits: Limits,
    records: usize,
    problems: Problems,
    subnets: Vec<(Origin, ExportSubnet)>,
    custom_fields: Vec<(Origin, CustomFieldRow)>,
    pools: Vec<(Origin, ExportPool)>,
    addresses: Vec<(Origin, ExportAddress)>,
    configurations: Vec<(Origin, ExportConfiguration)>,
    relations: Vec<(Origin, u32, ExportRelation)>,
    undecodable: HashSet<(RecordType, u32)>,
}

impl PlanBuilder {
    pub(super) fn new(limits: &Limits) -> Self {
        PlanBuilder {
            limits: *limits,
            records: 0,
            problems: Problems::new(limits.max_problems),
            subnets: Vec::new(),
            custom_fields: Vec::new(),
            pools: Vec::new(),
            addresses: Vec::new(),
            configurations: Vec::new(),
            relations: Vec::new(),
            undecodable: HashSet::new(),
        }
    }

    pub(super) fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Decodes and keeps one record; `false` once the file is over the row
    /// limit, and the reader stops.
    pub(super) fn add(&mut self, fields: &Fields) -> bool {
        if !self.admit() {
            return false;
        }
        match decode(fields, &mut self.problems) {
            Ok(decoded) => self.keep(fields.origin, decoded),
            Err(undecodable) => {
                if let Some(id) = undecodable.id {
                    self.undecodable.insert((fields.record_type, id));
                }
            }
        }
        true
    }

    /// Keeps a record a migration reader made itself; `false` as for `add`.
    pub(super) fn push(&mut self, origin: Origin, decoded: Decoded) -> bool {
        if !self.admit() {
            return false;
        }
        self.keep(origin, decoded);
        true
    }

    fn admit(&mut self) -> bool {
        if self.records == self.limits.max_rows {
            self.records += 1;
            self.problems.push(self.limits.too_many_rows());
        }
        if self.records > self.limits.max_rows {
            return false;
        }
        self.records += 1;
        true
    }

    fn keep(&mut self, origin: Origin, decoded: Decoded) {
        match decoded {
            Decoded::Subnet(subnet) => self.subnets.push((origin, subnet)),
            Decoded::CustomField(row) => self.custom_fields.push((origin, row)),
            Decoded::Pool(pool) => self.pools.push((origin, pool)),
            Decoded::Address(address) => self.addresses.push((origin, address)),
            Decoded::Configuration(configuration) => self.configurations.push((origin, configuration)),
            Decoded::Relation { configuration_id, relation } => {
                self.relations.push((origin, configuration_id, relation))
            }
        }
    }

    pub(super) fn finish(self) -> (ImportPlan, Vec<Problem>) {
        let mut check = Checker::new(self.problems, self.undecodable);
        let (mut subnets, subnet_fates) = check.subnets(self.subnets);
        let (mut pools, pool_fates) = check.pools(self.pools, &subnets, &subnet_fates);
        check.custom_fields(self.custom_fields, (&mut subnets, &subnet_fates), (&mut pools, &pool_fates));
        let addresses = check.addresses(self.addresses, (&subnets, &subnet_fates), (&pools, &pool_fates));
        let configurations =
            check.configurations(self.configurations, self.relations, (&pools, &pool_fates), &subnet_fates);
        let plan = ImportPlan {
            subnets: subnets.into_iter().map(|(_, subnet)| subnet).collect(),
            pools: pools.into_iter().map(|(_, pool)| pool).collect(),
            addresses,
            configurations,
        };
        (plan, check.into_problems().into_vec())
    }
}
