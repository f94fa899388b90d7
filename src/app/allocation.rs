//! The allocation contract (design §4): choosing a free address and recording
//! its assignment happen in one transaction; the unique keys on
//! `(subnet_id, ip_bin)` and `assignments.ip_address_id` are the backstop.
//!
//! Stored ranges ("Store free IPs") hand out their lowest `free` row with
//! `FOR UPDATE SKIP LOCKED`, so concurrent allocations in one pool proceed in
//! parallel. Unstored ranges lock their subnet row and search the gaps of the
//! ordered used set, starting at a per-pool hint below which nothing is free,
//! so a large IPv6 range costs as little as a small IPv4 one.
//!
//! `allocate` (an allocation in a transaction of its own) has a shorter path
//! for ranges this process has already seen stored; see `allocate_stored`.

use std::collections::HashMap;
use std::sync::Mutex;

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts, Value};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::core::address::Address;
use crate::core::allocation::{lowest_free, lowest_free_prefix, Scan};
use crate::core::range::{AddressRange, RangeSet};
use crate::store::logs::{self, LogEntry};
use crate::store::pools::{self, Pool};
use crate::store::subnets::{self, Subnet};
use crate::store::{self, addresses, settings};
use crate::{Error, Result};

/// Used rows fetched by the first gap-search query; each further query of the
/// same search fetches twice as many, up to `SCAN_PAGE_MAX`, so a search that
/// starts far below the first gap (no hint yet) needs few round trips.
const SCAN_PAGE: usize = 512;
const SCAN_PAGE_MAX: usize = 32_768;
/// Attempts when a deadlock or the unique-key backstop interrupts a transaction.
const ATTEMPTS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Pool(u32),
    Subnet(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentType {
    Primary,
    Additional,
}

impl AssignmentType {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentType::Primary => "primary",
            AssignmentType::Additional => "additional",
        }
    }
}

/// Who receives the address and why.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub service_id: u32,
    pub client_id: u32,
    pub assignment_type: AssignmentType,
    /// provisioning, manual, sync, import…
    pub source: &'static str,
    pub configuration_id: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Allocated {
    pub address_id: u64,
    /// The address, or `prefix/len` for a delegated prefix.
    pub ip: String,
    pub subnet_id: u32,
    pub pool_id: u32,
}

/// Allocates the lowest free address of `scope` to `recipient`, in a
/// transaction of its own.
pub async fn allocate(conn: &mut Conn, scope: Scope, recipient: &Recipient, actor: &Actor) -> Result<Allocated> {
    let database = database_key(conn);
    retrying(conn, async |conn| {
        if let Some(subnet_id) = known_stored(&database, scope) {
            if let Some(allocated) = allocate_stored(conn, scope, subnet_id, recipient, actor).await? {
                return Ok(allocated);
            }
        }
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let (allocated, stored) = allocate_probed(&mut tx, scope, recipient, actor).await?;
        tx.commit().await?;
        remember_stored(&database, scope, stored.then_some(allocated.subnet_id));
        Ok(allocated)
    })
    .await
}

/// Runs a whole transaction again when a deadlock or the unique-key backstop
/// interrupted it; anything else is final.
pub async fn retrying<T>(conn: &mut Conn, mut attempt: impl AsyncFnMut(&mut Conn) -> Result<T>) -> Result<T> {
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt(conn).await {
            Err(Error::Database(message)) if tries < ATTEMPTS && is_retryable(&message) => continue,
            outcome => return outcome,
        }
    }
}

fn is_retryable(message: &str) -> bool {
    // 1213 deadlock, 1062 the unique-key backstop caught a race.
    message.contains("1213") || message.contains("Deadlock") || message.contains("1062") || message.contains("Duplicate entry")
}

/// Allocates inside the caller's transaction, so several addresses (and the
/// write-back to WHMCS) commit or roll back together.
pub async fn allocate_in<Q: Queryable>(tx: &mut Q, scope: Scope, recipient: &Recipient, actor: &Actor) -> Result<Allocated> {
    Ok(allocate_probed(tx, scope, recipient, actor).await?.0)
}

