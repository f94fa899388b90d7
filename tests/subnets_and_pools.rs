//! Subnets and pools stored in a real MariaDB: validation, "Store free IPs",
//! reservations, deletion rules.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::input::Input;
use ipmanager::app::pools::{self, PoolForm};
use ipmanager::app::subnets::{self, SubnetForm};
use ipmanager::Error;
use mysql_async::prelude::*;
use serde_json::json;
use support::TestDb;

fn subnet_form(value: serde_json::Value) -> SubnetForm {
    SubnetForm::from_input(&Input::new(value).unwrap()).unwrap()
}

fn pool_form(value: serde_json::Value) -> PoolForm {
    PoolForm::from_input(&Input::new(value).unwrap()).unwrap()
}

async fn statuses(db: &TestDb, subnet_id: u32) -> Vec<(String, u64)> {
    db.conn()
        .await
        .exec(
            "SELECT status, COUNT(*) FROM mod_ipmanager_ip_addresses WHERE subnet_id = ? GROUP BY status ORDER BY status",
            (subnet_id,),
        )
        .await
        .unwrap()
}

fn field_errors(error: Error) -> Vec<(String, String)> {
    match error {
        Error::InvalidInput { fields, .. } => fields.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn storing_a_subnet_writes_every_address_with_its_reservations() {
    let db = TestDb::activated().await;
    let admin = Actor::system();
    let saved = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "Production", "cidr": "79.133.56.0/24", "gateway": "79.133.56.1",
            "reserve_network": "on", "reserve_broadcast": "on", "reserve_gateway": "on", "store_free_ips": "on",
            "excluded_ips": "79.133.56.10-79.133.56.12"})),
        &admin,
    )
    .await
    .unwrap();
    assert!(saved.message.contains("256 stored addresses"), "{}", saved.message);
    assert_eq!(statuses(&db, saved.id).await, vec![("free".into(), 250), ("reserved".into(), 6)]);

    // Editing the rules reconciles stored rows; nothing else changes.
    subnets::save(
        db.conn().await,
        &subnet_form(json!({"id": saved.id, "name": "Production", "cidr": "79.133.56.0/24", "gateway": "79.133.56.1",
            "reserve_network": "on", "reserve_broadcast": "on", "store_free_ips": "on", "excluded_ips": ""})),
        &admin,
    )
    .await
    .unwrap();
    assert_eq!(statuses(&db, saved.id).await, vec![("free".into(), 254), ("reserved".into(), 2)]);

    let page = subnets::page(db.conn().await, saved.id, "79.133.56.2", 1).await.unwrap();
    assert_eq!(page.total, 67, "79.133.56.2, .20-.29 and .200-.255 start with the search");
    assert_eq!(page.addresses[0].ip, "79.133.56.2");
    db.drop().await;
}

#[tokio::test]
async fn bad_forms_name_each_field_and_save_nothing() {
    let db = TestDb::activated().await;
    let admin = Actor::system();
    let error = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "", "cidr": "79.133.56.7/24", "gateway": "10.0.0.1"})),
        &admin,
    )
    .await
    .unwrap_err();
    let fields = field_errors(error);
    assert_eq!(fields[0].0, "name");
    assert_eq!(fields[1], ("cidr".into(), "79.133.56.7/24 is not a network address; did you mean 79.133.56.0/24?".into()));
    let large = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "Big", "cidr": "10.0.0.0/15", "store_free_ips": "on"})),
        &admin,
    )
    .await
    .unwrap_err();
    assert_eq!(field_errors(large)[0].0, "store_free_ips");
    let bad_exclusion = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "X", "cidr": "192.0.2.0/24", "excluded_ips": "192.0.2.5, 192.0.3.9"})),
        &admin,
    )
    .await
    .unwrap_err();
    let fields = field_errors(bad_exclusion);
    assert_eq!(fields[0].0, "excluded_ips");
    assert!(fields[0].1.contains("192.0.3.9"), "{}", fields[0].1);
    let count: Option<u64> = db.conn().await.query_first("SELECT COUNT(*) FROM mod_ipmanager_subnets").await.unwrap();
    assert_eq!(count, Some(0));
    db.drop().await;
}

