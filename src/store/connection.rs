//! WHMCS's database settings (`configuration.php`) turned into connection
//! options, following what PHP's mysqlnd does with the same values.

use std::path::Path;
use std::time::Duration;

use mysql_async::{Opts, OptsBuilder, PoolConstraints, PoolOpts};
use serde::Deserialize;

use crate::{Error, Result};

/// The raw values of WHMCS's `configuration.php`, as the shim reads them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WhmcsDatabaseConfig {
    pub db_host: String,
    pub db_port: String,
    pub db_username: String,
    pub db_password: String,
    pub db_name: String,
    /// PHP's `pdo_mysql.default_socket`, used when the host is `localhost`.
    pub default_socket: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp { host: String, port: u16 },
    Socket(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub endpoint: Endpoint,
    pub user: String,
    pub password: String,
    pub database: String,
}

/// Run on every new connection of the extension.
pub const SESSION_SETUP: &[&str] = &[
    "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'",
    // Allocation reads after taking a lock must see what the previous holder
    // committed; under REPEATABLE READ an earlier read would pin an older
    // snapshot. (With binary logging this needs binlog_format ROW or MIXED,
    // the defaults of MySQL 8 and MariaDB.)
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    // Well below the operation timeout, so a lock held elsewhere gives a
    // clear error instead of a timeout.
    "SET SESSION innodb_lock_wait_timeout = 10",
];

/// Where mysqlnd looks for the server socket when PHP names none.
const SOCKET_CANDIDATES: &[&str] =
    &["/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/var/lib/mysql/mysql.sock", "/tmp/mysql.sock"];

impl ConnectionSettings {
    /// `$db_host` may be `host`, `host:port`, `[v6]:port`, `host:/path/to.sock`
    /// or a socket path; `localhost` without a port means the Unix socket.
    pub fn from_whmcs(config: &WhmcsDatabaseConfig) -> Result<Self> {
        if config.db_name.trim().is_empty() {
            return Err(Error::invalid("configuration.php sets no $db_name"));
        }
        if config.db_username.trim().is_empty() {
            return Err(Error::invalid("configuration.php sets no $db_username"));
        }
        let explicit_port = match config.db_port.trim() {
            "" => None,
            p => Some(parse_port(p)?),
        };
        let endpoint = parse_host(config.db_host.trim(), explicit_port, &config.default_socket)?;
        Ok(ConnectionSettings {
            endpoint,
            user: config.db_username.clone(),
            password: config.db_password.clone(),
            database: config.db_name.clone(),
        })
    }

    pub fn to_opts(&self) -> Opts {
        // One connection per process, kept open and not reset between calls, so
        // prepared statements stay cached across PHP requests.
        let pool = PoolOpts::default()
            .with_constraints(PoolConstraints::new(1, 1).expect("1..=1 is a valid constraint"))
            .with_reset_connection(false);
        let builder = OptsBuilder::default()
            .user(Some(self.user.clone()))
            .pass(Some(self.password.clone()))
            .db_name(Some(self.database.clone()))
            .prefer_socket(false)
            .pool_opts(pool)
            .tcp_keepalive(Some(Duration::from_secs(60)))
            .setup(SESSION_SETUP.to_vec());
        let builder = match &self.endpoint {
            Endpoint::Tcp { host, port } => builder.ip_or_hostname(host.clone()).tcp_port(*port),
            Endpoint::Socket(path) => builder.socket(Some(path.clone())),
        };
        builder.into()
    }
}

fn parse_port(text: &str) -> Result<u16> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| Error::invalid(format!("the database port \"{text}\" in configuration.php is not a port number")))
}

