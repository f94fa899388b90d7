//! The allocation contract against a real MariaDB: lowest free first, never
//! a reserved, excluded or used address, exhaustion, cooldown, locks, prefix
//! delegation, and release.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::allocation::{self, AssignmentType, Recipient, Scope};
use ipmanager::app::input::Input;
use ipmanager::app::pools::{self, PoolForm};
use ipmanager::app::subnets::{self, SubnetForm};
use ipmanager::store::settings;
use ipmanager::Error;
use mysql_async::prelude::*;
use serde_json::json;
use support::TestDb;

fn recipient(service_id: u32) -> Recipient {
    Recipient {
        service_id,
        client_id: 1,
        assignment_type: AssignmentType::Primary,
        source: "test",
        configuration_id: 0,
    }
}

async fn subnet(db: &TestDb, value: serde_json::Value) -> u32 {
    let form = SubnetForm::from_input(&Input::new(value).unwrap()).unwrap();
    subnets::save(db.conn().await, &form, &Actor::system()).await.unwrap().id
}

async fn pool(db: &TestDb, value: serde_json::Value) -> u32 {
    let form = PoolForm::from_input(&Input::new(value).unwrap()).unwrap();
    pools::save(db.conn().await, &form, &Actor::system()).await.unwrap().id
}

async fn take(db: &TestDb, scope: Scope, service_id: u32) -> Result<String, Error> {
    let mut conn = db.conn().await;
    allocation::allocate(&mut conn, scope, &recipient(service_id), &Actor::system()).await.map(|a| a.ip)
}

#[tokio::test]
async fn a_stored_pool_hands_out_its_lowest_free_addresses_then_is_exhausted() {
    let db = TestDb::activated().await;
    let subnet_id = subnet(&db, json!({"name": "S", "cidr": "192.0.2.0/29", "gateway": "192.0.2.1",
        "reserve_network": "on", "reserve_broadcast": "on", "reserve_gateway": "on", "store_free_ips": "on",
        "excluded_ips": "192.0.2.3"}))
    .await;
    let pool_id = pool(&db, json!({"name": "P", "subnet_id": subnet_id})).await;
    let mut handed = Vec::new();
    for service in 1..=4 {
        handed.push(take(&db, Scope::Pool(pool_id), service).await.unwrap());
    }
    assert_eq!(handed, ["192.0.2.2", "192.0.2.4", "192.0.2.5", "192.0.2.6"]);
    assert!(matches!(take(&db, Scope::Pool(pool_id), 5).await, Err(Error::Exhausted(_))));
    db.drop().await;
}

#[tokio::test]
async fn an_unstored_ipv6_subnet_allocates_by_gap_search_and_reuses_released_addresses() {
    let db = TestDb::activated().await;
    let subnet_id = subnet(&db, json!({"name": "v6", "cidr": "2001:db8::/64", "reserve_network": "on"})).await;
    let mut handed = Vec::new();
    for service in 1..=3 {
        handed.push(take(&db, Scope::Subnet(subnet_id), service).await.unwrap());
    }
    assert_eq!(handed, ["2001:db8::1", "2001:db8::2", "2001:db8::3"], "the subnet-router anycast :: is reserved");
    let second: u64 = db
        .conn()
        .await
        .query_first("SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = '2001:db8::2'")
        .await
        .unwrap()
        .unwrap();
    let released = allocation::release(&mut db.conn().await, second, &Actor::system()).await.unwrap();
    assert_eq!((released.ip.as_str(), released.now), ("2001:db8::2", "gone"));
    assert_eq!(take(&db, Scope::Subnet(subnet_id), 4).await.unwrap(), "2001:db8::2", "lowest free first after a release");
    assert_eq!(take(&db, Scope::Subnet(subnet_id), 5).await.unwrap(), "2001:db8::4");
    db.drop().await;
}

