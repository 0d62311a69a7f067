//! The feed validator on arbitrary bytes. Invariants: never a panic, every
//! finding is on a line of the file (libFuzzer's -rss_limit_mb, set by
//! run.sh, is the memory budget).
#![no_main]

use std::path::Path;

use feedpub::validate::{Options, validate_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.xml");
    let findings = validate_feed(path, data, &Options { now: None });
    let lines = data.split(|&b| b == b'\n').count() + 1;
    for finding in findings {
        assert_eq!(finding.path, path);
        if let Some(line) = finding.line {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}: {finding:?}");
        }
    }
});
