//! The Logs page (guide §14): every action of the module, newest first,
//! filtered and paginated, and downloadable as CSV.

use std::io::Write;

use mysql_async::prelude::*;
use mysql_async::Conn;
use serde::Serialize;

use crate::app::input::Input;
use crate::core::exchange::spreadsheet_safe;
use crate::error::FieldError;
use crate::{Error, Result};

pub const PAGE_SIZE: u64 = 50;

#[derive(Debug, Clone, Default, Serialize)]
pub struct LogFilters {
    pub action: String,
    pub admin_id: Option<u32>,
    pub client_id: Option<u32>,
    pub service_id: Option<u32>,
    pub address: String,
    /// Inclusive dates, YYYY-MM-DD.
    pub from: String,
    pub to: String,
    pub page: u64,
}

fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && [y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u8>().unwrap_or(0)) && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)))
}

impl LogFilters {
    pub fn from_input(input: &Input) -> Result<Self> {
        let filters = LogFilters {
            action: input.text("log_action"),
            admin_id: input.id("admin_id")?,
            client_id: input.id("client_id")?,
            service_id: input.id("service_id")?,
            address: input.text("address"),
            from: input.text("from"),
            to: input.text("to"),
            page: input.number("page", 1, 1, i64::from(u32::MAX))? as u64,
        };
        let mut errors = Vec::new();
        for (field, value) in [("from", &filters.from), ("to", &filters.to)] {
            if !value.is_empty() && !valid_date(value) {
                errors.push(FieldError { field: field.into(), message: format!("\"{value}\" is not a date like 2026-03-31.") });
            }
        }
        if errors.is_empty() { Ok(filters) } else { Err(Error::fields(errors)) }
    }

    fn condition(&self) -> (String, Vec<mysql_async::Value>) {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut params: Vec<mysql_async::Value> = Vec::new();
        let mut add = |sql: &str, value: mysql_async::Value| {
            conditions.push(sql.to_string());
            params.push(value);
        };
        if !self.action.is_empty() {
            add("action = ?", self.action.clone().into());
        }
        if let Some(id) = self.admin_id {
            add("actor_type = 'admin' AND actor_id = ?", id.into());
        }
        if let Some(id) = self.client_id {
            add("client_id = ?", id.into());
        }
        if let Some(id) = self.service_id {
            add("service_id = ?", id.into());
        }
        if !self.address.is_empty() {
            add("ip LIKE ?", format!("{}%", self.address.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")).into());
        }
        if !self.from.is_empty() {
            add("created_at >= ?", format!("{} 00:00:00", self.from).into());
        }
        if !self.to.is_empty() {
            add("created_at < ? + INTERVAL 1 DAY", self.to.clone().into());
        }
        (conditions.join(" AND "), params)
    }
}

#[derive(Debug, Serialize)]
pub struct LogRow {
    pub id: u64,
    pub created_at: String,
    /// "admin #1", "client #7", "cron", "hook", "system".
    pub actor: String,
    pub action: String,
    pub details: String,
    pub ip: String,
    pub service_id: u32,
    pub client_id: u32,
    pub request_ip: String,
}

#[derive(Debug, Serialize)]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub actions: Vec<String>,
}

type Row = (u64, String, String, u32, String, String, String, u32, u32, String);

const COLUMNS: &str = "id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), actor_type, actor_id, action, details, ip, service_id, client_id, request_ip";

fn log_row((id, created_at, actor_type, actor_id, action, details, ip, service_id, client_id, request_ip): Row) -> LogRow {
    let actor = if actor_id == 0 { actor_type } else { format!("{actor_type} #{actor_id}") };
    LogRow { id, created_at, actor, action, details, ip, service_id, client_id, request_ip }
}

pub async fn page(mut conn: Conn, filters: &LogFilters) -> Result<LogPage> {
    let (condition, params) = filters.condition();
    let total: u64 =
        conn.exec_first(format!("SELECT COUNT(*) FROM mod_ipmanager_logs WHERE {condition}"), params.clone()).await?.unwrap_or(0);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filters.page.clamp(1, pages);
    let mut params = params;
    params.extend([PAGE_SIZE.into(), ((page - 1) * PAGE_SIZE).into()]);
    let rows: Vec<Row> = conn
        .exec(format!("SELECT {COLUMNS} FROM mod_ipmanager_logs WHERE {condition} ORDER BY id DESC LIMIT ? OFFSET ?"), params)
        .await?;
    let actions: Vec<String> = conn.query("SELECT DISTINCT action FROM mod_ipmanager_logs ORDER BY action").await?;
    Ok(LogPage { rows: rows.into_iter().map(log_row).collect(), page, pages, total, actions })
}

/// Streams every matching entry as CSV, newest first, a row at a time.
pub async fn export_csv<W: Write>(conn: &mut Conn, filters: &LogFilters, out: W) -> Result<u64> {
    let (condition, params) = filters.condition();
    let mut csv = csv::Writer::from_writer(out);
    let write_error = |e: csv::Error| Error::Database(format!("The log download was interrupted: {e}"));
    csv.write_record(["id", "date", "actor", "action", "details", "ip", "service_id", "client_id", "request_ip"]).map_err(write_error)?;
    let mut result = conn
        .exec_iter(format!("SELECT {COLUMNS} FROM mod_ipmanager_logs WHERE {condition} ORDER BY id DESC"), params)
        .await?;
    let mut written = 0u64;
    let mut failure = None;
    result
        .for_each(|row| {
            if failure.is_some() {
                return;
            }
            let Ok(row) = mysql_async::from_row_opt::<Row>(row) else { return };
            let r = log_row(row);
            let cells = [
                r.id.to_string(),
                r.created_at,
                r.actor,
                r.action,
                spreadsheet_safe(&r.details).into_owned(),
                r.ip,
                r.service_id.to_string(),
                r.client_id.to_string(),
                r.request_ip,
            ];
            match csv.write_record(&cells) {
                Ok(()) => written += 1,
                Err(e) => failure = Some(write_error(e)),
            }
        })
        .await?;
    if let Some(e) = failure {
        return Err(e);
    }
    csv.flush().map_err(|e| Error::Database(format!("The log download was interrupted: {e}")))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_must_be_real_iso_dates() {
        assert!(valid_date("2026-11-21"));
        for bad in ["2026-13-01", "21.11.2026", "2026-1-1", "2026-11-21T10:00", ""] {
            assert!(!valid_date(bad), "{bad}");
        }
        let error = LogFilters::from_input(&Input::new(json!({"from": "yesterday"})).unwrap()).unwrap_err();
        assert!(matches!(error, Error::InvalidInput { ref fields, .. } if fields[0].field == "from"));
    }
}
