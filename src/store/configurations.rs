//! `mod_ipmanager_configurations` and their relations.

use mysql_async::prelude::*;

use crate::core::matching::{Relation, RelationType, Source};
use crate::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Configuration {
    pub id: u32,
    pub name: String,
    pub omit_dedicated_ip: bool,
    pub use_custom_field: bool,
    pub custom_field_name: String,
}

type Row = (u32, String, bool, bool, String);

fn from_row((id, name, omit_dedicated_ip, use_custom_field, custom_field_name): Row) -> Configuration {
    Configuration { id, name, omit_dedicated_ip, use_custom_field, custom_field_name }
}

pub async fn all<Q: Queryable>(db: &mut Q) -> Result<Vec<Configuration>> {
    let rows: Vec<Row> = db
        .query("SELECT id, name, omit_dedicated_ip, use_custom_field, custom_field_name FROM mod_ipmanager_configurations ORDER BY name, id")
        .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub async fn find<Q: Queryable>(db: &mut Q, id: u32) -> Result<Configuration> {
    let row: Option<Row> = db
        .exec_first(
            "SELECT id, name, omit_dedicated_ip, use_custom_field, custom_field_name FROM mod_ipmanager_configurations WHERE id = ?",
            (id,),
        )
        .await?;
    row.map(from_row).ok_or_else(|| Error::NotFound(format!("Configuration #{id} does not exist.")))
}

pub async fn insert<Q: Queryable>(db: &mut Q, c: &Configuration) -> Result<u32> {
    let id = super::insert(
        db,
        "INSERT INTO mod_ipmanager_configurations (name, omit_dedicated_ip, use_custom_field, custom_field_name) VALUES (?, ?, ?, ?)",
        (&c.name, c.omit_dedicated_ip, c.use_custom_field, &c.custom_field_name),
    )
    .await?;
    Ok(id as u32)
}

pub async fn update<Q: Queryable>(db: &mut Q, c: &Configuration) -> Result<()> {
    db.exec_drop(
        "UPDATE mod_ipmanager_configurations SET name = ?, omit_dedicated_ip = ?, use_custom_field = ?, custom_field_name = ? WHERE id = ?",
        (&c.name, c.omit_dedicated_ip, c.use_custom_field, &c.custom_field_name, c.id),
    )
    .await?;
    Ok(())
}

pub async fn delete<Q: Queryable>(db: &mut Q, id: u32) -> Result<()> {
    db.exec_drop("DELETE FROM mod_ipmanager_configuration_relations WHERE configuration_id = ?", (id,)).await?;
    db.exec_drop("DELETE FROM mod_ipmanager_configurations WHERE id = ?", (id,)).await?;
    Ok(())
}

type RelationRow = (u32, u32, String, u32, u32, u32, i32);

/// Every relation, or those of one configuration.
pub async fn relations<Q: Queryable>(db: &mut Q, configuration_id: Option<u32>) -> Result<Vec<Relation>> {
    let rows: Vec<RelationRow> = match configuration_id {
        Some(id) => {
            db.exec(
                "SELECT id, configuration_id, relation_type, target_id, pool_id, subnet_id, priority
                 FROM mod_ipmanager_configuration_relations WHERE configuration_id = ? ORDER BY priority, id",
                (id,),
            )
            .await?
        }
        None => {
            db.query(
                "SELECT id, configuration_id, relation_type, target_id, pool_id, subnet_id, priority
                 FROM mod_ipmanager_configuration_relations ORDER BY priority, configuration_id, id",
            )
            .await?
        }
    };
    rows.into_iter()
        .map(|(id, configuration_id, kind, target_id, pool_id, subnet_id, priority)| {
            let relation_type = RelationType::parse(&kind)
                .ok_or_else(|| Error::Internal(format!("relation {id} has an unknown type {kind}")))?;
            let source = if pool_id != 0 { Source::Pool(pool_id) } else { Source::Subnet(subnet_id) };
            Ok(Relation { id, configuration_id, relation_type, target_id, source, priority })
        })
        .collect()
}

pub async fn add_relation<Q: Queryable>(db: &mut Q, configuration_id: u32, kind: RelationType, target_id: u32, source: Source) -> Result<()> {
    let (pool_id, subnet_id) = match source {
        Source::Pool(id) => (id, 0),
        Source::Subnet(id) => (0, id),
    };
    // New relations go last in the order pools are tried.
    let last: Option<Option<i32>> = db.query_first("SELECT MAX(priority) FROM mod_ipmanager_configuration_relations").await?;
    db.exec_drop(
        "INSERT IGNORE INTO mod_ipmanager_configuration_relations (configuration_id, relation_type, target_id, pool_id, subnet_id, priority)
         VALUES (?, ?, ?, ?, ?, ?)",
        (configuration_id, kind.as_str(), target_id, pool_id, subnet_id, last.flatten().unwrap_or(0) + 1),
    )
    .await?;
    Ok(())
}

/// Removes a configuration's relations of the given kinds.
pub async fn clear_relations<Q: Queryable>(db: &mut Q, configuration_id: u32, kinds: &[RelationType]) -> Result<()> {
    for kind in kinds {
        db.exec_drop(
            "DELETE FROM mod_ipmanager_configuration_relations WHERE configuration_id = ? AND relation_type = ?",
            (configuration_id, kind.as_str()),
        )
        .await?;
    }
    Ok(())
}

pub async fn delete_relation<Q: Queryable>(db: &mut Q, configuration_id: u32, relation_id: u32) -> Result<u64> {
    super::execute(
        db,
        "DELETE FROM mod_ipmanager_configuration_relations WHERE id = ? AND configuration_id = ?",
        (relation_id, configuration_id),
    )
    .await
}

pub async fn set_priority<Q: Queryable>(db: &mut Q, relation_id: u32, priority: i32) -> Result<()> {
    db.exec_drop("UPDATE mod_ipmanager_configuration_relations SET priority = ? WHERE id = ?", (priority, relation_id)).await?;
    Ok(())
}

/// The IP version of every pool and subnet, to split candidates into IPv4 and IPv6.
pub async fn source_versions<Q: Queryable>(db: &mut Q) -> Result<Vec<(Source, u8)>> {
    let pools: Vec<(u32, u8)> = db
        .query("SELECT p.id, s.version FROM mod_ipmanager_pools p JOIN mod_ipmanager_subnets s ON s.id = p.subnet_id")
        .await?;
    let subnets: Vec<(u32, u8)> = db.query("SELECT id, version FROM mod_ipmanager_subnets").await?;
    Ok(pools
        .into_iter()
        .map(|(id, v)| (Source::Pool(id), v))
        .chain(subnets.into_iter().map(|(id, v)| (Source::Subnet(id), v)))
        .collect())
}
