//! The IP Subnets pages: the tree, the add/edit form, the subnet's own page
//! with its addresses, single-address reservations, and deletion.

use ipnet::IpNet;
use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::allocation::{blocked_set, lifts_any};
use crate::app::input::Input;
use crate::app::usage::{self, UsageFigures};
use crate::core::address::Address;
use crate::core::exclusion::parse_exclusions;
use crate::core::network::{parse_network, validate_child, validate_gateway, validate_siblings};
use crate::core::range::AddressRange;
use crate::core::rdns::reverse_zones;
use crate::core::reservation::{reservation_reason, ReservationKind};
use crate::error::FieldError;
use crate::store::logs::{self, LogEntry};
use crate::store::subnets::{self, Subnet};
use crate::store::{addresses, pools};
use crate::{Error, Result};

/// "Store free IPs" writes one row per address; beyond this, on demand.
pub const STORE_LIMIT: u128 = 65_536;

// --- The form, validated without I/O ------------------------------------------

/// What the add/edit form submits.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubnetForm {
    pub id: Option<u32>,
    pub name: String,
    pub cidr: String,
    pub parent_id: Option<u32>,
    pub gateway: String,
    pub excluded_ips: String,
    pub reserve_network: bool,
    pub reserve_broadcast: bool,
    pub reserve_gateway: bool,
    pub store_free_ips: bool,
    pub alert_threshold: String,
    pub description: String,
    /// "Dedicated to": the subnet then serves only this client and/or service.
    pub dedicated_client_id: Option<u32>,
    pub dedicated_service_id: Option<u32>,
}

impl SubnetForm {
    pub fn from_input(input: &Input) -> Result<Self> {
        Ok(SubnetForm {
            id: input.id("id")?,
            name: input.text("name"),
            cidr: input.text("cidr"),
            parent_id: input.id("parent_id")?,
            gateway: input.text("gateway"),
            excluded_ips: input.raw_text("excluded_ips"),
            reserve_network: input.flag("reserve_network"),
            reserve_broadcast: input.flag("reserve_broadcast"),
            reserve_gateway: input.flag("reserve_gateway"),
            store_free_ips: input.flag("store_free_ips"),
            alert_threshold: input.text("alert_threshold"),
            description: input.raw_text("description").trim().to_string(),
            dedicated_client_id: input.id("dedicated_client_id")?,
            dedicated_service_id: input.id("dedicated_service_id")?,
        })
    }
}

/// What the database already holds that the form is checked against.
pub struct SubnetContext<'a> {
    /// The subnet being edited, if any.
    pub existing: Option<&'a Subnet>,
    pub all: &'a [Subnet],
}

/// A form that passed every check, ready to store.
#[derive(Debug, Clone)]
pub struct ValidSubnet {
    pub subnet: Subnet,
    pub reserve: Vec<ReservationKind>,
}

