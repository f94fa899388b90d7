//! Usage alerts: when a subnet or pool crosses its threshold, one alert; no
//! other until usage has fallen back below it (re-armed). Pure decisions and
//! the alert email's text.

use crate::core::message::Message;
use crate::core::report::{html_escape, html_table};

/// What one check decides for a subnet or pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertDecision {
    /// Usage reached the threshold and no alert was sent since it last was below.
    Alert,
    /// Still at or above the threshold; already alerted.
    StillAbove,
    /// Below the threshold again after an alert: the next crossing alerts again.
    Rearm,
    /// Below the threshold, nothing pending.
    Below,
}

/// `tenths` is usage in tenths of a percent, `threshold` a whole percent
/// (1–100), `alerted` whether an alert was sent since usage was last below.
pub fn decide(tenths: u16, threshold: u8, alerted: bool) -> AlertDecision {
    let above = u32::from(tenths) >= u32::from(threshold) * 10;
    match (above, alerted) {
        (true, false) => AlertDecision::Alert,
        (true, true) => AlertDecision::StillAbove,
        (false, true) => AlertDecision::Rearm,
        (false, false) => AlertDecision::Below,
    }
}

/// The threshold that applies: the subnet's own when it has one, else the
/// module's; `None` when neither is set (alerts off).
pub fn effective_threshold(module: Option<u8>, subnet: Option<u8>) -> Option<u8> {
    subnet.or(module).filter(|t| (1..=100).contains(t))
}

/// Parses the module's "Usage Alert Threshold (%)" field; empty or 0 means off.
pub fn parse_threshold(text: &str) -> Result<Option<u8>, String> {
    let text = text.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u8>() {
        Ok(0) => Ok(None),
        Ok(t) if t <= 100 => Ok(Some(t)),
        _ => Err(format!("The Usage Alert Threshold \"{text}\" is not a percentage from 1 to 100.")),
    }
}

/// A subnet or pool at or above its threshold, as the alert lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    /// "Subnet" or "Pool".
    pub kind: &'static str,
    pub name: String,
    /// The subnet's CIDR, or the pool's range.
    pub network: String,
    pub percent: String,
    pub threshold: u8,
    pub used: String,
    pub usable: String,
}

/// One email listing every subnet and pool that crossed its threshold in this check.
pub fn alert_message(to: Vec<String>, crossings: &[Crossing], system_name: &str) -> Message {
    let subject = match crossings {
        [one] => format!("[IP Manager] {} {} is {}% used", one.kind.to_lowercase(), one.name, one.percent),
        many => format!("[IP Manager] {} subnets and pools are above their usage threshold", many.len()),
    };
    let intro = format!(
        "These subnets and pools of {system_name} have reached their usage alert threshold. \
         You get one alert per crossing; another comes only after usage has fallen below the threshold and reached it again."
    );
    let header = ["Type", "Name", "Network", "Used", "Usable", "Usage", "Threshold"];
    let rows: Vec<Vec<String>> = crossings
        .iter()
        .map(|c| {
            vec![
                c.kind.to_string(),
                c.name.clone(),
                c.network.clone(),
                c.used.clone(),
                c.usable.clone(),
                format!("{}%", c.percent),
                format!("{}%", c.threshold),
            ]
        })
        .collect();
    let mut text = format!("{intro}\n\n");
    for c in crossings {
        text.push_str(&format!(
            "- {} {} ({}): {}% used ({} of {} usable), threshold {}%\n",
            c.kind, c.name, c.network, c.percent, c.used, c.usable, c.threshold
        ));
    }
    text.push_str("\nAdd addresses or subnets under Addons > IP Manager > IP Subnets.\n");
    let html = format!(
        "<p>{}</p>{}<p>Add addresses or subnets under Addons &gt; IP Manager &gt; IP Subnets.</p>",
        html_escape(&intro),
        html_table(&header, &rows)
    );
    Message { to, subject, text, html, attachments: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_fires_once_per_crossing_and_rearms_below() {
        // 79.9% → 80% → 95% → 79.9% → 80%
        let mut alerted = false;
        let mut sent = 0;
        for tenths in [799, 800, 950, 799, 800] {
            match decide(tenths, 80, alerted) {
                AlertDecision::Alert => {
                    sent += 1;
                    alerted = true;
                }
                AlertDecision::Rearm => alerted = false,
                AlertDecision::StillAbove | AlertDecision::Below => {}
            }
        }
        assert_eq!(sent, 2);
        assert_eq!(decide(1000, 100, false), AlertDecision::Alert);
        assert_eq!(decide(999, 100, false), AlertDecision::Below);
        assert_eq!(decide(0, 1, true), AlertDecision::Rearm);
        assert_eq!(decide(10, 1, true), AlertDecision::StillAbove);
    }

    #[test]
    fn a_subnet_threshold_overrides_the_module_one() {
        assert_eq!(effective_threshold(Some(80), Some(95)), Some(95));
        assert_eq!(effective_threshold(Some(80), None), Some(80));
        assert_eq!(effective_threshold(None, None), None);
        assert_eq!(effective_threshold(None, Some(50)), Some(50));
    }

    #[test]
    fn the_module_threshold_is_a_percentage_or_off() {
        assert_eq!(parse_threshold("80"), Ok(Some(80)));
        assert_eq!(parse_threshold(" 90 % "), Ok(Some(90)));
        assert_eq!(parse_threshold(""), Ok(None));
        assert_eq!(parse_threshold("0"), Ok(None));
        assert!(parse_threshold("101").is_err());
        assert!(parse_threshold("eighty").unwrap_err().contains("eighty"));
    }

    #[test]
    fn the_alert_lists_every_crossing_escaped() {
        let crossing = |name: &str| Crossing {
            kind: "Pool",
            name: name.into(),
            network: "192.0.2.0/24".into(),
            percent: "85.0".into(),
            threshold: 80,
            used: "216".into(),
            usable: "254".into(),
        };
        let one = alert_message(vec!["a@example.test".into()], &[crossing("Web")], "Acme");
        assert_eq!(one.subject, "[IP Manager] pool Web is 85.0% used");
        assert!(one.text.contains("- Pool Web (192.0.2.0/24): 85.0% used (216 of 254 usable), threshold 80%"));
        let two = alert_message(vec![], &[crossing("<b>"), crossing("Mail")], "Acme");
        assert_eq!(two.subject, "[IP Manager] 2 subnets and pools are above their usage threshold");
        assert!(two.html.contains("&lt;b&gt;") && !two.html.contains("<b>"));
    }
}
