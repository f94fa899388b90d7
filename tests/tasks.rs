//! The scheduled tasks against a real MariaDB: the lease and the once-a-day
//! rule, usage alerts crossing and re-arming, both IP Cleaner behaviors, and
//! log retention. Email delivery is the PHP boundary's; here a delivery
//! outcome is handed to `finish` as the boundary would.

mod support;

use ipmanager::app::actor::Actor;
use ipmanager::app::assignments::{self, Choice};
use ipmanager::app::input::Input;
use ipmanager::app::notifications::Route;
use ipmanager::app::subnets::{self, SubnetForm};
use ipmanager::app::tasks::{self, Begun, Outcome, RunRequest, Task, Trigger};
use ipmanager::store::tasks::{acquire, release, Lease};
use mysql_async::prelude::*;
use serde_json::json;
use support::TestDb;

async fn whmcs_tables(db: &TestDb) {
    db.whmcs_services().await;
    db.conn()
        .await
        .query_drop(
            "CREATE TABLE tblcustomfields (id INT AUTO_INCREMENT PRIMARY KEY, type TEXT NOT NULL, relid INT NOT NULL DEFAULT 0,
                fieldname TEXT NOT NULL);
             CREATE TABLE tblcustomfieldsvalues (id INT AUTO_INCREMENT PRIMARY KEY, fieldid INT NOT NULL, relid INT NOT NULL,
                value TEXT NOT NULL);
             CREATE TABLE tbladmins (id INT AUTO_INCREMENT PRIMARY KEY, roleid INT NOT NULL, email TEXT NOT NULL,
                disabled TINYINT(1) NOT NULL DEFAULT 0);
             CREATE TABLE tblconfiguration (setting VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO tbladmins (id, roleid, email, disabled) VALUES (1, 1, 'gone@example.test', 1), (2, 2, 'support@example.test', 0),
                (3, 1, 'owner@example.test', 0), (4, 1, 'second@example.test', 0);
             INSERT INTO tblconfiguration VALUES ('CompanyName', 'Acme Hosting');
             INSERT INTO tblproducts (id, name) VALUES (1, 'VPS');
             INSERT INTO tblclients (id, firstname, lastname) VALUES (1, 'Ann', 'Client');
             INSERT INTO tblhosting (id, userid, packageid, domain) VALUES (1, 1, 1, 'one.test'), (2, 1, 1, 'two.test'), (3, 1, 1, 'three.test')",
        )
        .await
        .unwrap();
}

async fn addon_setting(db: &TestDb, name: &str, value: &str) {
    db.conn()
        .await
        .exec_drop("DELETE FROM tbladdonmodules WHERE module = 'ipmanager' AND setting = ?", (name,))
        .await
        .unwrap();
    db.conn()
        .await
        .exec_drop("INSERT INTO tbladdonmodules (module, setting, value) VALUES ('ipmanager', ?, ?)", (name, value))
        .await
        .unwrap();
}

async fn subnet(db: &TestDb, cidr: &str) -> u32 {
    let form =
        SubnetForm::from_input(&Input::new(json!({"name": "Edge", "cidr": cidr, "store_free_ips": "on"})).unwrap())
            .unwrap();
    subnets::save(db.conn().await, &form, &Actor::system()).await.unwrap().id
}

async fn assign(db: &TestDb, service: u32, subnet: u32) -> String {
    let scope = ipmanager::app::allocation::Scope::Subnet(subnet);
    assignments::assign(&mut db.conn().await, service, Choice::From(scope), &Actor::system()).await.unwrap();
    db.conn()
        .await
        .exec_first(
            "SELECT a.ip FROM mod_ipmanager_assignments x JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
             WHERE x.service_id = ? ORDER BY x.id DESC LIMIT 1",
            (service,),
        )
        .await
        .unwrap()
        .unwrap()
}

fn request(task: Task) -> RunRequest {
    RunRequest { task, trigger: Trigger::CronScript, dry_run: false, force: true }
}

/// Runs a task the way the boundary does; `deliver` stands in for the mail edge.
async fn run(
    db: &TestDb,
    request: RunRequest,
    deliver: impl Fn(&ipmanager::core::message::Message) -> Result<String, String>,
) -> (Outcome, Option<ipmanager::core::message::Message>) {
    let actor = Actor { kind: ipmanager::app::actor::ActorKind::Cron, id: 0, ip: String::new() };
    let mut conn = db.conn().await;
    match tasks::begin(&mut conn, request, &actor).await.unwrap() {
        Begun::Skipped(outcome) => (outcome, None),
        Begun::Started(run) => {
            let sent = run.mail().map(|(route, message)| {
                assert_eq!(*route, Route::Whmcs, "WHMCS mail is the default");
                message.clone()
            });
            let delivery = sent.as_ref().map(&deliver);
            (tasks::finish(&mut conn, run, delivery, &actor).await.unwrap(), sent)
        }
    }
}

