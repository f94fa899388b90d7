//! Every function PHP can call, grouped by page or use case. Each one converts
//! its arguments, runs one use case and converts the result; nothing else.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::json;

use super::{input, respond};
use crate::app::actor::Actor;
use crate::app::{allocation, assignments, configurations, dashboard, exchange, extra_ips, logs, module, orphans, pools, provisioning, settings_page, subnets, sync, tasks};
use crate::runtime::with_connection;
use crate::store::connection::{ConnectionSettings, WhmcsDatabaseConfig};
use crate::{runtime, Error};

fn actor(zval: &ZendHashTable) -> crate::Result<Actor> {
    Actor::from_input(&input(zval)?)
}

// --- Extension and connection -------------------------------------------------

/// The extension's version; the shim compares it with its own.
#[php_function]
pub fn ipmanager_version() -> &'static str {
    crate::VERSION
}

/// Version, git revision, build profile, PHP API and schema version.
#[php_function]
pub fn ipmanager_build_info() -> PhpResult<Zval> {
    respond(|| {
        Ok(json!({
            "version": crate::VERSION,
            "revision": super::GIT_REVISION,
            "profile": super::BUILD_PROFILE,
            "php_api": super::PHP_API,
            "schema_version": crate::store::schema::current_version(),
        }))
    })
}

/// Hands WHMCS's database settings to this process; no I/O happens here, and
/// the connection is reused as long as the settings do not change.
#[php_function]
pub fn ipmanager_connect(settings: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let config: WhmcsDatabaseConfig = serde_json::from_value(super::convert::array_to_value(settings))
            .map_err(|e| Error::invalid(format!("database settings: {e}")))?;
        runtime::configure(ConnectionSettings::from_whmcs(&config)?)?;
        Ok(true)
    })
}

// --- Addon lifecycle (Setup > Addon Modules) ----------------------------------

#[php_function]
pub fn ipmanager_module_activate(acting: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        with_connection(|conn| async move { module::activate(conn, &actor).await })
    })
}

#[php_function]
pub fn ipmanager_module_deactivate(acting: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        with_connection(|conn| async move { module::deactivate(conn, &actor).await })
    })
}

#[php_function]
pub fn ipmanager_module_upgrade(acting: &ZendHashTable, previous_version: String) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        with_connection(|conn| async move { module::upgrade(conn, &actor, &previous_version).await })
    })
}

/// Installed and expected schema versions, for the pages' health check.
#[php_function]
pub fn ipmanager_schema_status() -> PhpResult<Zval> {
    respond(|| with_connection(module::schema_status))
}

// --- Dashboard ------------------------------------------------------------------

/// Every page function takes `(actor, request)`; the Dashboard needs no request values.
#[php_function]
pub fn ipmanager_dashboard(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(dashboard::overview)
    })
}

// --- IP Subnets -------------------------------------------------------------------

#[php_function]
pub fn ipmanager_subnet_list(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(subnets::list)
    })
}

/// The add form (no `id`) or the edit form of subnet `id`.
#[php_function]
pub fn ipmanager_subnet_form(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let id = input(query)?.id("id")?;
        with_connection(|conn| subnets::form_page(conn, id))
    })
}

#[php_function]
pub fn ipmanager_subnet_save(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = subnets::SubnetForm::from_input(&input(form)?)?;
        with_connection(|conn| async move { subnets::save(conn, &form, &actor).await })
    })
}

/// A subnet with one page of its addresses: `id`, optional `q` and `page`.
#[php_function]
pub fn ipmanager_subnet_view(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let query = input(query)?;
        let id = query.required_id("id", "subnet")?;
        let page = query.number("page", 1, 1, i64::from(u32::MAX))? as u64;
        let search = query.text("q");
        with_connection(|conn| async move { subnets::page(conn, id, &search, page).await })
    })
}

#[php_function]
pub fn ipmanager_subnet_delete_preview(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let id = input(query)?.required_id("id", "subnet")?;
        with_connection(|conn| subnets::delete_preview(conn, id))
    })
}

#[php_function]
pub fn ipmanager_subnet_delete(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let id = input(form)?.required_id("id", "subnet")?;
        with_connection(|conn| async move { subnets::delete(conn, id, &actor).await })
    })
}

