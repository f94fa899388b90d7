//! The addon's lifecycle as WHMCS drives it: activate, deactivate, upgrade.
//! Results use WHMCS's own shape (`status`, `description`) so the shim can
//! return them unchanged.

use mysql_async::prelude::*;
use mysql_async::Conn;
use serde::Serialize;

use crate::app::actor::Actor;
use crate::store::logs::{self, LogEntry};
use crate::store::schema;
use crate::Result;

/// The addon's name in `tbladdonmodules.module`.
pub const MODULE: &str = "ipmanager";
/// The `_config` field that asks deactivation to drop the tables.
pub const DELETE_DATA_SETTING: &str = "delete_data_on_deactivate";

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct LifecycleOutcome {
    pub status: &'static str,
    pub description: String,
}

pub async fn activate(mut conn: Conn, actor: &Actor) -> Result<LifecycleOutcome> {
    let report = schema::migrate(&mut conn, None).await?;
    let description = if report.applied.is_empty() {
        format!("IP Manager is active; its tables were already at schema version {}.", report.to_version)
    } else {
        format!(
            "IP Manager is active; its tables were created or migrated from schema version {} to {}.",
            report.from_version, report.to_version
        )
    };
    logs::record(&mut conn, actor, LogEntry { action: "module_activate", details: description.clone(), ..Default::default() })
        .await?;
    Ok(LifecycleOutcome { status: "success", description })
}

/// Keeps every table and row unless the operator chose "Delete all data on deactivate".
pub async fn deactivate(mut conn: Conn, actor: &Actor) -> Result<LifecycleOutcome> {
    let value: Option<String> = conn
        .exec_first(
            "SELECT value FROM tbladdonmodules WHERE module = ? AND setting = ?",
            (MODULE, DELETE_DATA_SETTING),
        )
        .await?;
    let delete = value.is_some_and(|v| matches!(v.trim(), "on" | "yes" | "1" | "true"));
    if delete {
        schema::drop_all(&mut conn).await?;
        return Ok(LifecycleOutcome {
            status: "success",
            description: "IP Manager is deactivated and all of its tables were deleted, as the module settings asked."
                .into(),
        });
    }
    if schema::installed_version(&mut conn).await? > 0 {
        logs::record(&mut conn, actor, LogEntry { action: "module_deactivate", details: "tables kept".into(), ..Default::default() })
            .await?;
    }
    Ok(LifecycleOutcome {
        status: "success",
        description: "IP Manager is deactivated. Its data was kept and will be there again when you reactivate it."
            .into(),
    })
}

/// Runs the migrations an earlier version of the module did not have.
pub async fn upgrade(mut conn: Conn, actor: &Actor, previous_version: &str) -> Result<LifecycleOutcome> {
    let report = schema::migrate(&mut conn, None).await?;
    let description = format!(
        "IP Manager upgraded from {previous_version}: schema version {} to {}.",
        report.from_version, report.to_version
    );
    logs::record(&mut conn, actor, LogEntry { action: "module_upgrade", details: description.clone(), ..Default::default() })
        .await?;
    Ok(LifecycleOutcome { status: "success", description })
}

#[derive(Debug, Serialize)]
pub struct SchemaStatus {
    pub installed_version: u32,
    pub expected_version: u32,
    pub ready: bool,
}

/// Whether the tables match this build; pages refuse to run on a stale schema.
pub async fn schema_status(mut conn: Conn) -> Result<SchemaStatus> {
    let installed_version = schema::installed_version(&mut conn).await?;
    let expected_version = schema::current_version();
    Ok(SchemaStatus { installed_version, expected_version, ready: installed_version == expected_version })
}