#[tokio::test]
async fn cooldown_keeps_a_released_address_back() {
    let db = TestDb::activated().await;
    settings::set(&mut db.conn().await, settings::COOLDOWN_HOURS, "2").await.unwrap();
    let subnet_id = subnet(&db, json!({"name": "S", "cidr": "198.51.100.0/30", "store_free_ips": "on"})).await;
    let first = take(&db, Scope::Subnet(subnet_id), 1).await.unwrap();
    assert_eq!(first, "198.51.100.0", "a /30 without reservations uses every address");
    let id: u64 =
        db.conn().await.query_first("SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = '198.51.100.0'").await.unwrap().unwrap();
    let released = allocation::release(&mut db.conn().await, id, &Actor::system()).await.unwrap();
    assert_eq!(released.now, "cooldown");
    assert_eq!(take(&db, Scope::Subnet(subnet_id), 2).await.unwrap(), "198.51.100.1");
    let double = allocation::release(&mut db.conn().await, id, &Actor::system()).await.unwrap_err();
    assert!(matches!(double, Error::Conflict(_)), "releasing twice is refused: {double:?}");
    db.drop().await;
}

#[tokio::test]
async fn a_dedicated_pool_serves_only_its_client() {
    let db = TestDb::activated().await;
    let subnet_id = subnet(&db, json!({"name": "S", "cidr": "203.0.113.0/28", "store_free_ips": "on"})).await;
    db.conn().await.query_drop("INSERT INTO tblclients (id, firstname) VALUES (7, 'Seven')").await.unwrap();
    let unknown = pools::save(
        db.conn().await,
        &PoolForm::from_input(&Input::new(json!({"name": "P", "subnet_id": subnet_id, "dedicated_client_id": "8"})).unwrap()).unwrap(),
        &Actor::system(),
    )
    .await
    .unwrap_err();
    assert!(unknown.to_string().contains("Client #8 does not exist"), "{unknown}");
    let pool_id = pool(&db, json!({"name": "P", "subnet_id": subnet_id, "dedicated_client_id": "7"})).await;
    assert!(matches!(take(&db, Scope::Pool(pool_id), 1).await, Err(Error::Conflict(_))));
    let mut conn = db.conn().await;
    let mut seven = recipient(2);
    seven.client_id = 7;
    let got = allocation::allocate(&mut conn, Scope::Pool(pool_id), &seven, &Actor::system()).await.unwrap();
    assert_eq!(got.ip, "203.0.113.0");
    drop(conn);
    db.drop().await;
}

#[tokio::test]
async fn a_dedication_of_a_pool_this_process_allocates_from_applies_to_the_next_allocation() {
    let db = TestDb::activated().await;
    db.conn().await.query_drop("INSERT INTO tblclients (id, firstname) VALUES (7, 'Seven')").await.unwrap();
    let subnet_id = subnet(&db, json!({"name": "S", "cidr": "203.0.113.0/28", "store_free_ips": "on"})).await;
    let pool_id = pool(&db, json!({"name": "P", "subnet_id": subnet_id})).await;
    assert_eq!(take(&db, Scope::Pool(pool_id), 1).await.unwrap(), "203.0.113.0");
    assert_eq!(take(&db, Scope::Pool(pool_id), 2).await.unwrap(), "203.0.113.1", "the process now knows the pool is stored");
    let dedicated = || async {
        let flag: Option<bool> =
            db.conn().await.exec_first("SELECT dedicated FROM mod_ipmanager_subnets WHERE id = ?", (subnet_id,)).await.unwrap();
        flag
    };
    assert_eq!(dedicated().await, Some(false));

    pool(&db, json!({"id": pool_id, "name": "P", "subnet_id": subnet_id, "dedicated_client_id": "7"})).await;
    assert_eq!(dedicated().await, Some(true));
    assert!(matches!(take(&db, Scope::Pool(pool_id), 3).await, Err(Error::Conflict(_))), "dedicated to client 7 at once");
    let mut seven = recipient(4);
    seven.client_id = 7;
    let got = allocation::allocate(&mut db.conn().await, Scope::Pool(pool_id), &seven, &Actor::system()).await.unwrap();
    assert_eq!(got.ip, "203.0.113.2");

    pools::delete(db.conn().await, pool_id, &Actor::system()).await.unwrap();
    assert_eq!(dedicated().await, Some(false), "the pool's dedication went with it");
    assert_eq!(take(&db, Scope::Subnet(subnet_id), 5).await.unwrap(), "203.0.113.3");
    db.drop().await;
}