/// `allocate_in`, also telling whether the scope's range is stored.
async fn allocate_probed<Q: Queryable>(
    tx: &mut Q,
    scope: Scope,
    recipient: &Recipient,
    actor: &Actor,
) -> Result<(Allocated, bool)> {
    let (allocated, stored) = match probe(tx, scope, recipient).await? {
        Probe::Stored(candidate) => (take_stored(tx, scope, candidate).await?, true),
        Probe::Unstored(subnet_id) => (take_unstored(tx, scope, subnet_id, recipient).await?, false),
    };
    record_assignment(tx, &allocated, recipient, actor).await?;
    Ok((allocated, stored))
}

/// Scopes this process has seen stored, per database (`database_key`), with
/// their subnet. Only a hint: `allocate_stored` checks it again inside its
/// transaction and falls back to the full path when it no longer holds.
static STORED_SCOPES: Mutex<Option<HashMap<(String, Scope), u32>>> = Mutex::new(None);

/// Which database a connection talks to, so a process that connects to
/// several (the tests) never mixes their ids.
fn database_key(conn: &Conn) -> String {
    let opts = conn.opts();
    format!(
        "{}:{}:{}:{}",
        opts.ip_or_hostname(),
        opts.tcp_port(),
        opts.socket().unwrap_or(""),
        opts.db_name().unwrap_or("")
    )
}

fn known_stored(database: &str, scope: Scope) -> Option<u32> {
    let cache = STORED_SCOPES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    cache.as_ref()?.get(&(database.to_string(), scope)).copied()
}

fn remember_stored(database: &str, scope: Scope, subnet_id: Option<u32>) {
    let mut cache = STORED_SCOPES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    match subnet_id {
        Some(id) => cache.insert((database.to_string(), scope), id),
        None => cache.remove(&(database.to_string(), scope)),
    };
}

/// A transaction opened with SQL text rather than `Conn::start_transaction`,
/// so that it can begin in the same round trip as its first statements. If
/// it is dropped while still open (a timeout, a panic, a failed ROLLBACK), the
/// pool resets the connection before it is used again, which rolls it back.
struct OpenTransaction<'c> {
    conn: &'c mut Conn,
    open: bool,
}

impl<'c> OpenTransaction<'c> {
    /// Call before sending the batch that starts the transaction.
    fn starting(conn: &'c mut Conn) -> Self {
        OpenTransaction { conn, open: true }
    }

    async fn rollback(mut self) -> Result<()> {
        self.conn.query_drop("ROLLBACK").await?;
        self.open = false;
        Ok(())
    }

    /// The batch that ended with COMMIT succeeded.
    fn committed(mut self) {
        self.open = false;
    }
}

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn.reset_connection(true);
        }
    }
}

