//! Date parsing. Invariants: a parsed date, written as RFC 3339 or RFC 822,
//! parses back to the same instant, in any time zone.
#![no_main]

use feedpub::dates::{parse_date, parse_rfc822, parse_rfc3339, to_rfc822, to_rfc3339};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for tz in [chrono_tz::UTC, chrono_tz::Asia::Dushanbe, chrono_tz::America::New_York] {
        let Ok(t) = parse_date(input, tz) else {
            continue;
        };
        let written = to_rfc3339(&t);
        let back = parse_date(&written, chrono_tz::UTC)
            .unwrap_or_else(|e| panic!("{input:?} → {written:?} does not parse: {e:?}"));
        assert_eq!(back, t, "{input:?} → {written:?}");
        let strict = parse_rfc3339(&written)
            .unwrap_or_else(|e| panic!("{written:?} is not RFC 3339: {e:?}"));
        assert_eq!(strict, t, "{written:?}");
        let rss = to_rfc822(&t);
        assert!(
            parse_rfc822(&rss).is_ok(),
            "{input:?} → {rss:?} is not RFC 822"
        );
    }
    let _ = parse_rfc822(input);
    let _ = parse_rfc3339(input);
});
