//! The MariaDB edge: connection settings, schema, and the queries of each table.

pub mod addresses;
pub mod configurations;
pub mod connection;
pub mod exchange;
pub mod logs;
pub mod pools;
pub mod schema;
pub mod settings;
pub mod subnets;
pub mod tasks;
pub mod usage_alerts;
pub mod whmcs;

use mysql_async::prelude::{Queryable, StatementLike};
use mysql_async::Params;

use crate::{Error, Result};

/// Runs an INSERT and returns the new row's id.
pub async fn insert<Q, S, P>(db: &mut Q, statement: S, params: P) -> Result<u64>
where
    Q: Queryable,
    S: StatementLike,
    P: Into<Params> + Send,
{
    let result = db.exec_iter(statement, params).await?;
    let id = result.last_insert_id();
    result.drop_result().await?;
    id.ok_or_else(|| Error::Internal("the database returned no id for a new row".into()))
}

/// One multi-row INSERT: `into` is `table (columns)`, `row` the VALUES tuple
/// of one row (`(?, ?, 'assigned')`), and `values` every row's parameters in
/// order; one statement instead of a round trip per row.
pub async fn insert_many<Q: Queryable>(
    db: &mut Q,
    into: &str,
    row: &str,
    rows: usize,
    values: Vec<mysql_async::Value>,
) -> Result<()> {
    if rows == 0 {
        return Ok(());
    }
    let tuples = vec![row; rows].join(", ");
    db.exec_drop(format!("INSERT INTO {into} VALUES {tuples}"), values).await?;
    Ok(())
}

/// Runs an UPDATE or DELETE and returns how many rows it changed.
pub async fn execute<Q, S, P>(db: &mut Q, statement: S, params: P) -> Result<u64>
where
    Q: Queryable,
    S: StatementLike,
    P: Into<Params> + Send,
{
    let result = db.exec_iter(statement, params).await?;
    let affected = result.affected_rows();
    result.drop_result().await?;
    Ok(affected)
}
