//! The `webhooks` run parameter decoder on arbitrary text: no panic, and whatever it accepts
//! round-trips through our encoder.
#![no_main]

use apify_webhooks_core::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for attempt in [decode::from_param(text), decode::from_json(text)] {
        if let Ok(defs) = attempt {
            let again = decode::from_param(&encode::to_base64(&defs)).expect("our own encoding decodes");
            assert_eq!(again, defs);
        }
    }
});
