//! Synchronize (guide §10): brings the dedicated and assigned IPs WHMCS
//! already holds into IP Manager. It works through `tblhosting` in batches
//! of services, so a page can show progress and each batch is one short
//! transaction; a dry run decides the same way and writes nothing.

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::allocation::{self, blocked_set};
use crate::app::service_ips::split_ips;
use crate::core::address::Address;
use crate::core::range::RangeSet;
use crate::core::sync::{decide, Known, Outcome, SubnetIndex};
use crate::store::logs::{self, LogEntry};
use crate::store::{self, pools, subnets};
use crate::{Error, Result};

/// Services per batch: large enough to be quick, small enough for a short transaction.
pub const BATCH: u32 = 5_000;
/// Rows per multi-row INSERT.
const INSERT_ROWS: usize = 1_000;

#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Only Active and Pending services (the guide's recommended default).
    pub live_only: bool,
    pub dry_run: bool,
    /// Continue after this service id (0 starts at the beginning).
    pub after: u32,
    pub batch: u32,
}

/// A skipped address or a conflict, for the result page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyncRow {
    pub service_id: u32,
    pub client_id: u32,
    pub ip: String,
    pub outcome: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SyncBatch {
    pub dry_run: bool,
    pub services: u32,
    pub synced: u32,
    pub created: u32,
    pub correct: u32,
    pub skipped: u32,
    pub conflicts: u32,
    pub rows: Vec<SyncRow>,
    /// The last service id of this batch: the next batch starts after it.
    pub next_after: u32,
    pub done: bool,
    /// Services with an IP in WHMCS under these options (first batch only).
    pub total: Option<u64>,
}

struct Entry {
    service_id: u32,
    client_id: u32,
    text: String,
    primary: bool,
}

/// Runs one batch of services after `options.after`.
pub async fn run_batch(conn: &mut Conn, options: SyncOptions, actor: &Actor) -> Result<SyncBatch> {
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let batch = batch_in(&mut tx, options, actor).await?;
        if options.dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(batch)
    })
    .await
}

