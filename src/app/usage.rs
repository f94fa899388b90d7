//! Usage per subnet and per pool, computed from the reservation rules and the
//! stored rows' status counts, without enumerating ranges that are not stored.

use std::collections::HashMap;

use serde::Serialize;

use crate::app::allocation::blocked_set;
use crate::core::allocation::{usage, Usage, UsedCounts};
use crate::core::range::RangeSet;
use crate::store::addresses::StatusCount;
use crate::store::pools::Pool;
use crate::store::subnets::Subnet;

/// Usage as pages show it; counts are strings because an IPv6 range holds
/// more addresses than a PHP integer can.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsageFigures {
    pub total: String,
    pub usable: String,
    pub assigned: String,
    pub reserved: String,
    pub cooldown: String,
    pub releasing: String,
    pub free: String,
    /// One decimal, e.g. "12.5".
    pub percent: String,
    /// Rounded down to a whole number for the bar's width.
    pub bar: u16,
    /// The percentage in tenths, for sorting.
    pub tenths: u16,
}

impl From<Usage> for UsageFigures {
    fn from(u: Usage) -> Self {
        UsageFigures {
            total: u.total.to_string(),
            usable: u.usable.to_string(),
            assigned: u.assigned.to_string(),
            reserved: u.reserved.to_string(),
            cooldown: u.cooldown.to_string(),
            releasing: u.releasing.to_string(),
            free: u.free.to_string(),
            percent: u.percent_used.to_string(),
            bar: u.percent_used.tenths() / 10,
            tenths: u.percent_used.tenths(),
        }
    }
}

fn counts_where(counts: &[StatusCount], keep: impl Fn(u32, u32) -> bool) -> UsedCounts {
    let mut used = UsedCounts::default();
    for count in counts.iter().filter(|c| keep(c.subnet_id, c.pool_id)) {
        let n = u128::from(count.rows).saturating_mul(count.addresses_per_row);
        match count.status.as_str() {
            "assigned" => used.assigned += n,
            "cooldown" => used.cooldown += n,
            "releasing" => used.releasing += n,
            _ => {}
        }
    }
    used
}

/// Usage of every subnet and pool, keyed by id.
pub struct UsageReport {
    pub subnets: HashMap<u32, UsageFigures>,
    pub pools: HashMap<u32, UsageFigures>,
}

pub fn report(subnets: &[Subnet], pools: &[Pool], counts: &[StatusCount]) -> UsageReport {
    let mut report = UsageReport { subnets: HashMap::new(), pools: HashMap::new() };
    for subnet in subnets {
        let own_pools: Vec<Pool> = pools.iter().filter(|p| p.subnet_id == subnet.id).cloned().collect();
        let blocked: RangeSet = blocked_set(subnet, &own_pools);
        let subnet_counts = counts_where(counts, |s, _| s == subnet.id);
        report.subnets.insert(subnet.id, usage(subnet.range(), &blocked, subnet_counts).into());
        for pool in &own_pools {
            let pool_counts = counts_where(counts, |s, p| s == subnet.id && p == pool.id);
            report.pools.insert(pool.id, usage(pool.range, &blocked, pool_counts).into());
        }
    }
    report
}
