//! The module's action log (`mod_ipmanager_logs`).

use mysql_async::prelude::*;

use crate::app::actor::Actor;
use crate::Result;

/// One action worth auditing: who did what, to which address and service.
#[derive(Debug, Clone, Default)]
pub struct LogEntry<'a> {
    pub action: &'a str,
    pub details: String,
    pub ip: &'a str,
    pub service_id: u32,
    pub client_id: u32,
}

/// How many entries are older than `days` days.
pub async fn count_older_than<Q: Queryable>(db: &mut Q, days: u32) -> Result<u64> {
    Ok(db
        .exec_first("SELECT COUNT(*) FROM mod_ipmanager_logs WHERE created_at < NOW() - INTERVAL ? DAY", (days,))
        .await?
        .unwrap_or(0))
}

/// Deletes entries older than `days` days, `batch` rows per statement so no
/// statement holds locks for long; at most `max_batches` statements per call.
pub async fn prune<Q: Queryable>(db: &mut Q, days: u32, batch: u32, max_batches: u32) -> Result<u64> {
    let mut deleted = 0;
    for _ in 0..max_batches {
        let affected = crate::store::execute(
            db,
            "DELETE FROM mod_ipmanager_logs WHERE created_at < NOW() - INTERVAL ? DAY ORDER BY id LIMIT ?",
            (days, batch),
        )
        .await?;
        deleted += affected;
        if affected < u64::from(batch) {
            break;
        }
    }
    Ok(deleted)
}

/// `record` as one statement of SQL text, for a multi-statement batch; every
/// string is quoted for a session without NO_BACKSLASH_ESCAPES (the
/// extension's, see `store::connection::SESSION_SETUP`).
pub fn record_sql(actor: &Actor, entry: &LogEntry<'_>) -> String {
    let text = |value: &str| mysql_async::Value::from(value).as_sql(false);
    format!(
        "INSERT INTO mod_ipmanager_logs (actor_type, actor_id, action, details, ip, service_id, client_id, request_ip)
         VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        text(actor.kind.as_str()),
        actor.id,
        text(entry.action),
        text(&entry.details),
        text(entry.ip),
        entry.service_id,
        entry.client_id,
        text(&actor.ip),
    )
}

pub async fn record<Q: Queryable>(db: &mut Q, actor: &Actor, entry: LogEntry<'_>) -> Result<()> {
    db.exec_drop(
        "INSERT INTO mod_ipmanager_logs (actor_type, actor_id, action, details, ip, service_id, client_id, request_ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            actor.kind.as_str(),
            actor.id,
            entry.action,
            entry.details,
            entry.ip,
            entry.service_id,
            entry.client_id,
            actor.ip.as_str(),
        ),
    )
    .await?;
    Ok(())
}