/// Checks every field and reports all problems at once, each on its field.
pub fn validate(form: &SubnetForm, context: &SubnetContext) -> std::result::Result<ValidSubnet, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });

    if form.name.is_empty() {
        fail("name", "Enter a name for the subnet.".into());
    } else if form.name.chars().count() > 255 {
        fail("name", "The name can be at most 255 characters long.".into());
    }
    let network = match context.existing {
        Some(existing) => {
            let typed = parse_network(&form.cidr).ok();
            if !form.cidr.is_empty() && typed != Some(existing.network) {
                fail("cidr", format!("The CIDR of an existing subnet cannot change; it stays {}.", existing.network));
            }
            Some(existing.network)
        }
        None => match parse_network(&form.cidr) {
            Ok(network) => Some(network),
            Err(e) => {
                fail("cidr", e.to_string());
                None
            }
        },
    };
    let parent = match form.parent_id {
        None => None,
        Some(id) => match context.all.iter().find(|s| s.id == id) {
            Some(parent) if Some(parent.id) == form.id => {
                fail("parent_id", "A subnet cannot be its own parent.".into());
                None
            }
            Some(parent) => Some(parent),
            None => {
                fail("parent_id", format!("Subnet #{id} does not exist any more."));
                None
            }
        },
    };
    let mut gateway = String::new();
    let mut excluded = String::new();
    if let Some(network) = network {
        if let Some(parent) = parent {
            if let Err(e) = validate_child(&network, &parent.network) {
                fail("parent_id", e.to_string());
            }
        }
        let siblings: Vec<(u32, IpNet)> = context
            .all
            .iter()
            .filter(|s| s.parent_id == parent.map_or(0, |p| p.id) && Some(s.id) != form.id)
            .map(|s| (s.id, s.network))
            .collect();
        if let Err(e) = validate_siblings(&network, &siblings) {
            fail("cidr", e.to_string());
        }
        match validate_gateway(&form.gateway, &network) {
            Ok(address) => gateway = address.map(|a| a.canonical()).unwrap_or_default(),
            Err(e) => fail("gateway", e.to_string()),
        }
        match parse_exclusions(&form.excluded_ips, &network) {
            Ok(exclusions) => excluded = exclusions.text,
            Err(e) => fail("excluded_ips", e.to_string()),
        }
        let size = AddressRange::from_network(&network).len();
        if form.store_free_ips && size > STORE_LIMIT {
            fail(
                "store_free_ips",
                format!(
                    "{network} has {size} addresses; Store free IPs is limited to {STORE_LIMIT}. Leave it unticked: \
                     addresses are then allocated on demand, just as reliably."
                ),
            );
        }
    }
    let alert_threshold = match form.alert_threshold.as_str() {
        "" => None,
        text => match text.parse::<u8>() {
            Ok(n) if (1..=100).contains(&n) => Some(n),
            _ => {
                fail("alert_threshold", "Enter a percentage from 1 to 100, or leave it empty for the module's.".into());
                None
            }
        },
    };
    let Some(network) = network.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let mut reserve = Vec::new();
    let ipv4 = network.addr().is_ipv4();
    if form.reserve_network {
        reserve.push(ReservationKind::Network);
    }
    if form.reserve_broadcast && ipv4 {
        reserve.push(ReservationKind::Broadcast);
    }
    if form.reserve_gateway {
        reserve.push(ReservationKind::Gateway);
    }
    Ok(ValidSubnet {
        subnet: Subnet {
            id: form.id.unwrap_or(0),
            parent_id: parent.map_or(0, |p| p.id),
            name: form.name.clone(),
            network,
            gateway,
            excluded_ips: excluded,
            store_free_ips: form.store_free_ips,
            alert_threshold,
            description: form.description.clone(),
            rules: Vec::new(),
            children: Vec::new(),
        },
        reserve,
    })
}

// --- Use cases ------------------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct SubnetRow {
    pub id: u32,
    pub parent_id: u32,
    pub depth: usize,
    pub name: String,
    pub cidr: String,
    pub version: u8,
    pub gateway: String,
    pub store_free_ips: bool,
    pub pools: usize,
    pub reverse_zones: Vec<String>,
    pub usage: UsageFigures,
}

/// Every subnet in tree order (parents before their children), with usage.
pub async fn list(mut conn: Conn) -> Result<Vec<SubnetRow>> {
    let all = subnets::all(&mut conn).await?;
    let pools = pools::all(&mut conn).await?;
    let counts = addresses::status_counts(&mut conn).await?;
    let report = usage::report(&all, &pools, &counts);
    let mut rows = Vec::with_capacity(all.len());
    let mut stack: Vec<(u32, usize)> = all.iter().filter(|s| s.parent_id == 0).rev().map(|s| (s.id, 0)).collect();
    // Subnets whose parent is gone are shown at the top level rather than lost.
    for orphan in all.iter().filter(|s| s.parent_id != 0 && !all.iter().any(|p| p.id == s.parent_id)).rev() {
        stack.push((orphan.id, 0));
    }
    while let Some((id, depth)) = stack.pop() {
        let subnet = all.iter().find(|s| s.id == id).expect("ids come from the list");
        rows.push(SubnetRow {
            id,
            parent_id: subnet.parent_id,
            depth,
            name: subnet.name.clone(),
            cidr: subnet.network.to_string(),
            version: if subnet.network.addr().is_ipv4() { 4 } else { 6 },
            gateway: subnet.gateway.clone(),
            store_free_ips: subnet.store_free_ips,
            pools: pools.iter().filter(|p| p.subnet_id == id).count(),
            reverse_zones: reverse_zones(&subnet.network),
            usage: report.subnets.get(&id).cloned().expect("every subnet has usage"),
        });
        stack.extend(all.iter().filter(|s| s.parent_id == id).rev().map(|s| (s.id, depth + 1)));
    }
    Ok(rows)
}

