//! Any bytes, read as every kind of CSV the import knows.
#![no_main]

mod common;

use ipmanager::core::exchange::{detect, Format, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detect(data);
    common::read_and_round_trip(Source::Native(Format::Csv), data, Format::Csv);
    for source in [Source::NetBoxPrefixes, Source::NetBoxAddresses, Source::PhpIpamAddresses] {
        common::read_and_round_trip(source, data, Format::Csv);
    }
});
