//! Strict date parsing: RFC 822 for RSS, RFC 3339 as RFC 4287 restricts it for Atom.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::{Findings, Rule};

/// Dates before this year are taken for a default value (1970, 0001), not a real date.
const PLAUSIBLE_FROM_YEAR: i32 = 1990;

const DAYS: [(&str, Weekday); 7] = [
    ("Mon", Weekday::Mon),
    ("Tue", Weekday::Tue),
    ("Wed", Weekday::Wed),
    ("Thu", Weekday::Thu),
    ("Fri", Weekday::Fri),
    ("Sat", Weekday::Sat),
    ("Sun", Weekday::Sun),
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Why a date was rejected: the rule it breaks and what exactly is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DateError {
    pub(super) rule: Rule,
    pub(super) message: String,
}

fn rfc822_error(message: String) -> DateError {
    DateError {
        rule: Rule::InvalidRFC2822Date,
        message,
    }
}

/// Parse an RSS date: `[Day, ]DD Mon YYYY HH:MM[:SS] zone`, English names,
/// a four-digit year and a date that exists.
///
/// chrono's `parse_from_rfc2822` also takes two-digit years, so this is a
/// parser of its own.
pub(super) fn parse_rfc822(raw: &str) -> Result<DateTime<FixedOffset>, DateError> {
    let value = raw.trim();
    let (day_name, rest) = match value.split_once(',') {
        Some((day, rest)) => (Some(day.trim()), rest),
        None => (None, value),
    };
    let weekday = match day_name {
        None => None,
        Some(name) => match DAYS.iter().find(|(d, _)| d.eq_ignore_ascii_case(name)) {
            Some((_, w)) => Some(*w),
            None => {
                return Err(rfc822_error(format!(
                    "\"{value}\" is not an RFC 822 date: unknown day name \"{name}\" (use Mon, Tue, Wed, Thu, Fri, Sat or Sun)"
                )));
            }
        },
    };
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [day, month, year, time, zone] = parts.as_slice() else {
        return Err(rfc822_error(format!(
            "\"{value}\" is not an RFC 822 date (expected e.g. \"Mon, 25 Mar 2024 10:00:00 +0000\")"
        )));
    };
    let day: u32 = digits(day, 1, 2).ok_or_else(|| {
        rfc822_error(format!(
            "\"{value}\" is not an RFC 822 date: bad day \"{day}\""
        ))
    })?;
    let month_number = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))
        .ok_or_else(|| {
            rfc822_error(format!(
                "\"{value}\" is not an RFC 822 date: unknown month \"{month}\" (use English abbreviations Jan to Dec)"
            ))
        })?;
    let year: i32 = match year.len() {
        4 => digits(year, 4, 4),
        2 => {
            return Err(rfc822_error(format!(
                "\"{value}\" has a two-digit year \"{year}\"; write all four digits"
            )));
        }
        _ => None,
    }
    .and_then(|y: u32| i32::try_from(y).ok())
    .ok_or_else(|| {
        rfc822_error(format!(
            "\"{value}\" is not an RFC 822 date: bad year \"{year}\""
        ))
    })?;
    let time = parse_time(time).ok_or_else(|| {
        rfc822_error(format!(
            "\"{value}\" is not an RFC 822 date: bad time \"{time}\""
        ))
    })?;
    let offset = parse_zone(zone).ok_or_else(|| {
        rfc822_error(format!(
            "\"{value}\" is not an RFC 822 date: bad time zone \"{zone}\" (use +0000 or GMT)"
        ))
    })?;
    let month = u32::try_from(month_number + 1).unwrap_or(1);
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        rfc822_error(format!(
            "\"{value}\" is not a real date: {year} has no {day} {}",
            MONTHS[month_number]
        ))
    })?;
    if let Some(written) = weekday
        && written != date.weekday()
    {
        return Err(DateError {
            rule: Rule::IncorrectDOW,
            message: format!(
                "\"{value}\" says {written} but {day} {} {year} is a {}",
                MONTHS[month_number],
                date.weekday()
            ),
        });
    }
    offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(|| rfc822_error(format!("\"{value}\" is not a valid date")))
}

/// An unsigned number of `min..=max` ASCII digits.
fn digits<T: std::str::FromStr>(s: &str, min: usize, max: usize) -> Option<T> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let mut fields = s.split(':');
    let hour: u32 = digits(fields.next()?, 2, 2)?;
    let minute: u32 = digits(fields.next()?, 2, 2)?;
    let second: u32 = match fields.next() {
        Some(sec) => digits(sec, 2, 2)?,
        None => 0,
    };
    if fields.next().is_some() || second > 60 {
        return None;
    }
    // A leap second is legal RFC 822; chrono wants it as 59 + 1s of nanos.
    NaiveTime::from_hms_opt(hour, minute, second.min(59))
}

