//! `mod_ipmanager_pools` and the pool's own reservation rules.

use mysql_async::prelude::*;
use mysql_async::Row;

use crate::core::address::Address;
use crate::core::range::{AddressRange, RangeSet};
use crate::store::subnets::ReservationRule;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: u32,
    pub subnet_id: u32,
    pub name: String,
    /// The addresses the pool hands out: its range, or the whole subnet.
    pub range: AddressRange,
    /// As entered; both empty when the pool covers the whole subnet.
    pub range_start: String,
    pub range_end: String,
    pub vlan: String,
    pub bridge: String,
    pub gateway: String,
    pub dns1: String,
    pub dns2: String,
    /// 0 hands out single addresses; otherwise prefixes of this length.
    pub delegation_prefix_length: u8,
    pub description: String,
    pub rules: Vec<ReservationRule>,
}

impl Pool {
    /// Addresses this pool keeps back in addition to its subnet's: its custom
    /// rules and its gateway override.
    pub fn blocked(&self) -> RangeSet {
        let mut set: RangeSet = self.rules.iter().filter_map(|r| r.range).collect();
        if let Ok(gateway) = Address::parse(&self.gateway) {
            if self.range.contains(gateway) {
                set.insert(AddressRange::single(gateway));
            }
        }
        set
    }
}

const COLUMNS: &str = "id, subnet_id, name, start_bin, end_bin, range_start, range_end, vlan, bridge, gateway, \
    dns1, dns2, delegation_prefix_length, description";

fn column<T: FromValue>(row: &mut Row, name: &str) -> Result<T> {
    row.take_opt(name)
        .and_then(|value| value.ok())
        .ok_or_else(|| Error::Internal(format!("pool row without a readable {name}")))
}

fn from_row(mut row: Row) -> Result<Pool> {
    let id: u32 = column(&mut row, "id")?;
    let start_bin: Vec<u8> = column(&mut row, "start_bin")?;
    let end_bin: Vec<u8> = column(&mut row, "end_bin")?;
    let range = Address::from_bin(&start_bin)
        .zip(Address::from_bin(&end_bin))
        .and_then(|(first, last)| AddressRange::new(first, last))
        .ok_or_else(|| Error::Internal(format!("pool {id} holds an unreadable range")))?;
    Ok(Pool {
        id,
        subnet_id: column(&mut row, "subnet_id")?,
        name: column(&mut row, "name")?,
        range,
        range_start: column(&mut row, "range_start")?,
        range_end: column(&mut row, "range_end")?,
        vlan: column(&mut row, "vlan")?,
        bridge: column(&mut row, "bridge")?,
        gateway: column(&mut row, "gateway")?,
        dns1: column(&mut row, "dns1")?,
        dns2: column(&mut row, "dns2")?,
        delegation_prefix_length: column(&mut row, "delegation_prefix_length")?,
        description: column(&mut row, "description")?,
        rules: Vec::new(),
    })
}

async fn load<Q: Queryable>(db: &mut Q, filter: &str, params: mysql_async::Params) -> Result<Vec<Pool>> {
    let rows: Vec<Row> = db
        .exec(format!("SELECT {COLUMNS} FROM mod_ipmanager_pools {filter} ORDER BY subnet_id, start_bin"), params)
        .await?;
    let mut pools = rows.into_iter().map(from_row).collect::<Result<Vec<_>>>()?;
    if !pools.is_empty() {
        let ids = pools.iter().map(|p| p.id.to_string()).collect::<Vec<_>>().join(",");
        let rules: Vec<(u32, u32, String, String, String)> = db
            .query(format!(
                "SELECT id, pool_id, rule_type, value, note FROM mod_ipmanager_reservation_rules
                 WHERE pool_id IN ({ids}) ORDER BY id"
            ))
            .await?;
        for (id, pool_id, kind, value, note) in rules {
            let range = AddressRange::parse(&value)
                .map_err(|_| Error::Internal(format!("reservation rule {id} holds an unreadable range {value}")))?;
            let kind = kind.parse().map_err(|_| Error::Internal(format!("reservation rule {id}: type {kind}")))?;
            if let Some(pool) = pools.iter_mut().find(|p| p.id == pool_id) {
                pool.rules.push(ReservationRule { id, kind, range: Some(range), note });
            }
        }
    }
    Ok(pools)
}

