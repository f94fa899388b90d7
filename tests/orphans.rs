//! Orphaned assignments against a real MariaDB: who is listed, release one,
//! release all, and WHMCS's fields cleared.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::assignments::{self, Choice};
use ipmanager::app::input::Input;
use ipmanager::app::orphans::{self, OrphanFilters};
use ipmanager::app::subnets::{self, SubnetForm};
use mysql_async::prelude::*;
use serde_json::json;
use support::TestDb;

#[tokio::test]
async fn services_that_are_not_live_or_gone_are_listed_and_released() {
    let db = TestDb::activated().await;
    db.whmcs_services().await;
    db.conn()
        .await
        .query_drop(
            "INSERT INTO tblhosting (id, userid, domain, domainstatus) VALUES
                (1, 1, 'live', 'Active'), (2, 1, 'suspended', 'Suspended'), (3, 2, 'gone', 'Terminated')",
        )
        .await
        .unwrap();
    let form = SubnetForm::from_input(&Input::new(json!({"name": "S", "cidr": "192.0.2.0/28", "store_free_ips": "on"})).unwrap()).unwrap();
    let subnet = subnets::save(db.conn().await, &form, &Actor::system()).await.unwrap().id;
    for service in [1, 2, 3] {
        let scope = ipmanager::app::allocation::Scope::Subnet(subnet);
        assignments::assign(&mut db.conn().await, service, Choice::From(scope), &Actor::system()).await.unwrap();
    }
    db.conn().await.query_drop("DELETE FROM tblhosting WHERE id = 3").await.unwrap();

    let page = orphans::page(db.conn().await, &OrphanFilters::default()).await.unwrap();
    let listed: Vec<(u32, &str)> = page.orphans.iter().map(|o| (o.service_id, o.status.as_str())).collect();
    assert_eq!(listed, [(2, "Suspended"), (3, "missing")]);
    let only_missing = orphans::page(db.conn().await, &OrphanFilters { status: "missing".into(), product_id: None }).await.unwrap();
    assert_eq!(only_missing.orphans.len(), 1);

    let live: u64 = db
        .conn()
        .await
        .query_first("SELECT x.ip_address_id FROM mod_ipmanager_assignments x WHERE x.service_id = 1")
        .await
        .unwrap()
        .unwrap();
    assert!(orphans::release_one(&mut db.conn().await, live, &Actor::system()).await.is_err(), "a live service's address is not orphaned");

    let suspended = &page.orphans[0];
    orphans::release_one(&mut db.conn().await, suspended.address_id, &Actor::system()).await.unwrap();
    let fields: Option<(Option<String>, Option<String>)> =
        db.conn().await.query_first("SELECT dedicatedip, assignedips FROM tblhosting WHERE id = 2").await.unwrap();
    assert_eq!(fields, Some((Some(String::new()), Some(String::new()))), "WHMCS no longer shows the released address");
    let all = orphans::release_all(&mut db.conn().await, &OrphanFilters::default(), &Actor::system()).await.unwrap();
    assert_eq!(all.message, "1 orphaned addresses released.");
    let left: Vec<u32> = db.conn().await.query("SELECT service_id FROM mod_ipmanager_assignments").await.unwrap();
    assert_eq!(left, [1]);
    let steps: Vec<String> = db
        .conn()
        .await
        .query("SELECT action FROM mod_ipmanager_logs WHERE service_id = 2 ORDER BY id")
        .await
        .unwrap();
    assert_eq!(steps[steps.len() - 3..], ["orphan_server", "address_released", "orphan_netbox"]);
    db.drop().await;
}