/// Reserves one address of a subnet: `subnet_id`, `address`, `note`.
#[php_function]
pub fn ipmanager_address_reserve(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let subnet_id = form.required_id("subnet_id", "subnet")?;
        let (address, note) = (form.text("address"), form.text("note"));
        with_connection(|conn| async move { subnets::reserve_address(conn, subnet_id, &address, &note, &actor).await })
    })
}

/// Lifts a custom reservation: `subnet_id`, `rule_id`.
#[php_function]
pub fn ipmanager_reservation_release(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let subnet_id = form.required_id("subnet_id", "subnet")?;
        let rule_id = form.required_id("rule_id", "reservation")?;
        with_connection(|conn| async move { subnets::release_reservation(conn, subnet_id, rule_id, &actor).await })
    })
}

// --- IP Pools ---------------------------------------------------------------------

/// Pools, optionally only those of `subnet_id`.
#[php_function]
pub fn ipmanager_pool_list(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let subnet_id = input(query)?.id("subnet_id")?;
        with_connection(|conn| pools::list(conn, subnet_id))
    })
}

#[php_function]
pub fn ipmanager_pool_form(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let query = input(query)?;
        let (id, subnet_id) = (query.id("id")?, query.id("subnet_id")?);
        with_connection(|conn| pools::form_page(conn, id, subnet_id))
    })
}

#[php_function]
pub fn ipmanager_pool_save(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = pools::PoolForm::from_input(&input(form)?)?;
        with_connection(|conn| async move { pools::save(conn, &form, &actor).await })
    })
}

#[php_function]
pub fn ipmanager_pool_delete(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let id = input(form)?.required_id("id", "pool")?;
        with_connection(|conn| async move { pools::delete(conn, id, &actor).await })
    })
}

// --- Configurations -----------------------------------------------------------------

#[php_function]
pub fn ipmanager_configuration_list(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(configurations::list)
    })
}

/// The create page (no `id`) or the edit page of configuration `id`.
#[php_function]
pub fn ipmanager_configuration_page(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let id = input(query)?.id("id")?;
        with_connection(|conn| configurations::page(conn, id))
    })
}

/// Create (basic settings plus the product/server selection) or save the basic settings.
#[php_function]
pub fn ipmanager_configuration_save(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let (basic, selection) = (configurations::ConfigurationForm::from_input(&form)?, configurations::Selection::from_input(&form)?);
        with_connection(|conn| async move { configurations::save(conn, &basic, &selection, &actor).await })
    })
}

/// Replaces the product and server relations: `id`, `pool_id` or `subnet_id`, `products[]`, `servers[]`.
#[php_function]
pub fn ipmanager_configuration_selection(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let id = form.required_id("id", "configuration")?;
        let selection = configurations::Selection::from_input(&form)?;
        with_connection(|conn| async move { configurations::save_selection(conn, id, &selection, &actor).await })
    })
}

/// Changes one relation: `id`, `change` = add (with `target` as `type:id` and
/// `pool_id` or `subnet_id`), delete, up or down (with `relation_id`).
#[php_function]
pub fn ipmanager_configuration_relation(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let id = form.required_id("id", "configuration")?;
        let change = form.text("change");
        with_connection(|conn| async move {
            match change.as_str() {
                "add" => configurations::add_relation(conn, id, &form, &actor).await,
                "delete" | "up" | "down" => {
                    let relation_id = form.required_id("relation_id", "relation")?;
                    match change.as_str() {
                        "delete" => configurations::delete_relation(conn, id, relation_id, &actor).await,
                        direction => configurations::move_relation(conn, id, relation_id, direction == "up", &actor).await,
                    }
                }
                other => Err(Error::invalid(format!("unknown relation change \"{other}\""))),
            }
        })
    })
}

#[php_function]
pub fn ipmanager_configuration_delete(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let id = input(form)?.required_id("id", "configuration")?;
        with_connection(|conn| async move { configurations::delete(conn, id, &actor).await })
    })
}

// --- Assignments and the admin service page -----------------------------------------

