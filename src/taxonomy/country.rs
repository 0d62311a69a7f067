//! Countries: names, aliases and ISO 3166-1 codes resolved to one country.
//!
//! Authors write countries however they like: "Tajikistan", "TJ", "tjk",
//! "Kyrgyz Republic", "Cote d'Ivoire", "Bosnia & Herzegovina". [`Countries`]
//! turns all of those into one [`Country`] with a common English name and
//! its ISO alpha-2 code, using the ISO data from `rust_iso3166` plus a small
//! table of common names and aliases the ISO names lack.
//!
//! Spellings are compared by a normalized key: the input is transliterated to
//! ASCII (so diacritics and apostrophe variants do not matter), lowercased,
//! and every run of whitespace or punctuation becomes one `-` (so "Korea,
//! Republic of" and "Korea (Republic of)" are the same key). Every spelling
//! containing the word "and" is also registered without it, which is how
//! "Bosnia & Herzegovina" (whose `&` is punctuation) finds "Bosnia and
//! Herzegovina". A leading "the" is ignored ("the Netherlands"), and every
//! "Saint …" name also answers to "St …" and "St. …".

use std::collections::HashMap;
use std::fmt;

use rust_iso3166::CountryCode;

/// A country (or configured region) an article is filed under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country {
    /// Common English name, e.g. "Russia" (a region's name as configured).
    pub name: String,
    /// ISO 3166-1 alpha-2 code, `None` for regions.
    pub code: Option<&'static str>,
}

/// Common English names and extra aliases, keyed by ISO alpha-2 code.
///
/// Every ISO name with a comma or parenthesis has an entry here, and so does
/// every country whose ISO name is not what English speakers call it. The
/// ISO name itself always stays an accepted spelling.
const COMMON_NAMES: &[(&str, &str, &[&str])] = &[
    ("AE", "United Arab Emirates", &["UAE"]),
    ("AX", "Åland Islands", &["Aland"]),
    ("BA", "Bosnia and Herzegovina", &["Bosnia"]),
    ("BN", "Brunei", &[]),
    ("BO", "Bolivia", &[]),
    (
        "BQ",
        "Caribbean Netherlands",
        &["Bonaire", "Bonaire, Sint Eustatius and Saba"],
    ),
    ("BS", "Bahamas", &[]),
    ("CC", "Cocos Islands", &["Keeling Islands"]),
    (
        "CD",
        "DR Congo",
        &["Democratic Republic of the Congo", "DRC", "Congo-Kinshasa"],
    ),
    (
        "CG",
        "Congo",
        &["Republic of the Congo", "Congo-Brazzaville"],
    ),
    ("CI", "Côte d'Ivoire", &["Ivory Coast"]),
    ("CV", "Cabo Verde", &["Cape Verde"]),
    ("CZ", "Czechia", &["Czech Republic"]),
    ("FK", "Falkland Islands", &["Falklands", "Malvinas"]),
    ("FM", "Micronesia", &["Federated States of Micronesia"]),
    (
        "GB",
        "United Kingdom",
        &["UK", "U.K.", "Great Britain", "Britain"],
    ),
    ("IR", "Iran", &["Islamic Republic of Iran"]),
    ("KG", "Kyrgyzstan", &["Kyrgyz Republic"]),
    (
        "KP",
        "North Korea",
        &["DPRK", "Democratic People's Republic of Korea"],
    ),
    ("KR", "South Korea", &["Republic of Korea"]),
    ("LA", "Laos", &["Lao PDR"]),
    ("MD", "Moldova", &["Republic of Moldova"]),
    ("MF", "Saint Martin", &[]),
    ("MK", "North Macedonia", &["Macedonia"]),
    ("MM", "Myanmar", &["Burma"]),
    ("MO", "Macao", &["Macau"]),
    ("NL", "Netherlands", &["Holland"]),
    ("PN", "Pitcairn Islands", &[]),
    ("PS", "Palestine", &["State of Palestine"]),
    ("RU", "Russia", &[]),
    ("SH", "Saint Helena", &[]),
    ("SX", "Sint Maarten", &[]),
    ("SY", "Syria", &[]),
    ("SZ", "Eswatini", &["Swaziland"]),
    ("TL", "Timor-Leste", &["East Timor"]),
    ("TR", "Türkiye", &["Turkey"]),
    ("TW", "Taiwan", &[]),
    ("TZ", "Tanzania", &[]),
    (
        "US",
        "United States",
        &["USA", "U.S.", "U.S.A.", "United States of America"],
    ),
    ("VA", "Vatican City", &["Vatican", "Vatican City State"]),
    ("VE", "Venezuela", &[]),
    ("VG", "British Virgin Islands", &[]),
    (
        "VI",
        "U.S. Virgin Islands",
        &["US Virgin Islands", "United States Virgin Islands"],
    ),
    ("VN", "Vietnam", &[]),
];

