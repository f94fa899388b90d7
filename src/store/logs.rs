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
