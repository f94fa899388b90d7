//! The usage check: every subnet and pool against its threshold (the
//! subnet's own, else the module's "Usage Alert Threshold (%)"). A crossing is
//! alerted once; the state is re-armed when usage falls below again.

use mysql_async::Conn;

use crate::app::usage::{self, UsageFigures};
use crate::core::alerts::{decide, effective_threshold, parse_threshold, AlertDecision, Crossing};
use crate::store::usage_alerts::{self, Scope};
use crate::store::{addresses, pools, subnets, whmcs};
use crate::{Error, Result};

/// What a check found. `crossings` need an alert; once it is delivered,
/// `to_mark` are recorded as alerted.
#[derive(Debug, Default)]
pub struct Check {
    pub lines: Vec<String>,
    pub crossings: Vec<Crossing>,
    pub to_mark: Vec<(Scope, u32)>,
}

struct Subject<'a> {
    scope: Scope,
    id: u32,
    name: String,
    network: String,
    threshold: Option<u8>,
    figures: Option<&'a UsageFigures>,
}

/// Checks usage; with `dry_run` only says what it would do.
pub async fn check(conn: &mut Conn, dry_run: bool) -> Result<Check> {
    let setting = whmcs::addon_setting(conn, "usage_alert_threshold").await?.unwrap_or_default();
    let module = parse_threshold(&setting).map_err(Error::invalid)?;
    let all_subnets = subnets::all(conn).await?;
    let all_pools = pools::all(conn).await?;
    let counts = addresses::status_counts(conn).await?;
    let report = usage::report(&all_subnets, &all_pools, &counts);
    let state = usage_alerts::alerted(conn).await?;

    let mut subjects: Vec<Subject> = Vec::new();
    for subnet in &all_subnets {
        let threshold = effective_threshold(module, subnet.alert_threshold);
        subjects.push(Subject {
            scope: Scope::Subnet,
            id: subnet.id,
            name: subnet.name.clone(),
            network: subnet.network.to_string(),
            threshold,
            figures: report.subnets.get(&subnet.id),
        });
        for pool in all_pools.iter().filter(|p| p.subnet_id == subnet.id) {
            let network = if pool.range_start.is_empty() {
                subnet.network.to_string()
            } else {
                format!("{}-{}", pool.range_start, pool.range_end)
            };
            subjects.push(Subject {
                scope: Scope::Pool,
                id: pool.id,
                name: pool.name.clone(),
                network,
                threshold,
                figures: report.pools.get(&pool.id),
            });
        }
    }

    let mut check = Check::default();
    let (mut checked, mut still_above, mut rearmed) = (0, Vec::new(), Vec::new());
    for subject in &subjects {
        let (Some(threshold), Some(figures)) = (subject.threshold, subject.figures) else { continue };
        checked += 1;
        let alerted = state.get(&(subject.scope, subject.id)).copied().unwrap_or(false);
        let decision = decide(figures.tenths, threshold, alerted);
        let label = format!("{} {} ({})", kind(subject.scope), subject.name, subject.network);
        match decision {
            AlertDecision::Alert => {
                check.crossings.push(Crossing {
                    kind: kind(subject.scope),
                    name: subject.name.clone(),
                    network: subject.network.clone(),
                    percent: figures.percent.clone(),
                    threshold,
                    used: used(figures),
                    usable: figures.usable.clone(),
                });
                check.to_mark.push((subject.scope, subject.id));
            }
            AlertDecision::StillAbove => still_above.push(format!("{label} {}%", figures.percent)),
            AlertDecision::Rearm => rearmed.push(format!("{label} {}%", figures.percent)),
            AlertDecision::Below => {}
        }
        if !dry_run {
            let alerted = (decision == AlertDecision::Rearm).then_some(false);
            usage_alerts::checked(conn, subject.scope, subject.id, &figures.percent, threshold, alerted).await?;
        }
    }

    check.lines.push(match (module, checked) {
        (None, 0) => "No usage alert threshold is set (module configuration or subnet), so nothing was checked.".into(),
        (Some(t), n) => format!("Checked {n} subnets and pools against {t}% (or their subnet's own threshold)."),
        (None, n) => format!("Checked {n} subnets and pools that have their own threshold (the module has none)."),
    });
    let verb = if dry_run { "Would alert" } else { "Alert" };
    for c in &check.crossings {
        check.lines.push(format!(
            "{verb}: {} {} ({}) is {}% used, threshold {}%.",
            c.kind, c.name, c.network, c.percent, c.threshold
        ));
    }
    if !still_above.is_empty() {
        check.lines.push(format!("Still above the threshold, alerted before: {}.", still_above.join(", ")));
    }
    if !rearmed.is_empty() {
        let verb = if dry_run { "Would re-arm" } else { "Re-armed" };
        check.lines.push(format!("{verb} (back below the threshold): {}.", rearmed.join(", ")));
    }
    if check.crossings.is_empty() {
        check.lines.push("No new crossing; no alert to send.".into());
    }
    Ok(check)
}

fn kind(scope: Scope) -> &'static str {
    match scope {
        Scope::Subnet => "Subnet",
        Scope::Pool => "Pool",
    }
}

fn used(figures: &UsageFigures) -> String {
    match (figures.usable.parse::<u128>(), figures.free.parse::<u128>()) {
        (Ok(usable), Ok(free)) => usable.saturating_sub(free).to_string(),
        _ => figures.assigned.clone(),
    }
}