fn delivered(_: &ipmanager::core::message::Message) -> Result<String, String> {
    Ok("WHMCS".into())
}

#[tokio::test]
async fn a_task_runs_once_at_a_time_and_once_a_day() {
    let db = TestDb::activated().await;
    let mut conn = db.conn().await;
    assert_eq!(acquire(&mut conn, "alerts", "first", false).await.unwrap(), Lease::Taken);
    assert!(
        matches!(acquire(&mut conn, "alerts", "second", true).await.unwrap(), Lease::Running { .. }),
        "force never breaks a live lease"
    );
    release(&mut conn, "alerts", "second", "done", "", true).await.unwrap();
    assert!(
        matches!(acquire(&mut conn, "alerts", "third", false).await.unwrap(), Lease::Running { .. }),
        "only the holder releases"
    );
    release(&mut conn, "alerts", "first", "done", "", true).await.unwrap();
    assert!(matches!(acquire(&mut conn, "alerts", "third", false).await.unwrap(), Lease::DoneToday { .. }));
    assert_eq!(acquire(&mut conn, "alerts", "forced", true).await.unwrap(), Lease::Taken);
    // The holder died: once its lease has expired another run takes over.
    conn.query_drop("UPDATE mod_ipmanager_task_runs SET lock_expires_at = NOW() - INTERVAL 1 SECOND").await.unwrap();
    assert_eq!(acquire(&mut conn, "alerts", "rescuer", true).await.unwrap(), Lease::Taken);
    // A failed run does not count as today's.
    release(&mut conn, "cleaner", "nobody", "failed", "", false).await.unwrap();
    assert_eq!(acquire(&mut conn, "cleaner", "a", false).await.unwrap(), Lease::Taken);
    release(&mut conn, "cleaner", "a", "failed", "", false).await.unwrap();
    assert_eq!(acquire(&mut conn, "cleaner", "b", false).await.unwrap(), Lease::Taken);
    drop(conn);
    db.drop().await;
}

#[tokio::test]
async fn an_alert_goes_out_once_per_crossing_and_rearms_below_the_threshold() {
    let db = TestDb::activated().await;
    whmcs_tables(&db).await;
    addon_setting(&db, "usage_alert_threshold", "35").await;
    let edge = subnet(&db, "192.0.2.0/29").await; // 8 usable: no reservations chosen
    for service in [1, 2] {
        assign(&db, service, edge).await;
    }
    let (outcome, mail) = run(&db, request(Task::Alerts), delivered).await;
    assert_eq!(outcome.status, "done");
    assert!(mail.is_none(), "25% is below 35%: {:?}", outcome.lines);

    let third = assign(&db, 3, edge).await;
    let (outcome, mail) = run(&db, request(Task::Alerts), delivered).await;
    let mail = mail.unwrap_or_else(|| panic!("35% reached: {:?}", outcome.lines));
    assert_eq!(mail.subject, "[IP Manager] subnet Edge is 37.5% used");
    assert_eq!(mail.to, ["owner@example.test"], "the first active full administrator");
    assert!(mail.text.contains("Acme Hosting"));
    assert!(outcome.lines.iter().any(|l| l == "Alert sent to WHMCS."), "{:?}", outcome.lines);

    let (outcome, mail) = run(&db, request(Task::Alerts), delivered).await;
    assert!(mail.is_none(), "no second alert while above: {:?}", outcome.lines);
    assert!(outcome.lines.iter().any(|l| l.starts_with("Still above the threshold")));

    let address: u64 = db
        .conn()
        .await
        .exec_first("SELECT id FROM mod_ipmanager_ip_addresses WHERE ip = ?", (&third,))
        .await
        .unwrap()
        .unwrap();
    ipmanager::app::allocation::release(&mut db.conn().await, address, &Actor::system()).await.unwrap();
    let (outcome, _) = run(&db, request(Task::Alerts), delivered).await;
    assert!(outcome.lines.iter().any(|l| l.starts_with("Re-armed")), "{:?}", outcome.lines);

    // Crossing again alerts again; a failed delivery is retried by the next run.
    db.conn()
        .await
        .exec_drop(
            "INSERT INTO mod_ipmanager_settings (name, value) VALUES ('alert_recipients', 'noc@example.test')",
            (),
        )
        .await
        .unwrap();
    assign(&db, 3, edge).await;
    let (outcome, mail) = run(&db, request(Task::Alerts), |_| Err("SMTP server said no.".into())).await;
    assert_eq!(mail.unwrap().to, ["owner@example.test", "noc@example.test"]);
    assert_eq!(outcome.status, "failed");
    assert!(outcome.lines.iter().any(|l| l == "Alert not sent: SMTP server said no. The next run tries again."));
    let (outcome, mail) = run(&db, request(Task::Alerts), delivered).await;
    assert!(mail.is_some(), "retried: {:?}", outcome.lines);
    let alerted: Vec<(String, bool)> = db
        .conn()
        .await
        .query("SELECT scope, alerted = 1 FROM mod_ipmanager_usage_alerts ORDER BY scope")
        .await
        .unwrap();
    assert_eq!(alerted, [("subnet".to_string(), true)]);

    // A subnet's own threshold overrides the module's.
    db.conn().await.query_drop("UPDATE mod_ipmanager_subnets SET alert_threshold = 90").await.unwrap();
    let (outcome, _) = run(&db, request(Task::Alerts), delivered).await;
    assert!(
        outcome.lines.iter().any(|l| l.starts_with("Re-armed")),
        "37.5% is below the subnet's 90%: {:?}",
        outcome.lines
    );
    db.drop().await;
}

