//! The IP Pools pages: list (filtered by subnet), add/edit form, deletion.

use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::allocation::{blocked_set, lifts_any};
use crate::app::input::Input;
use crate::app::subnets::Saved;
use crate::app::usage::{self, UsageFigures};
use crate::core::address::Address;
use crate::core::allocation::validate_delegation;
use crate::core::exclusion::parse_exclusions;
use crate::core::network::validate_pool_range;
use crate::core::range::AddressRange;
use crate::core::rdns::reverse_zones;
use crate::error::FieldError;
use crate::store::logs::{self, LogEntry};
use crate::store::pools::{self, Pool};
use crate::store::subnets::{self, Subnet};
use crate::store::addresses;
use crate::{Error, Result};

#[derive(Debug, Clone, Default, Serialize)]
pub struct PoolForm {
    pub id: Option<u32>,
    pub subnet_id: Option<u32>,
    pub name: String,
    pub range_start: String,
    pub range_end: String,
    pub vlan: String,
    pub bridge: String,
    pub gateway: String,
    pub dns1: String,
    pub dns2: String,
    pub delegation_prefix_length: String,
    pub reserved_ips: String,
    pub description: String,
    /// "Dedicated to": the pool then serves only this client and/or service.
    pub dedicated_client_id: Option<u32>,
    pub dedicated_service_id: Option<u32>,
}

