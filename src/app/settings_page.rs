//! The Settings tab: the module's operational settings (what happens to a
//! terminated service's addresses, cooldown, the Additional IPs option, how
//! emails go out and to whom, log retention), the scheduled tasks with their
//! last runs and "Run now", and the one-click Additional IPs option per product.

use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::input::Input;
use crate::app::notifications::{self, Route};
use crate::app::provisioning::DEFAULT_EXTRA_IPS_OPTION;
use crate::app::subnets::Saved;
use crate::core::alerts::parse_threshold;
use crate::core::cleaner::Behavior;
use crate::core::message::Message;
use crate::error::FieldError;
use crate::mail::{parse_recipients, SmtpForm, SmtpSettings};
use crate::store::logs::{self, LogEntry};
use crate::store::tasks::{self, RunRecord};
use crate::store::{settings, whmcs};
use crate::{Error, Result};

pub const TERMINATE_POLICIES: [&str; 3] = ["release", "cooldown", "keep"];
pub const MAIL_TRANSPORTS: [&str; 2] = ["whmcs", "smtp"];
pub const SMTP_SECURITIES: [&str; 3] = ["none", "starttls", "tls"];

/// The form as shown and as submitted; the SMTP password never travels back to the page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct OperationalSettings {
    pub terminate_policy: String,
    pub cooldown_hours: String,
    pub extra_ips_option: String,
    pub mail_transport: String,
    pub smtp_host: String,
    pub smtp_port: String,
    pub smtp_security: String,
    pub smtp_username: String,
    pub smtp_from: String,
    pub alert_recipients: String,
    pub log_retention_days: String,
}

/// Checks the form; every problem is reported on its field. `password` is
/// the SMTP password that will be in force (the new one, or the stored one).
pub fn validate(input: &Input, password: &str) -> std::result::Result<OperationalSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail =
        |field: &str, message: &str| errors.push(FieldError { field: field.into(), message: message.into() });
    let form = OperationalSettings {
        terminate_policy: input.text("terminate_policy"),
        cooldown_hours: input.text("cooldown_hours"),
        extra_ips_option: input.text("extra_ips_option"),
        mail_transport: input.text("mail_transport"),
        smtp_host: input.text("smtp_host"),
        smtp_port: input.text("smtp_port"),
        smtp_security: input.text("smtp_security"),
        smtp_username: input.text("smtp_username"),
        smtp_from: input.text("smtp_from"),
        alert_recipients: input.raw_text("alert_recipients").trim().to_string(),
        log_retention_days: input.text("log_retention_days"),
    };
    if !TERMINATE_POLICIES.contains(&form.terminate_policy.as_str()) {
        fail("terminate_policy", "Choose release, cooldown or keep.");
    }
    if !form.cooldown_hours.parse::<u32>().is_ok_and(|h| h <= 8760) {
        fail("cooldown_hours", "Enter a number of hours from 0 to 8760.");
    }
    let key = &form.extra_ips_option;
    let valid_key = !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid_key {
        fail(
            "extra_ips_option",
            "Use lowercase letters, digits and underscores (at most 64), like ipmanager_extra_ips.",
        );
    }
    if !MAIL_TRANSPORTS.contains(&form.mail_transport.as_str()) {
        fail("mail_transport", "Choose WHMCS mail or SMTP.");
    }
    if !form.log_retention_days.parse::<u32>().is_ok_and(|d| d <= 36500) {
        fail("log_retention_days", "Enter a number of days from 0 (keep forever) to 36500.");
    }
    if let Err(e) = parse_recipients(&form.alert_recipients) {
        errors.push(e);
    }
    if form.mail_transport == "smtp" {
        if let Err(smtp) = SmtpSettings::validate(&smtp_form(&form, password)) {
            errors.extend(smtp);
        }
    }
    if errors.is_empty() {
        Ok(form)
    } else {
        Err(errors)
    }
}

fn smtp_form<'a>(form: &'a OperationalSettings, password: &'a str) -> SmtpForm<'a> {
    SmtpForm {
        host: &form.smtp_host,
        port: &form.smtp_port,
        security: &form.smtp_security,
        username: &form.smtp_username,
        password,
        from: &form.smtp_from,
    }
}

