//! Alert state per subnet and pool (`mod_ipmanager_usage_alerts`): the last
//! usage seen and whether an alert went out since usage was last below its threshold.

use std::collections::HashMap;

use mysql_async::prelude::*;

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Subnet,
    Pool,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Subnet => "subnet",
            Scope::Pool => "pool",
        }
    }
}

/// Which subnets and pools have been alerted and not re-armed since.
pub async fn alerted<Q: Queryable>(db: &mut Q) -> Result<HashMap<(Scope, u32), bool>> {
    let rows: Vec<(String, u32, bool)> =
        db.query("SELECT scope, scope_id, alerted = 1 FROM mod_ipmanager_usage_alerts").await?;
    Ok(rows
        .into_iter()
        .map(|(scope, id, alerted)| ((if scope == "pool" { Scope::Pool } else { Scope::Subnet }, id), alerted))
        .collect())
}

/// Records one check of a subnet or pool; `alerted` is set only when given.
pub async fn checked<Q: Queryable>(
    db: &mut Q,
    scope: Scope,
    id: u32,
    percent: &str,
    threshold: u8,
    alerted: Option<bool>,
) -> Result<()> {
    db.exec_drop(
        "INSERT INTO mod_ipmanager_usage_alerts (scope, scope_id, usage_percent, threshold, alerted, checked_at)
         VALUES (?, ?, ?, ?, COALESCE(?, 0), NOW())
         ON DUPLICATE KEY UPDATE usage_percent = VALUES(usage_percent), threshold = VALUES(threshold),
             checked_at = VALUES(checked_at), alerted = COALESCE(?, alerted)",
        (scope.as_str(), id, percent, threshold, alerted, alerted),
    )
    .await?;
    Ok(())
}

/// Marks subnets and pools as alerted once their alert went out.
pub async fn mark_alerted<Q: Queryable>(db: &mut Q, scopes: &[(Scope, u32)]) -> Result<()> {
    for (scope, id) in scopes {
        db.exec_drop(
            "UPDATE mod_ipmanager_usage_alerts SET alerted = 1, last_alert_at = NOW() WHERE scope = ? AND scope_id = ?",
            (scope.as_str(), id),
        )
        .await?;
    }
    Ok(())
}
