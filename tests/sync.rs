//! Synchronize against a real MariaDB: every case of the guide, live-only,
//! dry run, and batches.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::allocation::{self, AssignmentType, Recipient, Scope};
use ipmanager::app::input::Input;
use ipmanager::app::subnets::{self, SubnetForm};
use ipmanager::app::sync::{run_batch, SyncBatch, SyncOptions};
use mysql_async::prelude::*;
use serde_json::json;
use support::TestDb;

async fn setup() -> (TestDb, u32) {
    let db = TestDb::activated().await;
    db.conn()
        .await
        .query_drop(
            "ALTER TABLE tblhosting ADD domainstatus VARCHAR(20) NOT NULL DEFAULT 'Active',
                ADD dedicatedip TEXT NULL, ADD assignedips TEXT NULL",
        )
        .await
        .unwrap();
    let stored = SubnetForm::from_input(&Input::new(json!({"name": "S", "cidr": "192.0.2.0/24", "gateway": "192.0.2.1",
        "reserve_network": "on", "reserve_broadcast": "on", "reserve_gateway": "on", "store_free_ips": "on"})).unwrap()).unwrap();
    let stored_id = subnets::save(db.conn().await, &stored, &Actor::system()).await.unwrap().id;
    let v6 = SubnetForm::from_input(&Input::new(json!({"name": "v6", "cidr": "2001:db8::/48"})).unwrap()).unwrap();
    subnets::save(db.conn().await, &v6, &Actor::system()).await.unwrap();
    // Service 1 already holds 192.0.2.10 in IP Manager.
    let mut conn = db.conn().await;
    allocation::assign_specific_in(
        &mut conn,
        "192.0.2.10".parse().unwrap(),
        &Recipient { service_id: 1, client_id: 1, assignment_type: AssignmentType::Primary, source: "test", configuration_id: 0 },
        &Actor::system(),
    )
    .await
    .unwrap();
    drop(conn);
    let _ = Scope::Subnet(stored_id);
    db.conn()
        .await
        .query_drop(
            "INSERT INTO tblhosting (id, userid, domain, domainstatus, dedicatedip, assignedips) VALUES
             (1, 1, 'a', 'Active', '192.0.2.10', ''),
             (2, 1, 'b', 'Active', '192.0.2.20', '2001:db8::5\r\n2001:db8::6,198.51.100.7'),
             (3, 2, 'c', 'Pending', '192.0.2.10', ''),
             (4, 2, 'd', 'Suspended', '192.0.2.30', ''),
             (5, 3, 'e', 'Active', '192.0.2.1', 'not-an-ip'),
             (6, 3, 'f', 'Active', '', '')",
        )
        .await
        .unwrap();
    (db, stored_id)
}

async fn all_batches(db: &TestDb, live_only: bool, dry_run: bool, batch: u32) -> Vec<SyncBatch> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let mut conn = db.conn().await;
        let report = run_batch(&mut conn, SyncOptions { live_only, dry_run, after, batch }, &Actor::system()).await.unwrap();
        after = report.next_after;
        let done = report.done;
        out.push(report);
        if done {
            return out;
        }
    }
}

async fn assignment_count(db: &TestDb) -> u64 {
    db.conn().await.query_first("SELECT COUNT(*) FROM mod_ipmanager_assignments").await.unwrap().unwrap()
}

#[tokio::test]
async fn each_case_of_the_guide_is_counted_and_applied() {
    let (db, _) = setup().await;
    let dry = all_batches(&db, true, true, 2).await;
    assert_eq!(assignment_count(&db).await, 1, "a dry run writes nothing");
    let sum = |batches: &[SyncBatch], f: fn(&SyncBatch) -> u32| batches.iter().map(f).sum::<u32>();
    let real = all_batches(&db, true, false, 2).await;
    for batches in [&dry, &real] {
        assert_eq!(batches[0].total, Some(4), "live services with an IP in WHMCS");
        assert_eq!(sum(batches, |b| b.correct), 1, "192.0.2.10 of service 1");
        assert_eq!(sum(batches, |b| b.synced), 1, "192.0.2.20: stored and free");
        assert_eq!(sum(batches, |b| b.created), 2, "2001:db8::5 and ::6 in the on-demand /48");
        assert_eq!(sum(batches, |b| b.conflicts), 1, "192.0.2.10 of service 3 belongs to service 1");
        assert_eq!(sum(batches, |b| b.skipped), 3, "198.51.100.7 (no subnet), the gateway 192.0.2.1 (reserved), not-an-ip");
    }
    let reasons: Vec<(u32, String, String)> =
        real.iter().flat_map(|b| b.rows.iter().map(|r| (r.service_id, r.ip.clone(), r.reason.clone()))).collect();
    assert!(reasons.contains(&(2, "198.51.100.7".into(), "no matching subnet".into())), "{reasons:?}");
    assert!(reasons.contains(&(5, "192.0.2.1".into(), "reserved in IP Manager".into())), "{reasons:?}");
    assert!(reasons.contains(&(3, "192.0.2.10".into(), "assigned to service #1 in IP Manager".into())), "{reasons:?}");
    assert_eq!(assignment_count(&db).await, 4);
    let primary: Vec<(String, String)> = db
        .conn()
        .await
        .query("SELECT a.ip, x.type FROM mod_ipmanager_assignments x JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id WHERE x.service_id = 2 ORDER BY a.version, a.ip_bin")
        .await
        .unwrap();
    assert_eq!(primary, [("192.0.2.20".into(), "primary".into()), ("2001:db8::5".into(), "additional".into()), ("2001:db8::6".into(), "additional".into())]);
    let again = all_batches(&db, true, false, 100).await;
    assert_eq!(sum(&again, |b| b.correct), 4, "a second run finds everything in place");
    db.drop().await;
}

#[tokio::test]
async fn a_subnet_dedicated_to_another_client_is_not_synced_into() {
    let (db, stored) = setup().await;
    ipmanager::store::subnets::set_lock(&mut db.conn().await, stored, 0, 9, 0).await.unwrap();
    let batches = all_batches(&db, true, false, 100).await;
    let dedicated: Vec<&str> = batches
        .iter()
        .flat_map(|b| b.rows.iter())
        .filter(|r| r.reason == "dedicated to another client or service")
        .map(|r| r.ip.as_str())
        .collect();
    assert_eq!(dedicated, ["192.0.2.20"], "service 2's free stored address stays out of the dedicated subnet");
    db.drop().await;
}

#[tokio::test]
async fn a_full_sync_includes_services_that_are_not_live() {
    let (db, _) = setup().await;
    let batches = all_batches(&db, false, false, 100).await;
    assert_eq!(batches[0].total, Some(5));
    let suspended: Option<u64> = db
        .conn()
        .await
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_assignments WHERE service_id = 4")
        .await
        .unwrap();
    assert_eq!(suspended, Some(1), "192.0.2.30 of the suspended service");
    db.drop().await;
}