/// Services with their addresses: filters `client_id`, `service_id`,
/// `product_id`, `status`, `address`, and `page`.
#[php_function]
pub fn ipmanager_assignment_list(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let query = input(query)?;
        let filters = assignments::Filters {
            client_id: query.id("client_id")?,
            service_id: query.id("service_id")?,
            product_id: query.id("product_id")?,
            status: query.text("status"),
            address: query.text("address"),
            page: query.number("page", 1, 1, i64::from(u32::MAX))? as u64,
        };
        with_connection(|conn| async move { assignments::page(conn, &filters).await })
    })
}

/// Assigns to `service_id` from `pool_id`, `subnet_id`, or exactly `address`.
#[php_function]
pub fn ipmanager_assignment_assign(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let service_id = form.required_id("service_id", "service")?;
        let address = form.text("address");
        let choice = match (form.id("pool_id")?, form.id("subnet_id")?) {
            _ if !address.is_empty() => assignments::Choice::Exactly(
                crate::core::Address::parse(&address).map_err(|e| Error::field("address", e.to_string()))?,
            ),
            (Some(pool), None) => assignments::Choice::From(allocation::Scope::Pool(pool)),
            (None, Some(subnet)) => assignments::Choice::From(allocation::Scope::Subnet(subnet)),
            _ => return Err(Error::field("pool_id", "Choose a pool or a subnet (one of them), or type a free address.")),
        };
        with_connection(|mut conn| async move { assignments::assign(&mut conn, service_id, choice, &actor).await })
    })
}

/// Unassigns `address_id` from `service_id`.
#[php_function]
pub fn ipmanager_assignment_unassign(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let service_id = form.required_id("service_id", "service")?;
        let address_id = u64::from(form.required_id("address_id", "address")?);
        with_connection(|mut conn| async move { assignments::unassign(&mut conn, service_id, address_id, None, &actor).await })
    })
}

/// The IP Manager panel on WHMCS's admin service page.
#[php_function]
pub fn ipmanager_service_panel(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let service_id = input(query)?.required_id("service_id", "service")?;
        with_connection(|conn| assignments::service_panel(conn, service_id))
    })
}

// --- Client area ---------------------------------------------------------------------------

fn client(acting: &ZendHashTable) -> crate::Result<Actor> {
    let actor = actor(acting)?;
    match actor.kind {
        crate::app::actor::ActorKind::Client => Ok(actor),
        _ => Err(Error::invalid("the client area acts for a logged-in client")),
    }
}

#[php_function]
pub fn ipmanager_client_overview(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let client = client(acting)?;
        with_connection(|conn| assignments::client_overview(conn, client.id))
    })
}

/// Whether the client holds addresses (for the sidebar link).
#[php_function]
pub fn ipmanager_client_has_addresses(acting: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let client = client(acting)?;
        with_connection(|conn| assignments::client_holds_addresses(conn, client.id))
    })
}

/// The confirmation page of an unassign: `service_id`, `address_id`, owned by the client.
#[php_function]
pub fn ipmanager_client_unassign_confirm(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let client = client(acting)?;
        let query = input(query)?;
        let service_id = query.required_id("service_id", "service")?;
        let address_id = u64::from(query.required_id("address_id", "address")?);
        with_connection(|conn| assignments::client_confirmation(conn, client.id, service_id, address_id))
    })
}

#[php_function]
pub fn ipmanager_client_unassign(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let client = client(acting)?;
        let form = input(form)?;
        let service_id = form.required_id("service_id", "service")?;
        let address_id = u64::from(form.required_id("address_id", "address")?);
        with_connection(|mut conn| async move {
            assignments::unassign(&mut conn, service_id, address_id, Some(client.id), &client).await
        })
    })
}

// --- Synchronize ----------------------------------------------------------------------

#[php_function]
pub fn ipmanager_sync_overview(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(sync::overview)
    })
}

/// One batch of services after `after`: `live_only`, `dry_run`.
#[php_function]
pub fn ipmanager_sync_batch(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let request = input(request)?;
        let options = sync::SyncOptions {
            live_only: request.flag("live_only"),
            dry_run: request.flag("dry_run"),
            after: request.number("after", 0, 0, i64::from(u32::MAX))? as u32,
            batch: sync::BATCH,
        };
        with_connection(|mut conn| async move { sync::run_batch(&mut conn, options, &actor).await })
    })
}

