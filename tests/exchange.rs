//! Export and import against a real MariaDB: round trips in every format,
//! malformed files that change nothing, overlaps and repeats the admin skips
//! or stops at, and the files of other tools.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::allocation::{self, AssignmentType, Recipient, Scope};
use ipmanager::app::exchange::{self, Counts, ExportOptions, OnProblem};
use ipmanager::app::input::Input;
use ipmanager::app::pools::{self, PoolForm};
use ipmanager::app::subnets::{self, SubnetForm};
use ipmanager::core::exchange::{Format, Source};
use ipmanager::core::matching::{RelationType, Source as RelationSource};
use ipmanager::store::{configurations, exchange as rows, schema};
use ipmanager::Error;
use mysql_async::prelude::*;
use serde_json::json;
use support::TestDb;

const FORMATS: [Format; 3] = [Format::Csv, Format::Xml, Format::Json];

async fn subnet(db: &TestDb, value: serde_json::Value) -> u32 {
    let form = SubnetForm::from_input(&Input::new(value).unwrap()).unwrap();
    subnets::save(db.conn().await, &form, &Actor::system()).await.unwrap().id
}

async fn pool(db: &TestDb, value: serde_json::Value) -> u32 {
    let form = PoolForm::from_input(&Input::new(value).unwrap()).unwrap();
    pools::save(db.conn().await, &form, &Actor::system()).await.unwrap().id
}

/// Services 7 and 8 of client 3, product 12 and server 2, as WHMCS would
/// hold them.
async fn services(db: &TestDb) {
    db.conn()
        .await
        .query_drop(
            "INSERT INTO tblhosting (id, userid, domain) VALUES (7, 3, 'a.example'), (8, 3, 'b.example');
             CREATE TABLE tblproducts (id INT PRIMARY KEY); INSERT INTO tblproducts VALUES (12);
             CREATE TABLE tblservers (id INT PRIMARY KEY); INSERT INTO tblservers VALUES (2);
             CREATE TABLE tbladdons (id INT PRIMARY KEY); CREATE TABLE tblproductconfigoptions (id INT PRIMARY KEY)",
        )
        .await
        .unwrap();
}

/// An installation with everything an export carries: nested IPv4 subnets,
/// a stored subnet, IPv6 with a delegation pool, assignments, custom field
/// values, a configuration with relations, and a name that looks like a
/// spreadsheet formula.
async fn installation(db: &TestDb) {
    services(db).await;
    let parent = subnet(db, json!({"name": "Frankfurt", "cidr": "79.133.0.0/16", "reserve_network": "on"})).await;
    let stored = subnet(
        db,
        json!({"name": "=HYPERLINK(\"http://x\")", "cidr": "79.133.56.0/28", "parent_id": parent,
        "gateway": "79.133.56.1", "reserve_network": "on", "reserve_broadcast": "on", "reserve_gateway": "on",
        "store_free_ips": "on", "excluded_ips": "79.133.56.9, 79.133.56.11-79.133.56.12", "description": "Rack 7"}),
    )
    .await;
    let web = pool(
        db,
        json!({"name": "Web", "subnet_id": stored, "range_start": "79.133.56.2", "range_end": "79.133.56.8",
        "vlan": "120", "bridge": "vmbr0", "dns1": "1.1.1.1"}),
    )
    .await;
    let v6 = subnet(db, json!({"name": "Frankfurt v6", "cidr": "2001:db8::/48"})).await;
    let delegation = pool(
        db,
        json!({"name": "Delegation", "subnet_id": v6, "range_start": "2001:db8:0:100::",
        "range_end": "2001:db8:0:1ff:ffff:ffff:ffff:ffff", "delegation_prefix_length": "64"}),
    )
    .await;
    let v6_hosts = pool(
        db,
        json!({"name": "Hosts v6", "subnet_id": v6, "range_start": "2001:db8::10", "range_end": "2001:db8::ff"}),
    )
    .await;
    let mut conn = db.conn().await;
    for (scope, service_id, kind) in [
        (Scope::Pool(web), 7, AssignmentType::Primary),
        (Scope::Pool(web), 7, AssignmentType::Additional),
        (Scope::Pool(v6_hosts), 8, AssignmentType::Primary),
        (Scope::Pool(delegation), 8, AssignmentType::Additional),
    ] {
        let recipient =
            Recipient { service_id, client_id: 3, assignment_type: kind, source: "test", configuration_id: 0 };
        allocation::allocate(&mut conn, scope, &recipient, &Actor::system()).await.unwrap();
    }
    rows::set_custom_field(&mut conn, "subnet", stored, "Rack", "R7").await.unwrap();
    rows::set_custom_field(&mut conn, "pool", web, "Switch", "sw-01; port 4").await.unwrap();
    let configuration = configurations::insert(
        &mut conn,
        &configurations::Configuration { id: 0, name: "VPS".into(), omit_dedicated_ip: true, ..Default::default() },
    )
    .await
    .unwrap();
    configurations::add_relation(&mut conn, configuration, RelationType::Product, 12, RelationSource::Pool(web))
        .await
        .unwrap();
    configurations::add_relation(&mut conn, configuration, RelationType::Server, 2, RelationSource::Subnet(v6))
        .await
        .unwrap();
}

