//! `mod_ipmanager_subnets` and the subnet's reservation rules.

use ipnet::IpNet;
use mysql_async::prelude::*;

use crate::core::address::Address;
use crate::core::range::{AddressRange, RangeSet};
use crate::core::reservation::{ReservationKind, ReservationPolicy};
use crate::{Error, Result};

/// A subnet as stored, with the reservation rules that apply to it.
#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: u32,
    pub parent_id: u32,
    pub name: String,
    pub network: IpNet,
    pub gateway: String,
    pub excluded_ips: String,
    pub store_free_ips: bool,
    pub alert_threshold: Option<u8>,
    pub description: String,
    pub rules: Vec<ReservationRule>,
    /// The child subnets' networks: a parent never hands out their addresses,
    /// which belong to the most specific subnet.
    pub children: Vec<IpNet>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRule {
    pub id: u32,
    pub kind: ReservationKind,
    /// The address or range of a custom rule; empty for the other kinds.
    pub range: Option<AddressRange>,
    pub note: String,
}

impl Subnet {
    pub fn has_rule(&self, kind: ReservationKind) -> bool {
        self.rules.iter().any(|r| r.kind == kind)
    }

    /// What the subnet keeps from allocation: its reserve choices, gateway,
    /// excluded IPs and custom rules.
    pub fn policy(&self) -> ReservationPolicy {
        let mut custom: RangeSet = self
            .rules
            .iter()
            .filter_map(|r| r.range)
            .chain(self.children.iter().map(AddressRange::from_network))
            .collect();
        if let Ok(exclusions) = crate::core::exclusion::parse_exclusions(&self.excluded_ips, &self.network) {
            for range in exclusions.ranges.iter() {
                custom.insert(range);
            }
        }
        ReservationPolicy {
            // IPv6's subnet-router anycast address is never a host's (design §4).
            network: self.has_rule(ReservationKind::Network) || self.network.addr().is_ipv6(),
            broadcast: self.has_rule(ReservationKind::Broadcast),
            gateway: if self.has_rule(ReservationKind::Gateway) { Address::parse(&self.gateway).ok() } else { None },
            custom,
        }
    }

    pub fn range(&self) -> AddressRange {
        AddressRange::from_network(&self.network)
    }
}

type SubnetRow = (u32, u32, String, String, String, String, bool, Option<u8>, String);

const COLUMNS: &str =
    "id, parent_id, name, cidr, gateway, excluded_ips, store_free_ips, alert_threshold, description";

fn from_row(row: SubnetRow) -> Result<Subnet> {
    let (id, parent_id, name, cidr, gateway, excluded_ips, store_free_ips, alert_threshold, description) = row;
    let network = cidr
        .parse::<IpNet>()
        .map_err(|_| Error::Internal(format!("subnet {id} holds an unreadable CIDR \"{cidr}\"")))?;
    Ok(Subnet {
        id,
        parent_id,
        name,
        network,
        gateway,
        excluded_ips,
        store_free_ips,
        alert_threshold,
        description,
        rules: Vec::new(),
        children: Vec::new(),
    })
}

type RuleRow = (u32, u32, String, String, String);

fn rule_from_row((id, _, kind, value, note): RuleRow) -> Result<ReservationRule> {
    let kind: ReservationKind =
        kind.parse().map_err(|_| Error::Internal(format!("reservation rule {id} has an unknown type {kind}")))?;
    let range = match value.as_str() {
        "" => None,
        text => Some(
            AddressRange::parse(text)
                .map_err(|_| Error::Internal(format!("reservation rule {id} holds an unreadable range {text}")))?,
        ),
    };
    Ok(ReservationRule { id, kind, range, note })
}

/// Every subnet with its subnet-level rules, ordered for the tree view.
pub async fn all<Q: Queryable>(db: &mut Q) -> Result<Vec<Subnet>> {
    let rows: Vec<SubnetRow> = db
        .query(format!("SELECT {COLUMNS} FROM mod_ipmanager_subnets ORDER BY version, network_bin, prefix_length"))
        .await?;
    let rules: Vec<RuleRow> = db
        .query(
            "SELECT id, subnet_id, rule_type, value, note FROM mod_ipmanager_reservation_rules
             WHERE pool_id = 0 ORDER BY id",
        )
        .await?;
    let mut subnets = rows.into_iter().map(from_row).collect::<Result<Vec<_>>>()?;
    let links: Vec<(u32, IpNet)> = subnets.iter().filter(|s| s.parent_id != 0).map(|s| (s.parent_id, s.network)).collect();
    for (parent_id, network) in links {
        if let Some(parent) = subnets.iter_mut().find(|s| s.id == parent_id) {
            parent.children.push(network);
        }
    }
    for rule in rules {
        let subnet_id = rule.1;
        if let Some(subnet) = subnets.iter_mut().find(|s| s.id == subnet_id) {
            subnet.rules.push(rule_from_row(rule)?);
        }
    }
    Ok(subnets)
}

