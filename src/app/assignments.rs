//! The Assignments page (guide §9), the IP Manager panel on WHMCS's service
//! page, and the client area (guide §18): who holds which address, and
//! assigning or unassigning by hand. Every change is written back to WHMCS in
//! the same transaction and logged with the acting admin or client.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::allocation::{self, AssignmentType, Recipient, ReleaseMode, Scope};
use crate::app::service_ips;
use crate::app::subnets::Saved;
use crate::core::address::Address;
use crate::store::whmcs;
use crate::store::{pools, settings, subnets};
use crate::{Error, Result};

/// Services per page on the Assignments page.
pub const PAGE_SIZE: u64 = 50;

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub client_id: Option<u32>,
    pub service_id: Option<u32>,
    pub product_id: Option<u32>,
    pub status: String,
    pub address: String,
    pub page: u64,
}

#[derive(Debug, Serialize)]
pub struct AssignedAddress {
    pub address_id: u64,
    pub ip: String,
    pub version: u8,
    pub subnet: String,
    pub pool: String,
}

#[derive(Debug, Serialize)]
pub struct ServiceRow {
    pub id: u32,
    pub client_id: u32,
    pub client: String,
    pub product: String,
    pub domain: String,
    pub status: String,
    /// Active and Pending are live (green); everything else is grey.
    pub live: bool,
    pub addresses: Vec<AssignedAddress>,
    pub dedicatedip: String,
}

#[derive(Debug, Serialize)]
pub struct AssignmentsPage {
    pub services: Vec<ServiceRow>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub products: Vec<(u32, String)>,
    pub statuses: Vec<&'static str>,
    pub pools: Vec<(u32, String)>,
    pub subnets: Vec<(u32, String)>,
}

const STATUSES: [&str; 7] = ["Pending", "Active", "Suspended", "Terminated", "Cancelled", "Fraud", "Completed"];

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// (service, address row, ip, prefix length, version, subnet cidr, pool name).
type ServiceAddressRow = (u32, u64, String, u8, u8, String, Option<String>);

/// Addresses IP Manager assigns to each of `service_ids`.
async fn addresses_of<Q: Queryable>(db: &mut Q, service_ids: &[u32]) -> Result<Vec<(u32, AssignedAddress)>> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = service_ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let rows: Vec<ServiceAddressRow> = db
        .query(format!(
            "SELECT x.service_id, a.id, a.ip, a.prefix_length, a.version, s.cidr, p.name
             FROM mod_ipmanager_assignments x
             JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
             JOIN mod_ipmanager_subnets s ON s.id = a.subnet_id
             LEFT JOIN mod_ipmanager_pools p ON p.id = a.pool_id
             WHERE x.service_id IN ({ids}) ORDER BY x.type = 'primary' DESC, a.version, x.id"
        ))
        .await?;
    Ok(rows
        .into_iter()
        .map(|(service_id, address_id, ip, prefix, version, subnet, pool)| {
            let full = if version == 4 { 32 } else { 128 };
            let ip = if prefix == full { ip } else { format!("{ip}/{prefix}") };
            (service_id, AssignedAddress { address_id, ip, version, subnet, pool: pool.unwrap_or_default() })
        })
        .collect())
}

