//! Any bytes, read as a JSON export.
#![no_main]

mod common;

use ipmanager::core::exchange::{Format, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::read_and_round_trip(Source::Native(Format::Json), data, Format::Json);
});
