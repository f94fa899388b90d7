//! Export and Import (Addons → IP Manager → Export / Import): the database
//! side of the codecs in `core::exchange`.
//!
//! An export streams records to any `Write` as MariaDB sends them. An import
//! reads the whole file into a plan, checks the plan against the
//! installation (subnets that exist already or overlap, addresses already
//! stored, services WHMCS does not have), and writes it in one transaction,
//! giving every record a new id. Nothing is written while any problem is an
//! error, nor while a skippable one stands and the admin chose to stop.

mod resolve;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use mysql_async::prelude::*;
use mysql_async::{Conn, IsolationLevel, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::allocation::blocked_set;
use crate::app::subnets::Saved;
use crate::core::address::Address;
use crate::core::exchange::{
    self, AddressStatus, Assignment, AssignmentType, ExportAddress, ExportConfiguration, ExportPool, ExportRelation,
    ExportSubnet, ExportWriter, Format, ImportPlan, Limits, Problem, ProblemKind, RelationType, ReservationRule,
    Source, Vocabulary,
};
use crate::core::matching;
use crate::core::range::AddressRange;
use crate::core::reservation::ReservationKind;
use crate::store::exchange::{self as rows, NewAddress, NewAssignment};
use crate::store::logs::{self, LogEntry};
use crate::store::pools::{self, Pool};
use crate::store::subnets::{self, Subnet};
use crate::store::{addresses, configurations};
use crate::{Error, Result};
use resolve::{resolve, skippable, AddressFate, Resolution, Target};

// --- Export -------------------------------------------------------------------------

/// What the Export page offers to include besides subnets and pools.
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions {
    pub format: Format,
    pub addresses: bool,
    pub configurations: bool,
}

/// How many records an export wrote.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub subnets: u64,
    pub pools: u64,
    pub addresses: u64,
    pub configurations: u64,
}

/// The Export page: what an export would hold.
pub async fn export_page(mut conn: Conn) -> Result<Counts> {
    let counts: Option<(u64, u64, u64, u64)> = conn
        .query_first(
            "SELECT (SELECT COUNT(*) FROM mod_ipmanager_subnets), (SELECT COUNT(*) FROM mod_ipmanager_pools),
                    (SELECT COUNT(*) FROM mod_ipmanager_ip_addresses), (SELECT COUNT(*) FROM mod_ipmanager_configurations)",
        )
        .await?;
    let (subnets, pools, addresses, configurations) = counts.unwrap_or_default();
    Ok(Counts { subnets, pools, addresses, configurations })
}

/// `ipmanager_export_2024-03-07.csv` for the format and the admin's date (`YYYY-MM-DD`).
pub fn file_name(format: Format, date: &str) -> Result<String> {
    let parts: Vec<u16> = date.split('-').filter_map(|part| part.parse().ok()).collect();
    match parts.as_slice() {
        [year, month @ 1..=12, day @ 1..=31] => Ok(exchange::file_name(format, (*year, *month as u8, *day as u8))),
        _ => Err(Error::invalid(format!("\"{date}\" is not a date of the form YYYY-MM-DD."))),
    }
}

/// The format named by an export form: `csv`, `xml` or `json`.
pub fn format(name: &str) -> Result<Format> {
    match name {
        "csv" => Ok(Format::Csv),
        "xml" => Ok(Format::Xml),
        "json" => Ok(Format::Json),
        other => Err(Error::field("format", format!("\"{other}\" is not an export format; choose CSV, XML or JSON."))),
    }
}