const EVERYTHING: fn(Format) -> ExportOptions =
    |format| ExportOptions { format, addresses: true, configurations: true };

async fn export(db: &TestDb, options: ExportOptions) -> (Counts, String) {
    let (counts, bytes) = exchange::export(db.conn().await, options, Vec::new(), &Actor::system()).await.unwrap();
    (counts, String::from_utf8(bytes).unwrap())
}

async fn import(db: &TestDb, source: Source, bytes: &[u8], on_problem: OnProblem) -> Result<String, Error> {
    exchange::import(db.conn().await, source, bytes, on_problem, &Actor::system()).await.map(|saved| saved.message)
}

/// Every module table's checksum (the log aside), to prove a refused import
/// wrote nothing.
async fn snapshot(db: &TestDb) -> Vec<(String, Option<u64>)> {
    let tables: Vec<&str> = schema::TABLES.iter().copied().filter(|t| *t != "mod_ipmanager_logs").collect();
    db.conn().await.query(format!("CHECKSUM TABLE {}", tables.join(", "))).await.unwrap()
}

async fn subnet_cidrs(db: &TestDb) -> Vec<String> {
    db.conn()
        .await
        .query("SELECT cidr FROM mod_ipmanager_subnets ORDER BY version, network_bin, prefix_length")
        .await
        .unwrap()
}

#[tokio::test]
async fn every_format_round_trips_through_an_empty_installation() {
    let original = TestDb::activated().await;
    installation(&original).await;
    for format in FORMATS {
        let (counts, first) = export(&original, EVERYTHING(format)).await;
        assert_eq!(counts, Counts { subnets: 3, pools: 3, addresses: 18, configurations: 1 }, "{format:?}");

        let copy = TestDb::activated().await;
        services(&copy).await;
        let source = Source::Native(format);
        let empty = snapshot(&copy).await;
        let preview = exchange::preview(copy.conn().await, source, first.as_bytes()).await.unwrap();
        assert_eq!((preview.errors, preview.skippable), (0, 0), "{format:?}: {:?}", preview.problems);
        assert_eq!(preview.create, Counts { subnets: 3, pools: 3, addresses: 18, configurations: 1 });
        assert_eq!(snapshot(&copy).await, empty, "a preview writes nothing");

        let message = import(&copy, source, first.as_bytes(), OnProblem::Stop).await.unwrap();
        assert!(message.contains("3 subnets, 3 pools, 18 addresses and 1 configuration created"), "{message}");
        let (_, second) = export(&copy, EVERYTHING(format)).await;
        assert_eq!(second, first, "{format:?}: export → import → export is the same file");
        copy.drop().await;
    }
    original.drop().await;
}