#[derive(Debug, Serialize)]
pub struct SubnetFormPage {
    pub form: SubnetForm,
    /// Possible parents: every other subnet, as "name (cidr)".
    pub parents: Vec<(u32, String)>,
    pub editing: bool,
}

/// The add or edit form, filled from the stored subnet when editing.
pub async fn form_page(mut conn: Conn, id: Option<u32>) -> Result<SubnetFormPage> {
    let all = subnets::all(&mut conn).await?;
    let parents = all
        .iter()
        .filter(|s| Some(s.id) != id)
        .map(|s| (s.id, format!("{} ({})", s.name, s.network)))
        .collect();
    let form = match id {
        None => SubnetForm { reserve_network: true, reserve_broadcast: true, reserve_gateway: true, ..Default::default() },
        Some(id) => {
            let subnet = all.iter().find(|s| s.id == id).ok_or_else(|| Error::NotFound(format!("Subnet #{id} does not exist.")))?;
            let lock = subnets::lock(&mut conn, id, 0).await?;
            SubnetForm {
                id: Some(id),
                name: subnet.name.clone(),
                cidr: subnet.network.to_string(),
                parent_id: Some(subnet.parent_id).filter(|p| *p != 0),
                gateway: subnet.gateway.clone(),
                excluded_ips: subnet.excluded_ips.clone(),
                reserve_network: subnet.has_rule(ReservationKind::Network),
                reserve_broadcast: subnet.has_rule(ReservationKind::Broadcast),
                reserve_gateway: subnet.has_rule(ReservationKind::Gateway),
                store_free_ips: subnet.store_free_ips,
                alert_threshold: subnet.alert_threshold.map(|t| t.to_string()).unwrap_or_default(),
                description: subnet.description.clone(),
                dedicated_client_id: Some(lock.0).filter(|c| *c != 0),
                dedicated_service_id: Some(lock.1).filter(|s| *s != 0),
            }
        }
    };
    Ok(SubnetFormPage { form, parents, editing: id.is_some() })
}

#[derive(Debug, Serialize)]
pub struct Saved {
    pub id: u32,
    pub message: String,
}