// --- Orphaned ------------------------------------------------------------------------

fn orphan_filters(request: &crate::app::input::Input) -> crate::Result<orphans::OrphanFilters> {
    Ok(orphans::OrphanFilters { status: request.text("status"), product_id: request.id("product_id")? })
}

/// Addresses of services that are not live or no longer exist: filters `status`, `product_id`.
#[php_function]
pub fn ipmanager_orphan_list(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let filters = orphan_filters(&input(query)?)?;
        with_connection(|conn| async move { orphans::page(conn, &filters).await })
    })
}

/// Releases `address_id`, or with `all` every orphan the filters show.
#[php_function]
pub fn ipmanager_orphan_release(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let filters = orphan_filters(&form)?;
        let single = if form.flag("all") { None } else { Some(u64::from(form.required_id("address_id", "address")?)) };
        with_connection(|mut conn| async move {
            match single {
                Some(address_id) => orphans::release_one(&mut conn, address_id, &actor).await,
                None => orphans::release_all(&mut conn, &filters, &actor).await,
            }
        })
    })
}

// --- Logs ---------------------------------------------------------------------------

/// The module's log, newest first: filters `log_action`, `admin_id`,
/// `client_id`, `service_id`, `address`, `from`, `to`, and `page`.
#[php_function]
pub fn ipmanager_log_list(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let filters = logs::LogFilters::from_input(&input(query)?)?;
        with_connection(|conn| async move { logs::page(conn, &filters).await })
    })
}

/// Writes every matching log entry as CSV to PHP's output; returns how many.
#[php_function]
pub fn ipmanager_log_csv(acting: &ZendHashTable, query: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let filters = logs::LogFilters::from_input(&input(query)?)?;
        let out = std::io::BufWriter::with_capacity(64 * 1024, super::output::PhpOutput);
        with_connection(|mut conn| async move { logs::export_csv(&mut conn, &filters, out).await })
    })
}

// --- Settings --------------------------------------------------------------------------

/// The Settings page; `root_dir` is WHMCS's root (ROOTDIR), for the cron command.
#[php_function]
pub fn ipmanager_settings_page(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let root_dir = input(request)?.text("root_dir");
        with_connection(|conn| async move { settings_page::page(conn, &root_dir).await })
    })
}

/// Saves the operational settings; a typed SMTP password is encrypted with WHMCS's key first.
#[php_function]
pub fn ipmanager_settings_save(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let typed = form.raw_text("smtp_password");
        let new_password = if typed.is_empty() { None } else { Some(super::whmcs::encrypt_password(&typed)?) };
        with_connection(|conn| async move { settings_page::save(conn, &form, new_password, &actor).await })
    })
}

/// Sends a test email through the saved settings.
#[php_function]
pub fn ipmanager_settings_test_email(acting: &ZendHashTable, _form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let (route, message) = with_connection(settings_page::test_message)?;
        let sent = route.and_then(|route| super::whmcs::deliver(&route, &message)).map_err(|problem| Error::Conflict(format!("The test email was not sent: {problem}")))?;
        Ok(subnets::Saved { id: 0, message: format!("Test email sent to {sent}.") })
    })
}

// --- Scheduled tasks -------------------------------------------------------------------

/// Runs `task` (alerts, cleaner or logs; every task in that order when
/// empty) with `trigger` (cron, daily, admin), `dry_run`, `force`; returns
/// each task's outcome.
#[php_function]
pub fn ipmanager_task_run(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let requests = tasks::RunRequest::from_input(&input(request)?)?;
        requests.into_iter().map(|request| run_task(request, &actor)).collect::<crate::Result<Vec<_>>>()
    })
}