#[tokio::test]
async fn a_round_trip_keeps_assignments_parents_rules_and_formulas() {
    let original = TestDb::activated().await;
    installation(&original).await;
    let (_, csv) = export(&original, EVERYTHING(Format::Csv)).await;
    assert!(csv.contains("'=HYPERLINK"), "a formula-like name is neutralised in CSV:\n{csv}");

    let copy = TestDb::activated().await;
    services(&copy).await;
    import(&copy, Source::Native(Format::Csv), csv.as_bytes(), OnProblem::Stop).await.unwrap();
    let mut conn = copy.conn().await;
    let name: Option<String> =
        conn.query_first("SELECT name FROM mod_ipmanager_subnets WHERE cidr = '79.133.56.0/28'").await.unwrap();
    assert_eq!(name.as_deref(), Some("=HYPERLINK(\"http://x\")"), "the name comes back as it was typed");
    let parent: Option<String> = conn
        .query_first("SELECT p.cidr FROM mod_ipmanager_subnets s JOIN mod_ipmanager_subnets p ON p.id = s.parent_id")
        .await
        .unwrap();
    assert_eq!(parent.as_deref(), Some("79.133.0.0/16"), "parent ids follow the new records");
    let assigned: Vec<(String, u32, String)> = conn
        .query(
            "SELECT a.ip, x.service_id, x.type FROM mod_ipmanager_assignments x
             JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id ORDER BY a.version, a.ip_bin",
        )
        .await
        .unwrap();
    assert_eq!(
        assigned,
        [
            ("79.133.56.2".into(), 7, "primary".into()),
            ("79.133.56.3".into(), 7, "additional".into()),
            ("2001:db8::10".into(), 8, "primary".into()),
            ("2001:db8:0:100::".into(), 8, "additional".into()),
        ]
    );
    let statuses: Vec<(String, u64)> = conn
        .query(
            "SELECT status, COUNT(*) FROM mod_ipmanager_ip_addresses WHERE version = 4 GROUP BY status ORDER BY status",
        )
        .await
        .unwrap();
    assert_eq!(
        statuses,
        [("free".into(), 8), ("assigned".into(), 2), ("reserved".into(), 6)],
        "network, broadcast, gateway and three excluded addresses stay reserved"
    );
    drop(conn);
    copy.drop().await;
    original.drop().await;
}

#[tokio::test]
async fn subnets_and_pools_alone_leave_addresses_and_configurations_out() {
    let db = TestDb::activated().await;
    installation(&db).await;
    let (counts, json) =
        export(&db, ExportOptions { format: Format::Json, addresses: false, configurations: false }).await;
    assert_eq!(counts, Counts { subnets: 3, pools: 3, addresses: 0, configurations: 0 });
    assert!(!json.contains("\"address\"") && !json.contains("VPS"), "{json}");
    db.drop().await;
}

