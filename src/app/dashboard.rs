//! The Dashboard tab: the guide's counts at a glance.

use mysql_async::prelude::*;
use mysql_async::Conn;
use serde::Serialize;

use crate::Result;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Dashboard {
    pub subnets: u64,
    pub pools: u64,
    pub assigned_ips: u64,
    /// Only addresses stored as `free` rows ("Store free IPs"), as the guide says.
    pub free_ips: u64,
}

pub async fn overview(mut conn: Conn) -> Result<Dashboard> {
    let row: Option<(u64, u64, u64, u64)> = conn
        .query_first(
            "SELECT (SELECT COUNT(*) FROM mod_ipmanager_subnets),
                    (SELECT COUNT(*) FROM mod_ipmanager_pools),
                    (SELECT COUNT(*) FROM mod_ipmanager_assignments),
                    (SELECT COUNT(*) FROM mod_ipmanager_ip_addresses WHERE status = 'free')",
        )
        .await?;
    let (subnets, pools, assigned_ips, free_ips) = row.unwrap_or_default();
    Ok(Dashboard { subnets, pools, assigned_ips, free_ips })
}