/// The normalized lookup key for a spelling: one allocation.
fn key(input: &str) -> String {
    slug::slugify(input)
}

/// One country or region the table knows.
#[derive(Debug)]
struct Entry {
    name: String,
    code: Option<&'static str>,
}

/// Resolves what authors write to countries; built once per run.
#[derive(Debug)]
pub struct Countries {
    entries: Vec<Entry>,
    /// Normalized key of every name, alias and code → index into `entries`.
    index: HashMap<String, usize>,
    /// Keys of names and aliases (not codes) in insertion order, for
    /// deterministic suggestions.
    names: Vec<(String, usize)>,
}

impl Countries {
    /// Knows every ISO 3166-1 country plus the extra regions from feedpub.toml (e.g. "Central Asia"), which are accepted as written (matched case-insensitively).
    ///
    /// A region whose spelling is already a country's name, alias or code
    /// does not shadow the country: the country wins.
    pub fn new(extra_regions: &[String]) -> Self {
        let mut table = Countries {
            entries: Vec::with_capacity(rust_iso3166::ALL.len() + extra_regions.len()),
            index: HashMap::new(),
            names: Vec::new(),
        };
        for iso in rust_iso3166::ALL {
            let (name, aliases) = common_name(iso);
            let i = table.entries.len();
            table.entries.push(Entry {
                name: name.to_owned(),
                code: Some(iso.alpha2),
            });
            table.add_code(iso.alpha2, i);
            table.add_code(iso.alpha3, i);
            for spelling in [name, iso.name].into_iter().chain(aliases.iter().copied()) {
                table.add_name(spelling, i);
            }
        }
        for region in extra_regions {
            let region = region.trim();
            let k = key(region);
            if k.is_empty() || table.index.contains_key(&k) {
                continue;
            }
            let i = table.entries.len();
            table.entries.push(Entry {
                name: region.to_owned(),
                code: None,
            });
            table.add_name(region, i);
        }
        table
    }

    /// Register an ISO code; codes are never suggested.
    fn add_code(&mut self, code: &str, i: usize) {
        self.index.entry(key(code)).or_insert(i);
    }

    /// Register a name or alias with its "and"-less and "St" variants; the
    /// first country to claim a key keeps it.
    fn add_name(&mut self, spelling: &str, i: usize) {
        for k in name_keys(spelling) {
            if !self.index.contains_key(&k) {
                self.index.insert(k.clone(), i);
                self.names.push((k, i));
            }
        }
    }

    /// Resolve a name, alias or code.
    ///
    /// Allocates one normalized key; a failed lookup also computes the
    /// closest known spelling for the error.
    ///
    /// # Errors
    ///
    /// [`UnknownCountry`] when no country or region has that spelling.
    pub fn resolve(&self, input: &str) -> Result<Country, UnknownCountry> {
        let k = key(input);
        let found = self
            .index
            .get(&k)
            .or_else(|| k.strip_prefix("the-").and_then(|rest| self.index.get(rest)));
        match found.and_then(|&i| self.entries.get(i)) {
            Some(entry) => Ok(Country {
                name: entry.name.clone(),
                code: entry.code,
            }),
            None => Err(UnknownCountry {
                input: input.trim().to_owned(),
                suggestion: self.suggest(&k),
            }),
        }
    }

    /// The common name of the country whose spelling is closest to `k`, if
    /// any is close enough to be a likely typo.
    fn suggest(&self, k: &str) -> Option<String> {
        // Below this similarity, suggestions are noise ("Chad" for "Chat" is
        // 0.75, one typo in a 10-letter name is 0.9).
        const MIN_SIMILARITY: f64 = 0.75;
        if k.len() < 4 {
            return None;
        }
        let mut best: Option<(f64, usize)> = None;
        for (name, i) in &self.names {
            let score = strsim::normalized_damerau_levenshtein(k, name);
            if score >= MIN_SIMILARITY && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, *i));
            }
        }
        best.and_then(|(_, i)| self.entries.get(i))
            .map(|e| e.name.clone())
    }
}

