//! Scheduled tasks' lease and history. `mod_ipmanager_task_runs` holds one row
//! per task: who holds its lease (so two runs never overlap; a lease expires
//! when its holder dies) and the last day it completed (so the cron script and
//! WHMCS's daily cron do the work once a day between them).
//! `mod_ipmanager_task_history` keeps every finished run with its report.

use mysql_async::prelude::*;
use serde::Serialize;

use crate::Result;

/// How long a run may hold a task before another may take it over.
pub const LEASE_SECONDS: u32 = 600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lease {
    Taken,
    /// Another run holds the task: since when, and until when its lease lasts.
    Running {
        since: String,
        expires: String,
    },
    /// The task already completed today (and `force` was not asked for).
    DoneToday {
        finished: String,
    },
}

/// Takes the task's lease for `owner`, unless a live lease exists or (without
/// `force`) the task already completed today.
pub async fn acquire<Q: Queryable>(db: &mut Q, task: &str, owner: &str, force: bool) -> Result<Lease> {
    db.exec_drop("INSERT IGNORE INTO mod_ipmanager_task_runs (task, message) VALUES (?, '')", (task,)).await?;
    let taken = crate::store::execute(
        db,
        "UPDATE mod_ipmanager_task_runs
         SET lock_owner = ?, lock_expires_at = NOW() + INTERVAL ? SECOND, started_at = NOW()
         WHERE task = ? AND (lock_owner = '' OR lock_expires_at IS NULL OR lock_expires_at < NOW())
           AND (? OR last_run_date IS NULL OR last_run_date < CURDATE())",
        (owner, LEASE_SECONDS, task, force),
    )
    .await?;
    if taken == 1 {
        return Ok(Lease::Taken);
    }
    let row: Option<(String, String, String, String)> = db
        .exec_first(
            "SELECT lock_owner, COALESCE(DATE_FORMAT(started_at, '%Y-%m-%d %H:%i:%s'), ''),
                    COALESCE(DATE_FORMAT(lock_expires_at, '%Y-%m-%d %H:%i:%s'), ''),
                    COALESCE(DATE_FORMAT(finished_at, '%Y-%m-%d %H:%i:%s'), '')
             FROM mod_ipmanager_task_runs WHERE task = ?",
            (task,),
        )
        .await?;
    let (holder, since, expires, finished) = row.unwrap_or_default();
    Ok(if holder.is_empty() { Lease::DoneToday { finished } } else { Lease::Running { since, expires } })
}

/// Gives the lease back; `completed` marks today as done.
pub async fn release<Q: Queryable>(
    db: &mut Q,
    task: &str,
    owner: &str,
    outcome: &str,
    message: &str,
    completed: bool,
) -> Result<()> {
    db.exec_drop(
        "UPDATE mod_ipmanager_task_runs
         SET lock_owner = '', lock_expires_at = NULL, finished_at = NOW(), outcome = ?, message = ?,
             last_run_date = IF(?, CURDATE(), last_run_date)
         WHERE task = ? AND lock_owner = ?",
        (outcome, message, completed, task, owner),
    )
    .await?;
    Ok(())
}

/// A finished run, for the history.
#[derive(Debug, Clone, Default)]
pub struct Finished<'a> {
    pub task: &'a str,
    pub trigger: &'a str,
    pub dry_run: bool,
    pub started_at: String,
    pub outcome: &'a str,
    pub message: &'a str,
    pub report_name: &'a str,
    pub report: Option<&'a str>,
}

pub async fn record<Q: Queryable>(db: &mut Q, run: Finished<'_>) -> Result<u64> {
    crate::store::insert(
        db,
        "INSERT INTO mod_ipmanager_task_history
             (task, trigger_source, dry_run, started_at, finished_at, outcome, message, report_name, report)
         VALUES (?, ?, ?, ?, NOW(), ?, ?, ?, ?)",
        (run.task, run.trigger, run.dry_run, run.started_at, run.outcome, run.message, run.report_name, run.report),
    )
    .await
}

/// The database's clock, so a run's times and the lease agree.
pub async fn now<Q: Queryable>(db: &mut Q) -> Result<String> {
    Ok(db.query_first("SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')").await?.unwrap_or_default())
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunRecord {
    pub id: u64,
    pub task: String,
    pub trigger: String,
    pub dry_run: bool,
    pub started_at: String,
    pub finished_at: String,
    pub outcome: String,
    pub message: String,
    /// The report's file name when the run kept one.
    pub report_name: String,
}

/// (id, task, trigger, dry run, started, finished, outcome, message, report name).
type RunRow = (u64, String, String, bool, String, String, String, String, String);

/// The latest `per_task` runs of each task, newest first.
pub async fn recent<Q: Queryable>(db: &mut Q, per_task: u32) -> Result<Vec<RunRecord>> {
    let rows: Vec<RunRow> = db
        .exec(
            "SELECT h.id, h.task, h.trigger_source, h.dry_run, DATE_FORMAT(h.started_at, '%Y-%m-%d %H:%i:%s'),
                    DATE_FORMAT(h.finished_at, '%Y-%m-%d %H:%i:%s'), h.outcome, h.message,
                    IF(h.report IS NULL, '', h.report_name)
             FROM mod_ipmanager_task_history h
             WHERE (SELECT COUNT(*) FROM mod_ipmanager_task_history n WHERE n.task = h.task AND n.id > h.id) < ?
             ORDER BY h.task, h.id DESC",
            (per_task,),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, task, trigger, dry_run, started_at, finished_at, outcome, message, report_name)| RunRecord {
            id,
            task,
            trigger,
            dry_run,
            started_at,
            finished_at,
            outcome,
            message,
            report_name,
        })
        .collect())
}

/// A kept report: (file name, content).
pub async fn report<Q: Queryable>(db: &mut Q, run_id: u64) -> Result<Option<(String, String)>> {
    Ok(db
        .exec_first(
            "SELECT report_name, report FROM mod_ipmanager_task_history WHERE id = ? AND report IS NOT NULL",
            (run_id,),
        )
        .await?)
}

/// Deletes history beyond the newest `keep` runs of each task.
pub async fn prune_history<Q: Queryable>(db: &mut Q, task: &str, keep: u32) -> Result<()> {
    let cutoff: Option<u64> = db
        .exec_first(
            "SELECT id FROM mod_ipmanager_task_history WHERE task = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
            (task, keep),
        )
        .await?;
    if let Some(id) = cutoff {
        db.exec_drop("DELETE FROM mod_ipmanager_task_history WHERE task = ? AND id <= ?", (task, id)).await?;
    }
    Ok(())
}