/// Writes the export to `out` while reading it. File ids are numbered in
/// export order, so exporting what an import of this file created gives the
/// same file again, byte for byte.
pub async fn export<W: Write>(mut conn: Conn, options: ExportOptions, out: W, actor: &Actor) -> Result<(Counts, W)> {
    // One snapshot for the whole file: allocations made while a million rows
    // stream out do not leave an address assigned to a pool the file lacks.
    let mut snapshot = TxOpts::default();
    snapshot
        .with_isolation_level(IsolationLevel::RepeatableRead)
        .with_consistent_snapshot(true)
        .with_readonly(Some(true));
    let mut tx = conn.start_transaction(snapshot).await?;
    let all_subnets = subnets::all(&mut tx).await?;
    let mut all_pools = pools::all(&mut tx).await?;
    let subnet_fields = rows::custom_field_values(&mut tx, "subnet").await?;
    let pool_fields = rows::custom_field_values(&mut tx, "pool").await?;
    let subnet_ids: HashMap<u32, u32> =
        all_subnets.iter().zip(1..).map(|(subnet, file_id)| (subnet.id, file_id)).collect();
    all_pools.sort_by_key(|pool| (subnet_ids.get(&pool.subnet_id).copied(), pool.range.first()));
    let pool_ids: HashMap<u32, u32> = all_pools.iter().zip(1..).map(|(pool, file_id)| (pool.id, file_id)).collect();

    let mut writer = ExportWriter::begin(options.format, out).map_err(output_failed)?;
    let mut counts = Counts::default();
    for subnet in &all_subnets {
        writer.subnet(&export_subnet(subnet, &subnet_ids, &subnet_fields)?).map_err(output_failed)?;
        counts.subnets += 1;
    }
    for pool in all_pools.iter().filter(|pool| subnet_ids.contains_key(&pool.subnet_id)) {
        writer.pool(&export_pool(pool, &subnet_ids, &pool_ids, &pool_fields)).map_err(output_failed)?;
        counts.pools += 1;
    }
    if options.addresses {
        for subnet in &all_subnets {
            let subnet_id = subnet_ids[&subnet.id];
            rows::each_address(&mut tx, subnet.id, |row| {
                writer.address(&export_address(row, subnet_id, &pool_ids)?).map_err(output_failed)?;
                counts.addresses += 1;
                Ok(())
            })
            .await?;
        }
    }
    if options.configurations {
        for configuration in export_configurations(&mut tx, &subnet_ids, &pool_ids).await? {
            writer.configuration(&configuration).map_err(output_failed)?;
            counts.configurations += 1;
        }
    }
    tx.commit().await?;
    let mut out = writer.finish().map_err(output_failed)?;
    out.flush().map_err(output_failed)?;
    // Who took a copy of every subnet (and perhaps every customer's address) is worth knowing.
    let details = format!(
        "Export ({}) of {}, {}, {} and {} downloaded.",
        options.format.extension().to_uppercase(),
        counted(counts.subnets, "subnet", "subnets"),
        counted(counts.pools, "pool", "pools"),
        counted(counts.addresses, "address", "addresses"),
        counted(counts.configurations, "configuration", "configurations"),
    );
    logs::record(&mut conn, actor, LogEntry { action: "exported", details, ..Default::default() }).await?;
    Ok((counts, out))
}

fn output_failed(error: std::io::Error) -> Error {
    Error::Internal(format!("the export could not be written ({error}); the download is incomplete, start it again"))
}