impl PoolForm {
    pub fn from_input(input: &Input) -> Result<Self> {
        Ok(PoolForm {
            id: input.id("id")?,
            subnet_id: input.id("subnet_id")?,
            name: input.text("name"),
            range_start: input.text("range_start"),
            range_end: input.text("range_end"),
            vlan: input.text("vlan"),
            bridge: input.text("bridge"),
            gateway: input.text("gateway"),
            dns1: input.text("dns1"),
            dns2: input.text("dns2"),
            delegation_prefix_length: input.text("delegation_prefix_length"),
            reserved_ips: input.raw_text("reserved_ips"),
            description: input.raw_text("description").trim().to_string(),
            dedicated_client_id: input.id("dedicated_client_id")?,
            dedicated_service_id: input.id("dedicated_service_id")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct ValidPool {
    pub pool: Pool,
    pub reserved: Vec<AddressRange>,
}

/// Checks every field against the chosen subnet and its other pools.
pub fn validate(form: &PoolForm, subnet: Option<&Subnet>, siblings: &[Pool]) -> std::result::Result<ValidPool, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
    if form.name.is_empty() {
        fail("name", "Enter a name for the pool.".into());
    } else if form.name.chars().count() > 255 {
        fail("name", "The name can be at most 255 characters long.".into());
    }
    let Some(subnet) = subnet else {
        fail("subnet_id", "Choose the subnet this pool belongs to.".into());
        return Err(errors);
    };
    let range = if form.range_start.is_empty() && form.range_end.is_empty() {
        Some(subnet.range())
    } else {
        match validate_pool_range(&form.range_start, &form.range_end, &subnet.network) {
            Ok(range) => Some(range),
            Err(e) => {
                fail(e.field().unwrap_or("range_start"), e.to_string());
                None
            }
        }
    };
    if let Some(range) = range {
        if let Some(other) = siblings.iter().find(|p| Some(p.id) != form.id && p.range.overlaps(range)) {
            fail(
                "range_start",
                format!("This range overlaps pool \"{}\" ({}); an address belongs to at most one pool.", other.name, other.range),
            );
        }
    }
    let mut check_address = |field: &str, text: &str, inside: bool| -> String {
        if text.is_empty() {
            return String::new();
        }
        match Address::parse(text) {
            Ok(a) if a.version() != crate::core::IpVersion::of_network(&subnet.network) => {
                fail(field, format!("{a} is not of the subnet's IP version."));
                String::new()
            }
            Ok(a) if inside && !subnet.range().contains(a) => {
                fail(field, format!("{a} is not inside {}.", subnet.network));
                String::new()
            }
            Ok(a) => a.canonical(),
            Err(e) => {
                fail(field, e.to_string());
                String::new()
            }
        }
    };
    let gateway = check_address("gateway", &form.gateway, true);
    let dns1 = check_address("dns1", &form.dns1, false);
    let dns2 = check_address("dns2", &form.dns2, false);
    if !form.vlan.is_empty() && !form.vlan.parse::<u16>().is_ok_and(|v| (1..=4094).contains(&v)) {
        fail("vlan", "Enter a VLAN id from 1 to 4094, or leave it empty.".into());
    }
    if form.bridge.chars().count() > 64 {
        fail("bridge", "The bridge or interface name can be at most 64 characters long.".into());
    }
    let delegation = match form.delegation_prefix_length.trim_start_matches('/') {
        "" | "0" => 0,
        text => match (text.parse::<u8>(), range) {
            (Ok(length), Some(range)) => match validate_delegation(range, length) {
                Ok(()) if subnet.store_free_ips => {
                    fail("delegation_prefix_length", "Prefix delegation needs a subnet without \"Store free IPs\".".into());
                    0
                }
                Ok(()) => length,
                Err(e) => {
                    fail("delegation_prefix_length", e.to_string());
                    0
                }
            },
            _ => {
                fail("delegation_prefix_length", "Enter a prefix length such as 64, or leave it empty.".into());
                0
            }
        },
    };
    let mut reserved = Vec::new();
    if let Some(range) = range {
        match parse_exclusions(&form.reserved_ips, &subnet.network) {
            Ok(list) => {
                for entry in list.ranges.iter() {
                    if range.intersection(entry) != Some(entry) {
                        fail("reserved_ips", format!("{entry} is not inside the pool's range {range}."));
                    }
                    reserved.push(entry);
                }
            }
            Err(e) => fail("reserved_ips", e.to_string()),
        }
    }
    let Some(range) = range.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    Ok(ValidPool {
        pool: Pool {
            id: form.id.unwrap_or(0),
            subnet_id: subnet.id,
            name: form.name.clone(),
            range,
            range_start: if form.range_start.is_empty() && form.range_end.is_empty() { String::new() } else { range.first().canonical() },
            range_end: if form.range_start.is_empty() && form.range_end.is_empty() { String::new() } else { range.last().canonical() },
            vlan: form.vlan.clone(),
            bridge: form.bridge.clone(),
            gateway,
            dns1,
            dns2,
            delegation_prefix_length: delegation,
            description: form.description.clone(),
            rules: Vec::new(),
        },
        reserved,
    })
}

#[derive(Debug, Serialize)]
pub struct PoolRow {
    pub id: u32,
    pub name: String,
    pub subnet_id: u32,
    pub subnet: String,
    pub range: String,
    pub vlan: String,
    pub gateway: String,
    pub delegation_prefix_length: u8,
    pub reverse_zones: Vec<String>,
    pub usage: UsageFigures,
}

/// A pool's range for people: as a CIDR when it is one, otherwise "first – last".
pub fn display_range(range: AddressRange) -> String {
    range.as_network().map_or_else(|| format!("{} – {}", range.first(), range.last()), |network| network.to_string())
}

#[derive(Debug, Serialize)]
pub struct PoolList {
    pub pools: Vec<PoolRow>,
    pub subnets: Vec<(u32, String)>,
    pub subnet_filter: u32,
}

pub async fn list(mut conn: Conn, subnet_filter: Option<u32>) -> Result<PoolList> {
    let all_subnets = subnets::all(&mut conn).await?;
    let all_pools = pools::all(&mut conn).await?;
    let counts = addresses::status_counts(&mut conn).await?;
    let report = usage::report(&all_subnets, &all_pools, &counts);
    let pools = all_pools
        .iter()
        .filter(|p| subnet_filter.is_none_or(|id| p.subnet_id == id))
        .map(|p| {
            let subnet = all_subnets.iter().find(|s| s.id == p.subnet_id);
            PoolRow {
                id: p.id,
                name: p.name.clone(),
                subnet_id: p.subnet_id,
                subnet: subnet.map(|s| format!("{} ({})", s.name, s.network)).unwrap_or_default(),
                range: display_range(p.range),
                vlan: p.vlan.clone(),
                gateway: p.gateway.clone(),
                delegation_prefix_length: p.delegation_prefix_length,
                reverse_zones: p.range.as_network().map(|n| reverse_zones(&n)).unwrap_or_else(|| {
                    subnet.map(|s| reverse_zones(&s.network)).unwrap_or_default()
                }),
                usage: report.pools.get(&p.id).cloned().unwrap_or_else(|| {
                    crate::core::allocation::usage(p.range, &Default::default(), Default::default()).into()
                }),
            }
        })
        .collect();
    Ok(PoolList {
        pools,
        subnets: all_subnets.iter().map(|s| (s.id, format!("{} ({})", s.name, s.network))).collect(),
        subnet_filter: subnet_filter.unwrap_or(0),
    })
}

#[derive(Debug, Serialize)]
pub struct PoolFormPage {
    pub form: PoolForm,
    pub subnets: Vec<(u32, String)>,
    pub editing: bool,
}

pub async fn form_page(mut conn: Conn, id: Option<u32>, subnet_id: Option<u32>) -> Result<PoolFormPage> {
    let all_subnets = subnets::all(&mut conn).await?;
    let form = match id {
        None => PoolForm { subnet_id, ..Default::default() },
        Some(id) => {
            let pool = pools::find(&mut conn, id).await?;
            let lock = subnets::lock(&mut conn, pool.subnet_id, id).await?;
            PoolForm {
                id: Some(id),
                subnet_id: Some(pool.subnet_id),
                name: pool.name.clone(),
                range_start: pool.range_start.clone(),
                range_end: pool.range_end.clone(),
                vlan: pool.vlan.clone(),
                bridge: pool.bridge.clone(),
                gateway: pool.gateway.clone(),
                dns1: pool.dns1.clone(),
                dns2: pool.dns2.clone(),
                delegation_prefix_length: match pool.delegation_prefix_length {
                    0 => String::new(),
                    n => n.to_string(),
                },
                reserved_ips: pool.rules.iter().filter_map(|r| r.range).map(|r| r.to_string()).collect::<Vec<_>>().join("\n"),
                description: pool.description.clone(),
                dedicated_client_id: Some(lock.0).filter(|c| *c != 0),
                dedicated_service_id: Some(lock.1).filter(|s| *s != 0),
            }
        }
    };
    Ok(PoolFormPage {
        form,
        subnets: all_subnets.iter().map(|s| (s.id, format!("{} ({})", s.name, s.network))).collect(),
        editing: id.is_some(),
    })
}

/// Creates or updates a pool; in a stored subnet its address rows move into
/// (or out of) the pool in the same transaction.
pub async fn save(mut conn: Conn, form: &PoolForm, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let previous = match form.id {
        Some(id) => Some(pools::find(&mut tx, id).await?),
        None => None,
    };
    if let (Some(previous), Some(subnet_id)) = (&previous, form.subnet_id) {
        if previous.subnet_id != subnet_id {
            return Err(Error::field("subnet_id", "A pool cannot move to another subnet; create a new pool there."));
        }
    }
    let subnet = match form.subnet_id {
        Some(id) => Some(subnets::find_for_update(&mut tx, id).await.map_err(|_| Error::field("subnet_id", format!("Subnet #{id} does not exist.")))?),
        None => None,
    };
    let siblings = match &subnet {
        Some(s) => pools::in_subnet(&mut tx, s.id).await?,
        None => Vec::new(),
    };
    let valid = validate(form, subnet.as_ref(), &siblings).map_err(Error::fields)?;
    let subnet = subnet.expect("validation requires a subnet");
    let mut pool = valid.pool;
    let created = previous.is_none();
    if created {
        pool.id = pools::insert(&mut tx, &pool).await?;
    } else {
        pools::update(&mut tx, &pool).await?;
    }
    pools::set_rules(&mut tx, &pool, &valid.reserved).await?;
    subnets::check_dedication(&mut tx, form.dedicated_client_id, form.dedicated_service_id).await?;
    subnets::set_lock(&mut tx, subnet.id, pool.id, form.dedicated_client_id.unwrap_or(0), form.dedicated_service_id.unwrap_or(0)).await?;
    if subnet.store_free_ips {
        if let Some(previous) = &previous {
            addresses::set_pool(&mut tx, subnet.id, previous.range, 0).await?;
        }
        addresses::set_pool(&mut tx, subnet.id, pool.range, pool.id).await?;
        let pools_now = pools::in_subnet(&mut tx, subnet.id).await?;
        addresses::reconcile_reserved(&mut tx, subnet.id, &blocked_set(&subnet, &pools_now)).await?;
    }
    // A pool that grew, or lost a reservation, may now have free addresses
    // below its hint.
    let pools_now = pools::in_subnet(&mut tx, subnet.id).await?;
    let lifted = previous.as_ref().is_some_and(|before| {
        let blocked_now = pools_now.iter().find(|p| p.id == pool.id).map(Pool::blocked).unwrap_or_default();
        pool.range.first() < before.range.first() || lifts_any(&before.blocked(), &blocked_now)
    });
    if lifted {
        subnets::reset_free_hints(&mut tx, subnet.id).await?;
    }
    let message = format!("Pool \"{}\" ({}) {}.", pool.name, pool.range, if created { "created" } else { "saved" });
    logs::record(&mut tx, actor, LogEntry { action: if created { "pool_created" } else { "pool_updated" }, details: message.clone(), ..Default::default() })
        .await?;
    tx.commit().await?;
    Ok(Saved { id: pool.id, message })
}

/// Deletes a pool; its addresses stay in the subnet. Refused while a
/// configuration hands out addresses from it.
pub async fn delete(mut conn: Conn, id: u32, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let pool = pools::find(&mut tx, id).await?;
    subnets::find_for_update(&mut tx, pool.subnet_id).await?;
    let relations = pools::relation_count(&mut tx, id).await?;
    if relations > 0 {
        return Err(Error::Conflict(format!(
            "Pool \"{}\" is used by {relations} configuration relations; remove them under Configurations first.",
            pool.name
        )));
    }
    pools::delete(&mut tx, pool.subnet_id, id).await?;
    let message = format!("Pool \"{}\" ({}) deleted; its addresses stay in the subnet.", pool.name, pool.range);
    logs::record(&mut tx, actor, LogEntry { action: "pool_deleted", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id, message })
}
