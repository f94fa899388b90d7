//! The IP Cleaner (guide §15.2): assignments whose address WHMCS no longer
//! lists for the service (an admin changed the dedicated or assigned IPs by
//! hand). "Notify only" reports them; "Mark free" unassigns them first, each
//! in its own transaction that checks the service again under its lock.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};

use crate::app::actor::Actor;
use crate::app::allocation::{self, ReleaseMode};
use crate::core::cleaner::{is_listed, Behavior, Finding};
use crate::store::logs::{self, LogEntry};
use crate::store::whmcs;
use crate::Result;

/// What a cleaner run found and did.
#[derive(Debug)]
pub struct Cleaning {
    pub behavior: Behavior,
    pub findings: Vec<Finding>,
    pub lines: Vec<String>,
}

struct Stale {
    address_id: u64,
    finding: Finding,
}

/// Assignments of existing services whose address WHMCS no longer lists;
/// `only` narrows to one address row (the re-check under lock).
async fn stale<Q: Queryable>(db: &mut Q, only: Option<u64>) -> Result<Vec<Stale>> {
    Ok(whmcs::assignments_with_service_fields(db, only)
        .await?
        .into_iter()
        .filter(|row| !is_listed(&row.ip, &[&row.dedicated_ip, &row.assigned_ips, &row.custom_fields]))
        .map(|row| Stale {
            address_id: row.address_id,
            finding: Finding {
                ip: row.ip,
                subnet: row.subnet,
                service_id: row.service_id,
                service_status: row.status,
                client_id: row.client_id,
                client: row.client,
                product: row.product,
                whmcs_dedicated_ip: row.dedicated_ip,
                whmcs_assigned_ips: row.assigned_ips,
                action: String::new(),
            },
        })
        .collect())
}

/// Runs the cleaner with the module's behavior; with `dry_run` nothing changes.
pub async fn run(conn: &mut Conn, dry_run: bool, actor: &Actor) -> Result<Cleaning> {
    let behavior = Behavior::parse(&whmcs::addon_setting(conn, "ip_cleaner_behavior").await?.unwrap_or_default());
    let found = stale(conn, None).await?;
    let mut findings = Vec::with_capacity(found.len());
    let (mut freed, mut failed) = (0, 0);
    for item in found {
        let mut finding = item.finding;
        finding.action = match behavior {
            Behavior::MarkFree if dry_run => "would be unassigned".into(),
            Behavior::NotifyOnly => "reported".into(),
            Behavior::MarkFree => match free(conn, item.address_id, &finding, actor).await {
                Ok(action) => {
                    freed += usize::from(!action.starts_with("skipped"));
                    action
                }
                Err(e) => {
                    failed += 1;
                    format!("failed: {e}")
                }
            },
        };
        findings.push(finding);
    }
    let mut lines = vec![format!(
        "IP Cleaner ({}{}): {} assignments no longer match the service's IPs in WHMCS.",
        behavior.label(),
        if dry_run { ", dry run" } else { "" },
        findings.len()
    )];
    for f in &findings {
        lines.push(format!(
            "{} on service #{} ({}, client #{}): {}",
            f.ip, f.service_id, f.product, f.client_id, f.action
        ));
    }
    if behavior == Behavior::MarkFree && !dry_run && !findings.is_empty() {
        lines.push(format!("{freed} unassigned, {failed} failed."));
    }
    if behavior == Behavior::NotifyOnly && !dry_run && !findings.is_empty() {
        logs::record(
            conn,
            actor,
            LogEntry {
                action: "cleaner_reported",
                details: format!(
                    "IP Cleaner reported {} assignments that WHMCS no longer lists (Notify only).",
                    findings.len()
                ),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(Cleaning { behavior, findings, lines })
}

/// Unassigns one stale address after checking, with the service locked, that
/// it is still assigned and still not listed. Returns what was done.
async fn free(conn: &mut Conn, address_id: u64, finding: &Finding, actor: &Actor) -> Result<String> {
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        whmcs::service_for_update(&mut tx, finding.service_id).await?;
        if stale(&mut tx, Some(address_id)).await?.is_empty() {
            tx.rollback().await?;
            return Ok("skipped: WHMCS lists it again, or it was unassigned meanwhile".to_string());
        }
        let released = allocation::release_in(&mut tx, address_id, ReleaseMode::AsConfigured, actor).await?;
        let action = if released.now == "cooldown" { "unassigned, in cooldown" } else { "unassigned, free" };
        logs::record(
            &mut tx,
            actor,
            LogEntry {
                action: "cleaner_freed",
                details: format!(
                    "IP Cleaner: {} was no longer listed for service #{} in WHMCS (dedicated IP \"{}\"); {action}.",
                    finding.ip, finding.service_id, finding.whmcs_dedicated_ip
                ),
                ip: &finding.ip,
                service_id: finding.service_id,
                client_id: finding.client_id,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(action.to_string())
    })
    .await
}
