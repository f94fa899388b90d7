//! The Settings tab: the module's operational settings (what happens to a
//! terminated service's addresses, cooldown, the Additional IPs option), and
//! the one-click Additional IPs option per product.

use mysql_async::{Conn, TxOpts};
use serde::Serialize;

use crate::app::actor::Actor;
use crate::app::input::Input;
use crate::app::provisioning::DEFAULT_EXTRA_IPS_OPTION;
use crate::app::subnets::Saved;
use crate::error::FieldError;
use crate::store::logs::{self, LogEntry};
use crate::store::{settings, whmcs};
use crate::{Error, Result};

pub const TERMINATE_POLICIES: [&str; 3] = ["release", "cooldown", "keep"];

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OperationalSettings {
    pub terminate_policy: String,
    pub cooldown_hours: String,
    pub extra_ips_option: String,
}

/// Checks the form; every problem is reported on its field.
pub fn validate(input: &Input) -> std::result::Result<OperationalSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let terminate_policy = input.text("terminate_policy");
    if !TERMINATE_POLICIES.contains(&terminate_policy.as_str()) {
        errors.push(FieldError { field: "terminate_policy".into(), message: "Choose release, cooldown or keep.".into() });
    }
    let cooldown_hours = input.text("cooldown_hours");
    if !cooldown_hours.parse::<u32>().is_ok_and(|h| h <= 8760) {
        errors.push(FieldError { field: "cooldown_hours".into(), message: "Enter a number of hours from 0 to 8760.".into() });
    }
    let extra_ips_option = input.text("extra_ips_option");
    let valid_key = !extra_ips_option.is_empty()
        && extra_ips_option.len() <= 64
        && extra_ips_option.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid_key {
        errors.push(FieldError {
            field: "extra_ips_option".into(),
            message: "Use lowercase letters, digits and underscores (at most 64), like ipmanager_extra_ips.".into(),
        });
    }
    if errors.is_empty() { Ok(OperationalSettings { terminate_policy, cooldown_hours, extra_ips_option }) } else { Err(errors) }
}

#[derive(Debug, Serialize)]
pub struct SettingsPage {
    pub form: OperationalSettings,
    pub policies: [&'static str; 3],
    pub products: Vec<(u32, String)>,
}

pub async fn page(mut conn: Conn) -> Result<SettingsPage> {
    let get = async |conn: &mut Conn, name: &str, default: &str| -> Result<String> {
        Ok(settings::get(conn, name).await?.unwrap_or_else(|| default.to_string()))
    };
    let form = OperationalSettings {
        terminate_policy: get(&mut conn, settings::TERMINATE_POLICY, "release").await?,
        cooldown_hours: get(&mut conn, settings::COOLDOWN_HOURS, "0").await?,
        extra_ips_option: get(&mut conn, settings::EXTRA_IPS_OPTION, DEFAULT_EXTRA_IPS_OPTION).await?,
    };
    Ok(SettingsPage { form, policies: TERMINATE_POLICIES, products: whmcs::products(&mut conn).await? })
}

pub async fn save(mut conn: Conn, input: &Input, actor: &Actor) -> Result<Saved> {
    let valid = validate(input).map_err(Error::fields)?;
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    settings::set(&mut tx, settings::TERMINATE_POLICY, &valid.terminate_policy).await?;
    settings::set(&mut tx, settings::COOLDOWN_HOURS, &valid.cooldown_hours).await?;
    settings::set(&mut tx, settings::EXTRA_IPS_OPTION, &valid.extra_ips_option).await?;
    let message = format!(
        "Settings saved: terminated services {}, cooldown {} hours, Additional IPs option \"{}\".",
        valid.terminate_policy, valid.cooldown_hours, valid.extra_ips_option
    );
    logs::record(&mut tx, actor, LogEntry { action: "settings_saved", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id: 0, message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_are_checked_field_by_field() {
        let ok = Input::new(json!({"terminate_policy": "keep", "cooldown_hours": "24", "extra_ips_option": "extra_ips"})).unwrap();
        assert_eq!(validate(&ok).unwrap().terminate_policy, "keep");
        let bad = Input::new(json!({"terminate_policy": "burn", "cooldown_hours": "-1", "extra_ips_option": "Extra IPs"})).unwrap();
        let fields: Vec<String> = validate(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["terminate_policy", "cooldown_hours", "extra_ips_option"]);
    }
}