/// Each malformed file: its message, and not one row written.
#[tokio::test]
async fn malformed_files_are_refused_with_their_reason_and_change_nothing() {
    let db = TestDb::activated().await;
    installation(&db).await;
    let (_, json) = export(&db, EVERYTHING(Format::Json)).await;
    let (_, csv) = export(&db, EVERYTHING(Format::Csv)).await;
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\n\
                <ipmanager_export><subnet><name>&lol2;</name></subnet></ipmanager_export>";
    let huge = vec![b' '; 65 * 1024 * 1024];
    let bad_row = csv.replacen("79.133.56.0/28", "79.133.56.0/33", 1);
    let cases: Vec<(&str, Source, Vec<u8>, &str)> = vec![
        ("truncated", Source::Native(Format::Json), json.as_bytes()[..json.len() / 2].to_vec(), "The file ends early"),
        (
            "wrong columns",
            Source::Native(Format::Csv),
            b"kind,network\nsubnet,10.0.0.0/24\n".to_vec(),
            "Line 1: \"kind\" is not a column of an IP Manager export",
        ),
        (
            "bad CIDR",
            Source::Native(Format::Csv),
            bad_row.into_bytes(),
            "Line 3, cidr: \"79.133.56.0/33\" has an invalid prefix length",
        ),
        ("huge", Source::Native(Format::Json), huge, "The file is 65 MiB; files up to 64 MiB can be imported"),
        ("entity expansion", Source::Native(Format::Xml), bomb.as_bytes().to_vec(), "DOCTYPE"),
        ("deep JSON", Source::Native(Format::Json), deep.into_bytes(), "deep"),
    ];
    let before = snapshot(&db).await;
    for (case, source, bytes, expected) in cases {
        let error = import(&db, source, &bytes, OnProblem::Skip).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{case}: {error:?}");
        assert!(error.message().starts_with("Nothing was imported."), "{case}: {error}");
        assert!(error.message().contains(expected), "{case}: {error}");
        assert_eq!(snapshot(&db).await, before, "{case} changed the database");
    }
    db.drop().await;
}

#[tokio::test]
async fn overlaps_and_repeats_are_skipped_or_stop_the_import_as_the_admin_chooses() {
    let db = TestDb::activated().await;
    services(&db).await;
    subnet(&db, json!({"name": "Existing", "cidr": "10.0.0.0/24", "store_free_ips": "on"})).await;
    subnet(&db, json!({"name": "Other", "cidr": "10.2.0.0/24"})).await;
    let file = "type,id,parent_id,subnet_id,name,cidr,ip,status\n\
                subnet,1,0,,Overlapping,10.2.0.128/25,,\n\
                subnet,2,0,,Same,10.0.0.0/24,,\n\
                subnet,3,0,,New,10.9.0.0/24,,\n\
                address,,,2,,,10.0.0.5,reserved\n\
                address,,,3,,,10.9.0.5,reserved\n";
    let source = Source::Native(Format::Csv);
    let preview = exchange::preview(db.conn().await, source, file.as_bytes()).await.unwrap();
    let problems: Vec<&str> = preview.problems.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        problems,
        [
            "Subnet Overlapping (10.2.0.128/25): 10.2.0.128/25 overlaps the existing subnet 10.2.0.0/24; skipping it \
             also skips its child subnets, pools and addresses.",
            "10.0.0.5 is already stored in 10.0.0.0/24; skipping keeps the installed one.",
        ]
    );
    assert_eq!(
        preview.existing,
        ["Subnet Same (10.0.0.0/24) exists already; what the file holds for it is added to it."]
    );
    assert_eq!(preview.new_subnets, ["New (10.9.0.0/24)"]);

    let before = snapshot(&db).await;
    let stopped = import(&db, source, file.as_bytes(), OnProblem::Stop).await.unwrap_err();
    assert!(matches!(stopped, Error::Conflict(_)), "{stopped:?}");
    assert!(stopped.message().contains("Choose \"Skip them\""), "{stopped}");
    assert_eq!(snapshot(&db).await, before);

    import(&db, source, file.as_bytes(), OnProblem::Skip).await.unwrap();
    assert_eq!(subnet_cidrs(&db).await, ["10.0.0.0/24", "10.2.0.0/24", "10.9.0.0/24"]);
    db.drop().await;
}