/// One task in its three steps; the email it composes is sent between the
/// two database steps, never while the extension holds its connection.
fn run_task(request: tasks::RunRequest, actor: &Actor) -> crate::Result<tasks::Outcome> {
    let begun = with_connection(|mut conn| async move { tasks::begin(&mut conn, request, actor).await })?;
    let run = match begun {
        tasks::Begun::Skipped(outcome) => return Ok(outcome),
        tasks::Begun::Started(run) => run,
    };
    let delivery = run.mail().map(|(route, message)| super::whmcs::deliver(route, message));
    with_connection(|mut conn| async move { tasks::finish(&mut conn, run, delivery, actor).await })
}

/// The kept report of task run `run_id`, written to PHP's output; returns its file name.
#[php_function]
pub fn ipmanager_task_report(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let run_id = input(request)?.required_id("run_id", "task run")?;
        let (name, report) = with_connection(|mut conn| async move { crate::store::tasks::report(&mut conn, u64::from(run_id)).await })?
            .ok_or_else(|| Error::NotFound("That run kept no report (reports of the last 30 runs are kept).".into()))?;
        Ok(json!({"file_name": name, "content": report}))
    })
}

/// Creates (or completes) the Additional IPs option of `product_id`.
#[php_function]
pub fn ipmanager_extra_ips_option(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let product_id = input(form)?.required_id("product_id", "product")?;
        with_connection(|conn| async move { extra_ips::ensure_option(conn, product_id, &actor).await })
    })
}

// --- Allocation -------------------------------------------------------------------

/// Allocates the lowest free address of `pool_id` (or `subnet_id`) to
/// `service_id`/`client_id`. Records the assignment in IP Manager only; the
/// Assignments page and provisioning also write it back to WHMCS.
#[php_function]
pub fn ipmanager_allocate(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let request = input(request)?;
        let scope = match (request.id("pool_id")?, request.id("subnet_id")?) {
            (Some(pool), _) => allocation::Scope::Pool(pool),
            (None, Some(subnet)) => allocation::Scope::Subnet(subnet),
            (None, None) => return Err(Error::field("pool_id", "Choose a pool or a subnet.")),
        };
        let recipient = allocation::Recipient {
            service_id: request.required_id("service_id", "service")?,
            client_id: request.required_id("client_id", "client")?,
            assignment_type: match request.text("type").as_str() {
                "additional" => allocation::AssignmentType::Additional,
                _ => allocation::AssignmentType::Primary,
            },
            source: "manual",
            configuration_id: 0,
        };
        with_connection(|mut conn| async move { allocation::allocate(&mut conn, scope, &recipient, &actor).await })
    })
}

/// Ends the assignment of address row `address_id`.
#[php_function]
pub fn ipmanager_release(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let id = input(request)?.required_id("address_id", "address")?;
        with_connection(|mut conn| async move { allocation::release(&mut conn, u64::from(id), &actor).await })
    })
}

// --- Provisioning hooks -------------------------------------------------------------

/// PreModuleCreate: `service_id` and the params' `customfields`. The result's
/// `hook_return` is what the hook returns to WHMCS.
#[php_function]
pub fn ipmanager_provision(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let request = input(request)?;
        let service_id = request.required_id("service_id", "service")?;
        let custom_fields = match request.get("customfields") {
            Some(serde_json::Value::Object(map)) => map.clone(),
            _ => serde_json::Map::new(),
        };
        with_connection(|mut conn| async move { provisioning::provision(&mut conn, service_id, &custom_fields, &actor).await })
    })
}

/// The other points of a service's life: `event` is created, terminated,
/// deleted or changed (package or configurable options).
#[php_function]
pub fn ipmanager_service_event(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let request = input(request)?;
        let service_id = request.required_id("service_id", "service")?;
        let event = request.text("event");
        with_connection(|mut conn| async move {
            match event.as_str() {
                "created" => provisioning::created(&mut conn, service_id, &actor).await,
                "terminated" => provisioning::terminated(&mut conn, service_id, &actor).await,
                "deleted" => provisioning::deleted(&mut conn, service_id, &actor).await,
                "changed" => provisioning::changed(&mut conn, service_id, &actor).await,
                other => Err(Error::invalid(format!("unknown service event \"{other}\""))),
            }
        })
    })
}

// --- Export and import ---------------------------------------------------------------

/// What an export would hold.
#[php_function]
pub fn ipmanager_export_page(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(exchange::export_page)
    })
}