#[tokio::test]
async fn the_scheduled_run_is_skipped_once_done_today_and_dry_runs_change_nothing() {
    let db = TestDb::activated().await;
    whmcs_tables(&db).await;
    addon_setting(&db, "usage_alert_threshold", "10").await;
    let edge = subnet(&db, "192.0.2.0/29").await;
    assign(&db, 1, edge).await;
    let dry = RunRequest { task: Task::Alerts, trigger: Trigger::CronScript, dry_run: true, force: false };
    let (outcome, mail) = run(&db, dry, delivered).await;
    assert_eq!(outcome.status, "dry run");
    assert!(mail.is_none());
    assert!(outcome.lines.iter().any(|l| l.starts_with("Would alert: Subnet Edge")), "{:?}", outcome.lines);
    let rows: u64 =
        db.conn().await.query_first("SELECT COUNT(*) FROM mod_ipmanager_usage_alerts").await.unwrap().unwrap();
    assert_eq!(rows, 0, "a dry run records nothing");

    let daily = RunRequest { task: Task::Alerts, trigger: Trigger::DailyCron, dry_run: false, force: false };
    let (first, mail) = run(&db, daily, delivered).await;
    assert_eq!((first.status, mail.is_some()), ("done", true));
    let script = RunRequest { task: Task::Alerts, trigger: Trigger::CronScript, dry_run: false, force: false };
    let (second, _) = run(&db, script, delivered).await;
    assert_eq!(second.status, "skipped");
    assert!(second.message.starts_with("Usage alerts already ran today"), "{}", second.message);
    let (forced, _) = run(&db, RunRequest { force: true, ..script }, delivered).await;
    assert_eq!(forced.status, "done");

    let history: Vec<(String, String, bool)> = db
        .conn()
        .await
        .query("SELECT trigger_source, outcome, dry_run = 1 FROM mod_ipmanager_task_history ORDER BY id")
        .await
        .unwrap();
    assert_eq!(
        history,
        [
            ("cron script".into(), "dry run".into(), true),
            ("daily cron".into(), "done".into(), false),
            ("cron script".into(), "done".into(), false)
        ]
    );
    db.drop().await;
}

