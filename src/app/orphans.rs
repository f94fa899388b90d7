//! Orphaned assignments (guide §11): addresses IP Manager assigns to services
//! that are no longer live in WHMCS (not Active or Pending) or no longer exist.
//! Releasing one runs, in order: the integration's removal from the server,
//! the local release, the write-back to WHMCS, and the NetBox update; each
//! step is logged. With no integration enabled the remote steps record that
//! they had nothing to do.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::allocation::{self, ReleaseMode};
use crate::app::service_ips;
use crate::app::subnets::Saved;
use crate::store::logs::{self, LogEntry};
use crate::store::whmcs;
use crate::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct OrphanFilters {
    /// A WHMCS status, or "missing" for services that no longer exist.
    pub status: String,
    pub product_id: Option<u32>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Orphan {
    pub address_id: u64,
    pub ip: String,
    pub service_id: u32,
    pub client_id: u32,
    pub client: String,
    pub product: String,
    /// The service's WHMCS status, or "missing".
    pub status: String,
    pub since: String,
}

#[derive(Debug, Serialize)]
pub struct OrphanPage {
    pub orphans: Vec<Orphan>,
    pub statuses: Vec<&'static str>,
    pub products: Vec<(u32, String)>,
}

const NOT_LIVE: &str = "(h.id IS NULL OR h.domainstatus NOT IN ('Active', 'Pending'))";

/// (address row, ip, service, client, client name, product, status, since).
type OrphanRow = (u64, String, u32, u32, String, String, String, String);

async fn find<Q: Queryable>(db: &mut Q, filters: &OrphanFilters, only: Option<u64>) -> Result<Vec<Orphan>> {
    let mut conditions = vec![NOT_LIVE.to_string()];
    let mut params: Vec<mysql_async::Value> = Vec::new();
    match filters.status.as_str() {
        "" => {}
        "missing" => conditions.push("h.id IS NULL".into()),
        status => {
            conditions.push("h.domainstatus = ?".into());
            params.push(status.into());
        }
    }
    if let Some(product) = filters.product_id {
        conditions.push("h.packageid = ?".into());
        params.push(product.into());
    }
    if let Some(id) = only {
        conditions.push("x.ip_address_id = ?".into());
        params.push(id.into());
    }
    let rows: Vec<OrphanRow> = db
        .exec(
            format!(
                "SELECT x.ip_address_id, a.ip, x.service_id, x.client_id,
                        COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), ''), COALESCE(p.name, ''),
                        COALESCE(h.domainstatus, 'missing'), DATE_FORMAT(x.created_at, '%Y-%m-%d %H:%i')
                 FROM mod_ipmanager_assignments x
                 JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
                 LEFT JOIN tblhosting h ON h.id = x.service_id
                 LEFT JOIN tblclients c ON c.id = x.client_id
                 LEFT JOIN tblproducts p ON p.id = h.packageid
                 WHERE {} ORDER BY x.service_id, a.version, a.ip_bin",
                conditions.join(" AND ")
            ),
            params,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(address_id, ip, service_id, client_id, client, product, status, since)| Orphan {
            address_id,
            ip,
            service_id,
            client_id,
            client,
            product,
            status,
            since,
        })
        .collect())
}

pub async fn page(mut conn: Conn, filters: &OrphanFilters) -> Result<OrphanPage> {
    Ok(OrphanPage {
        orphans: find(&mut conn, filters, None).await?,
        statuses: vec!["Suspended", "Terminated", "Cancelled", "Fraud", "Completed", "missing"],
        products: whmcs::products(&mut conn).await?,
    })
}

/// Releases one orphaned address; refused if its service is live again.
pub async fn release_one(conn: &mut Conn, address_id: u64, actor: &Actor) -> Result<Saved> {
    let orphan = find(conn, &OrphanFilters::default(), Some(address_id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Conflict("That address is not orphaned (its service is live again, or it was released).".into()))?;
    release(conn, &orphan, actor).await?;
    Ok(Saved { id: orphan.service_id, message: format!("{} released from service #{}.", orphan.ip, orphan.service_id) })
}

/// Releases every orphan the filters show, each in its own transaction, so
/// one failure leaves the others done and itself untouched.
pub async fn release_all(conn: &mut Conn, filters: &OrphanFilters, actor: &Actor) -> Result<Saved> {
    let orphans = find(conn, filters, None).await?;
    let mut failed = Vec::new();
    for orphan in &orphans {
        if let Err(e) = release(conn, orphan, actor).await {
            failed.push(format!("{}: {e}", orphan.ip));
        }
    }
    let released = orphans.len() - failed.len();
    if failed.is_empty() {
        Ok(Saved { id: 0, message: format!("{released} orphaned addresses released.") })
    } else {
        Err(Error::Conflict(format!("{released} released; {} could not be: {}", failed.len(), failed.join("; "))))
    }
}

async fn release(conn: &mut Conn, orphan: &Orphan, actor: &Actor) -> Result<()> {
    let entry = |action: &'static str, details: String| LogEntry {
        action,
        details,
        ip: &orphan.ip,
        service_id: orphan.service_id,
        client_id: orphan.client_id,
    };
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        // The service's row is locked and its status read again, so one that
        // was reactivated meanwhile keeps its address.
        let service = whmcs::service_for_update(&mut tx, orphan.service_id).await.ok();
        if find(&mut tx, &OrphanFilters::default(), Some(orphan.address_id)).await?.is_empty() {
            return Err(Error::Conflict(format!("{} is no longer orphaned: its service is live again, or it was released.", orphan.ip)));
        }
        // 1. The server: no integration is enabled in this release.
        logs::record(&mut tx, actor, entry("orphan_server", format!("{}: no integration enabled; nothing removed from a server.", orphan.ip)))
            .await?;
        // 2 and 3. The local release, and the service's fields in WHMCS.
        let released = allocation::release_in(&mut tx, orphan.address_id, ReleaseMode::AsConfigured, actor).await?;
        if let Some(service) = service {
            service_ips::write_back(&mut tx, &service, std::slice::from_ref(&released.ip)).await?;
        }
        // 4. NetBox: not connected in this release.
        logs::record(&mut tx, actor, entry("orphan_netbox", format!("{}: NetBox push is not enabled; nothing sent.", orphan.ip)))
            .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