/// The allocation transaction for a range this process has already seen
/// stored, in two round trips instead of six: the first begins the
/// transaction and, in one statement, locks the lowest free row and reads
/// from the subnet row whether the subnet still stores its free addresses,
/// has dedications, or may have a cooldown that ended (its cooldown bound);
/// the second writes the address, the assignment and the log row and
/// commits. Each statement, and each subquery, costs the server more than a
/// round trip costs here, so the checks are one primary-key subquery (which
/// does not lock what it reads) riding along with the locking read.
///
/// The transaction runs under REPEATABLE READ, the one exception to the
/// connection's READ COMMITTED. Both levels see the same here: the reads
/// beside the lock are consistent reads of settings taken at the start, as in
/// the full path, and every read after it is of the row the transaction
/// holds. But a locking read under READ COMMITTED costs in proportion to the
/// index entries that earlier allocations delete-marked and purge has not yet
/// removed (after 2,000 allocations in a row: 864 pages read against 4 under
/// REPEATABLE READ), which made it most of an allocation's time.
///
/// `Ok(None)` means "use the full path": the range is not stored (any more),
/// the subnet has dedications (the full path decides whom they let in), a
/// cooldown may have ended (the full path frees those rows first), or nothing
/// is free (the full path says why). Nothing has been written then; the full
/// path refreshes the process's hint.
async fn allocate_stored(
    conn: &mut Conn,
    scope: Scope,
    subnet_id: u32,
    recipient: &Recipient,
    actor: &Actor,
) -> Result<Option<Allocated>> {
    let (column, index, id) = match scope {
        Scope::Pool(id) => ("pool_id", "idx_pool_status", id),
        Scope::Subnet(id) => ("subnet_id", "idx_subnet_status", id),
    };
    let tx = OpenTransaction::starting(conn);
    let checked: Result<Option<(u64, String, u32, Option<bool>)>> = async {
        let mut result = tx
            .conn
            .query_iter(format!(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
                 START TRANSACTION;
                 SELECT a.id, a.ip, a.pool_id,
                        (SELECT store_free_ips = 1 AND dedicated = 0 AND (cooldown_ends_at IS NULL OR cooldown_ends_at > NOW())
                         FROM mod_ipmanager_subnets WHERE id = {subnet_id})
                 FROM mod_ipmanager_ip_addresses a FORCE INDEX ({index})
                 WHERE a.{column} = {id} AND a.subnet_id = {subnet_id} AND a.status = 'free'
                 ORDER BY a.ip_bin LIMIT 1 FOR UPDATE SKIP LOCKED"
            ))
            .await?;
        let _set: Vec<mysql_async::Row> = result.collect().await?;
        let _start: Vec<mysql_async::Row> = result.collect().await?;
        let candidate: Option<(u64, String, u32, Option<bool>)> = result.collect().await?.pop();
        result.drop_result().await?;
        Ok(candidate)
    }
    .await;
    let candidate = match checked {
        Ok(candidate) => candidate,
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    };
    let Some((address_id, ip, pool_id, Some(true))) = candidate else {
        tx.rollback().await?;
        return Ok(None);
    };
    let allocated = Allocated { address_id, ip, subnet_id, pool_id };
    // The row is locked by this transaction and was free, so the UPDATE
    // changes exactly it; the unique key on assignments is the backstop.
    let written: Result<u64> = async {
        let result = tx
            .conn
            .query_iter(format!(
                "UPDATE mod_ipmanager_ip_addresses FORCE INDEX (PRIMARY) SET status = 'assigned', cooldown_until = NULL
                  WHERE id = {address_id} AND status = 'free';
                 {};
                 COMMIT",
                record_assignment_sql(&allocated, recipient, actor)
            ))
            .await?;
        let changed = result.affected_rows();
        result.drop_result().await?;
        Ok(changed)
    }
    .await;
    match written {
        Ok(1) => {
            tx.committed();
            Ok(Some(allocated))
        }
        Ok(changed) => {
            tx.committed();
            Err(Error::Internal(format!("allocating address row {address_id} changed {changed} rows")))
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// `record_assignment` as SQL text for a multi-statement batch: the
/// assignment row and the log row.
fn record_assignment_sql(allocated: &Allocated, recipient: &Recipient, actor: &Actor) -> String {
    let text = |value: &str| Value::from(value).as_sql(false);
    format!(
        "INSERT INTO mod_ipmanager_assignments (ip_address_id, service_id, client_id, type, source, configuration_id, assigned_by)
         VALUES ({}, {}, {}, {}, {}, {}, {});
         {}",
        allocated.address_id,
        recipient.service_id,
        recipient.client_id,
        text(recipient.assignment_type.as_str()),
        text(recipient.source),
        recipient.configuration_id,
        text(&format!("{}:{}", actor.kind.as_str(), actor.id)),
        logs::record_sql(actor, &assigned_entry(allocated, recipient)),
    )
}

fn assigned_entry<'a>(allocated: &'a Allocated, recipient: &Recipient) -> LogEntry<'a> {
    LogEntry {
        action: "address_assigned",
        details: format!("{} assigned to service #{} ({})", allocated.ip, recipient.service_id, recipient.source),
        ip: &allocated.ip,
        service_id: recipient.service_id,
        client_id: recipient.client_id,
    }
}

async fn record_assignment<Q: Queryable>(tx: &mut Q, allocated: &Allocated, recipient: &Recipient, actor: &Actor) -> Result<()> {
    tx.exec_drop(
        "INSERT INTO mod_ipmanager_assignments (ip_address_id, service_id, client_id, type, source, configuration_id, assigned_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            allocated.address_id,
            recipient.service_id,
            recipient.client_id,
            recipient.assignment_type.as_str(),
            recipient.source,
            recipient.configuration_id,
            format!("{}:{}", actor.kind.as_str(), actor.id),
        ),
    )
    .await?;
    logs::record(tx, actor, assigned_entry(allocated, recipient)).await
}

/// The most specific subnet that holds `address`, if IP Manager manages it.
pub async fn managing_subnet<Q: Queryable>(db: &mut Q, address: Address) -> Result<Option<(u32, bool)>> {
    Ok(db
        .exec_first(
            "SELECT id, store_free_ips FROM mod_ipmanager_subnets
             WHERE version = ? AND start_bin <= ? AND end_bin >= ? ORDER BY prefix_length DESC LIMIT 1",
            (if address.version().bits() == 32 { 4 } else { 6 }, address.to_bin(), address.to_bin()),
        )
        .await?)
}