fn export_subnet(
    subnet: &Subnet,
    ids: &HashMap<u32, u32>,
    fields: &HashMap<u32, Vec<(String, String)>>,
) -> Result<ExportSubnet> {
    let excluded_ips = subnet
        .excluded_ips
        .split([',', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(AddressRange::parse)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Internal(format!("subnet {} holds unreadable excluded IPs: {e}", subnet.network)))?;
    let reservation_rules = subnet
        .rules
        .iter()
        .filter_map(|rule| match (rule.kind, rule.range) {
            (ReservationKind::Network, _) => Some(ReservationRule::Network),
            (ReservationKind::Broadcast, _) => Some(ReservationRule::Broadcast),
            (ReservationKind::Gateway, _) => Some(ReservationRule::Gateway),
            (ReservationKind::Custom, range) => range.map(ReservationRule::Custom),
        })
        .collect();
    Ok(ExportSubnet {
        id: ids[&subnet.id],
        parent_id: ids.get(&subnet.parent_id).copied().unwrap_or(0),
        name: subnet.name.clone(),
        cidr: subnet.network,
        gateway: Address::parse(&subnet.gateway).ok(),
        excluded_ips,
        reservation_rules,
        store_free_ips: subnet.store_free_ips,
        description: subnet.description.clone(),
        custom_fields: custom_fields(fields, subnet.id),
    })
}

fn custom_fields(fields: &HashMap<u32, Vec<(String, String)>>, object_id: u32) -> BTreeMap<String, String> {
    fields.get(&object_id).map(|values| values.iter().cloned().collect()).unwrap_or_default()
}

fn export_pool(
    pool: &Pool,
    subnet_ids: &HashMap<u32, u32>,
    pool_ids: &HashMap<u32, u32>,
    fields: &HashMap<u32, Vec<(String, String)>>,
) -> ExportPool {
    ExportPool {
        id: pool_ids[&pool.id],
        subnet_id: subnet_ids[&pool.subnet_id],
        name: pool.name.clone(),
        range: if pool.range_start.is_empty() && pool.range_end.is_empty() { None } else { Some(pool.range) },
        gateway: Address::parse(&pool.gateway).ok(),
        dns1: Address::parse(&pool.dns1).ok(),
        dns2: Address::parse(&pool.dns2).ok(),
        vlan: pool.vlan.clone(),
        bridge: pool.bridge.clone(),
        delegation_prefix_length: pool.delegation_prefix_length,
        description: pool.description.clone(),
        custom_fields: custom_fields(fields, pool.id),
    }
}

fn export_address(row: rows::AddressRow, subnet_id: u32, pool_ids: &HashMap<u32, u32>) -> Result<ExportAddress> {
    let status = AddressStatus::from_text(&row.status)
        .ok_or_else(|| Error::Internal(format!("address {} has an unknown status {}", row.ip, row.status)))?;
    // Only an assigned address carries its assignment; a releasing row's
    // assignment is about to end and is not worth recreating elsewhere. An
    // assigned row without an assignment (a record broken by hand) goes out
    // as reserved, so an import does not hand it to a new customer.
    let assignment = match (status, row.assignment) {
        (AddressStatus::Assigned, Some((service_id, client_id, kind))) => Some(Assignment {
            service_id,
            client_id,
            assignment_type: AssignmentType::from_text(&kind).unwrap_or(AssignmentType::Primary),
        }),
        _ => None,
    };
    Ok(ExportAddress {
        subnet_id,
        pool_id: pool_ids.get(&row.pool_id).copied().unwrap_or(0),
        ip: row.ip,
        prefix_length: row.prefix_length,
        status: if status == AddressStatus::Assigned && assignment.is_none() {
            AddressStatus::Reserved
        } else {
            status
        },
        note: row.note,
        assignment,
    })
}

async fn export_configurations<Q: Queryable>(
    db: &mut Q,
    subnet_ids: &HashMap<u32, u32>,
    pool_ids: &HashMap<u32, u32>,
) -> Result<Vec<ExportConfiguration>> {
    let all = configurations::all(db).await?;
    let relations = configurations::relations(db, None).await?;
    Ok(all
        .iter()
        .zip(1..)
        .map(|(configuration, id)| ExportConfiguration {
            id,
            name: configuration.name.clone(),
            omit_dedicated_ip: configuration.omit_dedicated_ip,
            use_custom_field: configuration.use_custom_field,
            custom_field_name: configuration.custom_field_name.clone(),
            relations: relations
                .iter()
                .filter(|relation| relation.configuration_id == configuration.id)
                .filter_map(|relation| {
                    let (pool_id, subnet_id) = match relation.source {
                        matching::Source::Pool(pool) => (*pool_ids.get(&pool)?, 0),
                        matching::Source::Subnet(subnet) => (0, *subnet_ids.get(&subnet)?),
                    };
                    Some(ExportRelation {
                        relation_type: RelationType::from_text(relation.relation_type.as_str())?,
                        target_id: relation.target_id,
                        subnet_id,
                        pool_id,
                        priority: relation.priority,
                    })
                })
                .collect(),
        })
        .collect())
}

// --- Import -------------------------------------------------------------------------

/// What the admin picked in the Format list: a format, another tool's
/// export, or `auto` to recognise the file.
pub fn source(name: &str, bytes: &[u8]) -> Result<Source> {
    Ok(match name {
        "" | "auto" => exchange::detect(bytes)
            .ok_or_else(|| Error::field("file", "The file is empty; choose the file you exported."))?,
        "csv" => Source::Native(Format::Csv),
        "xml" => Source::Native(Format::Xml),
        "json" => Source::Native(Format::Json),
        "netbox_prefixes" => Source::NetBoxPrefixes,
        "netbox_addresses" => Source::NetBoxAddresses,
        "phpipam" => Source::PhpIpamAddresses,
        other => return Err(Error::field("source", format!("\"{other}\" is not a format this page reads."))),
    })
}

fn source_label(source: Source) -> &'static str {
    match source {
        Source::Native(Format::Csv) => "IP Manager CSV",
        Source::Native(Format::Xml) => "IP Manager XML",
        Source::Native(Format::Json) => "IP Manager JSON",
        Source::NetBoxPrefixes => "NetBox prefixes (CSV)",
        Source::NetBoxAddresses => "NetBox IP addresses (CSV)",
        Source::PhpIpamAddresses => "phpIPAM subnet addresses (CSV)",
    }
}