async fn batch_in<Q: Queryable>(tx: &mut Q, options: SyncOptions, actor: &Actor) -> Result<SyncBatch> {
    let live = if options.live_only { " AND domainstatus IN ('Active', 'Pending')" } else { "" };
    let has_ip = "(COALESCE(dedicatedip, '') <> '' OR COALESCE(assignedips, '') <> '')";
    let total = if options.after == 0 {
        tx.query_first(format!("SELECT COUNT(*) FROM tblhosting WHERE {has_ip}{live}")).await?
    } else {
        None
    };
    // A preview writes nothing, so a later batch could not see what an earlier
    // one would have claimed: it reads every service at once (it is quick).
    let batch = if options.dry_run { u32::MAX } else { options.batch.max(1) };
    let services: Vec<(u32, u32, String, String)> = tx
        .exec(
            format!(
                "SELECT id, userid, COALESCE(dedicatedip, ''), COALESCE(assignedips, '') FROM tblhosting
                 WHERE id > ? AND {has_ip}{live} ORDER BY id LIMIT ?"
            ),
            (options.after, batch),
        )
        .await?;
    let mut report = SyncBatch {
        dry_run: options.dry_run,
        services: services.len() as u32,
        next_after: services.last().map_or(options.after, |s| s.0),
        done: services.len() < batch as usize,
        total,
        ..Default::default()
    };
    let mut entries = Vec::new();
    for (service_id, client_id, dedicated, assigned) in services {
        let dedicated = dedicated.trim().to_string();
        if !dedicated.is_empty() {
            entries.push(Entry { service_id, client_id, text: dedicated.clone(), primary: true });
        }
        for text in split_ips(&assigned).into_iter().filter(|t| *t != dedicated) {
            entries.push(Entry { service_id, client_id, text, primary: false });
        }
    }

    let all_subnets = subnets::all(tx).await?;
    let all_pools = pools::all(tx).await?;
    let index = SubnetIndex::new(all_subnets.iter().map(|s| (s.id, s.network)));
    // Dedications: (subnet, pool or 0, client or 0, service or 0).
    let locks: Vec<(u32, u32, u32, u32)> =
        tx.query("SELECT subnet_id, pool_id, client_id, service_id FROM mod_ipmanager_subnet_locks").await?;
    let mut blocked: HashMap<u32, RangeSet> = HashMap::new();
    let addresses: Vec<Option<Address>> = entries.iter().map(|e| Address::parse(&e.text).ok()).collect();
    let rows = existing_rows(tx, &addresses).await?;

    // Addresses claimed earlier in this batch, so one IP held by two services is a conflict.
    let mut claimed: HashMap<Address, u32> = HashMap::new();
    let mut synced_rows = Vec::new();
    let mut created_rows: Vec<(u32, u32, Address)> = Vec::new();
    let mut assignments: Vec<(Address, &Entry)> = Vec::new();
    for (entry, address) in entries.iter().zip(&addresses) {
        let Some(address) = *address else {
            report.skipped += 1;
            report.rows.push(row(entry, "skipped", "not an IP address".into()));
            continue;
        };
        let known = match claimed.get(&address) {
            Some(&other) if other != entry.service_id => Known::AssignedElsewhere(other),
            Some(_) => Known::AssignedHere,
            None => match index.containing(address) {
                None => Known::Unmanaged,
                Some(subnet_id) => match rows.get(&(subnet_id, address)) {
                    Some(Known::AssignedElsewhere(holder)) if *holder == entry.service_id => Known::AssignedHere,
                    Some(known) => *known,
                    None => {
                        let set = blocked.entry(subnet_id).or_insert_with(|| {
                            let subnet = all_subnets.iter().find(|s| s.id == subnet_id).expect("indexed");
                            let own: Vec<_> = all_pools.iter().filter(|p| p.subnet_id == subnet_id).cloned().collect();
                            blocked_set(subnet, &own)
                        });
                        if set.contains(address) { Known::Reserved } else { Known::Missing { subnet_id } }
                    }
                },
            },
        };
        // A subnet or pool dedicated to someone else is not given to this service.
        let known = match known {
            Known::Available(_) | Known::Missing { .. } => {
                let subnet_id = index.containing(address).unwrap_or(0);
                let pool_id = all_pools.iter().find(|p| p.subnet_id == subnet_id && p.range.contains(address)).map_or(0, |p| p.id);
                let foreign = locks.iter().any(|&(s, p, client, service)| {
                    s == subnet_id
                        && (p == 0 || p == pool_id)
                        && ((client != 0 && client != entry.client_id) || (service != 0 && service != entry.service_id))
                });
                if foreign { Known::Unavailable("dedicated to another client or service") } else { known }
            }
            other => other,
        };
        match decide(known) {
            Outcome::Correct => report.correct += 1,
            Outcome::Conflict(other) => {
                report.conflicts += 1;
                report.rows.push(row(entry, "conflict", format!("assigned to service #{other} in IP Manager")));
            }
            Outcome::Skipped(why) => {
                report.skipped += 1;
                report.rows.push(row(entry, "skipped", why.to_string()));
            }
            Outcome::Synced(row_id) => {
                report.synced += 1;
                claimed.insert(address, entry.service_id);
                synced_rows.push(row_id);
                assignments.push((address, entry));
            }
            Outcome::Created { subnet_id } => {
                report.created += 1;
                claimed.insert(address, entry.service_id);
                let pool_id = all_pools.iter().find(|p| p.subnet_id == subnet_id && p.range.contains(address)).map_or(0, |p| p.id);
                created_rows.push((subnet_id, pool_id, address));
                assignments.push((address, entry));
            }
        }
    }
    if !options.dry_run {
        write(tx, &synced_rows, &created_rows, &assignments, actor).await?;
        logs::record(
            tx,
            actor,
            LogEntry {
                action: "sync",
                details: format!(
                    "Synchronized {} services: {} assigned, {} created, {} already correct, {} skipped, {} conflicts.",
                    report.services, report.synced, report.created, report.correct, report.skipped, report.conflicts
                ),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(report)
}

fn row(entry: &Entry, outcome: &'static str, reason: String) -> SyncRow {
    SyncRow { service_id: entry.service_id, client_id: entry.client_id, ip: entry.text.clone(), outcome, reason }
}

/// (row id, subnet, ip_bin, status, reusable, holder service).
type KnownRow = (u64, u32, Vec<u8>, String, bool, Option<u32>);

/// What IP Manager holds for each of these addresses, keyed by (subnet,
/// address); an assigned row is reported with its holder, and the caller
/// tells its own service from another.
async fn existing_rows<Q: Queryable>(tx: &mut Q, addresses: &[Option<Address>]) -> Result<HashMap<(u32, Address), Known>> {
    let mut texts: Vec<String> = addresses.iter().flatten().map(|a| a.canonical()).collect();
    texts.sort_unstable();
    texts.dedup();
    let mut known = HashMap::new();
    for chunk in texts.chunks(INSERT_ROWS) {
        let placeholders = vec!["?"; chunk.len()].join(",");
        let rows: Vec<KnownRow> = tx
            .exec(
                format!(
                    "SELECT a.id, a.subnet_id, a.ip_bin, a.status,
                            a.status = 'free' OR (a.status = 'cooldown' AND a.cooldown_until <= NOW()), x.service_id
                     FROM mod_ipmanager_ip_addresses a LEFT JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id
                     WHERE a.ip IN ({placeholders})"
                ),
                chunk.to_vec(),
            )
            .await?;
        for (id, subnet_id, bin, status, available, service) in rows {
            let Some(address) = Address::from_bin(&bin) else { continue };
            let state = match (service, available) {
                (Some(service_id), _) => Known::AssignedElsewhere(service_id),
                (None, true) => Known::Available(id),
                (None, false) => Known::Unavailable(match status.as_str() {
                    "reserved" => "reserved in IP Manager",
                    "cooldown" => "in cooldown after a release",
                    _ => "being released from its server",
                }),
            };
            known.insert((subnet_id, address), state);
        }
    }
    Ok(known)
}

/// Applies a batch's decisions with multi-row statements.
async fn write<Q: Queryable>(
    tx: &mut Q,
    synced: &[u64],
    created: &[(u32, u32, Address)],
    assignments: &[(Address, &Entry)],
    actor: &Actor,
) -> Result<()> {
    for ids in synced.chunks(INSERT_ROWS) {
        let list = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        tx.query_drop(format!(
            "UPDATE mod_ipmanager_ip_addresses SET status = 'assigned', cooldown_until = NULL WHERE id IN ({list})"
        ))
        .await?;
    }
    for chunk in created.chunks(INSERT_ROWS) {
        let mut values: Vec<mysql_async::Value> = Vec::with_capacity(chunk.len() * 6);
        for (subnet_id, pool_id, address) in chunk {
            let bits = address.version().bits();
            values.extend([
                (*subnet_id).into(),
                (*pool_id).into(),
                address.canonical().into(),
                address.to_bin().into(),
                bits.into(),
                (if bits == 32 { 4u8 } else { 6u8 }).into(),
            ]);
        }
        store::insert_many(
            tx,
            "mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status)",
            "(?, ?, ?, ?, ?, ?, 'assigned')",
            chunk.len(),
            values,
        )
        .await?;
    }
    // The rows' ids, created or synced, by address.
    let mut ids: HashMap<Address, u64> = HashMap::new();
    let texts: Vec<String> = assignments.iter().map(|(a, _)| a.canonical()).collect();
    for chunk in texts.chunks(INSERT_ROWS) {
        let placeholders = vec!["?"; chunk.len()].join(",");
        let rows: Vec<(u64, Vec<u8>)> = tx
            .exec(
                format!("SELECT id, ip_bin FROM mod_ipmanager_ip_addresses WHERE status = 'assigned' AND ip IN ({placeholders})"),
                chunk.to_vec(),
            )
            .await?;
        ids.extend(rows.into_iter().filter_map(|(id, bin)| Address::from_bin(&bin).map(|a| (a, id))));
    }
    let by = format!("{}:{}", actor.kind.as_str(), actor.id);
    for chunk in assignments.chunks(INSERT_ROWS) {
        let mut values: Vec<mysql_async::Value> = Vec::with_capacity(chunk.len() * 5);
        for (address, entry) in chunk {
            let id = ids.get(address).ok_or_else(|| Error::Internal(format!("no row for {address} after sync")))?;
            values.extend([
                (*id).into(),
                entry.service_id.into(),
                entry.client_id.into(),
                (if entry.primary { "primary" } else { "additional" }).into(),
                by.clone().into(),
            ]);
        }
        store::insert_many(
            tx,
            "mod_ipmanager_assignments (ip_address_id, service_id, client_id, type, source, configuration_id, assigned_by)",
            "(?, ?, ?, ?, 'sync', 0, ?)",
            chunk.len(),
            values,
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct SyncOverview {
    /// Services with an IP in WHMCS: Active and Pending ones, and all of them.
    pub live: u64,
    pub all: u64,
    pub subnets: u64,
    pub batch: u32,
}

pub async fn overview(mut conn: Conn) -> Result<SyncOverview> {
    let row: Option<(u64, u64, u64)> = conn
        .query_first(
            "SELECT COALESCE(SUM(domainstatus IN ('Active', 'Pending')), 0), COUNT(*),
                    (SELECT COUNT(*) FROM mod_ipmanager_subnets)
             FROM tblhosting WHERE COALESCE(dedicatedip, '') <> '' OR COALESCE(assignedips, '') <> ''",
        )
        .await?;
    let (live, all, subnets) = row.unwrap_or_default();
    Ok(SyncOverview { live, all, subnets, batch: BATCH })
}