/// Assigns one particular address (an admin's choice, a dedicated IP typed
/// into WHMCS, a synchronised one) inside the caller's transaction. It must
/// lie in a managed subnet, not be reserved, and be free.
pub async fn assign_specific_in<Q: Queryable>(tx: &mut Q, address: Address, recipient: &Recipient, actor: &Actor) -> Result<Allocated> {
    let (subnet_id, stored) = managing_subnet(tx, address)
        .await?
        .ok_or_else(|| Error::field("address", format!("{address} is not inside any subnet IP Manager manages.")))?;
    let subnet = subnets::find_for_update(tx, subnet_id).await?;
    let pools = pools::in_subnet(tx, subnet_id).await?;
    if blocked_set(&subnet, &pools).contains(address) {
        return Err(Error::Conflict(format!("{address} is reserved in {} and cannot be assigned.", subnet.network)));
    }
    let row: Option<(u64, String, Option<u32>, bool)> = tx
        .exec_first(
            "SELECT a.id, a.status, x.service_id,
                    a.status = 'free' OR (a.status = 'cooldown' AND a.cooldown_until <= NOW())
             FROM mod_ipmanager_ip_addresses a LEFT JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id
             WHERE a.subnet_id = ? AND a.ip_bin = ? FOR UPDATE",
            (subnet_id, address.to_bin()),
        )
        .await?;
    let pool_id = pools.iter().find(|p| p.range.contains(address)).map_or(0, |p| p.id);
    let address_id = match row {
        Some((id, _, _, true)) => {
            tx.exec_drop(
                "UPDATE mod_ipmanager_ip_addresses SET status = 'assigned', cooldown_until = NULL WHERE id = ?",
                (id,),
            )
            .await?;
            id
        }
        Some((_, status, service, false)) => {
            return Err(Error::Conflict(match service {
                Some(service_id) => format!("{address} is already assigned to service #{service_id}."),
                None => format!("{address} is not free (it is {status})."),
            }))
        }
        None if stored => return Err(Error::Internal(format!("{address} has no row in a stored subnet"))),
        None => {
            store::insert(
                tx,
                "INSERT INTO mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status)
                 VALUES (?, ?, ?, ?, ?, ?, 'assigned')",
                (
                    subnet_id,
                    pool_id,
                    address.canonical(),
                    address.to_bin(),
                    address.version().bits(),
                    if address.version().bits() == 32 { 4u8 } else { 6u8 },
                ),
            )
            .await?
        }
    };
    let allocated = Allocated { address_id, ip: address.canonical(), subnet_id, pool_id };
    record_assignment(tx, &allocated, recipient, actor).await?;
    Ok(allocated)
}

/// Whether a dedication (a subnet lock) keeps the recipient out: it names
/// another client or another service.
const FOREIGN: &str = "((l.client_id <> 0 AND l.client_id <> {client}) OR (l.service_id <> 0 AND l.service_id <> {service}))";

/// What the first round trip of an allocation learnt.
enum Probe {
    /// A stored range, with its lowest free row, already locked: (id, ip,
    /// subnet, pool), or none.
    Stored(Option<(u64, String, u32, u32)>),
    /// An on-demand range in this subnet.
    Unstored(u32),
}

