//! The queries of Export and Import that no page shares: address rows streamed
//! in address order, address rows and assignments written in batches, custom
//! field values, and the WHMCS services an imported assignment names.

use std::collections::{HashMap, HashSet};

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::core::address::Address;
use crate::{Error, Result};

/// Rows per multi-row INSERT: large enough that 100,000 addresses take a few
/// dozen round trips, small enough to stay far below the 65,535 placeholders
/// of one statement.
const BATCH: usize = 2048;

/// An address row as an export reads it, with its assignment if any.
#[derive(Debug, Clone)]
pub struct AddressRow {
    pub pool_id: u32,
    pub ip: Address,
    pub prefix_length: u8,
    pub status: String,
    pub note: String,
    /// (service id, client id, type) of the assignment.
    pub assignment: Option<(u32, u32, String)>,
}

/// Hands every address row of `subnet_id` to `each`, in address order, as
/// MariaDB sends them: nothing is collected, so a million rows cost the
/// memory of one.
pub async fn each_address<Q: Queryable>(
    db: &mut Q,
    subnet_id: u32,
    mut each: impl FnMut(AddressRow) -> Result<()>,
) -> Result<()> {
    let mut rows = db
        .exec_iter(
            "SELECT a.pool_id, a.ip_bin, a.prefix_length, a.status, a.note, x.service_id, x.client_id, x.type
             FROM mod_ipmanager_ip_addresses a
             LEFT JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id
             WHERE a.subnet_id = ? ORDER BY a.ip_bin",
            (subnet_id,),
        )
        .await?;
    while let Some(row) = rows.next().await? {
        each(address_row(row)?)?;
    }
    Ok(())
}

type AddressTuple = (u32, Vec<u8>, u8, String, String, Option<u32>, Option<u32>, Option<String>);

fn address_row(row: Row) -> Result<AddressRow> {
    let (pool_id, bin, prefix_length, status, note, service_id, client_id, kind): AddressTuple =
        mysql_async::from_row_opt(row).map_err(|e| Error::Internal(format!("address row: {e}")))?;
    let ip =
        Address::from_bin(&bin).ok_or_else(|| Error::Internal("an address row holds an unreadable address".into()))?;
    let assignment = match (service_id, client_id, kind) {
        (Some(service_id), Some(client_id), Some(kind)) => Some((service_id, client_id, kind)),
        _ => None,
    };
    Ok(AddressRow { pool_id, ip, prefix_length, status, note, assignment })
}

/// An address row an import writes.
#[derive(Debug, Clone)]
pub struct NewAddress {
    pub subnet_id: u32,
    pub pool_id: u32,
    pub ip: Address,
    pub prefix_length: u8,
    pub status: &'static str,
    pub note: String,
}

/// Writes address rows in batches. A row whose address is already stored
/// (the free and reserved rows "Store free IPs" wrote a moment earlier)
/// takes the imported pool, status and note.
pub async fn insert_addresses<Q: Queryable>(db: &mut Q, rows: &[NewAddress]) -> Result<()> {
    for batch in rows.chunks(BATCH) {
        let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 8);
        for row in batch {
            let version: u8 = if row.ip.version().bits() == 32 { 4 } else { 6 };
            values.extend([
                row.subnet_id.into(),
                row.pool_id.into(),
                row.ip.canonical().into(),
                row.ip.to_bin().into(),
                row.prefix_length.into(),
                version.into(),
                row.status.into(),
                row.note.clone().into(),
            ]);
        }
        let placeholders = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; batch.len()].join(", ");
        db.exec_drop(
            format!(
                "INSERT INTO mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status, note)
                 VALUES {placeholders}
                 ON DUPLICATE KEY UPDATE pool_id = VALUES(pool_id), status = VALUES(status), note = VALUES(note)"
            ),
            values,
        )
        .await?;
    }
    Ok(())
}

/// Starts the cooldown of the cooling-down addresses an import wrote into
/// `subnet_ids`: a file does not carry when a cooldown ends, so it runs for
/// the configured hours from now. The subnets' cooldown bounds follow.
pub async fn start_cooldowns<Q: Queryable>(db: &mut Q, subnet_ids: &[u32], hours: u32) -> Result<()> {
    for batch in subnet_ids.chunks(BATCH) {
        let list = batch.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        db.exec_drop(
            format!(
                "UPDATE mod_ipmanager_ip_addresses SET cooldown_until = NOW() + INTERVAL ? HOUR
                 WHERE subnet_id IN ({list}) AND status = 'cooldown' AND cooldown_until IS NULL"
            ),
            (hours,),
        )
        .await?;
    }
    crate::store::subnets::note_cooldowns(db, subnet_ids).await
}

/// An assignment an import writes, for the address row at (subnet, address).
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub subnet_id: u32,
    pub ip: Address,
    pub service_id: u32,
    pub client_id: u32,
    pub assignment_type: &'static str,
}

