//! The ledger parser. Invariants: a ledger that loads is written back in a
//! form that loads again and is written back identically.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use feedpub::ledger::Ledger;
use libfuzzer_sys::fuzz_target;

fn paths() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static PATHS: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    PATHS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = dir.path().join("feedpub-ledger.toml");
        let second = dir.path().join("again.toml");
        (dir, first, second)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, first, second) = paths();
    std::fs::write(first, data).expect("write ledger");
    let Ok(ledger) = Ledger::load(first) else {
        return;
    };
    let written = ledger.to_toml();
    std::fs::write(second, &written).expect("write ledger");
    let again = Ledger::load(second)
        .unwrap_or_else(|e| panic!("a written ledger does not load: {e:?}\n{written}"));
    assert_eq!(again.to_toml(), written, "the ledger is not stable");
});