/// One round trip: the scope's subnet and whether it is stored; cooldown rows
/// whose time is up become free, in the whole subnet (so the lowest free
/// address really is the lowest, and the subnet's cooldown bound can rise
/// past them); and the lowest free row, locked with SKIP LOCKED so concurrent
/// allocations take the next ones. The text protocol carries the three
/// statements at once; it is safe here because every value is an integer.
async fn probe<Q: Queryable>(tx: &mut Q, scope: Scope, recipient: &Recipient) -> Result<Probe> {
    let foreign = FOREIGN.replace("{client}", &recipient.client_id.to_string()).replace("{service}", &recipient.service_id.to_string());
    // Dedications are per subnet or pool, so they are checked once for the
    // scope; a subnet-wide allocation also skips pools dedicated to others.
    let (column, id, subnet_of_scope, scope_query, other_pools) = match scope {
        Scope::Pool(id) => (
            "pool_id",
            id,
            format!("(SELECT subnet_id FROM mod_ipmanager_pools WHERE id = {id})"),
            format!(
                "SELECT s.id, s.store_free_ips, (SELECT COUNT(*) FROM mod_ipmanager_subnet_locks l
                    WHERE l.subnet_id = s.id AND l.pool_id IN (0, p.id) AND {foreign}), {COOLDOWN_ENDED}
                 FROM mod_ipmanager_pools p JOIN mod_ipmanager_subnets s ON s.id = p.subnet_id WHERE p.id = {id}"
            ),
            String::new(),
        ),
        Scope::Subnet(id) => (
            "subnet_id",
            id,
            id.to_string(),
            format!(
                "SELECT s.id, s.store_free_ips, (SELECT COUNT(*) FROM mod_ipmanager_subnet_locks l
                    WHERE l.subnet_id = s.id AND l.pool_id = 0 AND {foreign}), {COOLDOWN_ENDED}
                 FROM mod_ipmanager_subnets s WHERE s.id = {id}"
            ),
            format!(
                " AND a.pool_id NOT IN (SELECT l.pool_id FROM mod_ipmanager_subnet_locks l
                    WHERE l.subnet_id = {id} AND l.pool_id <> 0 AND {foreign})"
            ),
        ),
    };
    let mut result = tx
        .query_iter(format!(
            "{scope_query};
             UPDATE mod_ipmanager_ip_addresses SET status = 'free', cooldown_until = NULL
              WHERE subnet_id = {subnet_of_scope} AND status = 'cooldown' AND cooldown_until <= NOW();
             SELECT a.id, a.ip, a.subnet_id, a.pool_id
              FROM mod_ipmanager_ip_addresses a
              WHERE a.{column} = {id} AND a.status = 'free'{other_pools}
              ORDER BY a.ip_bin LIMIT 1 FOR UPDATE SKIP LOCKED"
        ))
        .await?;
    let subnet: Vec<(u32, bool, u64, bool)> = result.collect().await?;
    let _expired: Vec<mysql_async::Row> = result.collect().await?;
    let candidate: Vec<(u64, String, u32, u32)> = result.collect().await?;
    result.drop_result().await?;
    let Some(&(subnet_id, stored, forbidden, cooldown_ended)) = subnet.first() else {
        return Err(match scope {
            Scope::Pool(id) => Error::NotFound(format!("Pool #{id} does not exist.")),
            Scope::Subnet(id) => Error::NotFound(format!("Subnet #{id} does not exist.")),
        });
    };
    if forbidden > 0 {
        return Err(locked(scope));
    }
    if cooldown_ended {
        subnets::refresh_cooldown_bound(tx, subnet_id).await?;
    }
    Ok(if stored { Probe::Stored(candidate.into_iter().next()) } else { Probe::Unstored(subnet_id) })
}

/// Whether the subnet's cooldown bound says a cooldown may have ended.
const COOLDOWN_ENDED: &str = "COALESCE(s.cooldown_ends_at <= NOW(), 0)";

async fn take_stored<Q: Queryable>(tx: &mut Q, scope: Scope, candidate: Option<(u64, String, u32, u32)>) -> Result<Allocated> {
    let Some((address_id, ip, subnet_id, pool_id)) = candidate else {
        return Err(exhausted(scope));
    };
    let changed = store::execute(
        tx,
        "UPDATE mod_ipmanager_ip_addresses SET status = 'assigned', cooldown_until = NULL WHERE id = ? AND status = 'free'",
        (address_id,),
    )
    .await?;
    if changed != 1 {
        return Err(Error::Database("Duplicate entry: the address was taken concurrently".into()));
    }
    Ok(Allocated { address_id, ip, subnet_id, pool_id })
}