/// The module configuration (Setup > Addon Modules) the tasks follow, shown read-only.
#[derive(Debug, Serialize)]
pub struct ModuleConfiguration {
    pub usage_alert_threshold: String,
    pub ip_cleaner_enabled: bool,
    pub ip_cleaner_behavior: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SettingsPage {
    pub form: OperationalSettings,
    pub smtp_password_set: bool,
    pub policies: [&'static str; 3],
    pub transports: [&'static str; 2],
    pub securities: [&'static str; 3],
    pub products: Vec<(u32, String)>,
    pub module: ModuleConfiguration,
    /// Who gets alerts and reports with the current settings.
    pub delivery: String,
    pub cron_command: String,
    pub runs: Vec<RunRecord>,
}

const FORM_KEYS: [(&str, &str); 11] = [
    (settings::TERMINATE_POLICY, "release"),
    (settings::COOLDOWN_HOURS, "0"),
    (settings::EXTRA_IPS_OPTION, DEFAULT_EXTRA_IPS_OPTION),
    (settings::MAIL_TRANSPORT, "whmcs"),
    (settings::SMTP_HOST, ""),
    (settings::SMTP_PORT, ""),
    (settings::SMTP_SECURITY, "starttls"),
    (settings::SMTP_USERNAME, ""),
    (settings::SMTP_FROM, ""),
    (settings::ALERT_RECIPIENTS, ""),
    (settings::LOG_RETENTION_DAYS, "0"),
];

/// The page; `root_dir` is WHMCS's root, for the cron command.
pub async fn page(mut conn: Conn, root_dir: &str) -> Result<SettingsPage> {
    let stored = settings::all(&mut conn).await?;
    let value = |(name, default): (&str, &str)| stored.get(name).cloned().unwrap_or_else(|| default.to_string());
    let [terminate_policy, cooldown_hours, extra_ips_option, mail_transport, smtp_host, smtp_port, smtp_security, smtp_username, smtp_from, alert_recipients, log_retention_days] =
        FORM_KEYS.map(value);
    let form = OperationalSettings {
        terminate_policy,
        cooldown_hours,
        extra_ips_option,
        mail_transport,
        smtp_host,
        smtp_port,
        smtp_security,
        smtp_username,
        smtp_from,
        alert_recipients,
        log_retention_days,
    };
    let addon = async |conn: &mut Conn, name: &str| -> Result<String> {
        Ok(whmcs::addon_setting(conn, name).await?.unwrap_or_default())
    };
    let threshold = addon(&mut conn, "usage_alert_threshold").await?;
    let module = ModuleConfiguration {
        usage_alert_threshold: match parse_threshold(&threshold) {
            Ok(Some(t)) => format!("{t}%"),
            Ok(None) => "not set (alerts only for subnets with their own threshold)".into(),
            Err(problem) => problem,
        },
        ip_cleaner_enabled: addon(&mut conn, "ip_cleaner_enabled").await? == "on",
        ip_cleaner_behavior: Behavior::parse(&addon(&mut conn, "ip_cleaner_behavior").await?).label(),
    };
    let recipients = notifications::recipients(&mut conn).await?;
    let delivery = match notifications::route(&mut conn).await? {
        Ok(Route::Whmcs) => notifications::describe(&Route::Whmcs),
        Ok(route) if recipients.is_empty() => {
            format!("{}, but there is no recipient: add one below.", notifications::describe(&route))
        }
        Ok(route) => format!("{} to {}", notifications::describe(&route), recipients.join(", ")),
        Err(problem) => problem,
    };
    Ok(SettingsPage {
        smtp_password_set: stored.get(settings::SMTP_PASSWORD).is_some_and(|p| !p.is_empty()),
        form,
        policies: TERMINATE_POLICIES,
        transports: MAIL_TRANSPORTS,
        securities: SMTP_SECURITIES,
        products: whmcs::products(&mut conn).await?,
        module,
        delivery,
        cron_command: cron_command(root_dir),
        runs: tasks::recent(&mut conn, 5).await?,
    })
}

/// The crontab line for this installation, run from the WHMCS root as the guide says.
pub fn cron_command(root_dir: &str) -> String {
    let root = root_dir.trim_end_matches('/');
    let safe = !root.is_empty() && root.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+".contains(&b));
    let root = if safe { root.to_string() } else { format!("'{}'", root.replace('\'', "'\\''")) };
    format!("0 9 * * * cd {root} && php -q modules/addons/ipmanager/cron/usage_alerts.php")
}

/// Saves the form. `new_password` is the SMTP password typed now, already
/// encrypted with WHMCS's key; `None` keeps the stored one.
pub async fn save(mut conn: Conn, input: &Input, new_password: Option<String>, actor: &Actor) -> Result<Saved> {
    let stored_password = settings::get(&mut conn, settings::SMTP_PASSWORD).await?.unwrap_or_default();
    let clears_login = input.text("smtp_username").is_empty();
    let password = match (&new_password, clears_login) {
        (_, true) => String::new(),
        (Some(p), false) => p.clone(),
        (None, false) => stored_password,
    };
    let valid = validate(input, &password).map_err(Error::fields)?;
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let values = [
        &valid.terminate_policy,
        &valid.cooldown_hours,
        &valid.extra_ips_option,
        &valid.mail_transport,
        &valid.smtp_host,
        &valid.smtp_port,
        &valid.smtp_security,
        &valid.smtp_username,
        &valid.smtp_from,
        &valid.alert_recipients,
        &valid.log_retention_days,
    ];
    for ((name, _), value) in FORM_KEYS.iter().zip(values) {
        settings::set(&mut tx, name, value).await?;
    }
    settings::set(&mut tx, settings::SMTP_PASSWORD, &password).await?;
    let message = format!(
        "Settings saved: terminated services {}, cooldown {} hours, Additional IPs option \"{}\", email via {}, log kept {}.",
        valid.terminate_policy,
        valid.cooldown_hours,
        valid.extra_ips_option,
        if valid.mail_transport == "smtp" { format!("SMTP {}", valid.smtp_host) } else { "WHMCS mail".into() },
        if valid.log_retention_days == "0" { "forever".to_string() } else { format!("{} days", valid.log_retention_days) },
    );
    logs::record(&mut tx, actor, LogEntry { action: "settings_saved", details: message.clone(), ..Default::default() })
        .await?;
    tx.commit().await?;
    Ok(Saved { id: 0, message })
}

/// A test email through the saved settings, so an operator sees at once whether alerts would arrive.
pub async fn test_message(mut conn: Conn) -> Result<(std::result::Result<Route, String>, Message)> {
    let to = notifications::recipients(&mut conn).await?;
    let system = notifications::system_name(&mut conn).await?;
    let route = notifications::route(&mut conn).await?;
    let text = format!(
        "This is a test email from IP Manager on {system}. Usage alerts and IP Cleaner reports are sent the same way."
    );
    let message = Message {
        to,
        subject: "[IP Manager] Test email".into(),
        html: format!("<p>{}</p>", crate::core::report::html_escape(&text)),
        text,
        attachments: Vec::new(),
    };
    Ok((route, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_are_checked_field_by_field() {
        let ok = Input::new(json!({"terminate_policy": "keep", "cooldown_hours": "24", "extra_ips_option": "extra_ips",
            "mail_transport": "whmcs", "log_retention_days": "0", "alert_recipients": "a@example.test\nb@example.test"}))
        .unwrap();
        assert_eq!(validate(&ok, "").unwrap().terminate_policy, "keep");
        let bad =
            Input::new(json!({"terminate_policy": "burn", "cooldown_hours": "-1", "extra_ips_option": "Extra IPs",
            "mail_transport": "pigeon", "log_retention_days": "x", "alert_recipients": "nobody"}))
            .unwrap();
        let fields: Vec<String> = validate(&bad, "").unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "terminate_policy",
                "cooldown_hours",
                "extra_ips_option",
                "mail_transport",
                "log_retention_days",
                "alert_recipients"
            ]
        );
    }

    #[test]
    fn smtp_fields_are_checked_only_for_smtp() {
        let smtp = |host: &str, user: &str| {
            Input::new(json!({"terminate_policy": "release", "cooldown_hours": "0", "extra_ips_option": "x",
                "mail_transport": "smtp", "log_retention_days": "30", "smtp_host": host, "smtp_security": "starttls",
                "smtp_username": user, "smtp_from": "ipm@example.test"}))
            .unwrap()
        };
        assert!(validate(&smtp("mail.example.test", ""), "").is_ok());
        let fields: Vec<String> = validate(&smtp("", "ops"), "").unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["smtp_host", "smtp_password"]);
        assert!(validate(&smtp("mail.example.test", "ops"), "stored-secret").is_ok());
    }

    #[test]
    fn the_cron_command_runs_from_the_whmcs_root() {
        assert_eq!(
            cron_command("/var/www/whmcs/"),
            "0 9 * * * cd /var/www/whmcs && php -q modules/addons/ipmanager/cron/usage_alerts.php"
        );
        assert_eq!(
            cron_command("/srv/my whmcs"),
            "0 9 * * * cd '/srv/my whmcs' && php -q modules/addons/ipmanager/cron/usage_alerts.php"
        );
    }
}