pub async fn find<Q: Queryable>(db: &mut Q, id: u32) -> Result<Subnet> {
    find_with(db, id, "").await
}

/// Loads a subnet and locks its row until the transaction ends: the lock that
/// serialises changes to one subnet (and allocations from its unstored ranges).
pub async fn find_for_update<Q: Queryable>(db: &mut Q, id: u32) -> Result<Subnet> {
    find_with(db, id, " FOR UPDATE").await
}

async fn find_with<Q: Queryable>(db: &mut Q, id: u32, lock: &str) -> Result<Subnet> {
    let row: Option<SubnetRow> = db
        .exec_first(format!("SELECT {COLUMNS} FROM mod_ipmanager_subnets WHERE id = ?{lock}"), (id,))
        .await?;
    let mut subnet = from_row(row.ok_or_else(|| Error::NotFound(format!("Subnet #{id} does not exist.")))?)?;
    let rules: Vec<RuleRow> = db
        .exec(
            "SELECT id, subnet_id, rule_type, value, note FROM mod_ipmanager_reservation_rules
             WHERE subnet_id = ? AND pool_id = 0 ORDER BY id",
            (id,),
        )
        .await?;
    subnet.rules = rules.into_iter().map(rule_from_row).collect::<Result<_>>()?;
    let children: Vec<String> = db.exec("SELECT cidr FROM mod_ipmanager_subnets WHERE parent_id = ?", (id,)).await?;
    subnet.children = children.iter().filter_map(|c| c.parse().ok()).collect();
    Ok(subnet)
}

/// The columns a subnet's address math needs, derived from its network.
fn network_columns(network: &IpNet) -> (u8, Vec<u8>, u8, String, String, Vec<u8>, Vec<u8>) {
    let range = AddressRange::from_network(network);
    (
        if network.addr().is_ipv4() { 4 } else { 6 },
        Address::from_ip(network.network()).to_bin(),
        network.prefix_len(),
        range.first().canonical(),
        range.last().canonical(),
        range.first().to_bin(),
        range.last().to_bin(),
    )
}

pub async fn insert<Q: Queryable>(db: &mut Q, subnet: &Subnet) -> Result<u32> {
    let (version, network_bin, prefix, start_ip, end_ip, start_bin, end_bin) = network_columns(&subnet.network);
    let id = super::insert(
        db,
        "INSERT INTO mod_ipmanager_subnets (parent_id, name, cidr, version, network_bin, prefix_length, start_ip,
            end_ip, start_bin, end_bin, gateway, excluded_ips, store_free_ips, alert_threshold, description)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            subnet.parent_id.into(),
            subnet.name.clone().into(),
            subnet.network.to_string().into(),
            version.into(),
            network_bin.into(),
            prefix.into(),
            start_ip.into(),
            end_ip.into(),
            start_bin.into(),
            end_bin.into(),
            subnet.gateway.clone().into(),
            subnet.excluded_ips.clone().into(),
            subnet.store_free_ips.into(),
            subnet.alert_threshold.into(),
            subnet.description.clone().into(),
        ] as Vec<mysql_async::Value>,
    )
    .await
    .map_err(|e| match e {
        Error::Database(m) if m.contains("Duplicate entry") => {
            Error::field("cidr", format!("{} already exists as a subnet.", subnet.network))
        }
        other => other,
    })?;
    Ok(id as u32)
}

/// Saves what an edit may change; the CIDR is fixed once a subnet exists.
pub async fn update<Q: Queryable>(db: &mut Q, subnet: &Subnet) -> Result<()> {
    db.exec_drop(
        "UPDATE mod_ipmanager_subnets SET parent_id = ?, name = ?, gateway = ?, excluded_ips = ?, store_free_ips = ?,
            alert_threshold = ?, description = ? WHERE id = ?",
        (
            subnet.parent_id,
            &subnet.name,
            &subnet.gateway,
            &subnet.excluded_ips,
            subnet.store_free_ips,
            subnet.alert_threshold,
            &subnet.description,
            subnet.id,
        ),
    )
    .await?;
    Ok(())
}