async fn take_unstored<Q: Queryable>(tx: &mut Q, scope: Scope, subnet_id: u32, recipient: &Recipient) -> Result<Allocated> {
    let subnet = subnets::find_for_update(tx, subnet_id).await?;
    let pools = pools::in_subnet(tx, subnet_id).await?;
    // The probe checked the scope's own dedication; a subnet-wide search also
    // keeps out of pools dedicated to someone else.
    let foreign_pools: Vec<u32> = match scope {
        Scope::Pool(_) => Vec::new(),
        Scope::Subnet(_) => {
            tx.exec(
                "SELECT l.pool_id FROM mod_ipmanager_subnet_locks l WHERE l.subnet_id = ? AND l.pool_id <> 0
                   AND ((l.client_id <> 0 AND l.client_id <> ?) OR (l.service_id <> 0 AND l.service_id <> ?))",
                (subnet_id, recipient.client_id, recipient.service_id),
            )
            .await?
        }
    };
    let (range, prefix_length, hint) = match scope {
        Scope::Pool(id) => {
            let pool = pools.iter().find(|p| p.id == id).ok_or_else(|| exhausted(scope))?;
            let hint: Option<Option<Vec<u8>>> =
                tx.exec_first("SELECT free_hint_bin FROM mod_ipmanager_pools WHERE id = ?", (id,)).await?;
            (pool.range, pool.delegation_prefix_length, hint.flatten())
        }
        Scope::Subnet(id) => {
            let hint: Option<Option<Vec<u8>>> =
                tx.exec_first("SELECT free_hint_bin FROM mod_ipmanager_subnets WHERE id = ?", (id,)).await?;
            (subnet.range(), 0, hint.flatten())
        }
    };
    let mut blocked = if prefix_length == 0 { blocked_set(&subnet, &pools) } else { delegation_blocked_set(&subnet, &pools) };
    for pool in pools.iter().filter(|p| foreign_pools.contains(&p.id)) {
        blocked.insert(pool.range);
    }
    // A reusable row (free, or a cooldown that ended) may lie below the hint: start there.
    let expired: Option<Option<Vec<u8>>> = tx
        .exec_first(
            "SELECT MIN(ip_bin) FROM mod_ipmanager_ip_addresses
             WHERE subnet_id = ? AND (status = 'free' OR (status = 'cooldown' AND cooldown_until <= NOW()))
               AND ip_bin BETWEEN ? AND ?",
            (subnet_id, range.first().to_bin(), range.last().to_bin()),
        )
        .await?;
    let in_range = |bin: Option<Vec<u8>>| bin.and_then(|b| Address::from_bin(&b)).filter(|a| range.contains(*a));
    let start = match (in_range(hint), in_range(expired.flatten())) {
        (Some(hint), Some(expired)) => hint.min(expired),
        (Some(hint), None) => hint,
        (None, _) => range.first(),
    };
    let search = AddressRange::new(start, range.last()).expect("start lies inside the range");
    let (found, reusable_row) = gap_search(tx, subnet_id, search, &blocked, prefix_length).await?;
    let found = found.ok_or_else(|| exhausted(scope))?;
    let pool_id = pools.iter().find(|p| p.range.contains(found.first())).map_or(0, |p| p.id);
    let ip = if prefix_length == 0 {
        found.first().canonical()
    } else {
        format!("{}/{prefix_length}", found.first().canonical())
    };
    let address_id = match reusable_row {
        Some(id) => {
            tx.exec_drop(
                "UPDATE mod_ipmanager_ip_addresses SET status = 'assigned', cooldown_until = NULL, pool_id = ?
                 WHERE id = ? AND status IN ('free', 'cooldown')",
                (pool_id, id),
            )
            .await?;
            id
        }
        None => {
            let version: u8 = if found.first().version().bits() == 32 { 4 } else { 6 };
            let length = if prefix_length == 0 { found.first().version().bits() } else { prefix_length };
            store::insert(
                tx,
                "INSERT INTO mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status)
                 VALUES (?, ?, ?, ?, ?, ?, 'assigned')",
                (subnet_id, pool_id, found.first().canonical(), found.first().to_bin(), length, version),
            )
            .await?
        }
    };
    let next_hint = found.last().checked_add(1).map(Address::to_bin);
    let hint_table = match scope {
        Scope::Pool(_) => "mod_ipmanager_pools",
        Scope::Subnet(_) => "mod_ipmanager_subnets",
    };
    let scope_id = match scope {
        Scope::Pool(id) | Scope::Subnet(id) => id,
    };
    tx.exec_drop(format!("UPDATE {hint_table} SET free_hint_bin = ? WHERE id = ?"), (next_hint, scope_id)).await?;
    Ok(Allocated { address_id, ip, subnet_id, pool_id })
}

