//! Keeping WHMCS's view of a service's addresses (`tblhosting.dedicatedip`,
//! `tblhosting.assignedips`, or a product custom field) in step with IP
//! Manager's assignments. Every change of assignments ends here, inside the
//! same transaction.

use mysql_async::prelude::*;
use serde::Serialize;

use crate::store::configurations;
use crate::store::whmcs::{self, Service};
use crate::Result;

/// What WHMCS now holds for the service.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServiceIps {
    pub dedicatedip: String,
    pub assignedips: String,
    /// (custom field name, value) when a configuration writes the addresses there.
    pub custom_field: Option<(String, String)>,
    /// Every address IP Manager assigns to the service, primary first.
    pub addresses: Vec<String>,
}

/// Splits WHMCS's address fields: one per line, but CRLF and commas occur too.
pub fn split_ips(text: &str) -> Vec<String> {
    text.split(['\n', '\r', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The service's assigned addresses, primary first, then by version and age.
pub async fn assigned_addresses<Q: Queryable>(db: &mut Q, service_id: u32) -> Result<Vec<(String, u32)>> {
    let rows: Vec<(String, u8, u8, u32)> = db
        .exec(
            "SELECT a.ip, a.prefix_length, a.version, x.configuration_id FROM mod_ipmanager_assignments x
             JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
             WHERE x.service_id = ? ORDER BY x.type = 'primary' DESC, a.version, x.id",
            (service_id,),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(ip, prefix, version, configuration_id)| {
            let full = if version == 4 { 32 } else { 128 };
            (if prefix == full { ip } else { format!("{ip}/{prefix}") }, configuration_id)
        })
        .collect())
}

/// Brings the service's address fields in line with its assignments: the
/// `released` addresses leave them, addresses IP Manager assigns that they
/// lack are added (the primary one as dedicated IP when that field is free),
/// and every other entry an operator put there stays as it is.
pub async fn write_back<Q: Queryable>(db: &mut Q, service: &Service, released: &[String]) -> Result<ServiceIps> {
    let assigned = assigned_addresses(db, service.id).await?;
    let addresses: Vec<String> = assigned.iter().map(|(ip, _)| ip.clone()).collect();
    let configuration = match assigned.iter().map(|(_, c)| *c).find(|c| *c != 0) {
        Some(id) => configurations::find(db, id).await.ok(),
        None => None,
    };
    let custom_fields_allowed = whmcs::addon_setting(db, "use_custom_field").await?.is_some_and(|v| v == "on");
    let omit_dedicated = configuration.as_ref().is_some_and(|c| c.omit_dedicated_ip);
    let custom_field_name = configuration
        .as_ref()
        .filter(|c| c.use_custom_field && custom_fields_allowed && !c.custom_field_name.is_empty())
        .map(|c| c.custom_field_name.clone());

    let gone = |entry: &String| released.iter().any(|r| r == entry);
    let old_dedicated = service.dedicated_ip.trim().to_string();
    let kept_dedicated = if old_dedicated.is_empty() || gone(&old_dedicated) { String::new() } else { old_dedicated };
    let mut listed: Vec<String> = split_ips(&service.assigned_ips).into_iter().filter(|e| !gone(e)).collect();
    listed.dedup();

    let dedicatedip = if omit_dedicated || !kept_dedicated.is_empty() {
        kept_dedicated
    } else {
        addresses.first().cloned().unwrap_or_default()
    };
    let mut custom_field = None;
    let assignedips = match &custom_field_name {
        // The custom field is IP Manager's own: it holds exactly the assigned addresses.
        Some(name) => {
            let value = addresses.iter().filter(|a| **a != dedicatedip).cloned().collect::<Vec<_>>().join("\n");
            if let Some((field_id, field_name)) = whmcs::product_custom_field(db, service.product_id, name).await? {
                whmcs::set_custom_field_value(db, field_id, service.id, &value).await?;
                custom_field = Some((field_name, value));
            }
            listed.retain(|e| !addresses.contains(e));
            listed.join("\n")
        }
        None => {
            for address in &addresses {
                if *address != dedicatedip && !listed.contains(address) {
                    listed.push(address.clone());
                }
            }
            listed.retain(|e| *e != dedicatedip);
            listed.join("\n")
        }
    };
    whmcs::write_ips(db, service.id, &dedicatedip, &assignedips).await?;
    Ok(ServiceIps { dedicatedip, assignedips, custom_field, addresses })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whmcs_address_lists_accept_lf_crlf_and_commas() {
        assert_eq!(split_ips("192.0.2.1\r\n192.0.2.2,192.0.2.3\n\n 2001:db8::1 "), ["192.0.2.1", "192.0.2.2", "192.0.2.3", "2001:db8::1"]);
        assert!(split_ips("").is_empty());
    }
}
