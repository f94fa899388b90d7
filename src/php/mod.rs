//! The PHP boundary: module registration, INI settings, `phpinfo()`, and the
//! helpers every export uses. The exports themselves are in `exports`.

mod convert;
mod exception;
mod exports;
mod output;
mod whmcs;

use std::panic::{catch_unwind, AssertUnwindSafe};

use ext_php_rs::ffi::zend_ini_entry;
use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs, ModuleEntry};
use ext_php_rs::{info_table_end, info_table_row, info_table_start};
use serde::Serialize;

use crate::app::input::Input;
use crate::{runtime, Error, Result};

const TIMEOUT_INI: &str = "ipmanager.timeout_ms";

static INI_ENTRIES: IniEntryDefs<2> = IniEntryDefs::new([
    IniEntryDef::new(c"ipmanager.timeout_ms", c"20000", IniEntryPermission::All),
    IniEntryDef::end(),
]);

/// Build facts embedded by build.rs.
pub const GIT_REVISION: &str = env!("IPMANAGER_GIT_REVISION");
pub const BUILD_PROFILE: &str = env!("IPMANAGER_BUILD_PROFILE");
pub const PHP_API: &str = env!("IPMANAGER_PHP_API");

pub extern "C" fn startup(_ty: i32, module_number: i32) -> i32 {
    IniEntryDef::register(INI_ENTRIES.as_slice(), module_number);
    // The default hook would print a multi-line report into the web server's
    // error log for a panic that the boundary already turns into an exception.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("ipmanager: internal error (caught, reported to PHP as IpManagerException): {info}");
    }));
    match exception::register() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ipmanager: cannot register the IpManagerException classes: {e}");
            -1
        }
    }
}

pub extern "C" fn shutdown(_ty: i32, _module_number: i32) -> i32 {
    runtime::shutdown();
    0
}

pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("ipmanager support", "enabled");
    info_table_row!("Version", crate::VERSION);
    info_table_row!("Build", format!("{GIT_REVISION} ({BUILD_PROFILE})"));
    info_table_row!("Built for PHP API", PHP_API);
    info_table_row!("Schema version", crate::store::schema::current_version().to_string());
    info_table_end!();
}

/// Reads `ipmanager.timeout_ms` as it stands for this request (it may be set
/// per FPM pool or per directory).
fn refresh_timeout() {
    let globals = ExecutorGlobals::get();
    // SAFETY: EG(ini_directives) is valid for the whole request once the
    // engine has started, which is the case whenever an export runs.
    let Some(directives) = (unsafe { globals.ini_directives.as_ref() }) else { return };
    // SAFETY: entries of EG(ini_directives) are zend_ini_entry pointers owned by the engine.
    let value = directives
        .get(TIMEOUT_INI)
        .and_then(|entry| unsafe { entry.ptr::<zend_ini_entry>() })
        .and_then(|entry| unsafe { entry.as_ref() })
        .and_then(|entry| unsafe { entry.value.as_ref() })
        .and_then(|value| value.as_str().ok().and_then(|s| s.trim().parse::<u64>().ok()));
    runtime::set_timeout_ms(value.unwrap_or(runtime::DEFAULT_TIMEOUT_MS));
}

/// Runs one use case for PHP: panics are caught, errors become exceptions of
/// the `IpManagerException` family, results become PHP arrays.
fn respond<T: Serialize>(use_case: impl FnOnce() -> Result<T>) -> PhpResult<Zval> {
    refresh_timeout();
    let outcome = catch_unwind(AssertUnwindSafe(use_case)).unwrap_or_else(|panic| {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(Error::Internal(text))
    });
    outcome
        .and_then(|value| {
            serde_json::to_value(value).map_err(|e| Error::Internal(format!("cannot encode the result: {e}")))
        })
        .and_then(|value| convert::to_zval(&value))
        .map_err(exception::to_php)
}

/// A PHP array argument as request input.
fn input(array: &ZendHashTable) -> Result<Input> {
    Input::new(convert::array_to_value(array))
}

#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    exports::register(module).shutdown_function(shutdown).info_function(module_info)
}