/// What to do about skippable problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnProblem {
    /// Import without the records they concern.
    Skip,
    /// Import nothing.
    Stop,
}

/// The Import page's limits, so the shim refuses an oversized upload before
/// reading it.
#[derive(Debug, Serialize)]
pub struct ImportPage {
    pub max_bytes: usize,
    /// `max_bytes` for people, e.g. `64 MiB`.
    pub max_size: String,
    pub subnets: Vec<(u32, String)>,
}

pub async fn import_page(mut conn: Conn) -> Result<ImportPage> {
    let all = subnets::all(&mut conn).await?;
    Ok(ImportPage {
        max_bytes: Limits::default().max_bytes,
        max_size: format!("{} MiB", Limits::default().max_bytes / (1024 * 1024)),
        subnets: all.iter().map(|s| (s.id, format!("{} ({})", s.name, s.network))).collect(),
    })
}

/// One problem as the preview lists it.
#[derive(Debug, Serialize)]
pub struct ProblemRow {
    /// `error` or `skippable`.
    pub kind: &'static str,
    pub line: Option<u64>,
    pub path: Option<String>,
    pub message: String,
    /// Line, path and message in one sentence.
    pub text: String,
}

impl From<&Problem> for ProblemRow {
    fn from(problem: &Problem) -> Self {
        ProblemRow {
            kind: if problem.is_error() { "error" } else { "skippable" },
            line: problem.line,
            path: problem.path.clone(),
            message: problem.message.clone(),
            text: problem.to_string(),
        }
    }
}

/// The problems a preview lists: as many as the codec lists for a file, then
/// one line counting the rest (re-importing a stored /16 repeats 65,536
/// addresses, which no page should list one by one).
fn listed(problems: &[Problem]) -> Vec<ProblemRow> {
    let limit = Limits::default().max_problems;
    let mut rows: Vec<ProblemRow> = problems.iter().take(limit).map(ProblemRow::from).collect();
    if let Some(rest) = problems.get(limit..).filter(|rest| !rest.is_empty()) {
        let errors = rest.iter().filter(|problem| problem.is_error()).count();
        let summary = Problem {
            kind: if errors > 0 { ProblemKind::Error } else { ProblemKind::Skippable },
            line: None,
            path: None,
            message: format!("{} more problems are not listed ({errors} of them errors).", rest.len()),
        };
        rows.push(ProblemRow::from(&summary));
    }
    rows
}

