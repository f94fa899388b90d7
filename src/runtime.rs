//! Per-process state: one current-thread tokio runtime and one pooled MariaDB
//! connection per PHP process (FPM worker or CLI run).
//!
//! The state is created lazily on the first call in each process and keyed by
//! the process id, never at module start-up: FPM forks its workers from the
//! master, and a runtime or socket inherited through `fork` is shared with the
//! parent (stolen epoll wake-ups, one MySQL connection used by several
//! processes). Inherited state is forgotten, never dropped, because dropping it
//! would close sockets that belong to the parent.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use mysql_async::{Conn, Pool};
use tokio::runtime::Runtime;

use crate::store::connection::ConnectionSettings;
use crate::{Error, Result};

/// `ipmanager.timeout_ms`, read from the INI at module start-up.
static TIMEOUT_MS: AtomicU64 = AtomicU64::new(DEFAULT_TIMEOUT_MS);
pub const DEFAULT_TIMEOUT_MS: u64 = 20_000;

/// Establishing a connection never gets more than this, so a database that is
/// down is reported quickly even when operations may run long.
const CONNECT_BUDGET: Duration = Duration::from_secs(5);

static STATE: Mutex<Option<ProcessState>> = Mutex::new(None);

struct ProcessState {
    pid: u32,
    runtime: Runtime,
    settings: Option<ConnectionSettings>,
    pool: Option<Pool>,
}

impl ProcessState {
    fn new() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the extension's I/O runtime: {e}")))?;
        Ok(ProcessState { pid: std::process::id(), runtime, settings: None, pool: None })
    }

    fn pool(&mut self) -> Result<Pool> {
        if self.pool.is_none() {
            let settings = self.settings.as_ref().ok_or_else(|| {
                Error::Internal("ipmanager_connect() was not called before a database operation".into())
            })?;
            self.pool = Some(Pool::new(settings.to_opts()));
        }
        Ok(self.pool.clone().expect("pool was just created"))
    }

    fn disconnect(&mut self) {
        if let Some(pool) = self.pool.take() {
            // The timer must be created inside the runtime, hence the async block.
            let _ = self.runtime.block_on(async { tokio::time::timeout(Duration::from_millis(500), pool.disconnect()).await });
        }
    }
}

pub fn set_timeout_ms(ms: u64) {
    TIMEOUT_MS.store(ms.max(1), Ordering::Relaxed);
}

pub fn timeout() -> Duration {
    Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed))
}

/// Runs `f` with this process's state, creating it if the process has none yet.
fn with_state<T>(f: impl FnOnce(&mut ProcessState) -> Result<T>) -> Result<T> {
    // A panic caught at the boundary may have poisoned the lock; the state is
    // still consistent because every mutation below is a single assignment.
    let mut slot = STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let pid = std::process::id();
    if slot.as_ref().is_none_or(|s| s.pid != pid) {
        if let Some(inherited) = slot.take() {
            std::mem::forget(inherited);
        }
        *slot = Some(ProcessState::new()?);
    }
    f(slot.as_mut().expect("state was just created"))
}

/// Records the database settings; the pool is rebuilt only when they change.
pub fn configure(settings: ConnectionSettings) -> Result<()> {
    with_state(|state| {
        if state.settings.as_ref() != Some(&settings) {
            state.disconnect();
            state.settings = Some(settings);
        }
        Ok(())
    })
}

/// Runs one database operation to completion under the operation timeout.
pub fn with_connection<T, F, Fut>(operation: F) -> Result<T>
where
    F: FnOnce(Conn) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let limit = timeout();
    with_state(|state| {
        let pool = state.pool()?;
        state.runtime.block_on(async move {
            let conn = match tokio::time::timeout(limit.min(CONNECT_BUDGET), pool.get_conn()).await {
                Ok(conn) => conn?,
                Err(_) => {
                    return Err(Error::Database(format!(
                        "The WHMCS database did not accept a connection within {} ms. Check that it is \
                         running and reachable at the address in configuration.php.",
                        limit.min(CONNECT_BUDGET).as_millis()
                    )))
                }
            };
            match tokio::time::timeout(limit, operation(conn)).await {
                Ok(result) => result,
                Err(_) => Err(Error::Database(format!(
                    "The database operation did not finish within {} ms (ipmanager.timeout_ms); nothing \
                     was committed. Try again, or raise ipmanager.timeout_ms for very large operations.",
                    limit.as_millis()
                ))),
            }
        })
    })
}

/// Runs work that needs no database connection (an SMTP delivery) on this
/// process's runtime, under the same operation timeout.
pub fn run<T>(work: impl Future<Output = T>) -> Result<T> {
    let limit = timeout();
    with_state(|state| {
        state.runtime.block_on(async move {
            tokio::time::timeout(limit, work).await.map_err(|_| {
                Error::Internal(format!("The operation did not finish within {} ms (ipmanager.timeout_ms).", limit.as_millis()))
            })
        })
    })
}

/// Closes this process's connection cleanly (module shutdown), so MariaDB does
/// not count every PHP process exit as an aborted client.
pub fn shutdown() {
    let mut slot = STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(state) = slot.as_mut() {
        if state.pid == std::process::id() {
            state.disconnect();
        }
    }
}