/// Streams the subnet's used rows through the planner; returns the lowest
/// free address (or prefix) and, when a reusable row (free, or cooldown whose
/// time is up) already stands at that address, its id.
async fn gap_search<Q: Queryable>(
    tx: &mut Q,
    subnet_id: u32,
    search: AddressRange,
    blocked: &RangeSet,
    prefix_length: u8,
) -> Result<(Option<AddressRange>, Option<u64>)> {
    let mut rest = search;
    let mut page = SCAN_PAGE;
    loop {
        let used = addresses::used_from(tx, subnet_id, rest.first(), rest.last(), page).await?;
        page = (page * 2).min(SCAN_PAGE_MAX);
        let scan = if prefix_length == 0 {
            lowest_free(rest, blocked, &used).map(AddressRange::single)
        } else {
            lowest_free_prefix(rest, prefix_length, blocked, &used)
                .map_err(|e| Error::field("delegation_prefix_length", e.to_string()))?
                .map(|net| AddressRange::from_network(&net))
        };
        match scan {
            Scan::Found(range) => {
                let row = addresses::reusable_row_at(tx, subnet_id, range.first()).await?;
                return Ok((Some(range), row));
            }
            Scan::Exhausted => return Ok((None, None)),
            Scan::Continue { rest: next } => rest = next,
        }
    }
}

/// Everything in the subnet that is never handed out: the subnet's
/// reservations and exclusions, and each pool's own rules and gateway.
/// Whether `now` stops blocking anything `before` blocked: gap-search hints
/// (below which nothing was free) are then no longer true.
pub fn lifts_any(before: &RangeSet, now: &RangeSet) -> bool {
    before.iter().any(|range| now.count_within(range) < range.len())
}

pub fn blocked_set(subnet: &Subnet, pools: &[Pool]) -> RangeSet {
    with_pool_rules(crate::core::reservation::reserved_set(&subnet.network, &subnet.policy()), pools)
}

fn with_pool_rules(mut blocked: RangeSet, pools: &[Pool]) -> RangeSet {
    for range in pools.iter().flat_map(|pool| pool.blocked().iter().collect::<Vec<_>>()) {
        blocked.insert(range);
    }
    blocked
}

/// For pools that delegate prefixes: the subnet-router anycast address
/// belongs to hosts on the subnet's own link, so it does not keep the first
/// prefix back; everything else stays blocked.
fn delegation_blocked_set(subnet: &Subnet, pools: &[Pool]) -> RangeSet {
    let mut policy = subnet.policy();
    if subnet.network.addr().is_ipv6() {
        policy.network = false;
    }
    with_pool_rules(crate::core::reservation::reserved_set(&subnet.network, &policy), pools)
}

fn exhausted(scope: Scope) -> Error {
    match scope {
        Scope::Pool(id) => Error::Exhausted(format!("Pool #{id} has no free address left.")),
        Scope::Subnet(id) => Error::Exhausted(format!("Subnet #{id} has no free address left.")),
    }
}

fn locked(scope: Scope) -> Error {
    match scope {
        Scope::Pool(id) => Error::Conflict(format!("Pool #{id} is dedicated to another client or service.")),
        Scope::Subnet(id) => Error::Conflict(format!("Subnet #{id} is dedicated to another client or service.")),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Released {
    pub ip: String,
    pub service_id: u32,
    /// What the address is now: free, cooldown, reserved, or gone (an unstored
    /// row that is no longer needed).
    pub now: &'static str,
}

/// An address row with its holder, if any: (ip as WHMCS shows it, ip_bin, pool, service, client).
type AddressHolder = (String, Vec<u8>, u32, Option<u32>, Option<u32>);

/// How a release treats the operator's cooldown setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseMode {
    /// Cooldown when the setting asks for it, otherwise free.
    AsConfigured,
    /// Free now, whatever the setting says ("release now" on termination).
    Immediately,
}

/// Ends an address's assignment in a transaction of its own.
pub async fn release(conn: &mut Conn, address_id: u64, actor: &Actor) -> Result<Released> {
    retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let released = release_in(&mut tx, address_id, ReleaseMode::AsConfigured, actor).await?;
        tx.commit().await?;
        Ok(released)
    })
    .await
}