#[tokio::test]
async fn a_delegation_pool_hands_out_aligned_prefixes() {
    let db = TestDb::activated().await;
    // The subnet-router anycast address is a host on one link; a pool that
    // delegates whole prefixes still hands out the first one.
    let subnet_id = subnet(&db, json!({"name": "v6", "cidr": "2001:db8:100::/48", "reserve_network": "on"})).await;
    let pool_id = pool(&db, json!({"name": "Delegated", "subnet_id": subnet_id, "delegation_prefix_length": "64"})).await;
    let first = take(&db, Scope::Pool(pool_id), 1).await.unwrap();
    let second = take(&db, Scope::Pool(pool_id), 2).await.unwrap();
    assert_eq!([first.as_str(), second.as_str()], ["2001:db8:100::/64", "2001:db8:100:1::/64"]);
    let other = subnet(&db, json!({"name": "v6b", "cidr": "2001:db8:200::/48"})).await;
    let too_short = pools::save(
        db.conn().await,
        &PoolForm::from_input(&Input::new(json!({"name": "Bad", "subnet_id": other, "delegation_prefix_length": "40"})).unwrap())
            .unwrap(),
        &Actor::system(),
    )
    .await
    .unwrap_err();
    assert!(matches!(&too_short, Error::InvalidInput { fields, .. } if fields[0].field == "delegation_prefix_length"), "{too_short:?}");
    db.drop().await;
}

#[tokio::test]
async fn deleting_a_subnet_with_assigned_addresses_is_refused_with_the_count() {
    let db = TestDb::activated().await;
    let subnet_id = subnet(&db, json!({"name": "S", "cidr": "192.0.2.0/28", "store_free_ips": "on"})).await;
    take(&db, Scope::Subnet(subnet_id), 1).await.unwrap();
    take(&db, Scope::Subnet(subnet_id), 2).await.unwrap();
    let refused = subnets::delete(db.conn().await, subnet_id, &Actor::system()).await.unwrap_err();
    assert_eq!(refused.to_string(), "192.0.2.0/28 has 2 assigned addresses; unassign them first.");
    db.drop().await;
}

#[tokio::test]
async fn an_address_whose_cooldown_ended_is_handed_out_lowest_first_again() {
    let db = TestDb::activated().await;
    settings::set(&mut db.conn().await, settings::COOLDOWN_HOURS, "1").await.unwrap();
    let stored = subnet(&db, json!({"name": "S", "cidr": "198.51.100.0/29", "store_free_ips": "on"})).await;
    let unstored = subnet(&db, json!({"name": "v6", "cidr": "2001:db8:5::/64", "reserve_network": "on"})).await;
    for (scope, first, second) in [
        (Scope::Subnet(stored), "198.51.100.0", "198.51.100.1"),
        (Scope::Subnet(unstored), "2001:db8:5::1", "2001:db8:5::2"),
    ] {
        assert_eq!(take(&db, scope, 1).await.unwrap(), first);
        let id: u64 = db
            .conn()
            .await
            .exec_first("SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = ?", (first,))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(allocation::release(&mut db.conn().await, id, &Actor::system()).await.unwrap().now, "cooldown");
        assert_eq!(take(&db, scope, 2).await.unwrap(), second, "still cooling down");
        let ends_at: Option<u32> = db
            .conn()
            .await
            .exec_first(
                "SELECT TIMESTAMPDIFF(MINUTE, NOW(), s.cooldown_ends_at) FROM mod_ipmanager_subnets s
                 JOIN mod_ipmanager_ip_addresses a ON a.subnet_id = s.id WHERE a.id = ?",
                (id,),
            )
            .await
            .unwrap();
        assert!(matches!(ends_at, Some(59 | 60)), "the subnet's cooldown bound is the release's end, {ends_at:?}");
        // An hour passes: for the address and for its subnet's bound.
        db.conn()
            .await
            .query_drop(format!(
                "UPDATE mod_ipmanager_ip_addresses SET cooldown_until = NOW() - INTERVAL 1 MINUTE WHERE id = {id};
                 UPDATE mod_ipmanager_subnets SET cooldown_ends_at = NOW() - INTERVAL 1 MINUTE WHERE cooldown_ends_at IS NOT NULL"
            ))
            .await
            .unwrap();
        assert_eq!(take(&db, scope, 3).await.unwrap(), first, "lowest free again once the cooldown ended");
        let bound: Option<Option<String>> = db
            .conn()
            .await
            .exec_first("SELECT cooldown_ends_at FROM mod_ipmanager_subnets WHERE cooldown_ends_at IS NOT NULL", ())
            .await
            .unwrap();
        assert_eq!(bound, None, "no cooldown left, so no bound");
    }
    db.drop().await;
}