/// The download's `file_name` and `content_type` for `format` on the admin's `date` (YYYY-MM-DD).
#[php_function]
pub fn ipmanager_export_file(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let request = input(request)?;
        let format = exchange::format(&request.text("format"))?;
        let content_type = match format {
            crate::core::exchange::Format::Csv => "text/csv; charset=utf-8",
            crate::core::exchange::Format::Xml => "application/xml; charset=utf-8",
            crate::core::exchange::Format::Json => "application/json; charset=utf-8",
        };
        Ok(json!({"file_name": exchange::file_name(format, &request.text("date"))?, "content_type": content_type}))
    })
}

/// Writes the export (`format`, optional `addresses` and `configurations`
/// flags) to PHP's output while reading it; returns what it wrote.
#[php_function]
pub fn ipmanager_export(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let request = input(request)?;
        let options = exchange::ExportOptions {
            format: exchange::format(&request.text("format"))?,
            addresses: request.flag("addresses"),
            configurations: request.flag("configurations"),
        };
        let out = std::io::BufWriter::with_capacity(64 * 1024, super::output::PhpOutput);
        with_connection(|conn| async move { exchange::export(conn, options, out, &actor).await.map(|(counts, _)| counts) })
    })
}

/// The upload and paste forms: the size limit and the subnets.
#[php_function]
pub fn ipmanager_import_page(acting: &ZendHashTable, _request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(exchange::import_page)
    })
}

/// The uploaded file at `file` (a path the shim chose, never the browser) and
/// the source it is read as.
fn upload(request: &crate::app::input::Input) -> crate::Result<(crate::core::exchange::Source, Vec<u8>)> {
    let bytes = std::fs::read(request.text("file")).map_err(|_| {
        Error::field("file", "The uploaded file is no longer there (it is kept until it is imported); upload it again.")
    })?;
    Ok((exchange::source(&request.text("source"), &bytes)?, bytes))
}

/// What importing `file` as `source` would create, and every problem.
#[php_function]
pub fn ipmanager_import_preview(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let (source, bytes) = upload(&input(request)?)?;
        with_connection(|conn| async move { exchange::preview(conn, source, &bytes).await })
    })
}

/// Imports `file` as `source` in one transaction; `on_problem` = skip or stop.
#[php_function]
pub fn ipmanager_import(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let request = input(request)?;
        let (source, bytes) = upload(&request)?;
        let on_problem = on_problem(&request);
        with_connection(|conn| async move { exchange::import(conn, source, &bytes, on_problem, &actor).await })
    })
}

fn on_problem(request: &crate::app::input::Input) -> exchange::OnProblem {
    match request.text("on_problem").as_str() {
        "skip" => exchange::OnProblem::Skip,
        _ => exchange::OnProblem::Stop,
    }
}

/// What pasting `addresses` (one a line) into `subnet_id` would add.
#[php_function]
pub fn ipmanager_paste_preview(acting: &ZendHashTable, request: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        let request = input(request)?;
        let subnet_id = request.required_id("subnet_id", "subnet")?;
        let text = request.raw_text("addresses");
        with_connection(|conn| async move { exchange::paste_preview(conn, subnet_id, &text).await })
    })
}

/// Adds `addresses` (one a line) to `subnet_id`; `on_problem` = skip or stop.
#[php_function]
pub fn ipmanager_paste(acting: &ZendHashTable, form: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        let actor = actor(acting)?;
        let form = input(form)?;
        let subnet_id = form.required_id("subnet_id", "subnet")?;
        let (text, on_problem) = (form.raw_text("addresses"), on_problem(&form));
        with_connection(|conn| async move { exchange::paste(conn, subnet_id, &text, on_problem, &actor).await })
    })
}

// --- Fault injection (test builds only) ----------------------------------------