fn parse_host(host: &str, explicit_port: Option<u16>, default_socket: &str) -> Result<Endpoint> {
    if host.starts_with('/') {
        return Ok(Endpoint::Socket(host.to_string()));
    }
    let (name, port_or_socket) = split_host(host);
    let name = if name.is_empty() { "localhost" } else { name };
    match port_or_socket {
        Some(rest) if rest.starts_with('/') => Ok(Endpoint::Socket(rest.to_string())),
        Some(port) => Ok(Endpoint::Tcp { host: name.to_string(), port: parse_port(port)? }),
        None => match explicit_port {
            Some(port) => Ok(Endpoint::Tcp { host: name.to_string(), port }),
            None if name == "localhost" => Ok(Endpoint::Socket(default_socket_path(default_socket))),
            None => Ok(Endpoint::Tcp { host: name.to_string(), port: 3306 }),
        },
    }
}

/// Splits `host:rest`, keeping bracketed and bare IPv6 addresses whole.
fn split_host(host: &str) -> (&str, Option<&str>) {
    if let Some(inner) = host.strip_prefix('[') {
        if let Some((addr, rest)) = inner.split_once(']') {
            return (addr, rest.strip_prefix(':').filter(|r| !r.is_empty()));
        }
    }
    if host.matches(':').count() > 1 && !host.contains(":/") {
        return (host, None);
    }
    match host.split_once(':') {
        Some((name, rest)) if !rest.is_empty() => (name, Some(rest)),
        Some((name, _)) => (name, None),
        None => (host, None),
    }
}

fn default_socket_path(configured: &str) -> String {
    if !configured.trim().is_empty() {
        return configured.trim().to_string();
    }
    SOCKET_CANDIDATES
        .iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or(&SOCKET_CANDIDATES[0])
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(host: &str, port: &str, socket: &str) -> Result<Endpoint> {
        let config = WhmcsDatabaseConfig {
            db_host: host.into(),
            db_port: port.into(),
            db_username: "whmcs".into(),
            db_name: "whmcs".into(),
            default_socket: socket.into(),
            ..Default::default()
        };
        ConnectionSettings::from_whmcs(&config).map(|s| s.endpoint)
    }

    fn tcp(host: &str, port: u16) -> Endpoint {
        Endpoint::Tcp { host: host.into(), port }
    }

    #[test]
    fn host_forms_follow_mysqlnd() {
        assert_eq!(endpoint("db.example.test", "", "").unwrap(), tcp("db.example.test", 3306));
        assert_eq!(endpoint("db.example.test:3307", "", "").unwrap(), tcp("db.example.test", 3307));
        assert_eq!(endpoint("127.0.0.1", "3308", "").unwrap(), tcp("127.0.0.1", 3308));
        assert_eq!(endpoint("localhost", "3307", "").unwrap(), tcp("localhost", 3307));
        assert_eq!(endpoint("localhost", "", "/tmp/x.sock").unwrap(), Endpoint::Socket("/tmp/x.sock".into()));
        assert_eq!(endpoint("localhost:/tmp/y.sock", "", "").unwrap(), Endpoint::Socket("/tmp/y.sock".into()));
        assert_eq!(endpoint("/var/run/mysqld/mysqld.sock", "", "").unwrap(), Endpoint::Socket("/var/run/mysqld/mysqld.sock".into()));
        assert_eq!(endpoint("[::1]:3309", "", "").unwrap(), tcp("::1", 3309));
        assert_eq!(endpoint("::1", "", "").unwrap(), tcp("::1", 3306));
        assert_eq!(endpoint("", "", "/s.sock").unwrap(), Endpoint::Socket("/s.sock".into()));
    }

    #[test]
    fn an_embedded_port_wins_over_db_port() {
        assert_eq!(endpoint("db:3310", "3306", "").unwrap(), tcp("db", 3310));
    }

    #[test]
    fn bad_values_are_named() {
        assert!(endpoint("db:abc", "", "").unwrap_err().message().contains("\"abc\""));
        assert!(endpoint("db", "0", "").unwrap_err().message().contains("\"0\""));
        let missing = WhmcsDatabaseConfig { db_host: "db".into(), db_username: "u".into(), ..Default::default() };
        assert!(ConnectionSettings::from_whmcs(&missing).unwrap_err().message().contains("$db_name"));
    }
}
