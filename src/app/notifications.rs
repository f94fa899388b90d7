//! Where the module's emails go: WHMCS's own mail (the default; the PHP
//! boundary hands the message to localAPI SendAdminEmail) or direct SMTP, to
//! the first active full administrator plus the operator's extra recipients.

use mysql_async::prelude::*;

use crate::core::message::Message;
use crate::mail::{parse_recipients, Smtp, SmtpSettings, Transport};
use crate::store::{settings, whmcs};
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// localAPI SendAdminEmail: WHMCS picks the administrators who receive system emails.
    Whmcs,
    /// Direct SMTP; the password is as stored (encrypted with WHMCS's key).
    Smtp(SmtpSettings),
}

/// What a delivery attempt came to: where it went, or why it did not.
pub type Delivery = std::result::Result<String, String>;

/// The configured route. Broken stored SMTP settings are reported, never guessed around.
pub async fn route<Q: Queryable>(db: &mut Q) -> Result<std::result::Result<Route, String>> {
    let stored = settings::all(db).await?;
    let get = |name: &str| stored.get(name).map(String::as_str).unwrap_or("");
    if get(settings::MAIL_TRANSPORT) != "smtp" {
        return Ok(Ok(Route::Whmcs));
    }
    let port = get(settings::SMTP_PORT);
    let form = crate::mail::SmtpForm {
        host: get(settings::SMTP_HOST),
        port,
        security: get(settings::SMTP_SECURITY),
        username: get(settings::SMTP_USERNAME),
        password: get(settings::SMTP_PASSWORD),
        from: get(settings::SMTP_FROM),
    };
    Ok(SmtpSettings::validate(&form).map(Route::Smtp).map_err(|errors| {
        format!(
            "The SMTP settings on the Settings page are incomplete: {}",
            errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ")
        )
    }))
}

/// The first active full administrator, then the extra recipients, each once.
pub async fn recipients<Q: Queryable>(db: &mut Q) -> Result<Vec<String>> {
    let mut to: Vec<String> =
        whmcs::first_full_admin_email(db).await?.into_iter().map(|e| e.trim().to_string()).collect();
    let extra = settings::get(db, settings::ALERT_RECIPIENTS).await?.unwrap_or_default();
    // Stored lists were checked when saved; an entry that no longer parses is skipped, not fatal.
    for address in parse_recipients(&extra).unwrap_or_default() {
        if !to.iter().any(|t| t.eq_ignore_ascii_case(&address)) {
            to.push(address);
        }
    }
    Ok(to)
}

/// The company name for the emails' wording.
pub async fn system_name<Q: Queryable>(db: &mut Q) -> Result<String> {
    Ok(whmcs::configuration_value(db, "CompanyName")
        .await?
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "WHMCS".into()))
}

/// Sends through SMTP with settings whose password is in clear.
pub async fn send_smtp(settings: SmtpSettings, message: &Message) -> Delivery {
    if message.to.is_empty() {
        return Err("No recipient: there is no active full administrator with an email address and no extra recipient on the Settings page.".into());
    }
    let mut smtp = Smtp::new(settings);
    let target = smtp.describe();
    match smtp.send(message).await {
        Ok(()) => Ok(format!("{} via {target}", message.to.join(", "))),
        Err(e) => Err(e.to_string()),
    }
}

/// How the route reads on the Settings page and in logs.
pub fn describe(route: &Route) -> String {
    match route {
        Route::Whmcs => "WHMCS mail (SendAdminEmail to the administrators who receive system emails)".into(),
        Route::Smtp(settings) => Smtp::new(settings.clone()).describe(),
    }
}