fn parse_zone(zone: &str) -> Option<FixedOffset> {
    let named = [
        ("UT", 0),
        ("GMT", 0),
        ("Z", 0),
        ("EST", -5),
        ("EDT", -4),
        ("CST", -6),
        ("CDT", -5),
        ("MST", -7),
        ("MDT", -6),
        ("PST", -8),
        ("PDT", -7),
    ];
    if let Some((_, hours)) = named.iter().find(|(n, _)| n.eq_ignore_ascii_case(zone)) {
        return FixedOffset::east_opt(hours * 3600);
    }
    let (sign, number) = match zone.as_bytes().first() {
        Some(b'+') => (1, &zone[1..]),
        Some(b'-') => (-1, &zone[1..]),
        _ => return None,
    };
    let hhmm: i32 = digits(number, 4, 4)?;
    let (hours, minutes) = (hhmm / 100, hhmm % 100);
    if minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// Parse an Atom date: RFC 3339 `date-time` with an uppercase `T` and `Z`
/// (RFC 4287 section 3.3).
pub(super) fn parse_rfc3339(raw: &str) -> Result<DateTime<FixedOffset>, DateError> {
    let value = raw.trim();
    let error = |why: &str| DateError {
        rule: Rule::InvalidRFC3339Date,
        message: format!("\"{value}\" is not an RFC 3339 date{why}"),
    };
    if value.as_bytes().get(10) != Some(&b'T') {
        return Err(error(
            ": date and time must be separated by an uppercase \"T\"",
        ));
    }
    if value.ends_with('z') {
        return Err(error(": the UTC designator must be an uppercase \"Z\""));
    }
    DateTime::parse_from_rfc3339(value).map_err(|e| error(&format!(" ({e})")))
}

/// Flag a well-formed date that lies after `now` or is implausibly old.
pub(super) fn check_timeline(
    date: &DateTime<FixedOffset>,
    at: usize,
    now: Option<DateTime<Utc>>,
    out: &mut Findings,
) {
    if let Some(now) = now
        && *date > now
    {
        out.add(
            Rule::FutureDate,
            at,
            format!(
                "{} is after the build time {}",
                date.to_rfc3339(),
                now.to_rfc3339()
            ),
        )
        .help("leave future-dated articles out of the feed until they are due");
    }
    if date.year() < PLAUSIBLE_FROM_YEAR {
        out.add(
            Rule::ImplausibleDate,
            at,
            format!(
                "{} is implausibly old; is it a default value?",
                date.to_rfc3339()
            ),
        );
    }
}

/// Tracks whether items come newest first; reports the first one that does not.
#[derive(Debug, Default)]
pub(super) struct NewestFirst {
    previous: Option<DateTime<FixedOffset>>,
    reported: bool,
}

impl NewestFirst {
    /// The next item's date, at `at`; `what` names the item ("item", "entry").
    pub(super) fn see(
        &mut self,
        date: DateTime<FixedOffset>,
        at: usize,
        what: &str,
        out: &mut Findings,
    ) {
        if let Some(previous) = self.previous
            && date > previous
            && !self.reported
        {
            self.reported = true;
            out.add(
                Rule::ItemsNotSorted,
                at,
                format!(
                    "this {what} ({}) is newer than the {what} before it ({})",
                    date.to_rfc3339(),
                    previous.to_rfc3339()
                ),
            )
            .help("list them newest first, by publication date");
        }
        self.previous = Some(date);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc822_accepts_valid_dates() {
        let cases = [
            (
                "Mon, 25 Mar 2024 10:00:00 +0000",
                "2024-03-25T10:00:00+00:00",
            ),
            ("25 Mar 2024 10:00 GMT", "2024-03-25T10:00:00+00:00"),
            (
                "Mon, 25 Mar 2024 10:00:00 -0500",
                "2024-03-25T10:00:00-05:00",
            ),
            ("Thu, 1 Feb 2024 23:59:59 EST", "2024-02-01T23:59:59-05:00"),
            (
                "  sun, 31 dec 2023 00:00:00 +0530  ",
                "2023-12-31T00:00:00+05:30",
            ),
            ("Thu, 29 Feb 2024 12:00:00 Z", "2024-02-29T12:00:00+00:00"),
        ];
        for (input, expected) in cases {
            let parsed = parse_rfc822(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(parsed.to_rfc3339(), expected, "{input}");
        }
    }

    #[test]
    fn rfc822_rejects_what_chrono_would_accept_or_what_is_not_a_date() {
        let cases = [
            (
                "Mon, 25 Mar 24 10:00:00 +0000",
                Rule::InvalidRFC2822Date,
                "two-digit year",
            ),
            (
                "Mo, 25 Mär 2024 10:00:00 +0100",
                Rule::InvalidRFC2822Date,
                "day name",
            ),
            (
                "25 Mär 2024 10:00:00 +0100",
                Rule::InvalidRFC2822Date,
                "unknown month",
            ),
            (
                "Fri, 30 Feb 2024 10:00:00 +0000",
                Rule::InvalidRFC2822Date,
                "no 30 Feb",
            ),
            (
                "Thu, 29 Feb 2023 10:00:00 +0000",
                Rule::InvalidRFC2822Date,
                "no 29 Feb",
            ),
            (
                "2024-03-25T10:00:00Z",
                Rule::InvalidRFC2822Date,
                "expected e.g.",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00",
                Rule::InvalidRFC2822Date,
                "expected e.g.",
            ),
            (
                "Mon, 25 Mar 2024 25:00:00 +0000",
                Rule::InvalidRFC2822Date,
                "bad time",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00 CET",
                Rule::InvalidRFC2822Date,
                "time zone",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00 +00:00",
                Rule::InvalidRFC2822Date,
                "time zone",
            ),
            (
                "Tue, 25 Mar 2024 10:00:00 +0000",
                Rule::IncorrectDOW,
                "is a Mon",
            ),
            ("", Rule::InvalidRFC2822Date, "expected e.g."),
        ];
        for (input, rule, needle) in cases {
            let err = parse_rfc822(input).expect_err(input);
            assert_eq!(err.rule, rule, "{input}");
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("test date")
    }

    #[test]
    fn timeline_flags_future_and_implausible_dates() {
        let now = Some(at("2024-06-01T00:00:00Z").with_timezone(&Utc));
        let cases = [
            ("2024-05-31T23:59:59Z", now, vec![]),
            ("2024-06-01T00:00:00Z", now, vec![]),
            ("2024-06-01T00:00:01Z", now, vec![Rule::FutureDate]),
            ("2024-06-01T01:00:00+02:00", now, vec![]),
            ("2030-01-01T00:00:00Z", None, vec![]),
            ("1970-01-01T00:00:00Z", now, vec![Rule::ImplausibleDate]),
        ];
        for (date, now, expected) in cases {
            let mut out = Findings::default();
            check_timeline(&at(date), 0, now, &mut out);
            let rules: Vec<_> = out.list.iter().map(|f| f.rule).collect();
            assert_eq!(rules, expected, "{date}");
        }
    }

    #[test]
    fn newest_first_reports_the_first_inversion_only() {
        let mut order = NewestFirst::default();
        let mut out = Findings::default();
        for (i, date) in [
            "2024-03-03T00:00:00Z",
            "2024-03-03T00:00:00Z",
            "2024-03-02T00:00:00Z",
            "2024-03-04T00:00:00Z",
            "2024-03-05T00:00:00Z",
        ]
        .into_iter()
        .enumerate()
        {
            order.see(at(date), i, "item", &mut out);
        }
        assert_eq!(out.list.len(), 1);
        assert_eq!(
            (out.list[0].rule, out.list[0].offset),
            (Rule::ItemsNotSorted, 3)
        );
    }

    #[test]
    fn rfc3339_is_strict_about_t_and_z() {
        let ok = [
            ("2024-03-25T10:00:00Z", "2024-03-25T10:00:00+00:00"),
            (
                "2024-03-25T10:00:00.5+05:30",
                "2024-03-25T10:00:00.500+05:30",
            ),
        ];
        for (input, expected) in ok {
            assert_eq!(
                parse_rfc3339(input).map(|d| d.to_rfc3339()),
                Ok(expected.to_string())
            );
        }
        let bad = [
            "2024-03-25 10:00:00Z",
            "2024-03-25t10:00:00Z",
            "2024-03-25T10:00:00z",
            "2024-03-25T10:00:00",
            "2024-03-25",
            "Mon, 25 Mar 2024 10:00:00 +0000",
            "2024-02-30T10:00:00Z",
            "",
        ];
        for input in bad {
            let err = parse_rfc3339(input).expect_err(input);
            assert_eq!(err.rule, Rule::InvalidRFC3339Date, "{input}");
        }
    }
}