/// Services with their addresses, filtered and paginated, newest first.
pub async fn page(mut conn: Conn, filters: &Filters) -> Result<AssignmentsPage> {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut params: Vec<mysql_async::Value> = Vec::new();
    if let Some(id) = filters.client_id {
        conditions.push("h.userid = ?".into());
        params.push(id.into());
    }
    if let Some(id) = filters.service_id {
        conditions.push("h.id = ?".into());
        params.push(id.into());
    }
    if let Some(id) = filters.product_id {
        conditions.push("h.packageid = ?".into());
        params.push(id.into());
    }
    if !filters.status.is_empty() {
        conditions.push("h.domainstatus = ?".into());
        params.push(filters.status.clone().into());
    }
    if !filters.address.is_empty() {
        conditions.push(
            "(h.dedicatedip LIKE ? OR h.assignedips LIKE ? OR EXISTS (SELECT 1 FROM mod_ipmanager_assignments x
                JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id WHERE x.service_id = h.id AND a.ip LIKE ?))"
                .into(),
        );
        let starts = format!("{}%", escape_like(&filters.address));
        params.extend([starts.clone().into(), format!("%{}%", escape_like(&filters.address)).into(), starts.into()]);
    }
    let filter = conditions.join(" AND ");
    let total: u64 = conn.exec_first(format!("SELECT COUNT(*) FROM tblhosting h WHERE {filter}"), params.clone()).await?.unwrap_or(0);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filters.page.clamp(1, pages);
    params.extend([PAGE_SIZE.into(), ((page - 1) * PAGE_SIZE).into()]);
    let rows: Vec<(u32, u32, String, String, String, String, String)> = conn
        .exec(
            format!(
                "SELECT h.id, h.userid, COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), ''), COALESCE(p.name, ''),
                        COALESCE(h.domain, ''), h.domainstatus, COALESCE(h.dedicatedip, '')
                 FROM tblhosting h LEFT JOIN tblclients c ON c.id = h.userid LEFT JOIN tblproducts p ON p.id = h.packageid
                 WHERE {filter} ORDER BY h.id DESC LIMIT ? OFFSET ?"
            ),
            params,
        )
        .await?;
    let ids: Vec<u32> = rows.iter().map(|r| r.0).collect();
    let mut addresses = addresses_of(&mut conn, &ids).await?;
    let services = rows
        .into_iter()
        .map(|(id, client_id, client, product, domain, status, dedicatedip)| {
            let own: Vec<AssignedAddress> = extract(&mut addresses, id);
            ServiceRow { id, client_id, client, product, domain, live: matches!(status.as_str(), "Active" | "Pending"), status, addresses: own, dedicatedip }
        })
        .collect();
    let (pools, subnets) = choices(&mut conn).await?;
    Ok(AssignmentsPage {
        services,
        page,
        pages,
        total,
        products: whmcs::products(&mut conn).await?,
        statuses: STATUSES.to_vec(),
        pools,
        subnets,
    })
}

fn extract(all: &mut Vec<(u32, AssignedAddress)>, service_id: u32) -> Vec<AssignedAddress> {
    let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(all).into_iter().partition(|(s, _)| *s == service_id);
    *all = rest;
    mine.into_iter().map(|(_, a)| a).collect()
}

async fn choices(conn: &mut Conn) -> Result<(Vec<(u32, String)>, Vec<(u32, String)>)> {
    let all_subnets = subnets::all(conn).await?;
    let all_pools = pools::all(conn).await?;
    let label = |subnet_id: u32| all_subnets.iter().find(|s| s.id == subnet_id).map(|s| s.network.to_string()).unwrap_or_default();
    Ok((
        all_pools.iter().map(|p| (p.id, format!("{} ({})", p.name, label(p.subnet_id)))).collect(),
        all_subnets.iter().map(|s| (s.id, format!("{} ({})", s.name, s.network))).collect(),
    ))
}

/// How the admin chose the address to assign.
#[derive(Debug, Clone, Copy)]
pub enum Choice {
    From(Scope),
    Exactly(Address),
}

/// Assigns an address to a service by hand: from a pool or subnet (lowest
/// free) or one particular free address.
pub async fn assign(conn: &mut Conn, service_id: u32, choice: Choice, actor: &Actor) -> Result<Saved> {
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let service = whmcs::service_for_update(&mut tx, service_id).await?;
        let first = service_ips::assigned_addresses(&mut tx, service_id).await?.is_empty();
        let recipient = Recipient {
            service_id,
            client_id: service.client_id,
            assignment_type: if first { AssignmentType::Primary } else { AssignmentType::Additional },
            source: "manual",
            configuration_id: 0,
        };
        let allocated = match choice {
            Choice::From(scope) => allocation::allocate_in(&mut tx, scope, &recipient, actor).await?,
            Choice::Exactly(address) => allocation::assign_specific_in(&mut tx, address, &recipient, actor).await?,
        };
        service_ips::write_back(&mut tx, &service, &[]).await?;
        tx.commit().await?;
        Ok(Saved { id: service_id, message: format!("{} assigned to service #{service_id}.", allocated.ip) })
    })
    .await
}

/// Unassigns one address of a service; `owner` limits it to that client's
/// services (the client area), so nobody can touch another client's address.
pub async fn unassign(conn: &mut Conn, service_id: u32, address_id: u64, owner: Option<u32>, actor: &Actor) -> Result<Saved> {
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let service = whmcs::service_for_update(&mut tx, service_id).await.map_err(|_| not_yours())?;
        if owner.is_some_and(|client| client != service.client_id) {
            return Err(not_yours());
        }
        let holder: Option<u32> = tx
            .exec_first("SELECT service_id FROM mod_ipmanager_assignments WHERE ip_address_id = ?", (address_id,))
            .await?;
        if holder != Some(service_id) {
            return Err(not_yours());
        }
        let released = allocation::release_in(&mut tx, address_id, ReleaseMode::AsConfigured, actor).await?;
        service_ips::write_back(&mut tx, &service, std::slice::from_ref(&released.ip)).await?;
        tx.commit().await?;
        Ok(Saved { id: service_id, message: format!("{} unassigned from service #{service_id}.", released.ip) })
    })
    .await
}