/// Creates or updates a subnet in one transaction: its rules, and with
/// "Store free IPs" its address rows. Assigned addresses are never touched.
pub async fn save(mut conn: Conn, form: &SubnetForm, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let existing = match form.id {
        Some(id) => Some(subnets::find_for_update(&mut tx, id).await?),
        None => None,
    };
    let all = subnets::all(&mut tx).await?;
    let valid = validate(form, &SubnetContext { existing: existing.as_ref(), all: &all }).map_err(Error::fields)?;
    let mut subnet = valid.subnet;
    let created = existing.is_none();
    if created {
        subnet.id = subnets::insert(&mut tx, &subnet).await?;
    } else {
        subnets::update(&mut tx, &subnet).await?;
    }
    subnets::set_reserve_choices(&mut tx, subnet.id, &valid.reserve).await?;
    subnets::check_dedication(&mut tx, form.dedicated_client_id, form.dedicated_service_id).await?;
    subnets::set_lock(&mut tx, subnet.id, 0, form.dedicated_client_id.unwrap_or(0), form.dedicated_service_id.unwrap_or(0)).await?;
    let subnet = subnets::find(&mut tx, subnet.id).await?;
    let pools = pools::in_subnet(&mut tx, subnet.id).await?;
    let blocked = blocked_set(&subnet, &pools);
    let was_stored = existing.as_ref().is_some_and(|s| s.store_free_ips);
    let mut stored_rows = 0;
    if subnet.store_free_ips {
        if !was_stored {
            let pool_ranges: Vec<(u32, AddressRange)> = pools.iter().map(|p| (p.id, p.range)).collect();
            stored_rows = addresses::store_range(&mut tx, subnet.id, subnet.range(), &blocked, &pool_ranges).await?;
        }
        addresses::reconcile_reserved(&mut tx, subnet.id, &blocked).await?;
    } else if was_stored {
        // Back to on-demand: only rows that record something are kept.
        tx.exec_drop(
            "DELETE FROM mod_ipmanager_ip_addresses WHERE subnet_id = ? AND status IN ('free', 'reserved')",
            (subnet.id,),
        )
        .await?;
    }
    let lifted = match &existing {
        Some(before) => lifts_any(&blocked_set(before, &pools), &blocked),
        None => false,
    };
    if lifted {
        subnets::reset_free_hints(&mut tx, subnet.id).await?;
    }
    let message = match (created, subnet.store_free_ips && !was_stored) {
        (true, true) => format!("Subnet {} created with {stored_rows} stored addresses.", subnet.network),
        (true, false) => format!("Subnet {} created.", subnet.network),
        (false, true) => format!("Subnet {} saved; {stored_rows} addresses stored.", subnet.network),
        (false, false) => format!("Subnet {} saved.", subnet.network),
    };
    let parents = [existing.as_ref().map_or(0, |s| s.parent_id), subnet.parent_id];
    for parent_id in parents.into_iter().filter(|id| *id != 0) {
        refresh_parent(&mut tx, parent_id).await?;
    }
    logs::record(
        &mut tx,
        actor,
        LogEntry { action: if created { "subnet_created" } else { "subnet_updated" }, details: message.clone(), ..Default::default() },
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: subnet.id, message })
}

/// A parent's stored rows follow its children (their addresses are reserved
/// in the parent), and its hints are reset in case a child went away.
async fn refresh_parent<Q: Queryable>(tx: &mut Q, parent_id: u32) -> Result<()> {
    let parent = subnets::find_for_update(tx, parent_id).await?;
    if parent.store_free_ips {
        let pools = pools::in_subnet(tx, parent_id).await?;
        addresses::reconcile_reserved(tx, parent_id, &blocked_set(&parent, &pools)).await?;
    }
    subnets::reset_free_hints(tx, parent_id).await
}

#[derive(Debug, Serialize)]
pub struct DeletionPreview {
    pub id: u32,
    pub name: String,
    pub cidr: String,
    pub pools: u64,
    pub address_rows: u64,
    pub relations: u64,
    /// Assigned or still being released: deletion is refused while any exist.
    pub in_use: u64,
    pub children: u64,
    pub allowed: bool,
    pub reason: String,
}

async fn deletion_preview<Q: Queryable>(db: &mut Q, subnet: &Subnet) -> Result<DeletionPreview> {
    let id = subnet.id;
    let counts: Option<(u64, u64, u64, u64)> = db
        .exec_first(
            "SELECT (SELECT COUNT(*) FROM mod_ipmanager_pools WHERE subnet_id = ?),
                    (SELECT COUNT(*) FROM mod_ipmanager_ip_addresses WHERE subnet_id = ?),
                    (SELECT COUNT(*) FROM mod_ipmanager_configuration_relations WHERE subnet_id = ?
                        OR pool_id IN (SELECT id FROM mod_ipmanager_pools WHERE subnet_id = ?)),
                    (SELECT COUNT(*) FROM mod_ipmanager_subnets WHERE parent_id = ?)",
            (id, id, id, id, id),
        )
        .await?;
    let (pools, address_rows, relations, children) = counts.unwrap_or_default();
    let in_use = addresses::count_in_use(db, id).await?;
    let reason = if in_use > 0 {
        format!("{} has {in_use} assigned addresses; unassign them first.", subnet.network)
    } else if children > 0 {
        format!("{} has {children} child subnets; delete or move them first.", subnet.network)
    } else {
        String::new()
    };
    Ok(DeletionPreview {
        id,
        name: subnet.name.clone(),
        cidr: subnet.network.to_string(),
        pools,
        address_rows,
        relations,
        in_use,
        children,
        allowed: reason.is_empty(),
        reason,
    })
}

