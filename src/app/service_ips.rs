//! Keeping WHMCS's view of a service's addresses (`tblhosting.dedicatedip`,
//! `tblhosting.assignedips`, or a product custom field) in step with IP
//! Manager's assignments. Every change of assignments ends here, inside the
//! same transaction.

use mysql_async::prelude::*;
use serde::Serialize;

use crate::app::allocation::managing_subnet;
use crate::core::address::Address;
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

/// Rewrites the service's address fields from its assignments. Addresses an
/// operator typed that lie outside every managed subnet are kept as they are.
pub async fn write_back<Q: Queryable>(db: &mut Q, service: &Service) -> Result<ServiceIps> {
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

    // Addresses an operator typed outside every managed subnet are theirs.
    let dedicated_unmanaged = !service.dedicated_ip.is_empty() && !is_managed(db, &service.dedicated_ip).await?;
    let mut unmanaged = Vec::new();
    for entry in split_ips(&service.assigned_ips) {
        if !is_managed(db, &entry).await? && !unmanaged.contains(&entry) && entry != service.dedicated_ip {
            unmanaged.push(entry);
        }
    }

    let (dedicatedip, listed): (String, Vec<String>) = if omit_dedicated {
        (service.dedicated_ip.clone(), addresses.clone())
    } else if let Some((first, rest)) = addresses.split_first() {
        if dedicated_unmanaged {
            unmanaged.insert(0, service.dedicated_ip.clone());
        }
        (first.clone(), rest.to_vec())
    } else if dedicated_unmanaged {
        (service.dedicated_ip.clone(), Vec::new())
    } else {
        (String::new(), Vec::new())
    };
    let mut custom_field = None;
    let assignedips = match &custom_field_name {
        Some(name) => {
            let value = listed.join("\n");
            if let Some((field_id, field_name)) = whmcs::product_custom_field(db, service.product_id, name).await? {
                whmcs::set_custom_field_value(db, field_id, service.id, &value).await?;
                custom_field = Some((field_name, value));
            }
            unmanaged.join("\n")
        }
        None => listed.iter().chain(unmanaged.iter()).cloned().collect::<Vec<_>>().join("\n"),
    };
    whmcs::write_ips(db, service.id, &dedicatedip, &assignedips).await?;
    Ok(ServiceIps { dedicatedip, assignedips, custom_field, addresses })
}

async fn is_managed<Q: Queryable>(db: &mut Q, entry: &str) -> Result<bool> {
    match entry.split('/').next().map(Address::parse) {
        Some(Ok(address)) => Ok(managing_subnet(db, address).await?.is_some()),
        _ => Ok(false),
    }
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
