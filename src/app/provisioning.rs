//! Automatic assignment when WHMCS provisions a service (design §5), and the
//! later changes of its life: package changes, termination, deletion.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::app::actor::Actor;
use crate::app::allocation::{self, allocate_in, assign_specific_in, AssignmentType, Recipient, Scope};
use crate::app::service_ips::{self, ServiceIps};
use crate::core::address::Address;
use crate::core::matching::{self, Candidate, ServiceFacts, Source};
use crate::store::logs::{self, LogEntry};
use crate::store::whmcs::{self, Service};
use crate::store::{configurations, settings};
use crate::{Error, Result};

/// The system key of the quantity option that asks for extra addresses
/// (`ipmanager_extra_ips|Additional IPs`), unless the operator renamed it.
pub const DEFAULT_EXTRA_IPS_OPTION: &str = "ipmanager_extra_ips";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Provisioned {
    /// assigned, existing, dedicated_ip, not_managed, no_configuration or aborted.
    pub outcome: &'static str,
    pub message: String,
    pub addresses: Vec<String>,
    /// What the PreModuleCreate hook returns to WHMCS: the overridden params,
    /// or `abortcmd`.
    pub hook_return: Map<String, Value>,
}

impl Provisioned {
    fn nothing(outcome: &'static str, message: String) -> Self {
        Provisioned { outcome, message, addresses: Vec::new(), hook_return: Map::new() }
    }

    fn with_ips(outcome: &'static str, message: String, ips: ServiceIps, custom_fields: &Map<String, Value>) -> Self {
        let mut hook_return = Map::new();
        hook_return.insert("dedicatedip".into(), Value::String(ips.dedicatedip.clone()));
        hook_return.insert("assignedips".into(), Value::String(ips.assignedips.clone()));
        if let Some((name, value)) = &ips.custom_field {
            // The hook's return replaces the whole customfields param, so it
            // carries the service's other fields too.
            let mut fields = custom_fields.clone();
            fields.insert(name.clone(), Value::String(value.clone()));
            hook_return.insert("customfields".into(), Value::Object(fields));
        }
        Provisioned { outcome, message, addresses: ips.addresses, hook_return }
    }
}

/// Why provisioning could not complete; the transaction is rolled back.
struct Abort(String);

/// PreModuleCreate: gives the service its addresses (or returns those it
/// already holds) and writes them to WHMCS, all in one transaction.
pub async fn provision(conn: &mut Conn, service_id: u32, custom_fields: &Map<String, Value>, actor: &Actor) -> Result<Provisioned> {
    let attempt = allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        match provision_in(&mut tx, service_id, custom_fields, actor).await? {
            Ok(done) => {
                tx.commit().await?;
                Ok(Ok(done))
            }
            Err(abort) => Ok(Err(abort)),
        }
    })
    .await?;
    match attempt {
        Ok(done) => Ok(done),
        Err(Abort(message)) => {
            logs::record(conn, actor, LogEntry { action: "provisioning_aborted", details: message.clone(), service_id, ..Default::default() })
                .await?;
            let mut hook_return = Map::new();
            hook_return.insert("abortcmd".into(), Value::Bool(true));
            Ok(Provisioned { outcome: "aborted", message, addresses: Vec::new(), hook_return })
        }
    }
}