/// What deleting would remove, for the confirmation page.
pub async fn delete_preview(mut conn: Conn, id: u32) -> Result<DeletionPreview> {
    let subnet = subnets::find(&mut conn, id).await?;
    deletion_preview(&mut conn, &subnet).await
}

pub async fn delete(mut conn: Conn, id: u32, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let subnet = subnets::find_for_update(&mut tx, id).await?;
    let preview = deletion_preview(&mut tx, &subnet).await?;
    if !preview.allowed {
        return Err(Error::Conflict(preview.reason));
    }
    subnets::delete_cascade(&mut tx, id).await?;
    if subnet.parent_id != 0 {
        refresh_parent(&mut tx, subnet.parent_id).await?;
    }
    let message = format!(
        "Subnet {} deleted with {} pools, {} address rows and {} configuration relations.",
        subnet.network, preview.pools, preview.address_rows, preview.relations
    );
    logs::record(&mut tx, actor, LogEntry { action: "subnet_deleted", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}

// --- The subnet's page ----------------------------------------------------------

/// Addresses per page on a subnet's page.
pub const PAGE_SIZE: u64 = 100;

#[derive(Debug, Serialize)]
pub struct AddressRow {
    pub id: u64,
    pub ip: String,
    pub status: String,
    pub pool: String,
    pub note: String,
    pub service_id: u32,
    pub client_id: u32,
    pub client: String,
    pub domain: String,
}

#[derive(Debug, Serialize)]
pub struct Reservation {
    pub rule_id: u32,
    pub kind: String,
    pub value: String,
    pub note: String,
    /// A single reservation made on this page; the others follow the form's choices.
    pub releasable: bool,
}

#[derive(Debug, Serialize)]
pub struct SubnetPage {
    pub subnet: SubnetRow,
    pub description: String,
    pub excluded_ips: String,
    pub reservations: Vec<Reservation>,
    pub pools: Vec<(u32, String, String)>,
    pub addresses: Vec<AddressRow>,
    pub search: String,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

/// A subnet with one page of its address rows, optionally searched by the
/// start of an address, a note, a domain or a client name.
pub async fn page(mut conn: Conn, id: u32, search: &str, page: u64) -> Result<SubnetPage> {
    let subnet = subnets::find(&mut conn, id).await?;
    let pools = pools::in_subnet(&mut conn, id).await?;
    let counts = addresses::status_counts_in(&mut conn, id).await?;
    let report = usage::report(std::slice::from_ref(&subnet), &pools, &counts);
    let summary = SubnetRow {
        id,
        parent_id: subnet.parent_id,
        depth: 0,
        name: subnet.name.clone(),
        cidr: subnet.network.to_string(),
        version: if subnet.network.addr().is_ipv4() { 4 } else { 6 },
        gateway: subnet.gateway.clone(),
        store_free_ips: subnet.store_free_ips,
        pools: pools.len(),
        reverse_zones: reverse_zones(&subnet.network),
        usage: report.subnets.get(&id).cloned().expect("the subnet has usage"),
    };
    // An address prefix ("79.133.56.2", "2001:db8:") uses the address index;
    // other text also searches notes, domains and client names.
    let address_like = search.chars().all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':')
        && (search.contains(['.', ':']) || search.chars().all(|c| c.is_ascii_digit()));
    let joins = "LEFT JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id
         LEFT JOIN tblhosting h ON h.id = x.service_id
         LEFT JOIN tblclients c ON c.id = x.client_id";
    let mut params: Vec<mysql_async::Value> = vec![id.into()];
    let (from, filter) = if search.is_empty() {
        ("FROM mod_ipmanager_ip_addresses a".to_string(), "")
    } else if address_like {
        params.push(format!("{}%", escape_like(search)).into());
        ("FROM mod_ipmanager_ip_addresses a".to_string(), " AND a.ip LIKE ?")
    } else {
        // Domains and client names belong to assigned addresses only: look
        // them up among the assignments rather than joining every row.
        let anywhere = format!("%{}%", escape_like(search));
        params.extend([format!("{}%", escape_like(search)).into(), anywhere.clone().into(), anywhere.clone().into(), anywhere.into()]);
        (
            "FROM mod_ipmanager_ip_addresses a".to_string(),
            " AND (a.ip LIKE ? OR a.note LIKE ? OR a.id IN (SELECT x.ip_address_id FROM mod_ipmanager_assignments x
                 LEFT JOIN tblhosting h ON h.id = x.service_id LEFT JOIN tblclients c ON c.id = x.client_id
                 WHERE h.domain LIKE ? OR CONCAT(c.firstname, ' ', c.lastname) LIKE ?))",
        )
    };
    let total: u64 =
        conn.exec_first(format!("SELECT COUNT(*) {from} WHERE a.subnet_id = ?{filter}"), params.clone()).await?.unwrap_or(0);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    params.extend([PAGE_SIZE.into(), ((page - 1) * PAGE_SIZE).into()]);
    // The page's ids come from the (subnet_id, ip_bin) index alone; only those
    // rows are then joined, however far into the subnet the page lies.
    let ids: Vec<u64> = conn
        .exec(format!("SELECT a.id {from} WHERE a.subnet_id = ?{filter} ORDER BY a.ip_bin LIMIT ? OFFSET ?"), params)
        .await?;
    let rows: Vec<mysql_async::Row> = if ids.is_empty() {
        Vec::new()
    } else {
        let list = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        conn.query(format!(
            "SELECT a.id, a.ip, a.status, a.pool_id, a.note, COALESCE(x.service_id, 0) AS service_id,
                    COALESCE(x.client_id, 0) AS client_id,
                    COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), '') AS client,
                    COALESCE(h.domain, '') AS domain
             FROM mod_ipmanager_ip_addresses a {joins} WHERE a.id IN ({list}) ORDER BY a.ip_bin"
        ))
        .await?
    };
    let mut addresses = Vec::with_capacity(rows.len());
    for row in rows {
        let (id, ip, status, pool_id, note, service_id, client_id, client, domain): (
            u64, String, String, u32, String, u32, u32, String, String,
        ) = mysql_async::from_row_opt(row).map_err(|e| Error::Internal(format!("address row: {e}")))?;
        let pool = pools.iter().find(|p| p.id == pool_id).map(|p| p.name.clone()).unwrap_or_default();
        addresses.push(AddressRow { id, ip, status, pool, note, service_id, client_id, client, domain });
    }
    let reservations = subnet
        .rules
        .iter()
        .map(|rule| Reservation {
            rule_id: rule.id,
            kind: rule.kind.describe(crate::core::IpVersion::of_network(&subnet.network)).to_string(),
            value: match (rule.kind, rule.range) {
                (_, Some(range)) => range.to_string(),
                (ReservationKind::Gateway, None) => subnet.gateway.clone(),
                (ReservationKind::Network, None) => subnet.network.network().to_string(),
                (ReservationKind::Broadcast, None) => subnet.network.broadcast().to_string(),
                (ReservationKind::Custom, None) => String::new(),
            },
            note: rule.note.clone(),
            releasable: rule.kind == ReservationKind::Custom,
        })
        .collect();
    Ok(SubnetPage {
        subnet: summary,
        description: subnet.description.clone(),
        excluded_ips: subnet.excluded_ips.clone(),
        reservations,
        pools: pools.iter().map(|p| (p.id, p.name.clone(), crate::app::pools::display_range(p.range))).collect(),
        addresses,
        search: search.to_string(),
        page,
        pages,
        total,
    })
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Keeps one address of the subnet from ever being handed out, with a note.
pub async fn reserve_address(mut conn: Conn, subnet_id: u32, address: &str, note: &str, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let subnet = subnets::find_for_update(&mut tx, subnet_id).await?;
    let parsed = Address::parse(address).map_err(|e| Error::field("address", e.to_string()))?;
    if !subnet.range().contains(parsed) {
        return Err(Error::field("address", format!("{parsed} is not inside {}.", subnet.network)));
    }
    if note.chars().count() > 255 {
        return Err(Error::field("note", "The note can be at most 255 characters long."));
    }
    let pools = pools::in_subnet(&mut tx, subnet_id).await?;
    if let Some(reason) = reservation_reason(&subnet.network, &subnet.policy(), parsed) {
        return Err(Error::field("address", format!("{parsed} is already reserved ({}).", reason.describe(parsed.version()))));
    }
    let assigned: Option<u32> = tx
        .exec_first(
            "SELECT x.service_id FROM mod_ipmanager_ip_addresses a
             JOIN mod_ipmanager_assignments x ON x.ip_address_id = a.id WHERE a.subnet_id = ? AND a.ip_bin = ?",
            (subnet_id, parsed.to_bin()),
        )
        .await?;
    if let Some(service_id) = assigned {
        return Err(Error::Conflict(format!("{parsed} is assigned to service #{service_id}; unassign it first.")));
    }
    subnets::add_custom_rule(&mut tx, subnet_id, 0, AddressRange::single(parsed), note).await?;
    if subnet.store_free_ips {
        let subnet = subnets::find(&mut tx, subnet_id).await?;
        addresses::reconcile_reserved(&mut tx, subnet_id, &blocked_set(&subnet, &pools)).await?;
        // The note shows, and is searchable, on the address's row too.
        addresses::set_note(&mut tx, subnet_id, parsed, note).await?;
    }
    let message = format!("{parsed} reserved in {}.", subnet.network);
    logs::record(&mut tx, actor, LogEntry { action: "address_reserved", details: format!("{message} {note}"), ip: &parsed.canonical(), ..Default::default() })
        .await?;
    tx.commit().await?;
    Ok(Saved { id: subnet_id, message })
}