/// What an import would do, shown before anything is written.
#[derive(Debug, Serialize)]
pub struct Preview {
    pub source: &'static str,
    pub create: Counts,
    /// Subnets (and configurations) of the file the installation has already.
    pub existing: Vec<String>,
    /// The subnets the import creates, as `name (cidr)`, parents first.
    pub new_subnets: Vec<String>,
    pub problems: Vec<ProblemRow>,
    pub errors: usize,
    pub skippable: usize,
}

/// Reads and checks a file without writing anything.
pub async fn preview(mut conn: Conn, source: Source, bytes: &[u8]) -> Result<Preview> {
    let (plan, mut problems) = exchange::read_plan(source, bytes, &Limits::default());
    let resolution = resolve(&mut conn, &plan, &mut problems).await?;
    Ok(describe(source, &plan, &resolution, &problems))
}

/// Imports a file in one transaction, or nothing with the reason.
pub async fn import(
    mut conn: Conn,
    source: Source,
    bytes: &[u8],
    on_problem: OnProblem,
    actor: &Actor,
) -> Result<Saved> {
    let (plan, mut problems) = exchange::read_plan(source, bytes, &Limits::default());
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let resolution = resolve(&mut tx, &plan, &mut problems).await?;
    refuse_unless_clear(&problems, on_problem)?;
    let created = write(&mut tx, &plan, &resolution, actor).await?;
    let message = format!(
        "Imported from {}: {}, {}, {} and {} created{}.",
        source_label(source),
        counted(created.subnets, "subnet", "subnets"),
        counted(created.pools, "pool", "pools"),
        counted(created.addresses, "address", "addresses"),
        counted(created.configurations, "configuration", "configurations"),
        match problems.len() {
            0 => String::new(),
            skipped =>
                format!("; {} left out", counted(skipped as u64, "skippable record was", "skippable records were")),
        }
    );
    logs::record(&mut tx, actor, LogEntry { action: "imported", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id: 0, message })
}

/// `1 pool`, `3 pools`.
fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn refuse_unless_clear(problems: &[Problem], on_problem: OnProblem) -> Result<()> {
    if let Some(first) = problems.iter().find(|problem| problem.is_error()) {
        let errors = problems.iter().filter(|problem| problem.is_error()).count();
        let more =
            if errors > 1 { format!(" ({} more errors are listed in the preview)", errors - 1) } else { String::new() };
        let first = first.to_string();
        let first = first.trim_end_matches('.');
        return Err(Error::invalid(format!("Nothing was imported. {first}{more}. Fix the file and import it again.")));
    }
    if on_problem == OnProblem::Stop && !problems.is_empty() {
        let count = match problems.len() {
            1 => "1 record overlaps or repeats".to_string(),
            many => format!("{many} records overlap or repeat"),
        };
        return Err(Error::Conflict(format!(
            "Nothing was imported: {count} what exists (first: {}). Choose \"Skip them\" to import the rest.",
            problems[0].to_string().trim_end_matches('.')
        )));
    }
    Ok(())
}

fn describe(source: Source, plan: &ImportPlan, resolution: &Resolution, problems: &[Problem]) -> Preview {
    let new_subnets: Vec<String> = plan
        .subnets
        .iter()
        .zip(&resolution.subnets)
        .filter(|(_, target)| **target == Target::New)
        .map(|(subnet, _)| format!("{} ({})", subnet.name, subnet.cidr))
        .collect();
    Preview {
        source: source_label(source),
        create: Counts {
            subnets: new_subnets.len() as u64,
            pools: resolution.pools.iter().filter(|kept| **kept).count() as u64,
            addresses: resolution.addresses.iter().filter(|fate| **fate != AddressFate::Skipped).count() as u64,
            configurations: resolution.configurations.iter().filter(|new| **new).count() as u64,
        },
        existing: resolution.existing.clone(),
        new_subnets,
        problems: listed(problems),
        errors: problems.iter().filter(|problem| problem.is_error()).count(),
        skippable: problems.iter().filter(|problem| !problem.is_error()).count(),
    }
}