async fn provision_in<Q: Queryable>(
    tx: &mut Q,
    service_id: u32,
    custom_fields: &Map<String, Value>,
    actor: &Actor,
) -> Result<std::result::Result<Provisioned, Abort>> {
    let service = whmcs::service_for_update(tx, service_id).await?;
    if !service_ips::assigned_addresses(tx, service_id).await?.is_empty() {
        let ips = service_ips::write_back(tx, &service, &[]).await?;
        let message = format!("Service #{service_id} already holds {}; nothing new was allocated.", ips.addresses.join(", "));
        return Ok(Ok(Provisioned::with_ips("existing", message, ips, custom_fields)));
    }
    let relations = configurations::relations(tx, None).await?;
    let facts = service_facts(tx, &service).await?;
    let candidates = matching::candidates(&relations, &facts);
    let configuration_id = candidates.first().map_or(0, |c| c.configuration_id);

    let (product, server) = whmcs::product_and_server_names(tx, service.product_id, service.server_id).await?;
    let mut handed = Vec::new();
    // A dedicated IP the admin typed is the service's primary address of its
    // version when IP Manager manages it; outside every managed subnet it is
    // the operator's business and nothing is allocated.
    let mut typed_version = None;
    if !service.dedicated_ip.trim().is_empty() {
        let typed = service.dedicated_ip.trim();
        let managed = match Address::parse(typed) {
            Ok(address) if allocation::managing_subnet(tx, address).await?.is_some() => Some(address),
            _ => None,
        };
        let Some(address) = managed else {
            return Ok(Ok(Provisioned::nothing(
                "not_managed",
                format!("Dedicated IP \"{typed}\" lies outside every managed subnet; it was left as it is."),
            )));
        };
        let recipient = recipient(&service, AssignmentType::Primary, configuration_id);
        match assign_specific_in(tx, address, &recipient, actor).await {
            Ok(allocated) => {
                handed.push(allocated.ip);
                typed_version = Some(if address.version().bits() == 32 { 4 } else { 6 });
            }
            Err(Error::Conflict(reason)) => return Ok(Err(Abort(format!("Service #{service_id}: {reason}")))),
            Err(other) => return Err(other),
        }
    } else if candidates.is_empty() {
        return Ok(Ok(Provisioned::nothing("no_configuration", format!("No configuration applies to service #{service_id}."))));
    }

    let versions = configurations::source_versions(tx).await?;
    let of_version = |v: u8| -> Vec<Candidate> {
        candidates.iter().filter(|c| versions.iter().any(|(s, ver)| *s == c.source && *ver == v)).copied().collect()
    };
    let (v4, v6) = (of_version(4), of_version(6));
    for (list, version, label) in [(&v4, 4, "IPv4"), (&v6, 6, "IPv6")] {
        if list.is_empty() || typed_version == Some(version) {
            continue;
        }
        match first_free(tx, list, &recipient(&service, AssignmentType::Primary, 0), actor).await? {
            Some(ip) => handed.push(ip),
            None => return Ok(Err(Abort(exhausted_message(service_id, label, &product, &server, list)))),
        }
    }
    let extra_option = settings::get(tx, settings::EXTRA_IPS_OPTION).await?.unwrap_or_else(|| DEFAULT_EXTRA_IPS_OPTION.into());
    let extra_count = whmcs::quantity_options(tx, service_id)
        .await?
        .into_iter()
        .filter(|(_, name, _)| name.split('|').next().unwrap_or("").trim() == extra_option)
        .map(|(_, _, qty)| qty)
        .sum::<u32>();
    let primary_list = if v4.is_empty() { &v6 } else { &v4 };
    for _ in 0..extra_count {
        match first_free(tx, primary_list, &recipient(&service, AssignmentType::Additional, 0), actor).await? {
            Some(ip) => handed.push(ip),
            None => return Ok(Err(Abort(exhausted_message(service_id, "additional", &product, &server, primary_list)))),
        }
    }
    for request in matching::extra_requests(&relations, &facts) {
        for _ in 0..request.count {
            let list = [request.candidate];
            match first_free(tx, &list, &recipient(&service, AssignmentType::Additional, 0), actor).await? {
                Some(ip) => handed.push(ip),
                None => return Ok(Err(Abort(exhausted_message(service_id, "additional", &product, &server, &list)))),
            }
        }
    }
    let ips = service_ips::write_back(tx, &service, &[]).await?;
    let message = format!("Service #{service_id} ({product}, {server}) received {}.", handed.join(", "));
    logs::record(tx, actor, LogEntry { action: "provisioned", details: message.clone(), service_id, client_id: service.client_id, ..Default::default() })
        .await?;
    let outcome = if typed_version.is_some() { "dedicated_ip" } else { "assigned" };
    Ok(Ok(Provisioned::with_ips(outcome, message, ips, custom_fields)))
}

fn recipient(service: &Service, assignment_type: AssignmentType, configuration_id: u32) -> Recipient {
    Recipient { service_id: service.id, client_id: service.client_id, assignment_type, source: "provisioning", configuration_id }
}

/// Tries each candidate in order; a full (or dedicated-elsewhere) pool falls
/// through to the next. Returns the address, or `None` when all are full.
async fn first_free<Q: Queryable>(tx: &mut Q, list: &[Candidate], base: &Recipient, actor: &Actor) -> Result<Option<String>> {
    for candidate in list {
        let scope = match candidate.source {
            Source::Pool(id) => Scope::Pool(id),
            Source::Subnet(id) => Scope::Subnet(id),
        };
        let recipient = Recipient { configuration_id: candidate.configuration_id, ..base.clone() };
        match allocate_in(tx, scope, &recipient, actor).await {
            Ok(allocated) => return Ok(Some(allocated.ip)),
            Err(Error::Exhausted(_) | Error::Conflict(_) | Error::NotFound(_)) => continue,
            Err(other) => return Err(other),
        }
    }
    Ok(None)
}

