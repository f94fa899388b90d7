//! The module's operational settings (`mod_ipmanager_settings`), as opposed to
//! the addon fields WHMCS keeps in `tbladdonmodules`.

use mysql_async::prelude::*;

use crate::Result;

/// Hours a released address waits before it is handed out again.
pub const COOLDOWN_HOURS: &str = "cooldown_hours";
/// What happens to a terminated service's addresses: release, cooldown or keep.
pub const TERMINATE_POLICY: &str = "terminate_policy";
/// The system key of the quantity option that orders extra addresses.
pub const EXTRA_IPS_OPTION: &str = "extra_ips_option";

pub async fn get<Q: Queryable>(db: &mut Q, name: &str) -> Result<Option<String>> {
    Ok(db.exec_first("SELECT value FROM mod_ipmanager_settings WHERE name = ?", (name,)).await?)
}

pub async fn set<Q: Queryable>(db: &mut Q, name: &str, value: &str) -> Result<()> {
    db.exec_drop(
        "INSERT INTO mod_ipmanager_settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)",
        (name, value),
    )
    .await?;
    Ok(())
}

pub async fn cooldown_hours<Q: Queryable>(db: &mut Q) -> Result<u32> {
    Ok(get(db, COOLDOWN_HOURS).await?.and_then(|v| v.trim().parse().ok()).unwrap_or(0))
}
