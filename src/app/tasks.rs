//! The scheduled tasks (usage alerts, the IP Cleaner, log retention), run by
//! the cron script, WHMCS's DailyCronJob hook, or an admin's "Run now".
//!
//! A run has three steps so that no email is sent while the extension holds
//! its connection: `begin` takes the task's lease and does the work, the PHP
//! boundary delivers the composed email (WHMCS mail or SMTP), and `finish`
//! records the outcome, marks alerts as sent only when they were, and gives
//! the lease back. A run that dies in between leaves a lease that expires.

use mysql_async::Conn;
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::input::Input;
use crate::app::notifications::{self, Delivery, Route};
use crate::app::{cleaner, usage_alerts};
use crate::core::alerts::alert_message;
use crate::core::cleaner::report_message;
use crate::core::message::Message;
use crate::store::logs::{self, LogEntry};
use crate::store::tasks::{self, Finished, Lease};
use crate::store::usage_alerts::Scope;
use crate::store::{settings, whmcs};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Alerts,
    Cleaner,
    Logs,
}

impl Task {
    /// In the order a scheduled run does them.
    pub const ALL: [Task; 3] = [Task::Alerts, Task::Cleaner, Task::Logs];

    pub fn parse(name: &str) -> Result<Task> {
        match name {
            "alerts" => Ok(Task::Alerts),
            "cleaner" => Ok(Task::Cleaner),
            "logs" => Ok(Task::Logs),
            other => Err(Error::field("task", format!("Unknown task \"{other}\": use alerts, cleaner or logs."))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Task::Alerts => "alerts",
            Task::Cleaner => "cleaner",
            Task::Logs => "logs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Task::Alerts => "Usage alerts",
            Task::Cleaner => "IP Cleaner",
            Task::Logs => "Log retention",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    CronScript,
    DailyCron,
    Admin,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::CronScript => "cron script",
            Trigger::DailyCron => "daily cron",
            Trigger::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunRequest {
    pub task: Task,
    pub trigger: Trigger,
    pub dry_run: bool,
    /// Run even if the task already completed today.
    pub force: bool,
}

impl RunRequest {
    /// `task` (empty: every task, in order), `trigger` (cron, daily or admin), `dry_run`, `force`.
    pub fn from_input(input: &Input) -> Result<Vec<RunRequest>> {
        let trigger = match input.text("trigger").as_str() {
            "cron" => Trigger::CronScript,
            "daily" => Trigger::DailyCron,
            "admin" => Trigger::Admin,
            other => return Err(Error::invalid(format!("Unknown trigger \"{other}\": use cron, daily or admin."))),
        };
        let tasks = match input.text("task").as_str() {
            "" => Task::ALL.to_vec(),
            name => vec![Task::parse(name)?],
        };
        let (dry_run, force) = (input.flag("dry_run"), input.flag("force"));
        Ok(tasks.into_iter().map(|task| RunRequest { task, trigger, dry_run, force }).collect())
    }
}

/// The email a run wants sent, or why it cannot be.
#[derive(Debug)]
enum Mail {
    Ready(Route, Message),
    Undeliverable(String),
}

/// A run between `begin` and `finish`.
#[derive(Debug)]
pub struct Run {
    request: RunRequest,
    /// The lease token; dry runs take no lease.
    owner: Option<String>,
    started_at: String,
    lines: Vec<String>,
    failure: Option<String>,
    mail: Option<Mail>,
    alerts_to_mark: Vec<(Scope, u32)>,
    /// (file name, CSV) kept with the run's history.
    report: Option<(String, String)>,
}

impl Run {
    /// The email to deliver now, with its route.
    pub fn mail(&self) -> Option<(&Route, &Message)> {
        match &self.mail {
            Some(Mail::Ready(route, message)) => Some((route, message)),
            _ => None,
        }
    }
}

/// What a run came to, for the cron script, the hook and the Settings page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Outcome {
    pub task: Task,
    /// done, failed, skipped or dry run.
    pub status: &'static str,
    pub message: String,
    pub lines: Vec<String>,
}

pub enum Begun {
    Skipped(Outcome),
    Started(Box<Run>),
}

fn skipped(task: Task, message: String) -> Begun {
    Begun::Skipped(Outcome { task, status: "skipped", lines: vec![message.clone()], message })
}

/// Takes the lease (unless this is a dry run) and does the task's work.
pub async fn begin(conn: &mut Conn, request: RunRequest, actor: &Actor) -> Result<Begun> {
    let task = request.task;
    if task == Task::Cleaner && !request.dry_run && !cleaner_enabled(conn).await? {
        return Ok(skipped(
            task,
            "IP Cleaner is disabled: set IP Cleaner Enabled under Setup > Addon Modules > IP Manager > Configure to run it.".into(),
        ));
    }
    let owner = if request.dry_run {
        None
    } else {
        let owner = lease_owner();
        // An admin's "Run now" is a deliberate repeat.
        let force = request.force || request.trigger == Trigger::Admin;
        match tasks::acquire(conn, task.name(), &owner, force).await? {
            Lease::Taken => Some(owner),
            Lease::Running { since, expires } => {
                return Ok(skipped(
                    task,
                    format!("{} is already running (started {since}); this run stops here. A run that died gives way at {expires}.", task.label()),
                ))
            }
            Lease::DoneToday { finished } => {
                return Ok(skipped(task, format!("{} already ran today (finished {finished}); use --force to run it again.", task.label())))
            }
        }
    };
    let mut run = Run {
        request,
        owner,
        started_at: tasks::now(conn).await?,
        lines: Vec::new(),
        failure: None,
        mail: None,
        alerts_to_mark: Vec::new(),
        report: None,
    };
    if let Err(e) = work(conn, &mut run, actor).await {
        run.failure = Some(e.to_string());
    }
    Ok(Begun::Started(Box::new(run)))
}

async fn work(conn: &mut Conn, run: &mut Run, actor: &Actor) -> Result<()> {
    let dry_run = run.request.dry_run;
    match run.request.task {
        Task::Alerts => {
            let check = usage_alerts::check(conn, dry_run).await?;
            run.lines.extend(check.lines);
            if !check.crossings.is_empty() && !dry_run {
                let message = alert_message(
                    notifications::recipients(conn).await?,
                    &check.crossings,
                    &notifications::system_name(conn).await?,
                );
                run.mail = Some(compose(conn, message).await?);
                run.alerts_to_mark = check.to_mark;
            }
        }
        Task::Cleaner => {
            let cleaning = cleaner::run(conn, dry_run, actor).await?;
            run.lines.extend(cleaning.lines);
            if !cleaning.findings.is_empty() {
                let date = run.started_at.get(..10).unwrap_or_default().to_string();
                let file_name = format!("ipmanager_ip_cleaner_{date}.csv");
                run.report = Some((file_name.clone(), crate::core::cleaner::report_csv(&cleaning.findings)));
                if !dry_run {
                    let to = notifications::recipients(conn).await?;
                    let system = notifications::system_name(conn).await?;
                    run.mail = Some(
                        compose(conn, report_message(to, &cleaning.findings, cleaning.behavior, &system, &file_name))
                            .await?,
                    );
                }
            }
        }
        Task::Logs => {
            let days: u32 = settings::get(conn, settings::LOG_RETENTION_DAYS)
                .await?
                .and_then(|d| d.trim().parse().ok())
                .unwrap_or(0);
            run.lines.push(if days == 0 {
                "Log retention is off: the log is kept forever (Settings > Keep log entries).".into()
            } else if dry_run {
                let old = logs::count_older_than(conn, days).await?;
                format!("Would delete {old} log entries older than {days} days.")
            } else {
                let deleted = logs::prune(conn, days, 10_000, 100).await?;
                format!("Deleted {deleted} log entries older than {days} days.")
            });
        }
    }
    Ok(())
}

async fn compose(conn: &mut Conn, message: Message) -> Result<Mail> {
    Ok(match notifications::route(conn).await? {
        Ok(route) => Mail::Ready(route, message),
        Err(problem) => Mail::Undeliverable(problem),
    })
}

async fn cleaner_enabled(conn: &mut Conn) -> Result<bool> {
    Ok(whmcs::addon_setting(conn, "ip_cleaner_enabled").await?.is_some_and(|v| v == "on"))
}

fn lease_owner() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("pid {} #{nanos:09}", std::process::id())
}

/// Records the outcome (and `delivery`, the result of sending `run.mail()`),
/// marks alerts as sent when they were, and gives the lease back.
pub async fn finish(conn: &mut Conn, run: Box<Run>, delivery: Option<Delivery>, actor: &Actor) -> Result<Outcome> {
    let Run { request, owner, started_at, mut lines, failure, mail, alerts_to_mark, report } = *run;
    let task = request.task;
    let delivery = match mail {
        Some(Mail::Undeliverable(problem)) => Some(Err(problem)),
        Some(Mail::Ready(..)) => {
            Some(delivery.unwrap_or_else(|| Err("The email was not handed over for delivery.".into())))
        }
        None => None,
    };
    let what = if task == Task::Alerts { "Alert" } else { "Report" };
    match &delivery {
        Some(Ok(to)) => {
            lines.push(format!("{what} sent to {to}."));
            if task == Task::Alerts {
                crate::store::usage_alerts::mark_alerted(conn, &alerts_to_mark).await?;
            }
        }
        Some(Err(problem)) if task == Task::Alerts => {
            lines.push(format!("Alert not sent: {problem} The next run tries again."));
        }
        Some(Err(problem)) => {
            lines.push(format!("Report not sent: {problem} The report is kept on the Settings page."))
        }
        None => {}
    }
    if let Some(problem) = &failure {
        lines.push(format!("{} failed: {problem}", task.label()));
    }
    let status = match (&failure, &delivery, request.dry_run) {
        (Some(_), ..) | (None, Some(Err(_)), _) => "failed",
        (None, _, true) => "dry run",
        _ => "done",
    };
    let message = lines.join("\n");
    if let Some(owner) = &owner {
        tasks::release(conn, task.name(), owner, status, &message, status == "done").await?;
    }
    let (report_name, report_csv) = report.map_or((String::new(), None), |(name, csv)| (name, Some(csv)));
    tasks::record(
        conn,
        Finished {
            task: task.name(),
            trigger: request.trigger.as_str(),
            dry_run: request.dry_run,
            started_at,
            outcome: status,
            message: &message,
            report_name: &report_name,
            report: report_csv.as_deref(),
        },
    )
    .await?;
    tasks::prune_history(conn, task.name(), 30).await?;
    if !request.dry_run {
        let summary = format!("{} ({}): {status}. {}", task.label(), request.trigger.as_str(), lines.join(" "));
        logs::record(conn, actor, LogEntry { action: "task_run", details: summary, ..Default::default() }).await?;
    }
    Ok(Outcome { task, status, message: lines.first().cloned().unwrap_or_default(), lines })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_task_means_every_task_in_order_and_a_wrong_name_is_refused() {
        let all = RunRequest::from_input(&Input::new(json!({"trigger": "daily"})).unwrap()).unwrap();
        assert_eq!(all.iter().map(|r| r.task).collect::<Vec<_>>(), Task::ALL);
        let one = RunRequest::from_input(
            &Input::new(json!({"trigger": "cron", "task": "cleaner", "dry_run": true})).unwrap(),
        )
        .unwrap();
        assert_eq!(
            one,
            [RunRequest { task: Task::Cleaner, trigger: Trigger::CronScript, dry_run: true, force: false }]
        );
        let wrong =
            RunRequest::from_input(&Input::new(json!({"trigger": "cron", "task": "backup"})).unwrap()).unwrap_err();
        assert_eq!(wrong.message(), "Unknown task \"backup\": use alerts, cleaner or logs.");
        assert!(RunRequest::from_input(&Input::new(json!({"trigger": "web"})).unwrap()).is_err());
    }
}
