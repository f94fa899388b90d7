//! WHMCS's own tables, read and written where a feature needs them
//! (whmcs-reference.md §3 has the column names).

use mysql_async::prelude::*;

use crate::{Error, Result};

/// A row of `tblhosting`, the fields IP Manager works with.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: u32,
    pub client_id: u32,
    pub product_id: u32,
    pub server_id: u32,
    pub status: String,
    pub domain: String,
    pub dedicated_ip: String,
    pub assigned_ips: String,
}

/// (id, client, product, server, status, domain, dedicated IP, assigned IPs).
type ServiceRow = (u32, u32, u32, u32, String, String, String, String);

/// Loads a service and locks its row, so two provisioning runs of one service
/// (WHMCS retries failed creates) take turns.
pub async fn service_for_update<Q: Queryable>(db: &mut Q, id: u32) -> Result<Service> {
    let row: Option<ServiceRow> = db
        .exec_first(
            "SELECT id, userid, packageid, server, domainstatus, domain, COALESCE(dedicatedip, ''), COALESCE(assignedips, '')
             FROM tblhosting WHERE id = ? FOR UPDATE",
            (id,),
        )
        .await?;
    let (id, client_id, product_id, server_id, status, domain, dedicated_ip, assigned_ips) =
        row.ok_or_else(|| Error::NotFound(format!("Service #{id} does not exist in WHMCS.")))?;
    Ok(Service { id, client_id, product_id, server_id, status, domain, dedicated_ip, assigned_ips })
}

pub async fn write_ips<Q: Queryable>(db: &mut Q, service_id: u32, dedicated_ip: &str, assigned_ips: &str) -> Result<()> {
    db.exec_drop("UPDATE tblhosting SET dedicatedip = ?, assignedips = ? WHERE id = ?", (dedicated_ip, assigned_ips, service_id))
        .await?;
    Ok(())
}

/// Active product addons of a service: (addon id, quantity).
pub async fn active_addons<Q: Queryable>(db: &mut Q, service_id: u32) -> Result<Vec<(u32, u32)>> {
    Ok(db
        .exec(
            "SELECT addonid, GREATEST(COALESCE(qty, 1), 1) FROM tblhostingaddons WHERE hostingid = ? AND status = 'Active'",
            (service_id,),
        )
        .await?)
}

/// Quantity configurable options of a service: (option id, option name, quantity).
pub async fn quantity_options<Q: Queryable>(db: &mut Q, service_id: u32) -> Result<Vec<(u32, String, u32)>> {
    Ok(db
        .exec(
            "SELECT o.id, o.optionname, h.qty FROM tblhostingconfigoptions h
             JOIN tblproductconfigoptions o ON o.id = h.configid
             WHERE h.relid = ? AND o.optiontype = 4",
            (service_id,),
        )
        .await?)
}

/// The product custom field named `name` (or `name|Label`), if the product has one.
pub async fn product_custom_field<Q: Queryable>(db: &mut Q, product_id: u32, name: &str) -> Result<Option<(u32, String)>> {
    Ok(db
        .exec_first(
            "SELECT id, fieldname FROM tblcustomfields WHERE type = 'product' AND relid = ?
               AND TRIM(SUBSTRING_INDEX(fieldname, '|', 1)) = ? ORDER BY id LIMIT 1",
            (product_id, name),
        )
        .await?)
}

pub async fn set_custom_field_value<Q: Queryable>(db: &mut Q, field_id: u32, service_id: u32, value: &str) -> Result<()> {
    let updated = super::execute(
        db,
        "UPDATE tblcustomfieldsvalues SET value = ? WHERE fieldid = ? AND relid = ?",
        (value, field_id, service_id),
    )
    .await?;
    if updated == 0 {
        let exists: Option<u32> = db
            .exec_first("SELECT fieldid FROM tblcustomfieldsvalues WHERE fieldid = ? AND relid = ?", (field_id, service_id))
            .await?;
        if exists.is_none() {
            db.exec_drop(
                "INSERT INTO tblcustomfieldsvalues (fieldid, relid, value) VALUES (?, ?, ?)",
                (field_id, service_id, value),
            )
            .await?;
        }
    }
    Ok(())
}

/// An addon module setting from `tbladdonmodules`.
pub async fn addon_setting<Q: Queryable>(db: &mut Q, setting: &str) -> Result<Option<String>> {
    Ok(db
        .exec_first("SELECT value FROM tbladdonmodules WHERE module = 'ipmanager' AND setting = ?", (setting,))
        .await?)
}

/// An assignment with everything WHMCS keeps about its service's addresses.
#[derive(Debug, Clone)]
pub struct AssignmentInWhmcs {
    pub address_id: u64,
    /// As WHMCS shows it: `ip`, or `ip/len` for a delegated prefix.
    pub ip: String,
    pub subnet: String,
    pub service_id: u32,
    pub client_id: u32,
    pub status: String,
    pub client: String,
    pub product: String,
    pub dedicated_ip: String,
    pub assigned_ips: String,
    /// The service's product custom field values, one per line.
    pub custom_fields: String,
}

type AssignmentInWhmcsRow = (u64, String, String, u32, u32, String, String, String, String, String, String);