/// Writes the plan as resolved; returns what was created.
async fn write<Q: Queryable>(db: &mut Q, plan: &ImportPlan, resolution: &Resolution, actor: &Actor) -> Result<Counts> {
    let mut counts = Counts::default();
    let mut subnet_ids: HashMap<u32, u32> = HashMap::new();
    let mut created_subnets = Vec::new();
    for (subnet, target) in plan.subnets.iter().zip(&resolution.subnets) {
        let id = match *target {
            Target::Skipped => continue,
            Target::Existing(id) => id,
            Target::New => {
                let parent_id = subnet_ids.get(&subnet.parent_id).copied().unwrap_or(0);
                let id = create_subnet(db, subnet, parent_id).await?;
                created_subnets.push(id);
                counts.subnets += 1;
                id
            }
        };
        subnet_ids.insert(subnet.id, id);
    }
    let mut pool_ids: HashMap<u32, u32> = HashMap::new();
    for (pool, kept) in plan.pools.iter().zip(&resolution.pools) {
        let Some(&subnet_id) = subnet_ids.get(&pool.subnet_id).filter(|_| *kept) else { continue };
        pool_ids.insert(pool.id, create_pool(db, pool, subnet_id).await?);
        counts.pools += 1;
    }
    for subnet_id in created_subnets {
        store_free_addresses(db, subnet_id).await?;
    }
    counts.addresses = write_addresses(db, plan, resolution, (&subnet_ids, &pool_ids), actor).await?;
    let touched: Vec<u32> = subnet_ids.values().copied().collect();
    rows::start_cooldowns(db, &touched, resolution.cooldown_hours).await?;
    for ((configuration, new), relations) in
        plan.configurations.iter().zip(&resolution.configurations).zip(&resolution.relations)
    {
        if *new {
            create_configuration(db, configuration, relations, (&subnet_ids, &pool_ids)).await?;
            counts.configurations += 1;
        }
    }
    Ok(counts)
}

async fn create_subnet<Q: Queryable>(db: &mut Q, subnet: &ExportSubnet, parent_id: u32) -> Result<u32> {
    let excluded_ips = subnet.excluded_ips.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    let row = Subnet {
        id: 0,
        parent_id,
        name: subnet.name.clone(),
        network: subnet.cidr,
        gateway: subnet.gateway.map(Address::canonical).unwrap_or_default(),
        excluded_ips,
        store_free_ips: subnet.store_free_ips,
        alert_threshold: None,
        description: subnet.description.clone(),
        rules: Vec::new(),
        children: Vec::new(),
    };
    let id = subnets::insert(db, &row).await?;
    let choices: Vec<ReservationKind> = subnet
        .reservation_rules
        .iter()
        .filter(|rule| !matches!(rule, ReservationRule::Custom(_)))
        .map(|rule| rule.kind())
        .collect();
    subnets::set_reserve_choices(db, id, &choices).await?;
    for rule in &subnet.reservation_rules {
        if let ReservationRule::Custom(range) = rule {
            subnets::add_custom_rule(db, id, 0, *range, "").await?;
        }
    }
    for (name, value) in &subnet.custom_fields {
        rows::set_custom_field(db, "subnet", id, name, value).await?;
    }
    Ok(id)
}