/// Ends an address's assignment inside the caller's transaction: the address
/// becomes free, waits in cooldown, or returns to reserved if a rule now
/// covers it. The caller writes the service's addresses back to WHMCS.
pub async fn release_in<Q: Queryable>(tx: &mut Q, address_id: u64, mode: ReleaseMode, actor: &Actor) -> Result<Released> {
    let located: Option<(u32, bool)> = tx
        .exec_first(
            "SELECT a.subnet_id, s.store_free_ips FROM mod_ipmanager_ip_addresses a
             JOIN mod_ipmanager_subnets s ON s.id = a.subnet_id WHERE a.id = ?",
            (address_id,),
        )
        .await?;
    let (subnet_id, stored) = located.ok_or_else(|| Error::NotFound(format!("Address #{address_id} does not exist.")))?;
    // Same lock order as allocation: the subnet row, then the address row.
    let subnet = subnets::find_for_update(tx, subnet_id).await?;
    let row: Option<AddressHolder> = tx
        .exec_first(
            "SELECT IF(a.prefix_length = IF(a.version = 4, 32, 128), a.ip, CONCAT(a.ip, '/', a.prefix_length)),
                    a.ip_bin, a.pool_id, x.service_id, x.client_id
             FROM mod_ipmanager_ip_addresses a
             LEFT JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id WHERE a.id = ? FOR UPDATE",
            (address_id,),
        )
        .await?;
    let (ip, bin, pool_id, service_id, client_id) =
        row.ok_or_else(|| Error::NotFound(format!("Address #{address_id} does not exist.")))?;
    let (Some(service_id), Some(client_id)) = (service_id, client_id) else {
        return Err(Error::Conflict(format!("{ip} is not assigned to any service.")));
    };
    let address = Address::from_bin(&bin).ok_or_else(|| Error::Internal(format!("address {address_id} is unreadable")))?;
    let pools = pools::in_subnet(tx, subnet_id).await?;
    let cooldown = match mode {
        ReleaseMode::AsConfigured => settings::cooldown_hours(tx).await?,
        ReleaseMode::Immediately => 0,
    };
    let now = if blocked_set(&subnet, &pools).contains(address) {
        if stored { "reserved" } else { "gone" }
    } else if cooldown > 0 {
        "cooldown"
    } else if stored {
        "free"
    } else {
        "gone"
    };
    tx.exec_drop("DELETE FROM mod_ipmanager_assignments WHERE ip_address_id = ?", (address_id,)).await?;
    if now == "gone" {
        tx.exec_drop("DELETE FROM mod_ipmanager_ip_addresses WHERE id = ?", (address_id,)).await?;
    } else {
        tx.exec_drop(
            "UPDATE mod_ipmanager_ip_addresses SET status = ?,
                cooldown_until = IF(? = 'cooldown', NOW() + INTERVAL ? HOUR, NULL) WHERE id = ?",
            (now, now, cooldown, address_id),
        )
        .await?;
        if now == "cooldown" {
            subnets::note_cooldown(tx, address_id).await?;
        }
    }
    // Nothing below a hint may be free: lower the hints past this address.
    for (table, id) in [("mod_ipmanager_pools", pool_id), ("mod_ipmanager_subnets", subnet_id)] {
        tx.exec_drop(
            format!("UPDATE {table} SET free_hint_bin = ? WHERE id = ? AND free_hint_bin > ?"),
            (&bin, id, &bin),
        )
        .await?;
    }
    logs::record(
        tx,
        actor,
        LogEntry {
            action: "address_released",
            details: format!("{ip} released from service #{service_id}; now {now}"),
            ip: &ip,
            service_id,
            client_id,
        },
    )
    .await?;
    Ok(Released { ip, service_id, now })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::actor::ActorKind;

    #[test]
    fn the_batched_assignment_quotes_every_string() {
        let allocated = Allocated { address_id: 7, ip: "192.0.2.7".into(), subnet_id: 1, pool_id: 2 };
        let recipient = Recipient {
            service_id: 9,
            client_id: 3,
            assignment_type: AssignmentType::Additional,
            source: "manual",
            configuration_id: 0,
        };
        let actor = Actor { kind: ActorKind::Admin, id: 4, ip: "x'); DROP TABLE t; -- \\".into() };
        let sql = record_assignment_sql(&allocated, &recipient, &actor);
        assert!(sql.contains("VALUES (7, 9, 3, 'additional', 'manual', 0, 'admin:4');"), "{sql}");
        assert!(sql.contains("'192.0.2.7 assigned to service #9 (manual)'"), "{sql}");
        assert!(sql.ends_with("'x\\'); DROP TABLE t; -- \\\\')"), "{sql}");
    }
}
