//! The module's tables and their versioned migrations.
//!
//! Activation and upgrade run every migration that is not applied yet, in
//! order; each one is idempotent (`IF NOT EXISTS`, an added column that is
//! already there is skipped), so re-running activate or upgrade, or a run
//! killed half-way, is harmless. Applied versions are
//! recorded in `mod_ipmanager_schema_migrations`. A named lock keeps two
//! processes from migrating at once.

use mysql_async::prelude::*;
use mysql_async::Conn;

use crate::{Error, Result};

pub struct Migration {
    pub version: u32,
    pub description: &'static str,
    pub statements: &'static [&'static str],
}

/// Every table the module owns, so deactivation with "Delete all data" can drop them.
pub const TABLES: &[&str] = &[
    "mod_ipmanager_subnets",
    "mod_ipmanager_pools",
    "mod_ipmanager_ip_addresses",
    "mod_ipmanager_reservation_rules",
    "mod_ipmanager_configurations",
    "mod_ipmanager_configuration_relations",
    "mod_ipmanager_assignments",
    "mod_ipmanager_integration_config",
    "mod_ipmanager_usage_alerts",
    "mod_ipmanager_logs",
    "mod_ipmanager_ipam_mapping",
    "mod_ipmanager_custom_fields",
    "mod_ipmanager_custom_field_values",
    "mod_ipmanager_subnet_locks",
    "mod_ipmanager_acl",
    "mod_ipmanager_settings",
    "mod_ipmanager_task_runs",
    "mod_ipmanager_task_history",
    "mod_ipmanager_schema_migrations",
];

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "the tables of the user guide",
        statements: &[
            // Addresses are kept as canonical text for people and as big-endian
            // VARBINARY(16) for ordering, ranges and gap search. No NULL-able
            // column takes part in a unique key; 0 means "none" for references.
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_subnets (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                parent_id INT UNSIGNED NOT NULL DEFAULT 0,
                name VARCHAR(255) NOT NULL,
                cidr VARCHAR(49) NOT NULL,
                version TINYINT UNSIGNED NOT NULL,
                network_bin VARBINARY(16) NOT NULL,
                prefix_length TINYINT UNSIGNED NOT NULL,
                start_ip VARCHAR(45) NOT NULL,
                end_ip VARCHAR(45) NOT NULL,
                start_bin VARBINARY(16) NOT NULL,
                end_bin VARBINARY(16) NOT NULL,
                gateway VARCHAR(45) NOT NULL DEFAULT '',
                excluded_ips TEXT NOT NULL,
                store_free_ips TINYINT(1) NOT NULL DEFAULT 0,
                alert_threshold TINYINT UNSIGNED NULL,
                free_hint_bin VARBINARY(16) NULL,
                description TEXT NOT NULL,
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                UNIQUE KEY uniq_network (network_bin, prefix_length),
                KEY idx_parent (parent_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_pools (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                subnet_id INT UNSIGNED NOT NULL,
                name VARCHAR(255) NOT NULL,
                range_start VARCHAR(45) NOT NULL DEFAULT '',
                range_end VARCHAR(45) NOT NULL DEFAULT '',
                start_bin VARBINARY(16) NOT NULL,
                end_bin VARBINARY(16) NOT NULL,
                vlan VARCHAR(32) NOT NULL DEFAULT '',
                bridge VARCHAR(64) NOT NULL DEFAULT '',
                gateway VARCHAR(45) NOT NULL DEFAULT '',
                dns1 VARCHAR(45) NOT NULL DEFAULT '',
                dns2 VARCHAR(45) NOT NULL DEFAULT '',
                delegation_prefix_length TINYINT UNSIGNED NOT NULL DEFAULT 0,
                free_hint_bin VARBINARY(16) NULL,
                description TEXT NOT NULL,
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                KEY idx_subnet (subnet_id, start_bin)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_ip_addresses (
                id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                subnet_id INT UNSIGNED NOT NULL,
                pool_id INT UNSIGNED NOT NULL DEFAULT 0,
                ip VARCHAR(45) NOT NULL,
                ip_bin VARBINARY(16) NOT NULL,
                prefix_length TINYINT UNSIGNED NOT NULL,
                version TINYINT UNSIGNED NOT NULL,
                status ENUM('free','assigned','reserved','cooldown','releasing') NOT NULL DEFAULT 'free',
                note VARCHAR(255) NOT NULL DEFAULT '',
                cooldown_until DATETIME NULL,
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                UNIQUE KEY uniq_subnet_address (subnet_id, ip_bin),
                KEY idx_pool_status (pool_id, status, ip_bin),
                KEY idx_subnet_status (subnet_id, status, ip_bin),
                KEY idx_ip (ip),
                KEY idx_cooldown (status, cooldown_until)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_reservation_rules (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                subnet_id INT UNSIGNED NOT NULL DEFAULT 0,
                pool_id INT UNSIGNED NOT NULL DEFAULT 0,
                rule_type ENUM('network','broadcast','gateway','custom') NOT NULL,
                value VARCHAR(100) NOT NULL DEFAULT '',
                note VARCHAR(255) NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                KEY idx_subnet (subnet_id),
                KEY idx_pool (pool_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_configurations (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                name VARCHAR(255) NOT NULL,
                omit_dedicated_ip TINYINT(1) NOT NULL DEFAULT 0,
                use_custom_field TINYINT(1) NOT NULL DEFAULT 0,
                custom_field_name VARCHAR(255) NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_configuration_relations (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                configuration_id INT UNSIGNED NOT NULL,
                relation_type ENUM('product','server','addon','configoption') NOT NULL,
                target_id INT UNSIGNED NOT NULL,
                pool_id INT UNSIGNED NOT NULL DEFAULT 0,
                subnet_id INT UNSIGNED NOT NULL DEFAULT 0,
                priority INT NOT NULL DEFAULT 0,
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                UNIQUE KEY uniq_relation (configuration_id, relation_type, target_id, pool_id, subnet_id),
                KEY idx_target (relation_type, target_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_assignments (
                id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                ip_address_id BIGINT UNSIGNED NOT NULL,
                service_id INT UNSIGNED NOT NULL,
                client_id INT UNSIGNED NOT NULL,
                type ENUM('primary','additional') NOT NULL DEFAULT 'primary',
                source VARCHAR(32) NOT NULL DEFAULT '',
                configuration_id INT UNSIGNED NOT NULL DEFAULT 0,
                assigned_by VARCHAR(64) NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                UNIQUE KEY uniq_address (ip_address_id),
                KEY idx_service (service_id),
                KEY idx_client (client_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_integration_config (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                integration VARCHAR(64) NOT NULL,
                enabled TINYINT(1) NOT NULL DEFAULT 0,
                settings TEXT NOT NULL,
                updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                UNIQUE KEY uniq_integration (integration)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_usage_alerts (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                scope ENUM('subnet','pool') NOT NULL,
                scope_id INT UNSIGNED NOT NULL,
                usage_percent DECIMAL(6,2) NOT NULL DEFAULT 0,
                threshold TINYINT UNSIGNED NOT NULL DEFAULT 0,
                alerted TINYINT(1) NOT NULL DEFAULT 0,
                last_alert_at DATETIME NULL,
                checked_at DATETIME NULL,
                UNIQUE KEY uniq_scope (scope, scope_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_logs (
                id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                actor_type ENUM('admin','client','cron','hook','system') NOT NULL,
                actor_id INT UNSIGNED NOT NULL DEFAULT 0,
                action VARCHAR(64) NOT NULL,
                details TEXT NOT NULL,
                ip VARCHAR(49) NOT NULL DEFAULT '',
                service_id INT UNSIGNED NOT NULL DEFAULT 0,
                client_id INT UNSIGNED NOT NULL DEFAULT 0,
                request_ip VARCHAR(45) NOT NULL DEFAULT '',
                KEY idx_created (created_at),
                KEY idx_action (action, created_at),
                KEY idx_service (service_id),
                KEY idx_ip (ip)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_ipam_mapping (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                provider VARCHAR(32) NOT NULL,
                object_type ENUM('subnet','ip_address') NOT NULL,
                local_id BIGINT UNSIGNED NOT NULL,
                external_id VARCHAR(64) NOT NULL,
                synced_at DATETIME NULL,
                UNIQUE KEY uniq_local (provider, object_type, local_id),
                KEY idx_external (provider, object_type, external_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_custom_fields (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                scope ENUM('subnet','pool','ip_address') NOT NULL,
                name VARCHAR(100) NOT NULL,
                field_type ENUM('text','textarea','dropdown','yesno') NOT NULL DEFAULT 'text',
                options TEXT NOT NULL,
                sort_order INT NOT NULL DEFAULT 0,
                UNIQUE KEY uniq_name (scope, name)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_custom_field_values (
                id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                field_id INT UNSIGNED NOT NULL,
                object_id BIGINT UNSIGNED NOT NULL,
                value TEXT NOT NULL,
                UNIQUE KEY uniq_value (field_id, object_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_subnet_locks (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                subnet_id INT UNSIGNED NOT NULL DEFAULT 0,
                pool_id INT UNSIGNED NOT NULL DEFAULT 0,
                client_id INT UNSIGNED NOT NULL DEFAULT 0,
                service_id INT UNSIGNED NOT NULL DEFAULT 0,
                note VARCHAR(255) NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
                UNIQUE KEY uniq_target (subnet_id, pool_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_acl (
                id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                role_id INT UNSIGNED NOT NULL,
                resource_type ENUM('page','subnet','pool','configuration') NOT NULL,
                resource_id VARCHAR(64) NOT NULL,
                permission ENUM('view','manage') NOT NULL,
                UNIQUE KEY uniq_grant (role_id, resource_type, resource_id, permission)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        ],
    },
    Migration {
        version: 2,
        description: "operational settings and scheduled task runs",
        statements: &[
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_settings (
                name VARCHAR(64) NOT NULL PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_task_runs (
                task VARCHAR(32) NOT NULL PRIMARY KEY,
                lock_owner VARCHAR(64) NOT NULL DEFAULT '',
                lock_expires_at DATETIME NULL,
                started_at DATETIME NULL,
                finished_at DATETIME NULL,
                last_run_date DATE NULL,
                outcome VARCHAR(16) NOT NULL DEFAULT '',
                message TEXT NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        ],
    },
    Migration {
        version: 3,
        description: "history of scheduled task runs with their reports",
        statements: &[
            "CREATE TABLE IF NOT EXISTS mod_ipmanager_task_history (
                id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                task VARCHAR(32) NOT NULL,
                trigger_source VARCHAR(32) NOT NULL,
                dry_run TINYINT(1) NOT NULL DEFAULT 0,
                started_at DATETIME NOT NULL,
                finished_at DATETIME NOT NULL,
                outcome VARCHAR(16) NOT NULL,
                message TEXT NOT NULL,
                report_name VARCHAR(128) NOT NULL DEFAULT '',
                report MEDIUMTEXT NULL,
                KEY idx_task (task, id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        ],
    },
    Migration {
        version: 4,
        description: "per subnet, whether it has dedications and the earliest time a cooldown in it can end",
        statements: &[
            // What an allocation must know of a subnet, on its row, so that one
            // primary-key read tells it (see app::allocation): whether the subnet
            // or a pool of it is dedicated (mirrors mod_ipmanager_subnet_locks),
            // and a time never later than the end of any cooldown in it (NULL: none).
            "ALTER TABLE mod_ipmanager_subnets ADD COLUMN dedicated TINYINT(1) NOT NULL DEFAULT 0 AFTER free_hint_bin",
            "ALTER TABLE mod_ipmanager_subnets ADD COLUMN cooldown_ends_at DATETIME NULL AFTER dedicated",
            "UPDATE mod_ipmanager_subnets s SET s.updated_at = s.updated_at,
                s.dedicated = EXISTS (SELECT 1 FROM mod_ipmanager_subnet_locks l WHERE l.subnet_id = s.id),
                s.cooldown_ends_at = (SELECT MIN(a.cooldown_until) FROM mod_ipmanager_ip_addresses a
                                      WHERE a.subnet_id = s.id AND a.status = 'cooldown')",
        ],
    },
];

/// MySQL's "Duplicate column name": an `ADD COLUMN` of a migration that an
/// interrupted earlier run already applied (MySQL has no `ADD COLUMN IF NOT EXISTS`).
const ER_DUP_FIELDNAME: u16 = 1060;

/// The schema version this build expects.
pub fn current_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS mod_ipmanager_schema_migrations (
    version INT UNSIGNED NOT NULL PRIMARY KEY,
    description VARCHAR(255) NOT NULL,
    applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

const MIGRATION_LOCK: &str = "mod_ipmanager_migrate";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub from_version: u32,
    pub to_version: u32,
    pub applied: Vec<u32>,
}

/// The highest applied version; 0 when the module was never activated.
pub async fn installed_version(conn: &mut Conn) -> Result<u32> {
    let exists: Option<String> = conn
        .query_first("SHOW TABLES LIKE 'mod_ipmanager_schema_migrations'")
        .await?;
    if exists.is_none() {
        return Ok(0);
    }
    let version: Option<Option<u32>> =
        conn.query_first("SELECT MAX(version) FROM mod_ipmanager_schema_migrations").await?;
    Ok(version.flatten().unwrap_or(0))
}

/// Applies every migration up to `target` (all of them when `None`).
pub async fn migrate(conn: &mut Conn, target: Option<u32>) -> Result<MigrationReport> {
    let target = target.unwrap_or_else(current_version);
    let locked: Option<Option<i64>> = conn.exec_first("SELECT GET_LOCK(?, 30)", (MIGRATION_LOCK,)).await?;
    if locked.flatten() != Some(1) {
        return Err(Error::Conflict(
            "Another process is migrating the IP Manager tables right now; try again in a minute.".into(),
        ));
    }
    let outcome = apply(conn, target).await;
    let _: Option<Option<i64>> = conn.exec_first("SELECT RELEASE_LOCK(?)", (MIGRATION_LOCK,)).await?;
    outcome
}

async fn apply(conn: &mut Conn, target: u32) -> Result<MigrationReport> {
    conn.query_drop(LEDGER).await?;
    let from_version = installed_version(conn).await?;
    let mut applied = Vec::new();
    for migration in MIGRATIONS.iter().filter(|m| m.version > from_version && m.version <= target) {
        for statement in migration.statements {
            match conn.query_drop(*statement).await {
                Err(mysql_async::Error::Server(e)) if e.code == ER_DUP_FIELDNAME => {}
                outcome => outcome.map_err(|e| {
                    Error::Database(format!("Schema migration {} failed: {}", migration.version, Error::from(e)))
                })?,
            }
        }
        // DDL commits implicitly, so the ledger row is written only after every
        // statement of the migration succeeded; a rerun repeats the idempotent
        // ones and skips a column that is already there.
        conn.exec_drop(
            "INSERT IGNORE INTO mod_ipmanager_schema_migrations (version, description) VALUES (?, ?)",
            (migration.version, migration.description),
        )
        .await?;
        applied.push(migration.version);
    }
    let to_version = installed_version(conn).await?;
    Ok(MigrationReport { from_version, to_version, applied })
}

/// Drops every table of the module (deactivation with "Delete all data").
pub async fn drop_all(conn: &mut Conn) -> Result<()> {
    let list = TABLES.join(", ");
    conn.query_drop(format!("DROP TABLE IF EXISTS {list}")).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE_OPTIONS: &str = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

    #[test]
    fn versions_increase_by_one_and_every_table_is_listed() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
        }
        let ddl: String = MIGRATIONS.iter().flat_map(|m| m.statements.iter()).copied().collect();
        for table in TABLES.iter().filter(|t| **t != "mod_ipmanager_schema_migrations") {
            assert!(ddl.contains(&format!("EXISTS {table} (")), "{table} has no CREATE TABLE");
        }
        assert!(ddl.matches("CREATE TABLE").count() == TABLES.len() - 1);
        assert!(ddl.matches(TABLE_OPTIONS).count() == TABLES.len() - 1, "every table is InnoDB utf8mb4");
    }
}
