//! The YAML front-matter fast path: whenever the simple reader takes a text,
//! serde-saphyr takes it too and gives an equal value, both as the typed
//! front matter and as a generic value (the `param` shortcode's).
#![no_main]

use feedpub::content::FrontMatter;
use feedpub::content::simple_yaml::try_read;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = try_read::<FrontMatter>(text) {
        let full = serde_saphyr::from_str::<FrontMatter>(text)
            .unwrap_or_else(|e| panic!("serde-saphyr rejects {text:?}: {e}"));
        assert_eq!(fast, full, "{text:?}");
    }
    if let Some(fast) = try_read::<serde_json::Value>(text) {
        let full = serde_saphyr::from_str::<serde_json::Value>(text)
            .unwrap_or_else(|e| panic!("serde-saphyr rejects {text:?}: {e}"));
        assert_eq!(fast, full, "{text:?}");
    }
});
