//! The Dashboard tab: the guide's counts, and usage per subnet, fullest first.

use mysql_async::prelude::*;
use mysql_async::Conn;
use serde::Serialize;

use crate::app::usage::{self, UsageFigures};
use crate::store::{addresses, pools, subnets};
use crate::Result;

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub subnets: u64,
    pub pools: u64,
    pub assigned_ips: u64,
    /// Only addresses stored as `free` rows ("Store free IPs"), as the guide says.
    pub free_ips: u64,
    pub usage: Vec<SubnetUsage>,
}

#[derive(Debug, Serialize)]
pub struct SubnetUsage {
    pub id: u32,
    pub name: String,
    pub cidr: String,
    pub usage: UsageFigures,
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
    let (subnet_count, pools_count, assigned_ips, free_ips) = row.unwrap_or_default();
    let all = subnets::all(&mut conn).await?;
    let all_pools = pools::all(&mut conn).await?;
    let counts = addresses::status_counts(&mut conn).await?;
    let report = usage::report(&all, &all_pools, &counts);
    let mut usage: Vec<SubnetUsage> = all
        .iter()
        .map(|s| SubnetUsage {
            id: s.id,
            name: s.name.clone(),
            cidr: s.network.to_string(),
            usage: report.subnets.get(&s.id).cloned().expect("every subnet has usage"),
        })
        .collect();
    usage.sort_by(|a, b| b.usage.tenths.cmp(&a.usage.tenths).then(a.cidr.cmp(&b.cidr)));
    Ok(Dashboard { subnets: subnet_count, pools: pools_count, assigned_ips, free_ips, usage })
}
