//! Any bytes, read as an XML export. The round trip goes through JSON: XML
//! cannot hold NUL, which a raw input byte may put in a value.
#![no_main]

mod common;

use ipmanager::core::exchange::{Format, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::read_and_round_trip(Source::Native(Format::Xml), data, Format::Json);
});
