//! An import plan checked against the installation, record by record, with
//! the same rules as the forms: each subnet, pool and configuration goes
//! through the form's own `validate` before anything is written.
//!
//! What the installation has already is reused (a subnet with the same
//! network under the same parent, a configuration with the same name);
//! what collides with it (an overlapping subnet or pool, a stored address)
//! and what WHMCS does not know (the service of an assignment, the product or
//! server of a relation) is skippable. Anything a form would refuse is an
//! error.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use ipnet::IpNet;
use mysql_async::prelude::*;

use crate::app::configurations::{self as configuration_form, ConfigurationForm};
use crate::app::pools::{self as pool_form, PoolForm};
use crate::app::subnets::{self as subnet_form, SubnetContext, SubnetForm};
use crate::core::address::Address;
use crate::core::exchange::{
    ExportAddress, ExportConfiguration, ExportPool, ExportRelation, ExportSubnet, ImportPlan, Problem, ProblemKind,
    RelationType, ReservationRule,
};
use crate::core::network::validate_siblings;
use crate::error::FieldError;
use crate::store::exchange as rows;
use crate::store::pools::{self, Pool};
use crate::store::subnets::{self, Subnet};
use crate::store::{configurations, settings};
use crate::Result;

/// What becomes of each record of the plan, by index.
#[derive(Debug, Default)]
pub(super) struct Resolution {
    pub(super) subnets: Vec<Target>,
    pub(super) pools: Vec<bool>,
    pub(super) addresses: Vec<AddressFate>,
    pub(super) configurations: Vec<bool>,
    /// Per configuration, whether each of its relations goes in.
    pub(super) relations: Vec<Vec<bool>>,
    pub(super) existing: Vec<String>,
    /// Hours a cooling-down address waits, from the settings.
    pub(super) cooldown_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    New,
    /// The installation has this subnet already; what the file puts in it
    /// goes into that one.
    Existing(u32),
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AddressFate {
    Keep,
    /// The service it is assigned to is not in this WHMCS: imported as
    /// reserved, so it is not handed out before the admin looks at it.
    Unassigned,
    Skipped,
}

pub(super) fn skippable(message: String) -> Problem {
    Problem { kind: ProblemKind::Skippable, line: None, path: None, message }
}

fn error(message: String) -> Problem {
    Problem { kind: ProblemKind::Error, line: None, path: None, message }
}

/// One error per field a form refused, named after the record.
fn refused(problems: &mut Vec<Problem>, record: &str, errors: Vec<FieldError>) {
    problems.extend(errors.into_iter().map(|field| error(format!("{record}, {}: {}", field.field, field.message))));
}

/// File id → index in the plan.
type Index = HashMap<u32, usize>;

/// Checks the plan against the installation, adding a problem for each
/// record that cannot go in as it is.
pub(super) async fn resolve<Q: Queryable>(
    db: &mut Q,
    plan: &ImportPlan,
    problems: &mut Vec<Problem>,
) -> Result<Resolution> {
    let mut resolution = Resolution { cooldown_hours: settings::cooldown_hours(db).await?, ..Default::default() };
    let (subnet_index, placed) = resolve_subnets(db, plan, problems, &mut resolution).await?;
    let pool_index = resolve_pools(db, plan, (&subnet_index, &placed), problems, &mut resolution).await?;
    resolve_addresses(db, plan, (&subnet_index, &pool_index), problems, &mut resolution).await?;
    resolve_configurations(db, plan, problems, &mut resolution).await?;
    Ok(resolution)
}

/// Each subnet of the plan that goes in, as stored, by file id: the
/// installed one, or the new one as its form made it (with a stand-in id
/// no stored subnet has, so children and pools can be checked against it).
type Placed = HashMap<u32, Subnet>;

async fn resolve_subnets<Q: Queryable>(
    db: &mut Q,
    plan: &ImportPlan,
    problems: &mut Vec<Problem>,
    resolution: &mut Resolution,
) -> Result<(Index, Placed)> {
    let installed = subnets::all(db).await?;
    let mut known = installed.clone();
    let mut index = Index::new();
    let mut placed = Placed::new();
    for (position, subnet) in plan.subnets.iter().enumerate() {
        index.insert(subnet.id, position);
        let parent = match subnet.parent_id {
            0 => Some(0),
            file_id => placed.get(&file_id).map(|parent| parent.id),
        };
        // A network is installed once, wherever a file nests it: the installed
        // subnet is reused, which is how a NetBox address export joins the
        // subnets its prefix export made.
        let target = match (parent, installed.iter().find(|s| s.network == subnet.cidr)) {
            (None, _) => Target::Skipped,
            (Some(_), Some(same)) => {
                resolution.existing.push(format!(
                    "Subnet {} ({}) exists already; what the file holds for it is added to it.",
                    subnet.name, subnet.cidr
                ));
                Target::Existing(same.id)
            }
            (Some(parent_id), None) if parent_id >= STAND_IN_IDS => Target::New,
            (Some(parent_id), None) => place_subnet(subnet, parent_id, &installed, problems),
        };
        let target = match target {
            Target::Existing(id) => {
                placed.insert(subnet.id, installed.iter().find(|s| s.id == id).cloned().expect("installed"));
                target
            }
            Target::New => match check_subnet(subnet, parent.unwrap_or(0), &known) {
                Ok(mut checked) => {
                    checked.id = STAND_IN_IDS + position as u32;
                    known.push(checked.clone());
                    placed.insert(subnet.id, checked);
                    Target::New
                }
                Err(errors) => {
                    refused(problems, &format!("Subnet {} ({})", subnet.name, subnet.cidr), errors);
                    Target::Skipped
                }
            },
            Target::Skipped => Target::Skipped,
        };
        resolution.subnets.push(target);
    }
    Ok((index, placed))
}

/// Stand-in ids of planned subnets and pools start here, far above any
/// AUTO_INCREMENT value an installation reaches.
const STAND_IN_IDS: u32 = 3_000_000_000;

/// A new subnet under an installed parent (or at the top) is skipped, with
/// everything in it, when it overlaps an installed sibling.
fn place_subnet(subnet: &ExportSubnet, parent_id: u32, installed: &[Subnet], problems: &mut Vec<Problem>) -> Target {
    let siblings: Vec<(u32, IpNet)> =
        installed.iter().filter(|s| s.parent_id == parent_id).map(|s| (s.id, s.network)).collect();
    match validate_siblings(&subnet.cidr, &siblings) {
        Ok(()) => Target::New,
        Err(error) => {
            problems.push(skippable(format!(
                "Subnet {} ({}): {error}; skipping it also skips its child subnets, pools and addresses.",
                subnet.name, subnet.cidr
            )));
            Target::Skipped
        }
    }
}

/// The subnet form's checks, on the subnet as the form would have it.
fn check_subnet(
    subnet: &ExportSubnet,
    parent_id: u32,
    known: &[Subnet],
) -> std::result::Result<Subnet, Vec<FieldError>> {
    let form = SubnetForm {
        id: None,
        name: subnet.name.clone(),
        cidr: subnet.cidr.to_string(),
        parent_id: Some(parent_id).filter(|id| *id != 0),
        gateway: subnet.gateway.map(Address::canonical).unwrap_or_default(),
        excluded_ips: subnet.excluded_ips.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        reserve_network: subnet.reservation_rules.contains(&ReservationRule::Network),
        reserve_broadcast: subnet.reservation_rules.contains(&ReservationRule::Broadcast),
        reserve_gateway: subnet.reservation_rules.contains(&ReservationRule::Gateway),
        store_free_ips: subnet.store_free_ips,
        alert_threshold: String::new(),
        description: subnet.description.clone(),
        dedicated_client_id: None,
        dedicated_service_id: None,
    };
    subnet_form::validate(&form, &SubnetContext { existing: None, all: known }).map(|valid| valid.subnet)
}

async fn resolve_pools<Q: Queryable>(
    db: &mut Q,
    plan: &ImportPlan,
    (subnet_index, placed): (&Index, &Placed),
    problems: &mut Vec<Problem>,
    resolution: &mut Resolution,
) -> Result<Index> {
    // Per subnet id: its installed pools, then the file's pools that passed.
    let mut siblings: HashMap<u32, Vec<Pool>> = HashMap::new();
    let mut index = Index::new();
    for (position, pool) in plan.pools.iter().enumerate() {
        index.insert(pool.id, position);
        let keep = match (resolution.subnets[subnet_index[&pool.subnet_id]], placed.get(&pool.subnet_id)) {
            (Target::Skipped, _) | (_, None) => false,
            (target, Some(subnet)) => {
                if let Entry::Vacant(slot) = siblings.entry(subnet.id) {
                    let installed = match target {
                        Target::Existing(id) => pools::in_subnet(db, id).await?,
                        _ => Vec::new(),
                    };
                    slot.insert(installed);
                }
                let others = siblings.get_mut(&subnet.id).expect("inserted above");
                match place_pool(pool, subnet, others, problems) {
                    Some(mut checked) => {
                        checked.id = STAND_IN_IDS + position as u32;
                        others.push(checked);
                        true
                    }
                    None => false,
                }
            }
        };
        resolution.pools.push(keep);
    }
    Ok(index)
}

/// A pool overlapping an installed one is skippable; otherwise the pool form's
/// checks decide (an overlap with another pool of the file is an error, as
/// the file contradicts itself).
fn place_pool(pool: &ExportPool, subnet: &Subnet, others: &[Pool], problems: &mut Vec<Problem>) -> Option<Pool> {
    let range = pool.range.unwrap_or_else(|| subnet.range());
    if let Some(other) = others.iter().find(|other| other.id < STAND_IN_IDS && other.range.overlaps(range)) {
        problems.push(skippable(format!(
            "Pool \"{}\" ({range}) overlaps the installed pool \"{}\" ({}) of {}; skipping it also skips its \
             addresses.",
            pool.name, other.name, other.range, subnet.network
        )));
        return None;
    }
    let text = |address: Option<Address>| address.map(Address::canonical).unwrap_or_default();
    let form = PoolForm {
        id: None,
        subnet_id: Some(subnet.id),
        name: pool.name.clone(),
        range_start: pool.range.map(|r| r.first().canonical()).unwrap_or_default(),
        range_end: pool.range.map(|r| r.last().canonical()).unwrap_or_default(),
        vlan: pool.vlan.clone(),
        bridge: pool.bridge.clone(),
        gateway: text(pool.gateway),
        dns1: text(pool.dns1),
        dns2: text(pool.dns2),
        delegation_prefix_length: match pool.delegation_prefix_length {
            0 => String::new(),
            length => length.to_string(),
        },
        reserved_ips: String::new(),
        description: pool.description.clone(),
        dedicated_client_id: None,
        dedicated_service_id: None,
    };
    match pool_form::validate(&form, Some(subnet), others) {
        Ok(valid) => Some(valid.pool),
        Err(errors) => {
            refused(problems, &format!("Pool \"{}\" of {}", pool.name, subnet.network), errors);
            None
        }
    }
}

/// The longest note an address row holds (`VARCHAR(255)`).
const NOTE_LIMIT: usize = 255;

async fn resolve_addresses<Q: Queryable>(
    db: &mut Q,
    plan: &ImportPlan,
    (subnet_index, pool_index): (&Index, &Index),
    problems: &mut Vec<Problem>,
    resolution: &mut Resolution,
) -> Result<()> {
    let services: HashSet<u32> =
        plan.addresses.iter().filter_map(|a| a.assignment.map(|assignment| assignment.service_id)).collect();
    let owners = if services.is_empty() { HashMap::new() } else { rows::service_owners(db, &services).await? };
    let mut stored: HashMap<u32, HashSet<Address>> = HashMap::new();
    for address in &plan.addresses {
        if address.note.chars().count() > NOTE_LIMIT {
            problems.push(error(format!("{}: the note can be at most {NOTE_LIMIT} characters long.", address.ip)));
        }
        let pool_kept = address.pool_id == 0 || resolution.pools[pool_index[&address.pool_id]];
        let fate = match resolution.subnets[subnet_index[&address.subnet_id]] {
            Target::Skipped => AddressFate::Skipped,
            _ if !pool_kept => AddressFate::Skipped,
            Target::Existing(subnet_id) => {
                if let Entry::Vacant(slot) = stored.entry(subnet_id) {
                    slot.insert(rows::stored_addresses(db, subnet_id).await?);
                }
                if stored[&subnet_id].contains(&address.ip) {
                    problems.push(skippable(format!(
                        "{} is already stored in {}; skipping keeps the installed one.",
                        address.ip, plan.subnets[subnet_index[&address.subnet_id]].cidr
                    )));
                    AddressFate::Skipped
                } else {
                    assignment_fate(address, &owners, problems)
                }
            }
            Target::New => assignment_fate(address, &owners, problems),
        };
        resolution.addresses.push(fate);
    }
    Ok(())
}

/// Keeps an assignment only when its service exists and belongs to its client.
fn assignment_fate(address: &ExportAddress, owners: &HashMap<u32, u32>, problems: &mut Vec<Problem>) -> AddressFate {
    let Some(assignment) = address.assignment else { return AddressFate::Keep };
    let reason = match owners.get(&assignment.service_id) {
        Some(owner) if *owner == assignment.client_id => return AddressFate::Keep,
        Some(owner) => {
            format!("service #{} belongs to client #{owner}, not #{}", assignment.service_id, assignment.client_id)
        }
        None => format!("service #{} does not exist in this WHMCS", assignment.service_id),
    };
    problems.push(skippable(format!(
        "{} is assigned in the file but {reason}; skipping imports the address as reserved, without the assignment.",
        address.ip
    )));
    AddressFate::Unassigned
}

/// A configuration whose name exists already is left as it is; a new one
/// passes the configuration form's checks, and each relation must name a
/// product, server, addon or option this WHMCS has.
async fn resolve_configurations<Q: Queryable>(
    db: &mut Q,
    plan: &ImportPlan,
    problems: &mut Vec<Problem>,
    resolution: &mut Resolution,
) -> Result<()> {
    if plan.configurations.is_empty() {
        return Ok(());
    }
    let names: HashSet<String> = configurations::all(db).await?.into_iter().map(|c| c.name).collect();
    let targets = known_targets(db, &plan.configurations).await?;
    for configuration in &plan.configurations {
        let new = !names.contains(&configuration.name) && check_configuration(configuration, problems);
        if names.contains(&configuration.name) {
            resolution
                .existing
                .push(format!("Configuration \"{}\" exists already; it is left as it is.", configuration.name));
        }
        let relations = configuration
            .relations
            .iter()
            .map(|relation| new && relation_target_known(configuration, relation, &targets, problems))
            .collect();
        resolution.configurations.push(new);
        resolution.relations.push(relations);
    }
    Ok(())
}

fn check_configuration(configuration: &ExportConfiguration, problems: &mut Vec<Problem>) -> bool {
    let form = ConfigurationForm {
        id: None,
        name: configuration.name.clone(),
        omit_dedicated_ip: configuration.omit_dedicated_ip,
        use_custom_field: configuration.use_custom_field,
        custom_field_name: configuration.custom_field_name.clone(),
    };
    match configuration_form::validate(&form) {
        Ok(_) => true,
        Err(errors) => {
            refused(problems, &format!("Configuration \"{}\"", configuration.name), errors);
            false
        }
    }
}

fn relation_target_known(
    configuration: &ExportConfiguration,
    relation: &ExportRelation,
    targets: &HashSet<(RelationType, u32)>,
    problems: &mut Vec<Problem>,
) -> bool {
    if targets.contains(&(relation.relation_type, relation.target_id)) {
        return true;
    }
    let what = match relation.relation_type {
        RelationType::Product => "product",
        RelationType::Server => "server",
        RelationType::Addon => "product addon",
        RelationType::ConfigOption => "configurable option",
    };
    problems.push(skippable(format!(
        "Configuration \"{}\": {what} #{} does not exist in this WHMCS; skipping leaves this relation out.",
        configuration.name, relation.target_id
    )));
    false
}

/// Which of the products, servers, addons and options the relations name
/// this WHMCS has.
async fn known_targets<Q: Queryable>(
    db: &mut Q,
    configurations: &[ExportConfiguration],
) -> Result<HashSet<(RelationType, u32)>> {
    let mut known = HashSet::new();
    for (relation_type, table) in [
        (RelationType::Product, "tblproducts"),
        (RelationType::Server, "tblservers"),
        (RelationType::Addon, "tbladdons"),
        (RelationType::ConfigOption, "tblproductconfigoptions"),
    ] {
        let ids: HashSet<u32> = configurations
            .iter()
            .flat_map(|c| &c.relations)
            .filter(|relation| relation.relation_type == relation_type)
            .map(|relation| relation.target_id)
            .collect();
        for id in rows::existing_ids(db, table, &ids).await? {
            known.insert((relation_type, id));
        }
    }
    Ok(known)
}
