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
/// How the module's emails go out: "whmcs" (localAPI SendAdminEmail) or "smtp".
pub const MAIL_TRANSPORT: &str = "mail_transport";
pub const SMTP_HOST: &str = "smtp_host";
pub const SMTP_PORT: &str = "smtp_port";
/// none, starttls or tls.
pub const SMTP_SECURITY: &str = "smtp_security";
pub const SMTP_USERNAME: &str = "smtp_username";
/// Encrypted with WHMCS's own key (localAPI EncryptPassword), never shown again.
pub const SMTP_PASSWORD: &str = "smtp_password";
pub const SMTP_FROM: &str = "smtp_from";
/// Extra addresses that receive alerts and reports, besides the first full administrator.
pub const ALERT_RECIPIENTS: &str = "alert_recipients";
/// Days the action log is kept; 0 keeps it forever.
pub const LOG_RETENTION_DAYS: &str = "log_retention_days";

pub async fn get<Q: Queryable>(db: &mut Q, name: &str) -> Result<Option<String>> {
    Ok(db.exec_first("SELECT value FROM mod_ipmanager_settings WHERE name = ?", (name,)).await?)
}

/// Every stored setting, for pages that show many at once.
pub async fn all<Q: Queryable>(db: &mut Q) -> Result<std::collections::HashMap<String, String>> {
    Ok(db.query("SELECT name, value FROM mod_ipmanager_settings").await?.into_iter().collect())
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