fn not_yours() -> Error {
    Error::NotFound("That address is not assigned to this service.".into())
}

// --- The admin service page panel ----------------------------------------------------

#[derive(Debug, Serialize)]
pub struct ServicePanel {
    pub service_id: u32,
    pub addresses: Vec<AssignedAddress>,
    pub pools: Vec<(u32, String)>,
}

pub async fn service_panel(mut conn: Conn, service_id: u32) -> Result<ServicePanel> {
    let addresses = addresses_of(&mut conn, &[service_id]).await?.into_iter().map(|(_, a)| a).collect();
    let (pools, _) = choices(&mut conn).await?;
    Ok(ServicePanel { service_id, addresses, pools })
}

// --- The client area -------------------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct ClientService {
    pub id: u32,
    pub product: String,
    pub domain: String,
    pub status: String,
    pub addresses: Vec<AssignedAddress>,
    /// WHMCS's upgrade page for the Additional IPs option, when the product has it.
    pub order_more_url: String,
}

#[derive(Debug, Serialize)]
pub struct ClientOverview {
    pub services: Vec<ClientService>,
}

/// The client's services that hold addresses or can order more.
pub async fn client_overview(mut conn: Conn, client_id: u32) -> Result<ClientOverview> {
    let rows: Vec<(u32, String, String, String, u32)> = conn
        .exec(
            "SELECT h.id, COALESCE(p.name, ''), COALESCE(h.domain, ''), h.domainstatus, h.packageid FROM tblhosting h
             LEFT JOIN tblproducts p ON p.id = h.packageid WHERE h.userid = ? ORDER BY h.id",
            (client_id,),
        )
        .await?;
    let ids: Vec<u32> = rows.iter().map(|r| r.0).collect();
    let mut addresses = addresses_of(&mut conn, &ids).await?;
    let option = settings::get(&mut conn, settings::EXTRA_IPS_OPTION)
        .await?
        .unwrap_or_else(|| crate::app::provisioning::DEFAULT_EXTRA_IPS_OPTION.into());
    let orderable: Vec<u32> = conn
        .exec(
            "SELECT DISTINCT l.pid FROM tblproductconfiglinks l JOIN tblproductconfigoptions o ON o.gid = l.gid
             WHERE o.optiontype = 4 AND o.hidden = 0 AND TRIM(SUBSTRING_INDEX(o.optionname, '|', 1)) = ?",
            (&option,),
        )
        .await?;
    let mut services = Vec::new();
    for (id, product, domain, status, product_id) in rows {
        let own = extract(&mut addresses, id);
        let can_order = orderable.contains(&product_id) && status == "Active";
        if own.is_empty() && !can_order {
            continue;
        }
        services.push(ClientService {
            id,
            product,
            domain,
            status,
            addresses: own,
            order_more_url: if can_order { format!("upgrade.php?type=configoptions&id={id}") } else { String::new() },
        });
    }
    Ok(ClientOverview { services })
}

#[derive(Debug, Serialize)]
pub struct UnassignConfirmation {
    pub service_id: u32,
    pub address_id: u64,
    pub ip: String,
    pub product: String,
    pub domain: String,
}

/// What the client is about to unassign, after checking it is theirs.
pub async fn client_confirmation(mut conn: Conn, client_id: u32, service_id: u32, address_id: u64) -> Result<UnassignConfirmation> {
    let row: Option<(u32, String, String, String)> = conn
        .exec_first(
            "SELECT h.userid, a.ip, COALESCE(p.name, ''), COALESCE(h.domain, '') FROM mod_ipmanager_assignments x
             JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
             JOIN tblhosting h ON h.id = x.service_id LEFT JOIN tblproducts p ON p.id = h.packageid
             WHERE x.ip_address_id = ? AND x.service_id = ?",
            (address_id, service_id),
        )
        .await?;
    match row {
        Some((owner, ip, product, domain)) if owner == client_id => {
            Ok(UnassignConfirmation { service_id, address_id, ip, product, domain })
        }
        _ => Err(not_yours()),
    }
}

/// Whether the client holds any address: decides the client-area sidebar link.
pub async fn client_holds_addresses(mut conn: Conn, client_id: u32) -> Result<bool> {
    let found: Option<u64> = conn
        .exec_first(
            "SELECT x.ip_address_id FROM mod_ipmanager_assignments x JOIN tblhosting h ON h.id = x.service_id
             WHERE h.userid = ? LIMIT 1",
            (client_id,),
        )
        .await?;
    Ok(found.is_some())
}