/// The keys a name or alias answers to: its own, "St …" for "Saint …", and
/// each of those without the word "and".
fn name_keys(spelling: &str) -> Vec<String> {
    let full = key(spelling);
    let st = full.strip_prefix("saint-").map(|rest| format!("st-{rest}"));
    let mut keys: Vec<String> = std::iter::once(full).chain(st).collect();
    let without_and: Vec<String> = keys
        .iter()
        .filter(|k| k.split('-').any(|w| w == "and"))
        .map(|k| {
            k.split('-')
                .filter(|w| *w != "and")
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    keys.extend(without_and);
    keys
}

/// The common name and extra aliases of an ISO country.
fn common_name(iso: &CountryCode) -> (&'static str, &'static [&'static str]) {
    COMMON_NAMES
        .iter()
        .find(|(code, _, _)| *code == iso.alpha2)
        .map_or((iso.name, &[]), |(_, name, aliases)| (*name, *aliases))
}

/// A country name nobody knows, with the closest known name when one is close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCountry {
    /// What the author wrote (trimmed).
    pub input: String,
    /// The closest known country or region name, when one is close.
    pub suggestion: Option<String>,
}

impl UnknownCountry {
    /// A hint for the author: the suggestion, or where to find valid names.
    pub fn help(&self) -> String {
        match &self.suggestion {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => "write a country name or an ISO 3166-1 code (e.g. TJ or TJK), \
                     or declare the region in feedpub.toml"
                .to_owned(),
        }
    }
}

impl fmt::Display for UnknownCountry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown country \"{}\"", self.input)
    }
}