/// Every assignment of an existing service (or only that of address row
/// `only`) with the service's address fields, by service and address.
pub async fn assignments_with_service_fields<Q: Queryable>(
    db: &mut Q,
    only: Option<u64>,
) -> Result<Vec<AssignmentInWhmcs>> {
    let filter = if only.is_some() { "WHERE x.ip_address_id = ?" } else { "" };
    let params: Vec<mysql_async::Value> = only.into_iter().map(Into::into).collect();
    let rows: Vec<AssignmentInWhmcsRow> = db
        .exec(
            format!(
                "SELECT x.ip_address_id,
                        IF(a.prefix_length = IF(a.version = 4, 32, 128), a.ip, CONCAT(a.ip, '/', a.prefix_length)),
                        s.cidr, x.service_id, h.userid, h.domainstatus,
                        COALESCE(TRIM(CONCAT(c.firstname, ' ', c.lastname)), ''), COALESCE(p.name, ''),
                        COALESCE(h.dedicatedip, ''), COALESCE(h.assignedips, ''),
                        COALESCE((SELECT GROUP_CONCAT(v.value SEPARATOR '\\n') FROM tblcustomfieldsvalues v
                                  JOIN tblcustomfields f ON f.id = v.fieldid AND f.type = 'product' AND f.relid = h.packageid
                                  WHERE v.relid = h.id), '')
                 FROM mod_ipmanager_assignments x
                 JOIN mod_ipmanager_ip_addresses a ON a.id = x.ip_address_id
                 JOIN mod_ipmanager_subnets s ON s.id = a.subnet_id
                 JOIN tblhosting h ON h.id = x.service_id
                 LEFT JOIN tblclients c ON c.id = h.userid
                 LEFT JOIN tblproducts p ON p.id = h.packageid
                 {filter} ORDER BY x.service_id, a.version, a.ip_bin"
            ),
            params,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                address_id,
                ip,
                subnet,
                service_id,
                client_id,
                status,
                client,
                product,
                dedicated_ip,
                assigned_ips,
                custom_fields,
            )| {
                AssignmentInWhmcs {
                    address_id,
                    ip,
                    subnet,
                    service_id,
                    client_id,
                    status,
                    client,
                    product,
                    dedicated_ip,
                    assigned_ips,
                    custom_fields,
                }
            },
        )
        .collect())
}

/// The email of the first active full administrator (lowest id), who
/// receives the module's alerts and reports.
pub async fn first_full_admin_email<Q: Queryable>(db: &mut Q) -> Result<Option<String>> {
    Ok(db
        .query_first("SELECT email FROM tbladmins WHERE roleid = 1 AND disabled = 0 AND email <> '' ORDER BY id LIMIT 1")
        .await?)
}

/// A value of WHMCS's General Settings (`tblconfiguration`).
pub async fn configuration_value<Q: Queryable>(db: &mut Q, setting: &str) -> Result<Option<String>> {
    Ok(db.exec_first("SELECT value FROM tblconfiguration WHERE setting = ?", (setting,)).await?)
}

/// Names for log messages: the product's and the server's.
pub async fn product_and_server_names<Q: Queryable>(db: &mut Q, product_id: u32, server_id: u32) -> Result<(String, String)> {
    let product: Option<String> = db.exec_first("SELECT name FROM tblproducts WHERE id = ?", (product_id,)).await?;
    let server: Option<String> = db.exec_first("SELECT name FROM tblservers WHERE id = ?", (server_id,)).await?;
    Ok((
        product.unwrap_or_else(|| format!("product #{product_id}")),
        server.unwrap_or_else(|| if server_id == 0 { "no server".into() } else { format!("server #{server_id}") }),
    ))
}

/// Choices for the Configurations page: (id, label) lists of WHMCS objects.
pub async fn products<Q: Queryable>(db: &mut Q) -> Result<Vec<(u32, String)>> {
    Ok(db
        .query(
            "SELECT p.id, CONCAT(COALESCE(g.name, ''), IF(g.name IS NULL, '', ' - '), p.name) FROM tblproducts p
             LEFT JOIN tblproductgroups g ON g.id = p.gid ORDER BY g.name, p.name",
        )
        .await?)
}

pub async fn servers<Q: Queryable>(db: &mut Q) -> Result<Vec<(u32, String)>> {
    Ok(db.query("SELECT id, CONCAT(name, IF(hostname = '', '', CONCAT(' (', hostname, ')'))) FROM tblservers ORDER BY name").await?)
}

pub async fn product_addons<Q: Queryable>(db: &mut Q) -> Result<Vec<(u32, String)>> {
    Ok(db.query("SELECT id, name FROM tbladdons ORDER BY name").await?)
}

/// Quantity configurable options (type 4), the ones that can ask for addresses.
pub async fn quantity_option_choices<Q: Queryable>(db: &mut Q) -> Result<Vec<(u32, String)>> {
    Ok(db
        .query(
            "SELECT o.id, CONCAT(g.name, ' - ', o.optionname) FROM tblproductconfigoptions o
             JOIN tblproductconfiggroups g ON g.id = o.gid WHERE o.optiontype = 4 ORDER BY g.name, o.optionname",
        )
        .await?)
}
