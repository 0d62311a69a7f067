//! Country resolution. Invariants: a resolved country resolves again from
//! its name and its code to the same country.
#![no_main]

use std::sync::OnceLock;

use feedpub::taxonomy::country::Countries;
use libfuzzer_sys::fuzz_target;

fn countries() -> &'static Countries {
    static COUNTRIES: OnceLock<Countries> = OnceLock::new();
    COUNTRIES.get_or_init(|| Countries::new(&["Central Asia".to_string()]))
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let countries = countries();
    let Ok(country) = countries.resolve(input) else {
        return;
    };
    let by_name = countries
        .resolve(&country.name)
        .unwrap_or_else(|_| panic!("{input:?} → {:?} does not resolve", country.name));
    assert_eq!(by_name.name, country.name, "{input:?}");
    assert_eq!(by_name.code, country.code, "{input:?}");
    if let Some(code) = country.code {
        let by_code = countries
            .resolve(code)
            .unwrap_or_else(|_| panic!("{input:?} → code {code} does not resolve"));
        assert_eq!(by_code.name, country.name, "{input:?}");
    }
});
