//! The pure core: address math, ranges, reservations, allocation planning and
//! validation. No I/O here.

pub mod address;
pub mod alerts;
pub mod cleaner;
pub mod allocation;
pub mod error;
pub mod exchange;
pub mod exclusion;
pub mod matching;
pub mod message;
pub mod network;
pub mod range;
pub mod rdns;
pub mod report;
pub mod reservation;
pub mod sync;

pub use address::{Address, IpVersion};
pub use allocation::{
    lowest_free, lowest_free_prefix, plan_lowest_free, plan_lowest_free_prefix, usage, validate_delegation, Percent,
    Scan, Usage, UsedCounts,
};
pub use error::{field, CoreError, ErrorKind};
pub use exclusion::{parse_exclusions, Exclusions};
pub use network::{
    largest_subnet_prefix, parse_network, validate_child, validate_gateway, validate_pool_range, validate_siblings,
};
pub use range::{AddressRange, RangeSet};
pub use rdns::{ptr_name, reverse_zones};
pub use reservation::{reservation_reason, reserved_set, ReservationKind, ReservationPolicy};
