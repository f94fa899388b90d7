//! Any text as a pasted address list: the first line picks the subnet (a
//! fixed one when it is not a subnet), the rest is the list. Every address
//! returned lies in the subnet.
#![no_main]

use ipmanager::core::exchange::parse_address_list;
use ipmanager::core::parse_network;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (first, list) = text.split_once('\n').unwrap_or((text, ""));
    let subnet = parse_network(first).unwrap_or_else(|_| "10.0.0.0/8".parse().expect("a subnet"));
    let (addresses, _) = parse_address_list(list, &subnet);
    assert!(addresses.iter().all(|address| subnet.contains(&address.to_ip())));
});