#[tokio::test]
async fn parents_siblings_and_the_tree() {
    let db = TestDb::activated().await;
    let admin = Actor::system();
    let parent =
        subnets::save(db.conn().await, &subnet_form(json!({"name": "Block", "cidr": "10.0.0.0/16"})), &admin).await.unwrap();
    let child = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "Child", "cidr": "10.0.1.0/24", "parent_id": parent.id})),
        &admin,
    )
    .await
    .unwrap();
    let outside = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "Outside", "cidr": "10.1.0.0/24", "parent_id": parent.id})),
        &admin,
    )
    .await
    .unwrap_err();
    assert_eq!(field_errors(outside)[0].0, "parent_id");
    let overlap =
        subnets::save(db.conn().await, &subnet_form(json!({"name": "Overlap", "cidr": "10.0.0.0/8"})), &admin).await.unwrap_err();
    assert!(field_errors(overlap)[0].1.contains("10.0.0.0/16"));
    let tree = subnets::list(db.conn().await).await.unwrap();
    assert_eq!(tree.iter().map(|r| (r.cidr.as_str(), r.depth)).collect::<Vec<_>>(), vec![("10.0.0.0/16", 0), ("10.0.1.0/24", 1)]);
    assert_eq!(tree[1].reverse_zones, vec!["1.0.10.in-addr.arpa".to_string()]);

    let refused = subnets::delete(db.conn().await, parent.id, &admin).await.unwrap_err();
    assert!(matches!(refused, Error::Conflict(ref m) if m.contains("1 child subnets")), "{refused:?}");
    subnets::delete(db.conn().await, child.id, &admin).await.unwrap();
    subnets::delete(db.conn().await, parent.id, &admin).await.unwrap();
    db.drop().await;
}

#[tokio::test]
async fn single_reservations_and_pools_in_a_stored_subnet() {
    let db = TestDb::activated().await;
    let admin = Actor::system();
    let subnet = subnets::save(
        db.conn().await,
        &subnet_form(json!({"name": "S", "cidr": "192.0.2.0/24", "reserve_network": "on", "reserve_broadcast": "on", "store_free_ips": "on"})),
        &admin,
    )
    .await
    .unwrap();
    subnets::reserve_address(db.conn().await, subnet.id, "192.0.2.9", "router", &admin).await.unwrap();
    let again = subnets::reserve_address(db.conn().await, subnet.id, "192.0.2.9", "", &admin).await.unwrap_err();
    assert!(again.to_string().contains("already reserved"));
    let page = subnets::page(db.conn().await, subnet.id, "", 1).await.unwrap();
    let rule = page.reservations.iter().find(|r| r.releasable).unwrap();
    assert_eq!((rule.value.as_str(), rule.note.as_str()), ("192.0.2.9", "router"));
    assert_eq!(statuses(&db, subnet.id).await, vec![("free".into(), 253), ("reserved".into(), 3)]);
    subnets::release_reservation(db.conn().await, subnet.id, rule.rule_id, &admin).await.unwrap();
    assert_eq!(statuses(&db, subnet.id).await, vec![("free".into(), 254), ("reserved".into(), 2)]);

    let pool = pools::save(
        db.conn().await,
        &pool_form(json!({"name": "VPS", "subnet_id": subnet.id, "range_start": "192.0.2.10", "range_end": "192.0.2.19",
            "vlan": "100", "reserved_ips": "192.0.2.19"})),
        &admin,
    )
    .await
    .unwrap();
    let in_pool: Vec<(String, String)> = db
        .conn()
        .await
        .exec("SELECT ip, status FROM mod_ipmanager_ip_addresses WHERE pool_id = ? ORDER BY ip_bin", (pool.id,))
        .await
        .unwrap();
    assert_eq!(in_pool.len(), 10);
    assert_eq!(in_pool[9], ("192.0.2.19".to_string(), "reserved".to_string()));
    let overlap = pools::save(
        db.conn().await,
        &pool_form(json!({"name": "Other", "subnet_id": subnet.id, "range_start": "192.0.2.15", "range_end": "192.0.2.30"})),
        &admin,
    )
    .await
    .unwrap_err();
    assert!(field_errors(overlap)[0].1.contains("overlaps pool \"VPS\""));
    let bad_vlan = pools::save(
        db.conn().await,
        &pool_form(json!({"name": "V", "subnet_id": subnet.id, "range_start": "192.0.2.40", "range_end": "192.0.2.49", "vlan": "5000"})),
        &admin,
    )
    .await
    .unwrap_err();
    assert_eq!(field_errors(bad_vlan)[0].0, "vlan");
    let listed = pools::list(db.conn().await, Some(subnet.id)).await.unwrap();
    assert_eq!(listed.pools[0].usage.usable, "9");
    pools::delete(db.conn().await, pool.id, &admin).await.unwrap();
    let moved: Option<u64> = db
        .conn()
        .await
        .query_first("SELECT COUNT(*) FROM mod_ipmanager_ip_addresses WHERE pool_id <> 0")
        .await
        .unwrap();
    assert_eq!(moved, Some(0), "a deleted pool's addresses stay in the subnet");
    db.drop().await;
}