/// Lifts a custom reservation; the address can be handed out again.
pub async fn release_reservation(mut conn: Conn, subnet_id: u32, rule_id: u32, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let subnet = subnets::find_for_update(&mut tx, subnet_id).await?;
    let rule = subnet
        .rules
        .iter()
        .find(|r| r.id == rule_id && r.kind == ReservationKind::Custom)
        .ok_or_else(|| Error::NotFound(format!("Reservation #{rule_id} does not exist in {}.", subnet.network)))?;
    let value = rule.range.map(|r| r.to_string()).unwrap_or_default();
    let single = rule.range.filter(|r| r.first() == r.last()).map(|r| r.first());
    subnets::delete_rule(&mut tx, rule_id).await?;
    if let (Some(address), true) = (single, subnet.store_free_ips) {
        addresses::set_note(&mut tx, subnet_id, address, "").await?;
    }
    let subnet = subnets::find(&mut tx, subnet_id).await?;
    if subnet.store_free_ips {
        let pools = pools::in_subnet(&mut tx, subnet_id).await?;
        addresses::reconcile_reserved(&mut tx, subnet_id, &blocked_set(&subnet, &pools)).await?;
    }
    subnets::reset_free_hints(&mut tx, subnet_id).await?;
    let message = format!("Reservation of {value} lifted in {}.", subnet.network);
    logs::record(&mut tx, actor, LogEntry { action: "reservation_released", details: message.clone(), ip: &value, ..Default::default() })
        .await?;
    tx.commit().await?;
    Ok(Saved { id: subnet_id, message })
}
