//! `mod_ipmanager_ip_addresses`: stored addresses, the used set of unstored
//! ranges, and the status counts usage is computed from.

use mysql_async::prelude::*;
use mysql_async::Value;

use crate::core::address::Address;
use crate::core::range::{AddressRange, RangeSet};
use crate::{Error, Result};

/// Rows per multi-row INSERT when a subnet's addresses are stored.
const INSERT_BATCH: usize = 2048;

/// An address row's place in the allocation state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Free,
    Assigned,
    Reserved,
    Cooldown,
    Releasing,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Free => "free",
            Status::Assigned => "assigned",
            Status::Reserved => "reserved",
            Status::Cooldown => "cooldown",
            Status::Releasing => "releasing",
        }
    }

    pub fn parse(text: &str) -> Result<Status> {
        Ok(match text {
            "free" => Status::Free,
            "assigned" => Status::Assigned,
            "reserved" => Status::Reserved,
            "cooldown" => Status::Cooldown,
            "releasing" => Status::Releasing,
            other => return Err(Error::Internal(format!("unknown address status {other}"))),
        })
    }
}

/// Writes one row per address of `range`: `reserved` where `blocked` says so,
/// `free` otherwise, each in the pool whose range holds it.
pub async fn store_range<Q: Queryable>(
    db: &mut Q,
    subnet_id: u32,
    range: AddressRange,
    blocked: &RangeSet,
    pools: &[(u32, AddressRange)],
) -> Result<u64> {
    let version: u8 = if range.version().bits() == 32 { 4 } else { 6 };
    let prefix_length = range.version().bits();
    let mut rows: Vec<Value> = Vec::with_capacity(INSERT_BATCH * 7);
    let mut written = 0u64;
    let mut value = range.first().value();
    loop {
        let address = Address::new(range.version(), value).expect("inside the range");
        let pool_id = pools.iter().find(|(_, r)| r.contains(address)).map_or(0, |(id, _)| *id);
        let status = if blocked.contains(address) { Status::Reserved } else { Status::Free };
        rows.extend([
            subnet_id.into(),
            pool_id.into(),
            address.canonical().into(),
            address.to_bin().into(),
            prefix_length.into(),
            version.into(),
            status.as_str().into(),
        ]);
        if rows.len() == INSERT_BATCH * 7 || value == range.last().value() {
            written += insert_rows(db, std::mem::take(&mut rows)).await?;
        }
        if value == range.last().value() {
            return Ok(written);
        }
        value += 1;
    }
}

async fn insert_rows<Q: Queryable>(db: &mut Q, values: Vec<Value>) -> Result<u64> {
    let count = values.len() / 7;
    super::insert_many(
        db,
        "mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status)",
        "(?, ?, ?, ?, ?, ?, ?)",
        count,
        values,
    )
    .await?;
    Ok(count as u64)
}

/// Brings stored statuses in line with the reservations: free rows that are
/// now blocked become reserved, reserved rows that no longer are become free.
/// Assigned, cooldown and releasing rows are never touched.
pub async fn reconcile_reserved<Q: Queryable>(db: &mut Q, subnet_id: u32, blocked: &RangeSet) -> Result<()> {
    let reserved: Vec<(u64, Vec<u8>)> = db
        .exec(
            "SELECT id, ip_bin FROM mod_ipmanager_ip_addresses WHERE subnet_id = ? AND status = 'reserved'",
            (subnet_id,),
        )
        .await?;
    let lifted: Vec<String> = reserved
        .into_iter()
        .filter(|(_, bin)| Address::from_bin(bin).is_some_and(|a| !blocked.contains(a)))
        .map(|(id, _)| id.to_string())
        .collect();
    for ids in lifted.chunks(1000) {
        db.query_drop(format!(
            "UPDATE mod_ipmanager_ip_addresses SET status = 'free' WHERE status = 'reserved' AND id IN ({})",
            ids.join(",")
        ))
        .await?;
    }
    for range in blocked.iter() {
        db.exec_drop(
            "UPDATE mod_ipmanager_ip_addresses SET status = 'reserved'
             WHERE subnet_id = ? AND status = 'free' AND ip_bin BETWEEN ? AND ?",
            (subnet_id, range.first().to_bin(), range.last().to_bin()),
        )
        .await?;
    }
    Ok(())
}

pub async fn set_note<Q: Queryable>(db: &mut Q, subnet_id: u32, address: Address, note: &str) -> Result<()> {
    db.exec_drop(
        "UPDATE mod_ipmanager_ip_addresses SET note = ? WHERE subnet_id = ? AND ip_bin = ?",
        (note, subnet_id, address.to_bin()),
    )
    .await?;
    Ok(())
}