/// Replaces the subnet-level rules of the kinds network, broadcast and gateway
/// (the form's Reserve checkboxes); custom rules are kept.
pub async fn set_reserve_choices<Q: Queryable>(db: &mut Q, subnet_id: u32, kinds: &[ReservationKind]) -> Result<()> {
    db.exec_drop(
        "DELETE FROM mod_ipmanager_reservation_rules
         WHERE subnet_id = ? AND pool_id = 0 AND rule_type IN ('network', 'broadcast', 'gateway')",
        (subnet_id,),
    )
    .await?;
    for kind in kinds {
        db.exec_drop(
            "INSERT INTO mod_ipmanager_reservation_rules (subnet_id, rule_type) VALUES (?, ?)",
            (subnet_id, kind.as_str()),
        )
        .await?;
    }
    Ok(())
}

pub async fn add_custom_rule<Q: Queryable>(
    db: &mut Q,
    subnet_id: u32,
    pool_id: u32,
    range: AddressRange,
    note: &str,
) -> Result<()> {
    db.exec_drop(
        "INSERT INTO mod_ipmanager_reservation_rules (subnet_id, pool_id, rule_type, value, note)
         VALUES (?, ?, 'custom', ?, ?)",
        (subnet_id, pool_id, range.to_string(), note),
    )
    .await?;
    Ok(())
}

pub async fn delete_rule<Q: Queryable>(db: &mut Q, rule_id: u32) -> Result<()> {
    db.exec_drop("DELETE FROM mod_ipmanager_reservation_rules WHERE id = ?", (rule_id,)).await?;
    Ok(())
}

/// Forgets where gap search may start, after reservations were lifted.
pub async fn reset_free_hints<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<()> {
    db.exec_drop("UPDATE mod_ipmanager_subnets SET free_hint_bin = NULL WHERE id = ?", (subnet_id,)).await?;
    db.exec_drop("UPDATE mod_ipmanager_pools SET free_hint_bin = NULL WHERE subnet_id = ?", (subnet_id,)).await?;
    Ok(())
}

/// The cooldown bound (`cooldown_ends_at`): never later than the end of any
/// cooldown in its subnet, so an allocation reads from the subnet row alone
/// that no cooldown has ended yet. Lowering is `LEAST`, which commutes, so
/// concurrent releases need no lock for it; only raising does.
const LOWERED_BOUND: &str = "COALESCE(LEAST(s.cooldown_ends_at, {end}), s.cooldown_ends_at, {end})";

/// Lowers the bound of the subnet of address row `address_id` to the end of
/// the cooldown that address has just started.
pub async fn note_cooldown<Q: Queryable>(db: &mut Q, address_id: u64) -> Result<()> {
    let bound = LOWERED_BOUND.replace("{end}", "a.cooldown_until");
    db.exec_drop(
        format!(
            "UPDATE mod_ipmanager_subnets s JOIN mod_ipmanager_ip_addresses a ON a.subnet_id = s.id
             SET s.updated_at = s.updated_at, s.cooldown_ends_at = {bound}
             WHERE a.id = ? AND a.status = 'cooldown'"
        ),
        (address_id,),
    )
    .await?;
    Ok(())
}

/// Lowers the bounds of `subnet_ids` to the earliest cooldown end in each
/// (after an import wrote cooldown rows).
pub async fn note_cooldowns<Q: Queryable>(db: &mut Q, subnet_ids: &[u32]) -> Result<()> {
    if subnet_ids.is_empty() {
        return Ok(());
    }
    let list = subnet_ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let bound = LOWERED_BOUND.replace("{end}", EARLIEST_COOLDOWN_END);
    db.query_drop(format!(
        "UPDATE mod_ipmanager_subnets s SET s.updated_at = s.updated_at, s.cooldown_ends_at = {bound} WHERE s.id IN ({list})"
    ))
    .await?;
    Ok(())
}

/// Raises the bound of `subnet_id` to the earliest cooldown left in it, once
/// ended ones were freed. The subnet row is locked first, so that a release
/// that lowered the bound meanwhile has committed and is seen by the next
/// statement (READ COMMITTED reads as of each statement). If another
/// transaction holds that lock, the bound stays as it is (too low is always
/// safe) for a later allocation to raise: waiting could deadlock against a
/// transaction that locks the subnet first and then an address row the caller
/// already holds.
pub async fn refresh_cooldown_bound<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<()> {
    let locked: Option<u32> =
        db.exec_first("SELECT id FROM mod_ipmanager_subnets WHERE id = ? FOR UPDATE SKIP LOCKED", (subnet_id,)).await?;
    if locked.is_none() {
        return Ok(());
    }
    db.exec_drop(
        format!(
            "UPDATE mod_ipmanager_subnets s SET s.updated_at = s.updated_at, s.cooldown_ends_at = {EARLIEST_COOLDOWN_END}
             WHERE s.id = ?"
        ),
        (subnet_id,),
    )
    .await?;
    Ok(())
}

