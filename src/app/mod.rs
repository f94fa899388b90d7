//! Use cases. Each takes its edges (a connection) as arguments and returns
//! plain data that serialises to what the pages and hooks need.

pub mod actor;
pub mod allocation;
pub mod assignments;
pub mod cleaner;
pub mod configurations;
pub mod dashboard;
pub mod exchange;
pub mod extra_ips;
pub mod input;
pub mod logs;
pub mod module;
pub mod notifications;
pub mod orphans;
pub mod pools;
pub mod provisioning;
pub mod service_ips;
pub mod settings_page;
pub mod subnets;
pub mod sync;
pub mod tasks;
pub mod usage;
pub mod usage_alerts;