async fn create_pool<Q: Queryable>(db: &mut Q, pool: &ExportPool, subnet_id: u32) -> Result<u32> {
    let subnet = subnets::find(db, subnet_id).await?;
    let (range, range_start, range_end) = match pool.range {
        Some(range) => (range, range.first().canonical(), range.last().canonical()),
        None => (subnet.range(), String::new(), String::new()),
    };
    let text = |address: Option<Address>| address.map(Address::canonical).unwrap_or_default();
    let row = Pool {
        id: 0,
        subnet_id,
        name: pool.name.clone(),
        range,
        range_start,
        range_end,
        vlan: pool.vlan.clone(),
        bridge: pool.bridge.clone(),
        gateway: text(pool.gateway),
        dns1: text(pool.dns1),
        dns2: text(pool.dns2),
        delegation_prefix_length: pool.delegation_prefix_length,
        description: pool.description.clone(),
        rules: Vec::new(),
    };
    let id = pools::insert(db, &row).await?;
    if subnet.store_free_ips {
        addresses::set_pool(db, subnet_id, range, id).await?;
    }
    for (name, value) in &pool.custom_fields {
        rows::set_custom_field(db, "pool", id, name, value).await?;
    }
    Ok(id)
}

/// A new subnet with "Store free IPs" gets its rows as the form would write
/// them; the file's own rows then take their place.
async fn store_free_addresses<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<()> {
    let subnet = subnets::find(db, subnet_id).await?;
    if !subnet.store_free_ips {
        return Ok(());
    }
    let pools = pools::in_subnet(db, subnet_id).await?;
    let ranges: Vec<(u32, AddressRange)> = pools.iter().map(|p| (p.id, p.range)).collect();
    addresses::store_range(db, subnet_id, subnet.range(), &blocked_set(&subnet, &pools), &ranges).await?;
    Ok(())
}

async fn write_addresses<Q: Queryable>(
    db: &mut Q,
    plan: &ImportPlan,
    resolution: &Resolution,
    (subnet_ids, pool_ids): (&HashMap<u32, u32>, &HashMap<u32, u32>),
    actor: &Actor,
) -> Result<u64> {
    let mut new_rows = Vec::new();
    let mut assignments = Vec::new();
    for (address, fate) in plan.addresses.iter().zip(&resolution.addresses) {
        if *fate == AddressFate::Skipped {
            continue;
        }
        let subnet_id = subnet_ids[&address.subnet_id];
        let status = match (fate, address.status) {
            (AddressFate::Unassigned, _) => AddressStatus::Reserved,
            (_, status) => status,
        };
        new_rows.push(NewAddress {
            subnet_id,
            pool_id: pool_ids.get(&address.pool_id).copied().unwrap_or(0),
            ip: address.ip,
            prefix_length: address.prefix_length,
            status: status.as_str(),
            note: address.note.clone(),
        });
        if let (AddressFate::Keep, Some(assignment)) = (fate, address.assignment) {
            assignments.push(NewAssignment {
                subnet_id,
                ip: address.ip,
                service_id: assignment.service_id,
                client_id: assignment.client_id,
                assignment_type: assignment.assignment_type.as_str(),
            });
        }
    }
    rows::insert_addresses(db, &new_rows).await?;
    let assigned_by = format!("{} #{}", actor.kind.as_str(), actor.id);
    rows::insert_assignments(db, &assignments, &assigned_by).await?;
    Ok(new_rows.len() as u64)
}

async fn create_configuration<Q: Queryable>(
    db: &mut Q,
    configuration: &ExportConfiguration,
    kept: &[bool],
    (subnet_ids, pool_ids): (&HashMap<u32, u32>, &HashMap<u32, u32>),
) -> Result<()> {
    let id = configurations::insert(
        db,
        &configurations::Configuration {
            id: 0,
            name: configuration.name.clone(),
            omit_dedicated_ip: configuration.omit_dedicated_ip,
            use_custom_field: configuration.use_custom_field,
            custom_field_name: configuration.custom_field_name.clone(),
        },
    )
    .await?;
    for relation in configuration.relations.iter().zip(kept).filter(|(_, kept)| **kept).map(|(relation, _)| relation) {
        let pool_id = match relation.pool_id {
            0 => 0,
            file_id => match pool_ids.get(&file_id) {
                Some(id) => *id,
                None => continue,
            },
        };
        let subnet_id = match relation.subnet_id {
            0 => 0,
            file_id => match subnet_ids.get(&file_id) {
                Some(id) => *id,
                None => continue,
            },
        };
        let source = (pool_id, if pool_id != 0 { 0 } else { subnet_id });
        rows::insert_relation(db, id, relation.relation_type.as_str(), relation.target_id, source, relation.priority)
            .await?;
    }
    Ok(())
}

