//! Shared set-up for the Rust database tests: each test gets a database of its
//! own on the MariaDB named by DB_HOST/DB_PORT/DB_USER/DB_PASS (scripts/test.sh
//! sets them; 127.0.0.1:3306 as root otherwise), dropped when it ends.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::sync::atomic::{AtomicU32, Ordering};

use mysql_async::prelude::*;
use mysql_async::{Conn, Opts, OptsBuilder, Pool};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestDb {
    pub name: String,
    pub pool: Pool,
    admin: Opts,
}

fn server_opts() -> OptsBuilder {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    OptsBuilder::default()
        .ip_or_hostname(env("DB_HOST", "127.0.0.1"))
        .tcp_port(env("DB_PORT", "3306").parse().expect("DB_PORT"))
        .user(Some(env("DB_USER", "root")))
        .pass(Some(env("DB_PASS", "")))
        .prefer_socket(false)
}

impl TestDb {
    pub async fn new() -> TestDb {
        let name = format!("ipm_rs_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let admin: Opts = server_opts().into();
        let mut conn = Conn::new(admin.clone()).await.expect("test MariaDB reachable (see scripts/db-env.sh)");
        conn.query_drop(format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
        conn.query_drop(format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
            .await
            .unwrap();
        conn.disconnect().await.unwrap();
        let pool = Pool::new(
            server_opts().db_name(Some(name.clone())).setup(ipmanager::store::connection::SESSION_SETUP.to_vec()),
        );
        TestDb { name, pool, admin }
    }

    pub async fn conn(&self) -> Conn {
        self.pool.get_conn().await.unwrap()
    }

    /// WHMCS tables a use case reads, in their minimal harness shape.
    pub async fn create_whmcs_table(&self, ddl: &str) {
        self.conn().await.query_drop(ddl).await.unwrap();
    }

    /// The service columns and product tables the assignment and orphan
    /// flows read, in their minimal harness shape.
    pub async fn whmcs_services(&self) {
        self.create_whmcs_table(
            "ALTER TABLE tblhosting ADD packageid INT NOT NULL DEFAULT 0, ADD server INT NOT NULL DEFAULT 0,
                ADD domainstatus VARCHAR(20) NOT NULL DEFAULT 'Active', ADD dedicatedip TEXT NULL, ADD assignedips TEXT NULL;
             CREATE TABLE tblproducts (id INT PRIMARY KEY, name TEXT, gid INT NOT NULL DEFAULT 0);
             CREATE TABLE tblproductgroups (id INT PRIMARY KEY, name TEXT)",
        )
        .await;
    }

    pub async fn drop(self) {
        self.pool.disconnect().await.unwrap();
        let mut conn = Conn::new(self.admin.clone()).await.unwrap();
        conn.query_drop(format!("DROP DATABASE IF EXISTS {}", self.name)).await.unwrap();
        conn.disconnect().await.unwrap();
    }
}

impl TestDb {
    /// A database with the module's tables and the few WHMCS tables the
    /// pages join (minimal shapes with WHMCS's column names).
    pub async fn activated() -> TestDb {
        let db = TestDb::new().await;
        let mut conn = db.conn().await;
        conn.query_drop(
            "CREATE TABLE tbladdonmodules (id INT AUTO_INCREMENT PRIMARY KEY, module VARCHAR(64) NOT NULL,
                setting VARCHAR(64) NOT NULL, value TEXT NOT NULL);
             CREATE TABLE tblclients (id INT AUTO_INCREMENT PRIMARY KEY, firstname VARCHAR(100) NOT NULL DEFAULT '',
                lastname VARCHAR(100) NOT NULL DEFAULT '');
             CREATE TABLE tblhosting (id INT AUTO_INCREMENT PRIMARY KEY, userid INT NOT NULL DEFAULT 0,
                domain VARCHAR(255) NOT NULL DEFAULT '')",
        )
        .await
        .unwrap();
        ipmanager::store::schema::migrate(&mut conn, None).await.unwrap();
        drop(conn);
        db
    }
}