pub async fn all<Q: Queryable>(db: &mut Q) -> Result<Vec<Pool>> {
    load(db, "", mysql_async::Params::Empty).await
}

pub async fn in_subnet<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<Vec<Pool>> {
    load(db, "WHERE subnet_id = ?", (subnet_id,).into()).await
}

pub async fn find<Q: Queryable>(db: &mut Q, id: u32) -> Result<Pool> {
    load(db, "WHERE id = ?", (id,).into())
        .await?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("Pool #{id} does not exist.")))
}

pub async fn insert<Q: Queryable>(db: &mut Q, pool: &Pool) -> Result<u32> {
    let id = super::insert(
        db,
        "INSERT INTO mod_ipmanager_pools (subnet_id, name, range_start, range_end, start_bin, end_bin, vlan, bridge,
            gateway, dns1, dns2, delegation_prefix_length, description)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row_values(pool),
    )
    .await?;
    Ok(id as u32)
}

pub async fn update<Q: Queryable>(db: &mut Q, pool: &Pool) -> Result<()> {
    let mut values = row_values(pool);
    values.push(pool.id.into());
    db.exec_drop(
        "UPDATE mod_ipmanager_pools SET subnet_id = ?, name = ?, range_start = ?, range_end = ?, start_bin = ?,
            end_bin = ?, vlan = ?, bridge = ?, gateway = ?, dns1 = ?, dns2 = ?, delegation_prefix_length = ?,
            description = ?
         WHERE id = ?",
        values,
    )
    .await?;
    Ok(())
}

fn row_values(pool: &Pool) -> Vec<mysql_async::Value> {
    vec![
        pool.subnet_id.into(),
        pool.name.clone().into(),
        pool.range_start.clone().into(),
        pool.range_end.clone().into(),
        pool.range.first().to_bin().into(),
        pool.range.last().to_bin().into(),
        pool.vlan.clone().into(),
        pool.bridge.clone().into(),
        pool.gateway.clone().into(),
        pool.dns1.clone().into(),
        pool.dns2.clone().into(),
        pool.delegation_prefix_length.into(),
        pool.description.clone().into(),
    ]
}

/// Replaces the pool's custom reservation rules.
pub async fn set_rules<Q: Queryable>(db: &mut Q, pool: &Pool, ranges: &[AddressRange]) -> Result<()> {
    db.exec_drop("DELETE FROM mod_ipmanager_reservation_rules WHERE pool_id = ?", (pool.id,)).await?;
    for range in ranges {
        db.exec_drop(
            "INSERT INTO mod_ipmanager_reservation_rules (subnet_id, pool_id, rule_type, value) VALUES (?, ?, 'custom', ?)",
            (pool.subnet_id, pool.id, range.to_string()),
        )
        .await?;
    }
    Ok(())
}

/// Configuration relations that hand out addresses from this pool.
pub async fn relation_count<Q: Queryable>(db: &mut Q, pool_id: u32) -> Result<u64> {
    Ok(db
        .exec_first("SELECT COUNT(*) FROM mod_ipmanager_configuration_relations WHERE pool_id = ?", (pool_id,))
        .await?
        .unwrap_or(0))
}

/// Deletes a pool of `subnet_id`; the caller holds the subnet row lock.
pub async fn delete<Q: Queryable>(db: &mut Q, subnet_id: u32, pool_id: u32) -> Result<()> {
    db.exec_drop("UPDATE mod_ipmanager_ip_addresses SET pool_id = 0 WHERE pool_id = ?", (pool_id,)).await?;
    db.exec_drop("DELETE FROM mod_ipmanager_reservation_rules WHERE pool_id = ?", (pool_id,)).await?;
    db.exec_drop("DELETE FROM mod_ipmanager_subnet_locks WHERE pool_id = ?", (pool_id,)).await?;
    crate::store::subnets::refresh_dedicated(db, subnet_id).await?;
    db.exec_drop("DELETE FROM mod_ipmanager_pools WHERE id = ?", (pool_id,)).await?;
    Ok(())
}
