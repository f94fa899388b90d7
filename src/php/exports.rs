//! Every function PHP can call, grouped by page or use case. Each one converts
//! its arguments, runs one use case and converts the result; nothing else.

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::json;

use super::{input, respond};
use crate::app::actor::Actor;
use crate::app::{dashboard, module};
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

#[php_function]
pub fn ipmanager_dashboard(acting: &ZendHashTable) -> PhpResult<Zval> {
    respond(|| {
        actor(acting)?;
        with_connection(dashboard::overview)
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
        .function(wrap_function!(ipmanager_dashboard));
    #[cfg(feature = "fault-injection")]
    let module = module.function(wrap_function!(ipmanager_fault_inject));
    module
}