/// Records assignments of address rows written by `insert_addresses`, in
/// batches: one query finds the rows' ids, one INSERT records the batch.
pub async fn insert_assignments<Q: Queryable>(
    db: &mut Q,
    assignments: &[NewAssignment],
    assigned_by: &str,
) -> Result<()> {
    for batch in assignments.chunks(BATCH) {
        let keys = vec!["(?, ?)"; batch.len()].join(", ");
        let params: Vec<Value> = batch.iter().flat_map(|a| [a.subnet_id.into(), a.ip.to_bin().into()]).collect();
        let ids: Vec<(u64, u32, Vec<u8>)> = db
            .exec(
                format!("SELECT id, subnet_id, ip_bin FROM mod_ipmanager_ip_addresses WHERE (subnet_id, ip_bin) IN ({keys})"),
                params,
            )
            .await?;
        let ids: HashMap<(u32, Vec<u8>), u64> = ids.into_iter().map(|(id, subnet, bin)| ((subnet, bin), id)).collect();
        let mut values: Vec<Value> = Vec::with_capacity(batch.len() * 5);
        for assignment in batch {
            let id = ids.get(&(assignment.subnet_id, assignment.ip.to_bin())).ok_or_else(|| {
                Error::Internal(format!("the imported address {} has no row to assign", assignment.ip))
            })?;
            values.extend([
                (*id).into(),
                assignment.service_id.into(),
                assignment.client_id.into(),
                assignment.assignment_type.into(),
                assigned_by.into(),
            ]);
        }
        super::insert_many(
            db,
            "mod_ipmanager_assignments (ip_address_id, service_id, client_id, type, source, assigned_by)",
            "(?, ?, ?, ?, 'import', ?)",
            batch.len(),
            values,
        )
        .await?;
    }
    Ok(())
}

/// The addresses already stored in a subnet.
pub async fn stored_addresses<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<HashSet<Address>> {
    let bins: Vec<Vec<u8>> =
        db.exec("SELECT ip_bin FROM mod_ipmanager_ip_addresses WHERE subnet_id = ?", (subnet_id,)).await?;
    Ok(bins.iter().filter_map(|bin| Address::from_bin(bin)).collect())
}

/// Custom field values of every subnet or pool (`scope`): object id → name → value.
pub async fn custom_field_values<Q: Queryable>(db: &mut Q, scope: &str) -> Result<HashMap<u32, Vec<(String, String)>>> {
    let rows: Vec<(u32, String, String)> = db
        .exec(
            "SELECT v.object_id, f.name, v.value FROM mod_ipmanager_custom_field_values v
             JOIN mod_ipmanager_custom_fields f ON f.id = v.field_id WHERE f.scope = ? ORDER BY f.name",
            (scope,),
        )
        .await?;
    let mut values: HashMap<u32, Vec<(String, String)>> = HashMap::new();
    for (object_id, name, value) in rows {
        values.entry(object_id).or_default().push((name, value));
    }
    Ok(values)
}

/// Sets the value of custom field `name` of a subnet or pool, creating the
/// field (as a text field) when the installation does not have it yet.
pub async fn set_custom_field<Q: Queryable>(
    db: &mut Q,
    scope: &str,
    object_id: u32,
    name: &str,
    value: &str,
) -> Result<()> {
    db.exec_drop(
        "INSERT IGNORE INTO mod_ipmanager_custom_fields (scope, name, options) VALUES (?, ?, '')",
        (scope, name),
    )
    .await?;
    db.exec_drop(
        "INSERT INTO mod_ipmanager_custom_field_values (field_id, object_id, value)
         SELECT id, ?, ? FROM mod_ipmanager_custom_fields WHERE scope = ? AND name = ?
         ON DUPLICATE KEY UPDATE value = VALUES(value)",
        (object_id, value, scope, name),
    )
    .await?;
    Ok(())
}

/// The owner (`tblhosting.userid`) of each of `service_ids` that exists.
pub async fn service_owners<Q: Queryable>(db: &mut Q, service_ids: &HashSet<u32>) -> Result<HashMap<u32, u32>> {
    let ids: Vec<u32> = service_ids.iter().copied().collect();
    let mut owners = HashMap::new();
    for batch in ids.chunks(BATCH) {
        let list = batch.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let rows: Vec<(u32, u32)> = db.query(format!("SELECT id, userid FROM tblhosting WHERE id IN ({list})")).await?;
        owners.extend(rows);
    }
    Ok(owners)
}

/// A configuration relation with the priority the file gave it.
pub async fn insert_relation<Q: Queryable>(
    db: &mut Q,
    configuration_id: u32,
    relation_type: &str,
    target_id: u32,
    (pool_id, subnet_id): (u32, u32),
    priority: i32,
) -> Result<()> {
    db.exec_drop(
        "INSERT IGNORE INTO mod_ipmanager_configuration_relations
            (configuration_id, relation_type, target_id, pool_id, subnet_id, priority)
         VALUES (?, ?, ?, ?, ?, ?)",
        (configuration_id, relation_type, target_id, pool_id, subnet_id, priority),
    )
    .await?;
    Ok(())
}

/// Which of `ids` are rows of the WHMCS table `table` (a fixed name, never input).
pub async fn existing_ids<Q: Queryable>(db: &mut Q, table: &str, ids: &HashSet<u32>) -> Result<Vec<u32>> {
    let ids: Vec<u32> = ids.iter().copied().collect();
    let mut found = Vec::new();
    for batch in ids.chunks(BATCH) {
        let list = batch.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let rows: Vec<u32> = db.query(format!("SELECT id FROM {table} WHERE id IN ({list})")).await?;
        found.extend(rows);
    }
    Ok(found)
}