impl std::error::Error for UnknownCountry {}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Countries {
        Countries::new(&["Central Asia".to_owned(), "  Middle East ".to_owned()])
    }

    fn code_of(input: &str) -> Option<&'static str> {
        table().resolve(input).ok().and_then(|c| c.code)
    }

    #[test]
    fn names_aliases_and_codes_resolve_to_one_country() {
        let cases: &[(&str, &str, &str)] = &[
            // (input, alpha-2, common name)
            ("Tajikistan", "TJ", "Tajikistan"),
            ("TJ", "TJ", "Tajikistan"),
            ("tj", "TJ", "Tajikistan"),
            ("TJK", "TJ", "Tajikistan"),
            ("tjk", "TJ", "Tajikistan"),
            ("Kyrgyz Republic", "KG", "Kyrgyzstan"),
            ("KG", "KG", "Kyrgyzstan"),
            ("kyrgyzstan", "KG", "Kyrgyzstan"),
            ("Russian Federation", "RU", "Russia"),
            ("Russia", "RU", "Russia"),
            ("Iran, Islamic Republic of", "IR", "Iran"),
            ("Iran (Islamic Republic of)", "IR", "Iran"),
            ("Iran", "IR", "Iran"),
            ("Korea, Republic of", "KR", "South Korea"),
            ("Republic of Korea", "KR", "South Korea"),
            ("South Korea", "KR", "South Korea"),
            ("North Korea", "KP", "North Korea"),
            (
                "Korea (Democratic People's Republic of)",
                "KP",
                "North Korea",
            ),
            ("United States of America", "US", "United States"),
            ("United States", "US", "United States"),
            ("USA", "US", "United States"),
            ("US", "US", "United States"),
            ("U.S.A.", "US", "United States"),
            (
                "United Kingdom of Great Britain and Northern Ireland",
                "GB",
                "United Kingdom",
            ),
            ("United Kingdom", "GB", "United Kingdom"),
            ("UK", "GB", "United Kingdom"),
            ("Great Britain", "GB", "United Kingdom"),
            ("Britain", "GB", "United Kingdom"),
            ("GB", "GB", "United Kingdom"),
            ("Türkiye", "TR", "Türkiye"),
            ("Turkey", "TR", "Türkiye"),
            ("Turkiye", "TR", "Türkiye"),
            ("Côte d'Ivoire", "CI", "Côte d'Ivoire"),
            ("Cote d'Ivoire", "CI", "Côte d'Ivoire"),
            ("Côte d’Ivoire", "CI", "Côte d'Ivoire"),
            ("Ivory Coast", "CI", "Côte d'Ivoire"),
            ("Bosnia and Herzegovina", "BA", "Bosnia and Herzegovina"),
            ("Bosnia & Herzegovina", "BA", "Bosnia and Herzegovina"),
            ("Bosnia&Herzegovina", "BA", "Bosnia and Herzegovina"),
            ("Bosnia", "BA", "Bosnia and Herzegovina"),
            ("Moldova", "MD", "Moldova"),
            ("Syria", "SY", "Syria"),
            ("Syrian Arab Republic", "SY", "Syria"),
            ("Laos", "LA", "Laos"),
            ("Lao People's Democratic Republic", "LA", "Laos"),
            ("Vietnam", "VN", "Vietnam"),
            ("Viet Nam", "VN", "Vietnam"),
            ("Bolivia", "BO", "Bolivia"),
            ("Venezuela", "VE", "Venezuela"),
            ("Tanzania", "TZ", "Tanzania"),
            ("Czechia", "CZ", "Czechia"),
            ("Czech Republic", "CZ", "Czechia"),
            ("Taiwan", "TW", "Taiwan"),
            ("Palestine", "PS", "Palestine"),
            ("Vatican City", "VA", "Vatican City"),
            ("Holy See", "VA", "Vatican City"),
            ("Micronesia", "FM", "Micronesia"),
            ("Congo", "CG", "Congo"),
            ("DR Congo", "CD", "DR Congo"),
            ("Democratic Republic of the Congo", "CD", "DR Congo"),
            ("Brunei", "BN", "Brunei"),
            ("Cape Verde", "CV", "Cabo Verde"),
            ("Cabo Verde", "CV", "Cabo Verde"),
            ("Eswatini", "SZ", "Eswatini"),
            ("Swaziland", "SZ", "Eswatini"),
            ("North Macedonia", "MK", "North Macedonia"),
            ("Macedonia", "MK", "North Macedonia"),
            ("East Timor", "TL", "Timor-Leste"),
            ("Timor-Leste", "TL", "Timor-Leste"),
            ("Timor Leste", "TL", "Timor-Leste"),
            ("Burma", "MM", "Myanmar"),
            ("Myanmar", "MM", "Myanmar"),
            ("Holland", "NL", "Netherlands"),
            ("Netherlands", "NL", "Netherlands"),
            ("the Netherlands", "NL", "Netherlands"),
            ("The Gambia", "GM", "Gambia"),
            ("St Lucia", "LC", "Saint Lucia"),
            ("St. Kitts & Nevis", "KN", "Saint Kitts and Nevis"),
            ("Sao Tome and Principe", "ST", "Sao Tome and Principe"),
            ("São Tomé & Príncipe", "ST", "Sao Tome and Principe"),
            ("Virgin Islands (U.S.)", "VI", "U.S. Virgin Islands"),
            ("Virgin Islands (British)", "VG", "British Virgin Islands"),
        ];
        let countries = table();
        for &(input, code, name) in cases {
            let got = countries.resolve(input);
            assert_eq!(
                got,
                Ok(Country {
                    name: name.to_owned(),
                    code: Some(code)
                }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn case_whitespace_and_diacritics_do_not_matter() {
        let cases = [
            "KYRGYZSTAN",
            "kYrGyZsTaN",
            "  Kyrgyzstan  ",
            "\tkyrgyz   republic\n",
            "Kyrgyz\u{a0}Republic",
            "kg",
            " KGZ ",
        ];
        for input in cases {
            assert_eq!(code_of(input), Some("KG"), "input {input:?}");
        }
        for input in ["côte d'ivoire", "COTE D’IVOIRE", "Côte  d' Ivoire"] {
            assert_eq!(code_of(input), Some("CI"), "input {input:?}");
        }
        assert_eq!(code_of("Reunion"), Some("RE"));
        assert_eq!(code_of("curacao"), Some("CW"));
        assert_eq!(code_of("Aland Islands"), Some("AX"));
    }

    #[test]
    fn every_iso_entry_resolves_by_codes_and_own_name() {
        let countries = Countries::new(&[]);
        assert_eq!(rust_iso3166::ALL.len(), 249);
        for iso in rust_iso3166::ALL {
            for input in [iso.alpha2, iso.alpha3, iso.name] {
                let got = countries
                    .resolve(input)
                    .unwrap_or_else(|e| panic!("{input:?}: {e}"));
                assert_eq!(got.code, Some(iso.alpha2), "input {input:?}");
                assert!(
                    !got.name.contains([',', '(', ')']),
                    "{input:?} resolves to awkward name {:?}",
                    got.name
                );
            }
        }
    }

    #[test]
    fn every_common_name_table_row_is_a_real_code_and_resolves() {
        let countries = Countries::new(&[]);
        for (code, name, aliases) in COMMON_NAMES {
            assert!(rust_iso3166::from_alpha2(code).is_some(), "{code}");
            for input in std::iter::once(name).chain(aliases.iter()) {
                assert_eq!(
                    countries.resolve(input).map(|c| c.code),
                    Ok(Some(*code)),
                    "input {input:?}"
                );
            }
        }
    }

    #[test]
    fn no_spelling_is_claimed_by_two_countries() {
        // Registration keeps the first claimant, so a clash would silently
        // send one country's spelling to another: list every spelling's key.
        let mut seen: HashMap<String, &str> = HashMap::new();
        for iso in rust_iso3166::ALL {
            let (name, aliases) = common_name(iso);
            let codes = [key(iso.alpha2), key(iso.alpha3)];
            let names = [name, iso.name].into_iter().chain(aliases.iter().copied());
            for k in codes.into_iter().chain(names.flat_map(name_keys)) {
                let owner = *seen.entry(k.clone()).or_insert(iso.alpha2);
                assert_eq!(owner, iso.alpha2, "{k:?} names {owner} and {}", iso.alpha2);
            }
        }
    }

    #[test]
    fn regions_resolve_as_configured_without_code() {
        let countries = table();
        for (input, name) in [
            ("Central Asia", "Central Asia"),
            ("central asia", "Central Asia"),
            ("CENTRAL  ASIA", "Central Asia"),
            ("middle east", "Middle East"),
        ] {
            assert_eq!(
                countries.resolve(input),
                Ok(Country {
                    name: name.to_owned(),
                    code: None
                }),
                "input {input:?}"
            );
        }
        assert!(Countries::new(&[]).resolve("Central Asia").is_err());
    }

    #[test]
    fn a_region_never_shadows_a_country() {
        let countries = Countries::new(&["georgia".to_owned(), "".to_owned(), "!!".to_owned()]);
        assert_eq!(countries.resolve("Georgia").map(|c| c.code), Ok(Some("GE")));
        assert!(countries.resolve("").is_err());
    }

    #[test]
    fn unknown_names_get_a_suggestion_when_close() {
        let countries = table();
        let cases: &[(&str, Option<&str>)] = &[
            ("Tajikstan", Some("Tajikistan")),
            ("Kazakstan", Some("Kazakhstan")),
            ("Uzbekistn", Some("Uzbekistan")),
            ("Untied States", Some("United States")),
            ("Centrl Asia", Some("Central Asia")),
            ("xqzvbnmwk", None),
            ("Atlantis", None),
            ("zz", None),
            ("", None),
            ("   ", None),
            ("!!!", None),
        ];
        for &(input, suggestion) in cases {
            let err = countries.resolve(input).expect_err(input);
            assert_eq!(err.input, input.trim());
            assert_eq!(err.suggestion.as_deref(), suggestion, "input {input:?}");
        }
    }

    #[test]
    fn unknown_country_display_and_help() {
        let err = table().resolve(" Tajikstan ").expect_err("typo");
        assert_eq!(err.to_string(), "unknown country \"Tajikstan\"");
        assert_eq!(err.help(), "did you mean \"Tajikistan\"?");
        let err = table().resolve("Atlantis").expect_err("unknown");
        assert!(err.help().contains("ISO 3166-1 code"), "{}", err.help());
    }

    #[test]
    fn non_latin_and_odd_input_does_not_panic() {
        let countries = table();
        for input in [
            "Россия",
            "日本",
            "🇹🇯",
            "\u{0}",
            "-",
            "the",
            "the-",
            "&",
            "and",
        ] {
            let _ = countries.resolve(input);
        }
    }
}