fn exhausted_message(service_id: u32, what: &str, product: &str, server: &str, tried: &[Candidate]) -> String {
    let pools: Vec<String> = tried
        .iter()
        .map(|c| match c.source {
            Source::Pool(id) => format!("pool #{id}"),
            Source::Subnet(id) => format!("subnet #{id}"),
        })
        .collect();
    format!(
        "No free {what} address for service #{service_id} ({product} on {server}): tried {}. Add addresses or another pool \
         under IP Manager, then run Create again.",
        pools.join(", ")
    )
}

async fn service_facts<Q: Queryable>(tx: &mut Q, service: &Service) -> Result<ServiceFacts> {
    Ok(ServiceFacts {
        product_id: service.product_id,
        server_id: service.server_id,
        addons: whmcs::active_addons(tx, service.id).await?,
        config_options: whmcs::quantity_options(tx, service.id).await?.into_iter().map(|(id, _, qty)| (id, qty)).collect(),
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Adjusted {
    pub message: String,
    pub added: Vec<String>,
    pub released: Vec<String>,
    /// For Pre hooks: the params the server module should receive instead.
    pub hook_return: Map<String, Value>,
}

impl Adjusted {
    fn logged(message: String, released: Vec<String>) -> Self {
        Adjusted { message, added: Vec::new(), released, hook_return: Map::new() }
    }
}

/// The service's assignments as (address row, ip, type), newest last.
async fn assignments_of<Q: Queryable>(tx: &mut Q, service_id: u32) -> Result<Vec<(u64, String, String)>> {
    Ok(tx
        .exec(
            "SELECT x.ip_address_id, a.ip, x.type FROM mod_ipmanager_assignments x
             JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id WHERE x.service_id = ? ORDER BY x.id",
            (service_id,),
        )
        .await?)
}

/// AfterModuleTerminate: the operator's policy decides — release now, release
/// into cooldown, or keep the addresses for the Orphaned page.
pub async fn terminated(conn: &mut Conn, service_id: u32, actor: &Actor) -> Result<Adjusted> {
    let policy = settings::get(conn, settings::TERMINATE_POLICY).await?.unwrap_or_else(|| "release".into());
    let mode = match policy.as_str() {
        "keep" => {
            let message = format!("Service #{service_id} terminated; its addresses are kept until released from the Orphaned page.");
            logs::record(conn, actor, LogEntry { action: "service_terminated", details: message.clone(), service_id, ..Default::default() })
                .await?;
            return Ok(Adjusted::logged(message, Vec::new()));
        }
        "cooldown" => allocation::ReleaseMode::AsConfigured,
        _ => allocation::ReleaseMode::Immediately,
    };
    release_all(conn, service_id, mode, "service_terminated", actor).await
}

/// ServiceDelete: a deleted service keeps nothing.
pub async fn deleted(conn: &mut Conn, service_id: u32, actor: &Actor) -> Result<Adjusted> {
    release_all(conn, service_id, allocation::ReleaseMode::AsConfigured, "service_deleted", actor).await
}

async fn release_all(conn: &mut Conn, service_id: u32, mode: allocation::ReleaseMode, action: &'static str, actor: &Actor) -> Result<Adjusted> {
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let mut released = Vec::new();
        for (address_id, ip, _) in assignments_of(&mut tx, service_id).await? {
            allocation::release_in(&mut tx, address_id, mode, actor).await?;
            released.push(ip);
        }
        if let Ok(service) = whmcs::service_for_update(&mut tx, service_id).await {
            service_ips::write_back(&mut tx, &service, &released).await?;
        }
        let message = format!("Service #{service_id}: released {}.", if released.is_empty() { "nothing".into() } else { released.join(", ") });
        logs::record(&mut tx, actor, LogEntry { action, details: message.clone(), service_id, ..Default::default() }).await?;
        tx.commit().await?;
        Ok(Adjusted::logged(message, released))
    })
    .await
}

/// ChangePackage and configurable-option upgrades: the number of additional
/// addresses follows the Additional IPs quantity and the addon/option
/// relations; extras beyond it are released newest first.
pub async fn changed(conn: &mut Conn, service_id: u32, actor: &Actor) -> Result<Adjusted> {
    allocation::retrying(conn, async |conn| {
        let mut tx = conn.start_transaction(TxOpts::default()).await?;
        let service = whmcs::service_for_update(&mut tx, service_id).await?;
        let current = assignments_of(&mut tx, service_id).await?;
        if current.is_empty() {
            tx.commit().await?;
            return Ok(Adjusted::logged(format!("Service #{service_id} holds no addresses; nothing to adjust."), Vec::new()));
        }
        let relations = configurations::relations(&mut tx, None).await?;
        let facts = service_facts(&mut tx, &service).await?;
        let candidates = matching::candidates(&relations, &facts);
        let extra_option = settings::get(&mut tx, settings::EXTRA_IPS_OPTION).await?.unwrap_or_else(|| DEFAULT_EXTRA_IPS_OPTION.into());
        let wanted: u32 = whmcs::quantity_options(&mut tx, service_id)
            .await?
            .into_iter()
            .filter(|(_, name, _)| name.split('|').next().unwrap_or("").trim() == extra_option)
            .map(|(_, _, qty)| qty)
            .sum::<u32>()
            + matching::extra_requests(&relations, &facts).iter().map(|r| r.count).sum::<u32>();
        let extras: Vec<&(u64, String, String)> = current.iter().filter(|(_, _, kind)| kind == "additional").collect();
        let have = extras.len() as u32;
        let (mut added, mut released) = (Vec::new(), Vec::new());
        if wanted > have {
            let versions = configurations::source_versions(&mut tx).await?;
            let v4: Vec<Candidate> = candidates.iter().filter(|c| versions.iter().any(|(s, v)| *s == c.source && *v == 4)).copied().collect();
            let list = if v4.is_empty() { candidates.clone() } else { v4 };
            for _ in have..wanted {
                match first_free(&mut tx, &list, &recipient(&service, AssignmentType::Additional, 0), actor).await? {
                    Some(ip) => added.push(ip),
                    None => {
                        return Err(Error::Exhausted(format!(
                            "Service #{service_id} asks for {wanted} additional addresses but its pools have no more free ones."
                        )))
                    }
                }
            }
        } else {
            for (address_id, ip, _) in extras.iter().rev().take((have - wanted) as usize) {
                allocation::release_in(&mut tx, *address_id, allocation::ReleaseMode::AsConfigured, actor).await?;
                released.push(ip.clone());
            }
        }
        let ips = service_ips::write_back(&mut tx, &service, &released).await?;
        let message = format!(
            "Service #{service_id} now has {wanted} additional addresses (added {}, released {}).",
            if added.is_empty() { "none".into() } else { added.join(", ") },
            if released.is_empty() { "none".into() } else { released.join(", ") }
        );
        logs::record(&mut tx, actor, LogEntry { action: "service_changed", details: message.clone(), service_id, client_id: service.client_id, ..Default::default() })
            .await?;
        tx.commit().await?;
        let mut hook_return = Map::new();
        hook_return.insert("dedicatedip".into(), Value::String(ips.dedicatedip));
        hook_return.insert("assignedips".into(), Value::String(ips.assignedips));
        Ok(Adjusted { message, added, released, hook_return })
    })
    .await
}

/// AfterModuleCreate: hands the new addresses to the enabled panel, DNS and
/// NetBox integrations. None is enabled yet, so it records that and stops.
pub async fn created(conn: &mut Conn, service_id: u32, actor: &Actor) -> Result<Adjusted> {
    if service_ips::assigned_addresses(conn, service_id).await?.is_empty() {
        return Ok(Adjusted::logged(format!("Service #{service_id} holds no IP Manager addresses."), Vec::new()));
    }
    let enabled: Vec<String> =
        conn.query("SELECT integration FROM mod_ipmanager_integration_config WHERE enabled = 1 ORDER BY integration").await?;
    let message = if enabled.is_empty() {
        format!("Service #{service_id} created; no integration is enabled, so no server, DNS or NetBox was updated.")
    } else {
        format!("Service #{service_id} created; enabled integrations ({}) have no actions in this release.", enabled.join(", "))
    };
    logs::record(conn, actor, LogEntry { action: "service_created", details: message.clone(), service_id, ..Default::default() }).await?;
    Ok(Adjusted::logged(message, Vec::new()))
}