#[tokio::test]
async fn the_cleaner_reports_or_frees_addresses_whmcs_no_longer_lists() {
    let db = TestDb::activated().await;
    whmcs_tables(&db).await;
    let edge = subnet(&db, "192.0.2.0/28").await;
    let kept = assign(&db, 1, edge).await;
    let stale = assign(&db, 2, edge).await;
    let in_custom_field = assign(&db, 3, edge).await;
    // An admin typed another address over service 2's, and moved service 3's into a custom field.
    db.conn()
        .await
        .query_drop("UPDATE tblhosting SET dedicatedip = '198.51.100.7', assignedips = '' WHERE id IN (2, 3)")
        .await
        .unwrap();
    db.conn()
        .await
        .exec_drop("INSERT INTO tblcustomfields (id, type, relid, fieldname) VALUES (9, 'product', 1, 'ips')", ())
        .await
        .unwrap();
    db.conn()
        .await
        .exec_drop(
            "INSERT INTO tblcustomfieldsvalues (fieldid, relid, value) VALUES (9, 3, ?)",
            (format!("{in_custom_field}\n"),),
        )
        .await
        .unwrap();

    let (outcome, _) = run(&db, request(Task::Cleaner), delivered).await;
    assert_eq!(outcome.status, "skipped", "off until enabled");
    assert!(outcome.message.contains("IP Cleaner Enabled"));

    addon_setting(&db, "ip_cleaner_enabled", "on").await;
    let (outcome, mail) = run(&db, request(Task::Cleaner), delivered).await;
    let mail = mail.expect("a report");
    assert_eq!(mail.subject, "[IP Manager] IP Cleaner: 1 address no longer in WHMCS");
    let csv = String::from_utf8(mail.attachments[0].content.clone()).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{stale},192.0.2.0/28,2,Active,1,Ann Client,VPS,198.51.100.7,,reported")),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2, "{kept} and {in_custom_field} are still listed");
    assert_eq!(outcome.status, "done");
    let assigned: u64 =
        db.conn().await.query_first("SELECT COUNT(*) FROM mod_ipmanager_assignments").await.unwrap().unwrap();
    assert_eq!(assigned, 3, "Notify only changes nothing");

    addon_setting(&db, "ip_cleaner_behavior", "mark_free").await;
    let (outcome, mail) = run(&db, request(Task::Cleaner), delivered).await;
    assert_eq!(mail.unwrap().subject, "[IP Manager] IP Cleaner: 1 address no longer in WHMCS, freed");
    assert!(outcome.lines.iter().any(|l| l.ends_with(": unassigned, free")), "{:?}", outcome.lines);
    let holders: Vec<u32> =
        db.conn().await.query("SELECT service_id FROM mod_ipmanager_assignments ORDER BY service_id").await.unwrap();
    assert_eq!(holders, [1, 3]);
    let status: String = db
        .conn()
        .await
        .exec_first("SELECT status FROM mod_ipmanager_ip_addresses WHERE ip = ?", (&stale,))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status, "free");
    let report: Option<(String, String)> = db
        .conn()
        .await
        .query_first("SELECT report_name, report FROM mod_ipmanager_task_history WHERE report IS NOT NULL ORDER BY id DESC LIMIT 1")
        .await
        .unwrap();
    assert!(report.unwrap().1.contains("unassigned, free"), "the report is kept for the Settings page");
    let (outcome, mail) = run(&db, request(Task::Cleaner), delivered).await;
    assert!(mail.is_none(), "nothing left to clean: {:?}", outcome.lines);
    db.drop().await;
}

#[tokio::test]
async fn log_retention_deletes_only_older_entries() {
    let db = TestDb::activated().await;
    whmcs_tables(&db).await;
    db.conn()
        .await
        .query_drop(
            "INSERT INTO mod_ipmanager_logs (actor_type, action, details, created_at) VALUES
                ('system', 'old', '', NOW() - INTERVAL 40 DAY), ('system', 'old', '', NOW() - INTERVAL 31 DAY),
                ('system', 'recent', '', NOW() - INTERVAL 29 DAY)",
        )
        .await
        .unwrap();
    let (outcome, _) = run(&db, request(Task::Logs), delivered).await;
    assert!(outcome.lines[0].starts_with("Log retention is off"));
    db.conn()
        .await
        .query_drop("INSERT INTO mod_ipmanager_settings (name, value) VALUES ('log_retention_days', '30')")
        .await
        .unwrap();
    let (outcome, _) = run(&db, RunRequest { dry_run: true, ..request(Task::Logs) }, delivered).await;
    assert_eq!(outcome.lines[0], "Would delete 2 log entries older than 30 days.");
    let (outcome, _) = run(&db, request(Task::Logs), delivered).await;
    assert_eq!(outcome.lines[0], "Deleted 2 log entries older than 30 days.");
    let left: Vec<String> =
        db.conn().await.query("SELECT action FROM mod_ipmanager_logs WHERE action IN ('old', 'recent')").await.unwrap();
    assert_eq!(left, ["recent"]);
    db.drop().await;
}
