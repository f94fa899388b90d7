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

/// (address row, ip as WHMCS shows it, subnet, service, client, status, client name, product, dedicated, assigned, custom fields).
type Row = (u64, String, String, u32, u32, String, String, String, String, String, String);

struct Stale {
    address_id: u64,
    finding: Finding,
}

/// Assignments of existing services whose address WHMCS no longer lists;
/// `only` narrows to one address row (the re-check under lock).
async fn stale<Q: Queryable>(db: &mut Q, only: Option<u64>) -> Result<Vec<Stale>> {
    let filter = if only.is_some() { "WHERE x.ip_address_id = ?" } else { "" };
    let params: Vec<mysql_async::Value> = only.into_iter().map(Into::into).collect();
    let rows: Vec<Row> = db
        .exec(
            format!(
                "SELECT x.ip_address_id,
                        IF(a.prefix_length = IF(a.version = 4, 32, 128), a.ip, CONCAT(a.ip, '/', a.prefix_length)), s.cidr, x.service_id, h.userid, h.domainstatus,
                        COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), ''), COALESCE(p.name, ''),
                        COALESCE(h.dedicatedip, ''), COALESCE(h.assignedips, ''),
                        COALESCE((SELECT GROUP_CONCAT(v.value SEPARATOR '\\n') FROM tblcustomfieldsvalues v
                                  JOIN tblcustomfields f ON f.id = v.fieldid AND f.type = 'product' AND f.relid = h.packageid
                                  WHERE v.relid = h.id), '')
                 FROM mod_ipmanager_assignments x
                 JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
                 JOIN mod_ipmanager_subnets s ON s.id = a.subnet_id
                 JOIN tblhosting h ON h.id = x.service_id
                 LEFT JOIN tblclients c ON c.id = h.userid
                 LEFT JOIN tblproducts p ON p.id = h.packageid
                 {filter} ORDER BY x.service_id, a.version, a.ip_bin"
            ),
            params,
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(address_id, ip, subnet, service_id, client_id, status, client, product, dedicated, assigned, custom)| {
                if is_listed(&ip, &[&dedicated, &assigned, &custom]) {
                    return None;
                }
                Some(Stale {
                    address_id,
                    finding: Finding {
                        ip,
                        subnet,
                        service_id,
                        service_status: status,
                        client_id,
                        client,
                        product,
                        whmcs_dedicated_ip: dedicated,
                        whmcs_assigned_ips: assigned,
                        action: String::new(),
                    },
                })
            },
        )
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