/// Lets the test suite prove that panics and database failures surface as
/// exceptions without killing the PHP process. Compiled only with the
/// `fault-injection` feature; release packages never contain it.
#[cfg(feature = "fault-injection")]
#[php_function]
pub fn ipmanager_fault_inject(kind: String) -> PhpResult<Zval> {
    respond(|| match kind.as_str() {
        "panic" => panic!("injected fault"),
        "panic_in_query" => with_connection(panic_inside_operation),
        "sleep_query" => with_connection(|mut conn| async move {
            use mysql_async::prelude::Queryable;
            conn.query_drop("DO SLEEP(60)").await?;
            Ok(())
        }),
        other => Err(Error::invalid(format!("unknown fault \"{other}\""))),
    })
}

#[cfg(feature = "fault-injection")]
async fn panic_inside_operation(_conn: mysql_async::Conn) -> crate::Result<()> {
    panic!("injected fault inside a database operation")
}

pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    let module = module
        .function(wrap_function!(ipmanager_version))
        .function(wrap_function!(ipmanager_build_info))
        .function(wrap_function!(ipmanager_connect))
        .function(wrap_function!(ipmanager_module_activate))
        .function(wrap_function!(ipmanager_module_deactivate))
        .function(wrap_function!(ipmanager_module_upgrade))
        .function(wrap_function!(ipmanager_schema_status))
        .function(wrap_function!(ipmanager_dashboard))
        .function(wrap_function!(ipmanager_subnet_list))
        .function(wrap_function!(ipmanager_subnet_form))
        .function(wrap_function!(ipmanager_subnet_save))
        .function(wrap_function!(ipmanager_subnet_view))
        .function(wrap_function!(ipmanager_subnet_delete_preview))
        .function(wrap_function!(ipmanager_subnet_delete))
        .function(wrap_function!(ipmanager_address_reserve))
        .function(wrap_function!(ipmanager_reservation_release))
        .function(wrap_function!(ipmanager_pool_list))
        .function(wrap_function!(ipmanager_pool_form))
        .function(wrap_function!(ipmanager_pool_save))
        .function(wrap_function!(ipmanager_pool_delete))
        .function(wrap_function!(ipmanager_configuration_list))
        .function(wrap_function!(ipmanager_configuration_page))
        .function(wrap_function!(ipmanager_configuration_save))
        .function(wrap_function!(ipmanager_configuration_selection))
        .function(wrap_function!(ipmanager_configuration_relation))
        .function(wrap_function!(ipmanager_configuration_delete))
        .function(wrap_function!(ipmanager_assignment_list))
        .function(wrap_function!(ipmanager_assignment_assign))
        .function(wrap_function!(ipmanager_assignment_unassign))
        .function(wrap_function!(ipmanager_service_panel))
        .function(wrap_function!(ipmanager_client_overview))
        .function(wrap_function!(ipmanager_client_has_addresses))
        .function(wrap_function!(ipmanager_client_unassign_confirm))
        .function(wrap_function!(ipmanager_client_unassign))
        .function(wrap_function!(ipmanager_sync_overview))
        .function(wrap_function!(ipmanager_sync_batch))
        .function(wrap_function!(ipmanager_orphan_list))
        .function(wrap_function!(ipmanager_orphan_release))
        .function(wrap_function!(ipmanager_log_list))
        .function(wrap_function!(ipmanager_log_csv))
        .function(wrap_function!(ipmanager_settings_page))
        .function(wrap_function!(ipmanager_settings_save))
        .function(wrap_function!(ipmanager_settings_test_email))
        .function(wrap_function!(ipmanager_task_run))
        .function(wrap_function!(ipmanager_task_report))
        .function(wrap_function!(ipmanager_extra_ips_option))
        .function(wrap_function!(ipmanager_export_page))
        .function(wrap_function!(ipmanager_export_file))
        .function(wrap_function!(ipmanager_export))
        .function(wrap_function!(ipmanager_import_page))
        .function(wrap_function!(ipmanager_import_preview))
        .function(wrap_function!(ipmanager_import))
        .function(wrap_function!(ipmanager_paste_preview))
        .function(wrap_function!(ipmanager_paste))
        .function(wrap_function!(ipmanager_allocate))
        .function(wrap_function!(ipmanager_release))
        .function(wrap_function!(ipmanager_provision))
        .function(wrap_function!(ipmanager_service_event));
    #[cfg(feature = "fault-injection")]
    let module = module.function(wrap_function!(ipmanager_fault_inject));
    module
}