#[tokio::test]
async fn assignments_to_services_this_whmcs_lacks_are_reported_and_imported_as_reserved() {
    let db = TestDb::activated().await;
    let file = "type,id,subnet_id,name,cidr,ip,status,service_id,client_id,assignment_type\n\
                subnet,1,,Customers,10.1.0.0/24,,,,,\n\
                address,,1,,,10.1.0.5,assigned,99,3,primary\n";
    let source = Source::Native(Format::Csv);
    let preview = exchange::preview(db.conn().await, source, file.as_bytes()).await.unwrap();
    assert_eq!(
        preview.problems.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        ["10.1.0.5 is assigned in the file but service #99 does not exist in this WHMCS; skipping imports the \
          address as reserved, without the assignment."]
    );
    import(&db, source, file.as_bytes(), OnProblem::Skip).await.unwrap();
    let rows: Vec<(String, String)> =
        db.conn().await.query("SELECT ip, status FROM mod_ipmanager_ip_addresses").await.unwrap();
    assert_eq!(rows, [("10.1.0.5".into(), "reserved".into())]);
    db.drop().await;
}

#[tokio::test]
async fn netbox_and_phpipam_exports_become_subnets_and_addresses() {
    let db = TestDb::activated().await;
    let fixture =
        |name: &str| std::fs::read(format!("{}/tests/fixtures/exchange/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let prefixes = fixture("netbox_prefixes.csv");
    assert_eq!(exchange::source("auto", &prefixes).unwrap(), Source::NetBoxPrefixes);
    import(&db, Source::NetBoxPrefixes, &prefixes, OnProblem::Stop).await.unwrap();
    assert_eq!(subnet_cidrs(&db).await, ["10.50.0.0/16", "10.50.1.0/24", "2001:db8:50::/48"]);

    let addresses = fixture("netbox_addresses.csv");
    assert_eq!(exchange::source("auto", &addresses).unwrap(), Source::NetBoxAddresses);
    let preview = exchange::preview(db.conn().await, Source::NetBoxAddresses, &addresses).await.unwrap();
    assert_eq!(
        preview.existing,
        ["Subnet 10.50.1.0/24 (10.50.1.0/24) exists already; what the file holds for it is added to it."],
        "an address of a prefix imported before joins its subnet"
    );
    import(&db, Source::NetBoxAddresses, &addresses, OnProblem::Stop).await.unwrap();
    let phpipam = fixture("phpipam_addresses.csv");
    assert_eq!(exchange::source("auto", &phpipam).unwrap(), Source::PhpIpamAddresses);
    import(&db, Source::PhpIpamAddresses, &phpipam, OnProblem::Stop).await.unwrap();

    let rows: Vec<(String, String, String)> = db
        .conn()
        .await
        .query(
            "SELECT s.cidr, a.ip, a.status FROM mod_ipmanager_ip_addresses a
             JOIN mod_ipmanager_subnets s ON s.id = a.subnet_id ORDER BY a.version, a.ip_bin",
        )
        .await
        .unwrap();
    let rows: Vec<String> = rows.iter().map(|(cidr, ip, status)| format!("{cidr} {ip} {status}")).collect();
    assert_eq!(
        rows,
        [
            "10.50.1.0/24 10.50.1.20 reserved",
            "10.60.0.0/24 10.60.0.10 reserved",
            "10.60.0.0/24 10.60.0.11 reserved",
            "10.70.30.0/24 10.70.30.1 reserved",
            "10.70.30.0/24 10.70.30.10 reserved",
            "10.70.30.0/24 10.70.30.11 free",
            "2001:db8:60::/64 2001:db8:60::5 reserved",
        ]
    );
    db.drop().await;
}

#[tokio::test]
async fn a_pasted_address_list_fills_a_subnet_and_repeats_are_skipped() {
    let db = TestDb::activated().await;
    let id = subnet(&db, json!({"name": "Node 1", "cidr": "79.133.56.0/24"})).await;
    pool(&db, json!({"name": "Web", "subnet_id": id, "range_start": "79.133.56.20", "range_end": "79.133.56.29"}))
        .await;
    let list = std::fs::read_to_string(format!(
        "{}/tests/fixtures/exchange/whmcs_assigned_ips.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let preview = exchange::paste_preview(db.conn().await, id, &list).await.unwrap();
    assert_eq!(preview.addresses, ["79.133.56.20", "79.133.56.21", "79.133.56.22"]);
    let saved = exchange::paste(db.conn().await, id, &list, OnProblem::Stop, &Actor::system()).await.unwrap();
    assert_eq!(saved.message, "3 addresses added to 79.133.56.0/24.");

    let again = format!("{list}79.133.57.1\n");
    let before = snapshot(&db).await;
    let error = exchange::paste(db.conn().await, id, &again, OnProblem::Skip, &Actor::system()).await.unwrap_err();
    assert_eq!(
        error.message(),
        "Nothing was imported. Line 5: \"79.133.57.1\" is outside 79.133.56.0/24. Fix the file and import it again."
    );
    assert_eq!(snapshot(&db).await, before);

    let more = format!("{list}79.133.56.30\n");
    let stopped = exchange::paste(db.conn().await, id, &more, OnProblem::Stop, &Actor::system()).await.unwrap_err();
    assert!(matches!(stopped, Error::Conflict(_)), "{stopped:?}");
    let saved = exchange::paste(db.conn().await, id, &more, OnProblem::Skip, &Actor::system()).await.unwrap();
    assert_eq!(saved.message, "1 address added to 79.133.56.0/24.");
    let pooled: Vec<(String, u32)> = db
        .conn()
        .await
        .query("SELECT ip, pool_id FROM mod_ipmanager_ip_addresses WHERE status = 'free' ORDER BY ip_bin")
        .await
        .unwrap();
    assert_eq!(pooled.iter().filter(|(_, pool)| *pool != 0).count(), 3, "{pooled:?}");
    db.drop().await;
}

#[tokio::test]
async fn imported_records_meet_the_forms_rules_and_relations_need_their_whmcs_target() {
    let db = TestDb::activated().await;
    services(&db).await;
    let header = "type,id,subnet_id,configuration_id,name,cidr,start_ip,end_ip,vlan,relation_type,target_id,pool_id\n";
    let refused = format!(
        "{header}subnet,1,,,Customers,10.1.0.0/24,,,,,,\n\
         pool,1,1,,Web,,10.1.0.10,10.1.0.50,5000,,,\n\
         pool,2,1,,Web 2,,10.1.0.10,10.1.0.50,,,,\n\
         pool,3,1,,Mail,,10.1.0.40,10.1.0.60,,,,\n"
    );
    let source = Source::Native(Format::Csv);
    let before = snapshot(&db).await;
    let error = import(&db, source, refused.as_bytes(), OnProblem::Skip).await.unwrap_err();
    assert_eq!(
        error.message(),
        "Nothing was imported. Pool \"Web\" of 10.1.0.0/24, vlan: Enter a VLAN id from 1 to 4094, or leave it empty \
         (1 more errors are listed in the preview). Fix the file and import it again."
    );
    let preview = exchange::preview(db.conn().await, source, refused.as_bytes()).await.unwrap();
    assert_eq!(
        preview.problems[1].text,
        "Pool \"Mail\" of 10.1.0.0/24, range_start: This range overlaps pool \"Web 2\" (10.1.0.10-10.1.0.50); an \
         address belongs to at most one pool."
    );
    assert_eq!(snapshot(&db).await, before);

    let unknown_product = format!(
        "{header}subnet,1,,,Customers,10.1.0.0/24,,,,,,\n\
         pool,1,1,,Web,,10.1.0.10,10.1.0.50,120,,,\n\
         configuration,1,,,VPS,,,,,,,\n\
         relation,,,1,,,,,,product,12,1\n\
         relation,,,1,,,,,,product,99,1\n"
    );
    let preview = exchange::preview(db.conn().await, source, unknown_product.as_bytes()).await.unwrap();
    assert_eq!(
        preview.problems.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        ["Configuration \"VPS\": product #99 does not exist in this WHMCS; skipping leaves this relation out."]
    );
    import(&db, source, unknown_product.as_bytes(), OnProblem::Skip).await.unwrap();
    let relations: Vec<(String, u32)> = db
        .conn()
        .await
        .query("SELECT relation_type, target_id FROM mod_ipmanager_configuration_relations")
        .await
        .unwrap();
    assert_eq!(relations, [("product".into(), 12)]);
    db.drop().await;
}

#[tokio::test]
async fn importing_an_export_again_reuses_what_exists_and_lists_a_bounded_number_of_repeats() {
    let db = TestDb::activated().await;
    subnet(&db, json!({"name": "Stored", "cidr": "10.5.0.0/22", "store_free_ips": "on"})).await;
    let (_, json) = export(&db, EVERYTHING(Format::Json)).await;
    let preview = exchange::preview(db.conn().await, Source::Native(Format::Json), json.as_bytes()).await.unwrap();
    assert_eq!(
        preview.existing,
        ["Subnet Stored (10.5.0.0/22) exists already; what the file holds for it is added to it."]
    );
    assert_eq!((preview.errors, preview.skippable), (0, 1024));
    assert_eq!(preview.problems.len(), 1001);
    assert_eq!(preview.problems[1000].text, "24 more problems are not listed (0 of them errors).");
    let before = snapshot(&db).await;
    let message = import(&db, Source::Native(Format::Json), json.as_bytes(), OnProblem::Skip).await.unwrap();
    assert!(message.contains("0 subnets, 0 pools, 0 addresses"), "{message}");
    assert_eq!(snapshot(&db).await, before);
    db.drop().await;
}

#[tokio::test]
async fn imported_cooldowns_run_from_the_import_and_their_subnet_knows_when_the_first_ends() {
    let original = TestDb::activated().await;
    let subnet_id = subnet(&original, json!({"name": "S", "cidr": "198.51.100.0/29", "store_free_ips": "on"})).await;
    ipmanager::store::settings::set(&mut original.conn().await, ipmanager::store::settings::COOLDOWN_HOURS, "2")
        .await
        .unwrap();
    let recipient = Recipient {
        service_id: 7,
        client_id: 3,
        assignment_type: AssignmentType::Primary,
        source: "manual",
        configuration_id: 0,
    };
    let taken = allocation::allocate(&mut original.conn().await, Scope::Subnet(subnet_id), &recipient, &Actor::system())
        .await
        .unwrap();
    allocation::release(&mut original.conn().await, taken.address_id, &Actor::system()).await.unwrap();
    let (_, csv) = export(&original, EVERYTHING(Format::Csv)).await;

    let copy = TestDb::activated().await;
    ipmanager::store::settings::set(&mut copy.conn().await, ipmanager::store::settings::COOLDOWN_HOURS, "2").await.unwrap();
    import(&copy, Source::Native(Format::Csv), csv.as_bytes(), OnProblem::Stop).await.unwrap();
    let cooling: Option<(String, Option<i64>, Option<i64>)> = copy
        .conn()
        .await
        .query_first(
            "SELECT a.ip, TIMESTAMPDIFF(MINUTE, NOW(), a.cooldown_until), TIMESTAMPDIFF(SECOND, a.cooldown_until, s.cooldown_ends_at)
             FROM mod_ipmanager_ip_addresses a JOIN mod_ipmanager_subnets s ON s.id = a.subnet_id WHERE a.status = 'cooldown'",
        )
        .await
        .unwrap();
    let (ip, minutes_left, bound_offset) = cooling.expect("the cooldown row was imported");
    assert_eq!(ip, taken.ip);
    assert!(matches!(minutes_left, Some(119 | 120)), "{minutes_left:?}");
    assert_eq!(bound_offset, Some(0), "the subnet's cooldown bound is that end");
    copy.drop().await;
    original.drop().await;
}
