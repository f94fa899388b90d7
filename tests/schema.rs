//! Activation, deactivation and upgrade of the schema against a real MariaDB.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::module;
use ipmanager::store::schema::{self, TABLES};
use mysql_async::prelude::*;
use support::TestDb;

const ADDON_SETTINGS: &str = "CREATE TABLE tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY,
    module VARCHAR(64) NOT NULL, setting VARCHAR(64) NOT NULL, value TEXT NOT NULL)";

async fn table_count(db: &TestDb) -> usize {
    let tables: Vec<String> = db.conn().await.query("SHOW TABLES LIKE 'mod\\_ipmanager\\_%'").await.unwrap();
    tables.len()
}

#[tokio::test]
async fn activate_creates_every_table_and_is_repeatable() {
    let db = TestDb::new().await;
    db.create_whmcs_table(ADDON_SETTINGS).await;
    let first = module::activate(db.conn().await, &Actor::system()).await.unwrap();
    assert_eq!(first.status, "success");
    assert_eq!(table_count(&db).await, TABLES.len());
    let again = module::activate(db.conn().await, &Actor::system()).await.unwrap();
    assert!(again.description.contains("already at schema version"), "{}", again.description);
    let engines: Vec<(String, String)> = db
        .conn()
        .await
        .exec(
            "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND ENGINE <> 'InnoDB'",
            (db.name.clone(),),
        )
        .await
        .unwrap();
    assert!(engines.is_empty(), "non-InnoDB tables: {engines:?}");
    db.drop().await;
}

#[tokio::test]
async fn deactivate_keeps_data_unless_asked_to_delete_it() {
    let db = TestDb::new().await;
    db.create_whmcs_table(ADDON_SETTINGS).await;
    module::activate(db.conn().await, &Actor::system()).await.unwrap();
    module::deactivate(db.conn().await, &Actor::system()).await.unwrap();
    assert_eq!(table_count(&db).await, TABLES.len());
    let logged: Option<u64> =
        db.conn().await.query_first("SELECT COUNT(*) FROM mod_ipmanager_logs").await.unwrap();
    assert_eq!(logged, Some(2), "activation and deactivation are both logged and kept");

    db.conn()
        .await
        .exec_drop(
            "INSERT INTO tbladdonmodules (module, setting, value) VALUES ('ipmanager', ?, 'on')",
            (module::DELETE_DATA_SETTING,),
        )
        .await
        .unwrap();
    let outcome = module::deactivate(db.conn().await, &Actor::system()).await.unwrap();
    assert!(outcome.description.contains("deleted"));
    assert_eq!(table_count(&db).await, 0);
    db.drop().await;
}

#[tokio::test]
async fn upgrade_from_the_previous_version_keeps_the_data() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let previous = schema::current_version() - 1;
    let report = schema::migrate(&mut conn, Some(previous)).await.unwrap();
    assert_eq!(report.to_version, previous);
    conn.query_drop(
        "INSERT INTO mod_ipmanager_subnets (id, name, cidr, version, network_bin, prefix_length, start_ip, end_ip,
            start_bin, end_bin, excluded_ips, description)
         VALUES (1, 'Production', '192.0.2.0/24', 4, UNHEX('C0000200'), 24, '192.0.2.0', '192.0.2.255',
            UNHEX('C0000200'), UNHEX('C00002FF'), '', '');
         INSERT INTO mod_ipmanager_ip_addresses (subnet_id, ip, ip_bin, prefix_length, version, status, cooldown_until)
         VALUES (1, '192.0.2.7', UNHEX('C0000207'), 32, 4, 'cooldown', '2030-01-02 03:04:05'),
                (1, '192.0.2.9', UNHEX('C0000209'), 32, 4, 'cooldown', '2030-01-01 00:00:00')",
    )
    .await
    .unwrap();
    drop(conn);

    let outcome = module::upgrade(db.conn().await, &Actor::system(), "0.0.9").await.unwrap();
    assert!(outcome.description.contains(&format!("{previous} to {}", schema::current_version())));
    let names: Vec<String> = db.conn().await.query("SELECT name FROM mod_ipmanager_subnets").await.unwrap();
    assert_eq!(names, vec!["Production".to_string()]);
    let bound: Option<String> =
        db.conn().await.query_first("SELECT CAST(cooldown_ends_at AS CHAR) FROM mod_ipmanager_subnets").await.unwrap();
    assert_eq!(bound.as_deref(), Some("2030-01-01 00:00:00"), "the cooldown bound starts at the earliest cooldown end");
    assert_eq!(table_count(&db).await, TABLES.len());
    let status = module::schema_status(db.conn().await).await.unwrap();
    assert!(status.ready);
    db.drop().await;
}

#[tokio::test]
async fn concurrent_activations_migrate_once() {
    let db = TestDb::new().await;
    db.create_whmcs_table(ADDON_SETTINGS).await;
    let actor = Actor::system();
    let (first, second) = (db.conn().await, db.conn().await);
    let (a, b) = tokio::join!(module::activate(first, &actor), module::activate(second, &actor));
    assert_eq!(a.unwrap().status, "success");
    assert_eq!(b.unwrap().status, "success");
    let ledger: Vec<u32> =
        db.conn().await.query("SELECT version FROM mod_ipmanager_schema_migrations ORDER BY version").await.unwrap();
    assert_eq!(ledger, (1..=schema::current_version()).collect::<Vec<_>>());
    db.drop().await;
}