// --- A WHMCS server's "Assigned IP Addresses" pasted into a subnet -------------------

/// What pasting a list would add to a subnet.
#[derive(Debug, Serialize)]
pub struct PastePreview {
    pub subnet_id: u32,
    pub subnet: String,
    pub addresses: Vec<String>,
    pub problems: Vec<ProblemRow>,
    pub errors: usize,
    pub skippable: usize,
}

/// The list's addresses that are new to the subnet, and every problem.
async fn read_list<Q: Queryable>(db: &mut Q, subnet: &Subnet, text: &str) -> Result<(Vec<Address>, Vec<Problem>)> {
    let (listed, mut problems) = exchange::parse_address_list(text, &subnet.network);
    let stored = rows::stored_addresses(db, subnet.id).await?;
    let mut fresh = Vec::with_capacity(listed.len());
    for address in listed {
        if stored.contains(&address) {
            problems.push(skippable(format!(
                "{address} is already stored in {}; skipping keeps it as it is.",
                subnet.network
            )));
        } else {
            fresh.push(address);
        }
    }
    Ok((fresh, problems))
}

pub async fn paste_preview(mut conn: Conn, subnet_id: u32, text: &str) -> Result<PastePreview> {
    let subnet = subnets::find(&mut conn, subnet_id).await?;
    let (fresh, problems) = read_list(&mut conn, &subnet, text).await?;
    Ok(PastePreview {
        subnet_id,
        subnet: format!("{} ({})", subnet.name, subnet.network),
        addresses: fresh.iter().map(ToString::to_string).collect(),
        errors: problems.iter().filter(|problem| problem.is_error()).count(),
        skippable: problems.iter().filter(|problem| !problem.is_error()).count(),
        problems: listed(&problems),
    })
}

/// Stores the listed addresses in the subnet: free for allocation, reserved
/// where the subnet's rules say so, each in the pool whose range holds it.
pub async fn paste(mut conn: Conn, subnet_id: u32, text: &str, on_problem: OnProblem, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let subnet = subnets::find_for_update(&mut tx, subnet_id).await?;
    let (fresh, problems) = read_list(&mut tx, &subnet, text).await?;
    refuse_unless_clear(&problems, on_problem)?;
    if fresh.is_empty() {
        return Err(Error::field("addresses", "The list has no address to add; paste one address per line."));
    }
    let pools = pools::in_subnet(&mut tx, subnet_id).await?;
    let blocked = blocked_set(&subnet, &pools);
    let new_rows: Vec<NewAddress> = fresh
        .iter()
        .map(|address| NewAddress {
            subnet_id,
            pool_id: pools.iter().find(|pool| pool.range.contains(*address)).map_or(0, |pool| pool.id),
            ip: *address,
            prefix_length: address.version().bits(),
            status: if blocked.contains(*address) { "reserved" } else { "free" },
            note: String::new(),
        })
        .collect();
    rows::insert_addresses(&mut tx, &new_rows).await?;
    let message = format!("{} added to {}.", counted(new_rows.len() as u64, "address", "addresses"), subnet.network);
    logs::record(
        &mut tx,
        actor,
        LogEntry { action: "addresses_pasted", details: message.clone(), ..Default::default() },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: subnet_id, message })
}
