//! Any text as a subnet: never a panic, and an accepted subnet prints as text
//! that parses back to itself.
#![no_main]

use ipmanager::core::parse_network;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(network) = parse_network(text) {
        assert_eq!(parse_network(&network.to_string()), Ok(network));
    }
});