#[tokio::test]
async fn raising_the_cooldown_bound_never_waits_for_a_subnet_someone_else_holds() {
    let db = TestDb::activated().await;
    settings::set(&mut db.conn().await, settings::COOLDOWN_HOURS, "1").await.unwrap();
    let stored = subnet(&db, json!({"name": "S", "cidr": "198.51.100.0/29", "store_free_ips": "on"})).await;
    let first = take(&db, Scope::Subnet(stored), 1).await.unwrap();
    let id: u64 =
        db.conn().await.exec_first("SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = ?", (&first,)).await.unwrap().unwrap();
    allocation::release(&mut db.conn().await, id, &Actor::system()).await.unwrap();
    db.conn()
        .await
        .query_drop(
            "UPDATE mod_ipmanager_ip_addresses SET cooldown_until = NOW() - INTERVAL 1 MINUTE WHERE status = 'cooldown';
             UPDATE mod_ipmanager_subnets SET cooldown_ends_at = NOW() - INTERVAL 1 MINUTE",
        )
        .await
        .unwrap();
    let bound = || async {
        let ends: Option<Option<String>> = db
            .conn()
            .await
            .exec_first("SELECT CAST(cooldown_ends_at AS CHAR) FROM mod_ipmanager_subnets WHERE id = ?", (stored,))
            .await
            .unwrap();
        ends.flatten()
    };

    let mut holder = db.conn().await;
    holder
        .query_drop(format!("START TRANSACTION; SELECT id FROM mod_ipmanager_subnets WHERE id = {stored} FOR UPDATE"))
        .await
        .unwrap();
    let taken = tokio::time::timeout(std::time::Duration::from_secs(5), take(&db, Scope::Subnet(stored), 2)).await;
    assert_eq!(taken.expect("the allocation did not wait for the subnet lock").unwrap(), first, "freed and handed out");
    assert!(bound().await.is_some(), "the bound stays low while the subnet is held");
    holder.query_drop("ROLLBACK").await.unwrap();
    drop(holder);

    assert_eq!(take(&db, Scope::Subnet(stored), 3).await.unwrap(), "198.51.100.1");
    assert_eq!(bound().await, None, "the next allocation raised it: no cooldown is left");
    db.drop().await;
}

#[tokio::test]
async fn a_parent_never_hands_out_the_addresses_of_its_children() {
    let db = TestDb::activated().await;
    let parent = subnet(&db, json!({"name": "Parent", "cidr": "10.0.0.0/23", "store_free_ips": "on"})).await;
    let child = subnet(&db, json!({"name": "Child", "cidr": "10.0.0.0/24", "parent_id": parent})).await;
    assert_eq!(take(&db, Scope::Subnet(child), 1).await.unwrap(), "10.0.0.0");
    assert_eq!(take(&db, Scope::Subnet(parent), 2).await.unwrap(), "10.0.1.0", "the child's /24 is not the parent's to give");
    let reserved: Option<u64> = db
        .conn()
        .await
        .exec_first("SELECT COUNT(*) FROM mod_ipmanager_ip_addresses WHERE subnet_id = ? AND status = 'reserved'", (parent,))
        .await
        .unwrap();
    assert_eq!(reserved, Some(256), "the parent's stored rows inside the child are reserved");
    subnets::delete(db.conn().await, child, &Actor::system()).await.unwrap_err();
    let id: u64 = db.conn().await.query_first("SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = '10.0.0.0' AND subnet_id <> 0 ORDER BY subnet_id DESC").await.unwrap().unwrap();
    allocation::release(&mut db.conn().await, id, &Actor::system()).await.unwrap();
    subnets::delete(db.conn().await, child, &Actor::system()).await.unwrap();
    assert_eq!(take(&db, Scope::Subnet(parent), 3).await.unwrap(), "10.0.0.0", "without the child its addresses are the parent's again");
    db.drop().await;
}
