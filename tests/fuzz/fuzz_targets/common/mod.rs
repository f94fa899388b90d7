//! The property every reader target checks besides "never panics": a file
//! read without problems writes out and reads back as the same plan.

use ipmanager::core::exchange::{read_plan, ExportWriter, Format, ImportPlan, Limits, Source};

/// Reads `data` as `source`; when it reads cleanly, writes the plan as
/// `format` and requires that to read back, cleanly, as the same plan.
pub fn read_and_round_trip(source: Source, data: &[u8], format: Format) {
    let limits = Limits::default();
    let (plan, problems) = read_plan(source, data, &limits);
    if !problems.is_empty() {
        return;
    }
    let exported = export(&plan, format);
    let (again, problems) = read_plan(Source::Native(format), &exported, &limits);
    assert!(problems.is_empty(), "{problems:?}\n{}", String::from_utf8_lossy(&exported));
    assert_eq!(again, plan);
}

fn export(plan: &ImportPlan, format: Format) -> Vec<u8> {
    let mut writer = ExportWriter::begin(format, Vec::new()).expect("writing to memory");
    for subnet in &plan.subnets {
        writer.subnet(subnet).expect("writing to memory");
    }
    for pool in &plan.pools {
        writer.pool(pool).expect("writing to memory");
    }
    for address in &plan.addresses {
        writer.address(address).expect("writing to memory");
    }
    for configuration in &plan.configurations {
        writer.configuration(configuration).expect("writing to memory");
    }
    writer.finish().expect("writing to memory")
}