const EARLIEST_COOLDOWN_END: &str = "(SELECT MIN(a.cooldown_until) FROM mod_ipmanager_ip_addresses a
    WHERE a.subnet_id = s.id AND a.status = 'cooldown')";

/// Removes a subnet with its pools, addresses, rules, locks and relations.
pub async fn delete_cascade<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<()> {
    db.exec_drop(
        "DELETE FROM mod_ipmanager_configuration_relations WHERE subnet_id = ?
            OR pool_id IN (SELECT id FROM mod_ipmanager_pools WHERE subnet_id = ?)",
        (subnet_id, subnet_id),
    )
    .await?;
    for table in [
        "mod_ipmanager_subnet_locks",
        "mod_ipmanager_reservation_rules",
        "mod_ipmanager_ip_addresses",
        "mod_ipmanager_pools",
    ] {
        db.exec_drop(format!("DELETE FROM {table} WHERE subnet_id = ?"), (subnet_id,)).await?;
    }
    db.exec_drop("DELETE FROM mod_ipmanager_subnets WHERE id = ?", (subnet_id,)).await?;
    Ok(())
}

/// Who a subnet (pool_id 0) or pool is dedicated to: (client id, service id), 0 for none.
pub async fn lock<Q: Queryable>(db: &mut Q, subnet_id: u32, pool_id: u32) -> Result<(u32, u32)> {
    let row: Option<(u32, u32)> = db
        .exec_first(
            "SELECT client_id, service_id FROM mod_ipmanager_subnet_locks WHERE subnet_id = ? AND pool_id = ?",
            (subnet_id, pool_id),
        )
        .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// Dedicates a subnet or pool to one client and/or service; (0, 0) lifts it.
/// The caller holds the subnet row lock (`find_for_update`).
pub async fn set_lock<Q: Queryable>(db: &mut Q, subnet_id: u32, pool_id: u32, client_id: u32, service_id: u32) -> Result<()> {
    db.exec_drop("DELETE FROM mod_ipmanager_subnet_locks WHERE subnet_id = ? AND pool_id = ?", (subnet_id, pool_id)).await?;
    if client_id != 0 || service_id != 0 {
        db.exec_drop(
            "INSERT INTO mod_ipmanager_subnet_locks (subnet_id, pool_id, client_id, service_id) VALUES (?, ?, ?, ?)",
            (subnet_id, pool_id, client_id, service_id),
        )
        .await?;
    }
    refresh_dedicated(db, subnet_id).await
}

/// Brings the subnet row's `dedicated` flag in line with its dedications, in
/// the transaction that changed them, under the subnet row lock (so two
/// changes to one subnet cannot each miss the other's).
pub async fn refresh_dedicated<Q: Queryable>(db: &mut Q, subnet_id: u32) -> Result<()> {
    db.exec_drop(
        "UPDATE mod_ipmanager_subnets s
         SET s.dedicated = EXISTS (SELECT 1 FROM mod_ipmanager_subnet_locks l WHERE l.subnet_id = s.id) WHERE s.id = ?",
        (subnet_id,),
    )
    .await?;
    Ok(())
}

/// Checks that a dedication names a WHMCS client and service that exist.
pub async fn check_dedication<Q: Queryable>(db: &mut Q, client_id: Option<u32>, service_id: Option<u32>) -> Result<()> {
    if let Some(id) = client_id {
        let found: Option<u32> = db.exec_first("SELECT id FROM tblclients WHERE id = ?", (id,)).await?;
        if found.is_none() {
            return Err(Error::field("dedicated_client_id", format!("Client #{id} does not exist in WHMCS.")));
        }
    }
    if let Some(id) = service_id {
        let found: Option<u32> = db.exec_first("SELECT id FROM tblhosting WHERE id = ?", (id,)).await?;
        if found.is_none() {
            return Err(Error::field("dedicated_service_id", format!("Service #{id} does not exist in WHMCS.")));
        }
    }
    Ok(())
}
