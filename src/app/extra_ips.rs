//! The one-click "Additional IPs" configurable option of a product: a
//! quantity option its clients order extra addresses with (whmcs-reference.md
//! §8). Creating it is idempotent and never changes a name or price the
//! operator has edited: only what is missing is added.

use mysql_async::prelude::*;
use mysql_async::{Conn, TxOpts};

use crate::app::actor::Actor;
use crate::app::provisioning::DEFAULT_EXTRA_IPS_OPTION;
use crate::app::subnets::Saved;
use crate::store::logs::{self, LogEntry};
use crate::store::{self, settings};
use crate::{Error, Result};

/// The option group the module creates once and links to every product.
pub const GROUP_NAME: &str = "IP Manager - Additional IPs";
const LABEL: &str = "Additional IPs";
/// The most extra addresses one service can order until the operator changes it.
const DEFAULT_MAXIMUM: u32 = 16;

pub async fn ensure_option(mut conn: Conn, product_id: u32, actor: &Actor) -> Result<Saved> {
    let mut tx = conn.start_transaction(TxOpts::default()).await?;
    let product: Option<String> = tx.exec_first("SELECT name FROM tblproducts WHERE id = ?", (product_id,)).await?;
    let product = product.ok_or_else(|| Error::NotFound(format!("Product #{product_id} does not exist.")))?;
    let key = settings::get(&mut tx, settings::EXTRA_IPS_OPTION).await?.unwrap_or_else(|| DEFAULT_EXTRA_IPS_OPTION.into());
    let mut added = Vec::new();

    // An option with the key already linked to the product (perhaps in the
    // operator's own group) is the one to complete.
    let linked: Option<(u32, u32)> = tx
        .exec_first(
            "SELECT o.id, o.gid FROM tblproductconfigoptions o JOIN tblproductconfiglinks l ON l.gid = o.gid
             WHERE l.pid = ? AND o.optiontype = 4 AND TRIM(SUBSTRING_INDEX(o.optionname, '|', 1)) = ?
             ORDER BY o.id LIMIT 1",
            (product_id, &key),
        )
        .await?;
    let option_id = match linked {
        Some((option_id, _)) => option_id,
        None => {
            let group: Option<u32> =
                tx.exec_first("SELECT id FROM tblproductconfiggroups WHERE name = ? ORDER BY id LIMIT 1", (GROUP_NAME,)).await?;
            let group_id = match group {
                Some(id) => id,
                None => {
                    added.push("the option group");
                    store::insert(
                        &mut tx,
                        "INSERT INTO tblproductconfiggroups (name, description) VALUES (?, ?)",
                        (GROUP_NAME, "Extra IP addresses, assigned by IP Manager."),
                    )
                    .await? as u32
                }
            };
            let option: Option<u32> = tx
                .exec_first(
                    "SELECT id FROM tblproductconfigoptions WHERE gid = ? AND optiontype = 4
                       AND TRIM(SUBSTRING_INDEX(optionname, '|', 1)) = ? ORDER BY id LIMIT 1",
                    (group_id, &key),
                )
                .await?;
            let option_id = match option {
                Some(id) => id,
                None => {
                    added.push("the quantity option");
                    store::insert(
                        &mut tx,
                        "INSERT INTO tblproductconfigoptions (gid, optionname, optiontype, qtyminimum, qtymaximum, `order`, hidden)
                         VALUES (?, ?, 4, 0, ?, 0, 0)",
                        (group_id, format!("{key}|{LABEL}"), DEFAULT_MAXIMUM),
                    )
                    .await? as u32
                }
            };
            added.push("the link to the product");
            tx.exec_drop("INSERT INTO tblproductconfiglinks (gid, pid) VALUES (?, ?)", (group_id, product_id)).await?;
            option_id
        }
    };
    // A quantity option has one sub-option; its price is the per-unit price.
    let sub: Option<u32> =
        tx.exec_first("SELECT id FROM tblproductconfigoptionssub WHERE configid = ? ORDER BY id LIMIT 1", (option_id,)).await?;
    let sub_id = match sub {
        Some(id) => id,
        None => {
            added.push("the sub-option");
            store::insert(
                &mut tx,
                "INSERT INTO tblproductconfigoptionssub (configid, optionname, sortorder, hidden) VALUES (?, ?, 0, 0)",
                (option_id, "IP address"),
            )
            .await? as u32
        }
    };
    let currencies: Vec<u32> = tx
        .exec(
            "SELECT c.id FROM tblcurrencies c WHERE NOT EXISTS (SELECT 1 FROM tblpricing p
               WHERE p.type = 'configoptions' AND p.relid = ? AND p.currency = c.id)",
            (sub_id,),
        )
        .await?;
    for currency in &currencies {
        tx.exec_drop(
            "INSERT INTO tblpricing (type, currency, relid, msetupfee, qsetupfee, ssetupfee, asetupfee, bsetupfee, tsetupfee,
                monthly, quarterly, semiannually, annually, biennially, triennially)
             VALUES ('configoptions', ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
            (currency, sub_id),
        )
        .await?;
    }
    if !currencies.is_empty() {
        added.push("zero prices");
    }
    let message = if added.is_empty() {
        format!("\"{product}\" already has its Additional IPs option; nothing was changed.")
    } else {
        format!("Additional IPs option for \"{product}\": added {}. Set its price under Configurable Options.", added.join(", "))
    };
    logs::record(&mut tx, actor, LogEntry { action: "extra_ips_option", details: message.clone(), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Saved { id: product_id, message })
}
