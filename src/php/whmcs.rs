//! WHMCS's own services, reached through PHP's `localAPI`: admin email
//! (SendAdminEmail) and WHMCS's password encryption. Called only between
//! runtime calls, never inside one: WHMCS may run hooks that call
//! the extension again, which would wait on itself (ext-php-rs-notes §7.14).

use std::collections::BTreeMap;

use ext_php_rs::types::ZendCallable;
use serde_json::Value;

use super::convert;
use crate::app::notifications::{self, Delivery, Route};
use crate::core::message::Message;
use crate::runtime;
use crate::{Error, Result};

fn local_api(command: &str, values: BTreeMap<String, String>) -> std::result::Result<Value, String> {
    let function = ZendCallable::try_from_name("localAPI")
        .map_err(|_| format!("WHMCS's localAPI() is not available here, so {command} cannot run."))?;
    let returned = function
        .try_call(vec![&command.to_string(), &values])
        .map_err(|e| format!("localAPI {command} could not be called: {e}"))?;
    let result = convert::to_value(&returned);
    if result.get("result").and_then(Value::as_str) == Some("success") {
        Ok(result)
    } else {
        let message = result.get("message").and_then(Value::as_str).unwrap_or("no message");
        Err(format!("WHMCS refused {command}: {message}"))
    }
}

fn values<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Delivers a composed message the configured way.
pub fn deliver(route: &Route, message: &Message) -> Delivery {
    match route {
        // SendAdminEmail carries no attachment; the HTML body has the same table,
        // and the CSV stays downloadable on the Settings page.
        Route::Whmcs => local_api(
            "SendAdminEmail",
            values([("customsubject", &message.subject), ("custommessage", &message.html), ("type", "system")]),
        )
        .map(|_| "WHMCS's administrators who receive system emails (SendAdminEmail)".to_string()),
        Route::Smtp(settings) => {
            let mut settings = settings.clone();
            if !settings.password.is_empty() {
                settings.password = decrypt_password(&settings.password)?;
            }
            runtime::run(notifications::send_smtp(settings, message)).unwrap_or_else(|e| Err(e.to_string()))
        }
    }
}

/// Encrypts a secret with WHMCS's key, as WHMCS stores server passwords.
pub fn encrypt_password(secret: &str) -> Result<String> {
    let result = local_api("EncryptPassword", values([("password2", secret)])).map_err(Error::Internal)?;
    result
        .get("password")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::Internal("localAPI EncryptPassword returned no password.".into()))
}

fn decrypt_password(stored: &str) -> std::result::Result<String, String> {
    let result = local_api("DecryptPassword", values([("password2", stored)]))?;
    result
        .get("password")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| "localAPI DecryptPassword returned no password.".into())
}