/// Puts the stored addresses of `range` into `pool_id` (0 takes them out of
/// any pool).
pub async fn set_pool<Q: Queryable>(db: &mut Q, subnet_id: u32, range: AddressRange, pool_id: u32) -> Result<()> {
    db.exec_drop(
        "UPDATE mod_ipmanager_ip_addresses SET pool_id = ? WHERE subnet_id = ? AND ip_bin BETWEEN ? AND ?",
        (pool_id, subnet_id, range.first().to_bin(), range.last().to_bin()),
    )
    .await?;
    Ok(())
}

/// The next `limit` used entries of a subnet from `from` upward, ascending:
/// every row except free ones and cooldown rows whose time is up. Delegated
/// prefixes come back as their whole range.
pub async fn used_from<Q: Queryable>(
    db: &mut Q,
    subnet_id: u32,
    from: Address,
    to: Address,
    limit: usize,
) -> Result<Vec<AddressRange>> {
    let rows: Vec<(u64, Vec<u8>, u8)> = db
        .exec(
            "SELECT id, ip_bin, prefix_length FROM mod_ipmanager_ip_addresses
             WHERE subnet_id = ? AND ip_bin >= ? AND ip_bin <= ?
               AND NOT (status = 'free' OR (status = 'cooldown' AND cooldown_until <= NOW()))
             ORDER BY ip_bin LIMIT ?",
            (subnet_id, from.to_bin(), to.to_bin(), limit as u64),
        )
        .await?;
    rows.into_iter()
        .map(|(id, bin, prefix_length)| {
            let first =
                Address::from_bin(&bin).ok_or_else(|| Error::Internal(format!("address row {id} is unreadable")))?;
            let host_bits = u32::from(first.version().bits().saturating_sub(prefix_length));
            let span = 1u128.checked_shl(host_bits).map_or(u128::MAX, |n| n - 1);
            let last = first.checked_add(span).unwrap_or(first);
            Ok(AddressRange::new(first, last).unwrap_or(AddressRange::single(first)))
        })
        .collect()
}

/// The id of a row at `address` that may be handed out again, if any.
pub async fn reusable_row_at<Q: Queryable>(db: &mut Q, subnet_id: u32, address: Address) -> Result<Option<u64>> {
    Ok(db
        .exec_first(
            "SELECT id FROM mod_ipmanager_ip_addresses WHERE subnet_id = ? AND ip_bin = ?
               AND (status = 'free' OR (status = 'cooldown' AND cooldown_until <= NOW())) FOR UPDATE",
            (subnet_id, address.to_bin()),
        )
        .await?)
}

/// How many rows of one (subnet, pool, status) there are, and how many
/// addresses each covers (more than one for a delegated prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub subnet_id: u32,
    pub pool_id: u32,
    pub status: String,
    pub rows: u64,
    pub addresses_per_row: u128,
}

pub async fn status_counts<Q: Queryable>(db: &mut Q) -> Result<Vec<StatusCount>> {
    counts(db, "", mysql_async::Params::Empty).await
}

pub async fn status_counts_in<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<Vec<StatusCount>> {
    counts(db, "WHERE subnet_id = ?", (subnet_id,).into()).await
}

async fn counts<Q: Queryable>(db: &mut Q, filter: &str, params: mysql_async::Params) -> Result<Vec<StatusCount>> {
    let rows: Vec<(u32, u32, String, u8, u8, u64)> = db
        .exec(
            format!(
                "SELECT subnet_id, pool_id, status, version, prefix_length, COUNT(*) FROM mod_ipmanager_ip_addresses
                 {filter} GROUP BY subnet_id, pool_id, status, version, prefix_length"
            ),
            params,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(subnet_id, pool_id, status, version, prefix_length, rows)| {
            let bits: u8 = if version == 4 { 32 } else { 128 };
            let host_bits = u32::from(bits.saturating_sub(prefix_length));
            StatusCount {
                subnet_id,
                pool_id,
                status,
                rows,
                addresses_per_row: 1u128.checked_shl(host_bits).unwrap_or(u128::MAX),
            }
        })
        .collect())
}

pub async fn count_in_use<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<u64> {
    Ok(db
        .exec_first(
            "SELECT COUNT(*) FROM mod_ipmanager_ip_addresses
             WHERE subnet_id = ? AND status IN ('assigned', 'releasing')",
            (subnet_id,),
        )
        .await?
        .unwrap_or(0))
}
