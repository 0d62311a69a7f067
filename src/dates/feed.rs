//! Strict parsers for the date formats feeds carry: RFC 822 (RSS), RFC 3339
//! as RFC 4287 restricts it (Atom) and W3C-DTF (Dublin Core `dc:date`).
//!
//! They report what is wrong in an editor's words and leave it to the
//! caller (the validator) to decide how bad that is.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc, Weekday,
};

use super::without_leap_second;

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

/// What kind of mistake a feed date has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedDateErrorKind {
    /// Not a date in the expected format, or not a date that exists.
    Invalid,
    /// An RFC 822 date whose day name does not match its date.
    WrongWeekday,
}

/// Why a feed date was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedDateError {
    /// What kind of mistake it is.
    pub kind: FeedDateErrorKind,
    /// What exactly is wrong, quoting the value.
    pub message: String,
}

fn invalid(message: String) -> FeedDateError {
    FeedDateError {
        kind: FeedDateErrorKind::Invalid,
        message,
    }
}

/// An RFC 822 date as RSS carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfc822Date {
    /// The instant, leap seconds normalized to :59.
    pub date: DateTime<FixedOffset>,
    /// A form RFC 2822 keeps only as obsolete syntax (two-digit year,
    /// lowercase names, a military zone), described for a message.
    pub obsolete: Option<String>,
}

/// Parse an RSS date: `[Day, ]DD Mon YYYY HH:MM[:SS] zone`.
///
/// Dates in RFC 2822's obsolete forms (two- or three-digit years, names
/// in lowercase, single-letter military zones) are accepted and flagged
/// in [`Rfc822Date::obsolete`]: readers may misread them. chrono's own
/// `parse_from_rfc2822` takes these silently, hence a parser of its own.
///
/// # Errors
///
/// Anything else, dates that do not exist, and a day name that does not
/// match the date.
pub fn parse_rfc822(raw: &str) -> Result<Rfc822Date, FeedDateError> {
    let value = raw.trim();
    let mut obsolete = Vec::new();
    let (day_name, rest) = match value.split_once(',') {
        Some((day, rest)) => (Some(day.trim()), rest),
        None => (None, value),
    };
    let weekday = match day_name {
        None => None,
        Some(name) => match DAYS.iter().find(|(d, _)| d.eq_ignore_ascii_case(name)) {
            Some((written, w)) => {
                if written != &name {
                    obsolete.push(format!(
                        "the day name \"{name}\" is not written \"{written}\""
                    ));
                }
                Some(*w)
            }
            None => {
                return Err(invalid(format!(
                    "\"{value}\" is not an RFC 822 date: unknown day name \"{name}\" (use Mon, Tue, Wed, Thu, Fri, Sat or Sun)"
                )));
            }
        },
    };
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [day, month, year, time, zone] = parts.as_slice() else {
        return Err(invalid(format!(
            "\"{value}\" is not an RFC 822 date (expected e.g. \"Mon, 25 Mar 2024 10:00:00 +0000\")"
        )));
    };
    let day: u32 = digits(day, 1, 2).ok_or_else(|| {
        invalid(format!(
            "\"{value}\" is not an RFC 822 date: bad day \"{day}\""
        ))
    })?;
    let month_number = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))
        .ok_or_else(|| {
            invalid(format!(
                "\"{value}\" is not an RFC 822 date: unknown month \"{month}\" (use English abbreviations Jan to Dec)"
            ))
        })?;
    if MONTHS[month_number] != *month {
        obsolete.push(format!(
            "the month \"{month}\" is not written \"{}\"",
            MONTHS[month_number]
        ));
    }
    let bad_year = || {
        invalid(format!(
            "\"{value}\" is not an RFC 822 date: bad year \"{year}\""
        ))
    };
    let year: i32 = match year.len() {
        4 => digits(year, 4, 4).ok_or_else(bad_year)?,
        // RFC 2822 section 4.3: 00-49 are 2000-2049, 50-99 and three digits add 1900.
        2 | 3 => {
            let short: i32 = digits(year, 2, 3).ok_or_else(bad_year)?;
            obsolete.push(format!("the year \"{year}\" does not have four digits"));
            if year.len() == 2 && short < 50 {
                2000 + short
            } else {
                1900 + short
            }
        }
        _ => return Err(bad_year()),
    };
    let (time, leap) = parse_time(time).ok_or_else(|| {
        invalid(format!(
            "\"{value}\" is not an RFC 822 date: bad time \"{time}\""
        ))
    })?;
    let offset = match parse_zone(zone) {
        Some(Zone::Offset(offset)) => offset,
        Some(Zone::Military) => {
            obsolete.push(format!(
                "the military time zone \"{zone}\" is obsolete and means -0000"
            ));
            Utc.fix()
        }
        None => {
            return Err(invalid(format!(
                "\"{value}\" is not an RFC 822 date: bad time zone \"{zone}\" (use +0000 or GMT)"
            )));
        }
    };
    let month = u32::try_from(month_number + 1).unwrap_or(1);
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        invalid(format!(
            "\"{value}\" is not a real date: {year} has no {day} {}",
            MONTHS[month_number]
        ))
    })?;
    if let Some(written) = weekday
        && written != date.weekday()
    {
        return Err(FeedDateError {
            kind: FeedDateErrorKind::WrongWeekday,
            message: format!(
                "\"{value}\" says {written} but {day} {} {year} is a {}",
                MONTHS[month_number],
                date.weekday()
            ),
        });
    }
    let date = offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(|| invalid(format!("\"{value}\" is not a valid date")))?;
    if leap && !is_leap_second_instant(&date) {
        return Err(invalid(format!(
            "\"{value}\" is not an RFC 822 date: second 60 exists only as a leap second, at 23:59:60 UTC at the end of a month"
        )));
    }
    Ok(Rfc822Date {
        date,
        obsolete: (!obsolete.is_empty()).then(|| obsolete.join("; ")),
    })
}

/// An unsigned number of `min..=max` ASCII digits.
fn digits<T: std::str::FromStr>(s: &str, min: usize, max: usize) -> Option<T> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// `HH:MM[:SS]`; a second 60 comes back as :59 with the flag set.
fn parse_time(s: &str) -> Option<(NaiveTime, bool)> {
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
    NaiveTime::from_hms_opt(hour, minute, second.min(59)).map(|t| (t, second == 60))
}

/// Whether a date normalized from a second 60 was at 23:59:59 UTC on the
/// last day of a month, the only place a leap second can be.
pub(super) fn is_leap_second_instant<Tz: TimeZone>(date: &DateTime<Tz>) -> bool {
    let utc = date.naive_utc();
    let last_of_month = utc
        .date()
        .succ_opt()
        .is_some_and(|next| next.month() != utc.month());
    last_of_month && utc.hour() == 23 && utc.minute() == 59 && utc.second() == 59
}

enum Zone {
    Offset(FixedOffset),
    Military,
}

fn parse_zone(zone: &str) -> Option<Zone> {
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
        return FixedOffset::east_opt(hours * 3600).map(Zone::Offset);
    }
    if zone.len() == 1
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphabetic() && b != b'j' && b != b'J')
    {
        return Some(Zone::Military);
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
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).map(Zone::Offset)
}

/// Parse an Atom date: RFC 3339 `date-time` with an uppercase `T` and `Z`
/// (RFC 4287 section 3.3). A leap second comes back as :59.
///
/// # Errors
///
/// Anything else, including a leap second where none can be.
pub fn parse_rfc3339(raw: &str) -> Result<DateTime<FixedOffset>, FeedDateError> {
    let value = raw.trim();
    let error = |why: &str| invalid(format!("\"{value}\" is not an RFC 3339 date{why}"));
    if value.as_bytes().get(10) != Some(&b'T') {
        return Err(error(
            ": date and time must be separated by an uppercase \"T\"",
        ));
    }
    if value.ends_with('z') {
        return Err(error(": the UTC designator must be an uppercase \"Z\""));
    }
    let date = DateTime::parse_from_rfc3339(value).map_err(|e| error(&format!(" ({e})")))?;
    if date.nanosecond() >= 1_000_000_000 {
        let normalized = without_leap_second(date);
        if !is_leap_second_instant(&normalized) {
            return Err(error(
                ": second 60 exists only as a leap second, at 23:59:60 UTC at the end of a month",
            ));
        }
        return Ok(normalized);
    }
    Ok(date)
}

/// A W3C-DTF date (the profile of ISO 8601 Dublin Core uses) and how much
/// of it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct W3cDtfDate {
    /// The earliest instant the value stands for (a year means its first
    /// day, midnight UTC).
    pub date: DateTime<FixedOffset>,
    /// Whether a time of day (and so a time zone) was written.
    pub has_time: bool,
}

/// Parse a W3C-DTF date: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a date with
/// `Thh:mm[:ss[.s]]` and a time zone (`Z` or `+hh:mm`).
///
/// # Errors
///
/// Anything else: a time without a time zone, impossible dates and times.
pub fn parse_w3cdtf(raw: &str) -> Result<W3cDtfDate, FeedDateError> {
    let value = raw.trim();
    let error = |why: &str| {
        invalid(format!(
            "\"{value}\" is not a W3C-DTF date{why} (expected e.g. 2024-03-25 or 2024-03-25T10:00:00Z)"
        ))
    };
    let (date_part, time_part) = match value.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (value, None),
    };
    let fields: Vec<&str> = date_part.split('-').collect();
    let (year, month, day) = match fields.as_slice() {
        [y] => (digits::<i32>(y, 4, 4), Some(1), Some(1)),
        [y, m] => (digits(y, 4, 4), digits(m, 2, 2), Some(1)),
        [y, m, d] => (digits(y, 4, 4), digits(m, 2, 2), digits(d, 2, 2)),
        _ => (None, None, None),
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(error(""));
    };
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| error(": no such date"))?;
    let Some(time) = time_part else {
        let date = Utc
            .fix()
            .from_local_datetime(&date.and_time(NaiveTime::MIN))
            .single()
            .ok_or_else(|| error(""))?;
        return Ok(W3cDtfDate {
            date,
            has_time: false,
        });
    };
    if fields.len() != 3 {
        return Err(error(": a time needs a full date"));
    }
    let (clock, zone) = split_zone(time);
    let (time, leap) = parse_clock(clock).ok_or_else(|| error(": bad time"))?;
    let offset = match zone {
        "" => return Err(error(": a time needs a time zone, Z or +hh:mm")),
        zone => parse_offset(zone).ok_or_else(|| error(": bad time zone"))?,
    };
    let date = offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(|| error(""))?;
    if leap && !is_leap_second_instant(&date) {
        return Err(error(
            ": second 60 exists only as a leap second, at 23:59:60 UTC at the end of a month",
        ));
    }
    Ok(W3cDtfDate {
        date,
        has_time: true,
    })
}

/// Split `hh:mm[:ss[.s]]zone` where the zone starts at `Z`, `+` or `-`.
fn split_zone(time: &str) -> (&str, &str) {
    let at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    time.split_at(at)
}

/// `hh:mm[:ss[.s]]`; a second 60 comes back as :59 with the flag set.
fn parse_clock(clock: &str) -> Option<(NaiveTime, bool)> {
    let (main, fraction) = match clock.split_once('.') {
        Some((main, fraction)) => (main, Some(fraction)),
        None => (clock, None),
    };
    let mut fields = main.split(':');
    let hour: u32 = digits(fields.next()?, 2, 2)?;
    let minute: u32 = digits(fields.next()?, 2, 2)?;
    let second: u32 = match fields.next() {
        Some(s) => digits(s, 2, 2)?,
        None if fraction.is_some() => return None,
        None => 0,
    };
    if fields.next().is_some() || second > 60 {
        return None;
    }
    let nano = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let nine: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
            nine.parse().ok()?
        }
        Some(_) => return None,
    };
    NaiveTime::from_hms_nano_opt(hour, minute, second.min(59), nano).map(|t| (t, second == 60))
}

/// `Z` or `+hh:mm` / `-hh:mm`.
fn parse_offset(zone: &str) -> Option<FixedOffset> {
    if zone == "Z" {
        return Some(Utc.fix());
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = zone.get(1..)?.split_once(':')?;
    let hours: i32 = digits(hours, 2, 2)?;
    let minutes: i32 = digits(minutes, 2, 2)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
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
            ("Thu, 29 Feb 2024 12:00:00 Z", "2024-02-29T12:00:00+00:00"),
            (
                "Sat, 31 Dec 2016 23:59:60 +0000",
                "2016-12-31T23:59:59+00:00",
            ),
            (
                "Sun, 01 Jan 2017 05:29:60 +0530",
                "2017-01-01T05:29:59+05:30",
            ),
        ];
        for (input, expected) in cases {
            let parsed = parse_rfc822(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(parsed.date.to_rfc3339(), expected, "{input}");
            assert_eq!(parsed.obsolete, None, "{input}");
        }
    }

    #[test]
    fn rfc822_obsolete_forms_parse_and_are_flagged() {
        let cases = [
            (
                "Mon, 25 Mar 24 10:00:00 +0000",
                "2024-03-25T10:00:00+00:00",
                "four digits",
            ),
            (
                "Thu, 25 Mar 99 10:00:00 +0000",
                "1999-03-25T10:00:00+00:00",
                "four digits",
            ),
            (
                "  sun, 31 dec 2023 00:00:00 +0530  ",
                "2023-12-31T00:00:00+05:30",
                "not written \"Sun\"",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00 A",
                "2024-03-25T10:00:00+00:00",
                "military",
            ),
        ];
        for (input, expected, needle) in cases {
            let parsed = parse_rfc822(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(parsed.date.to_rfc3339(), expected, "{input}");
            let why = parsed.obsolete.unwrap_or_default();
            assert!(why.contains(needle), "{input}: {why}");
        }
    }

    #[test]
    fn rfc822_rejects_what_is_not_a_date() {
        let cases = [
            (
                "Mo, 25 Mär 2024 10:00:00 +0100",
                FeedDateErrorKind::Invalid,
                "day name",
            ),
            (
                "25 Mär 2024 10:00:00 +0100",
                FeedDateErrorKind::Invalid,
                "unknown month",
            ),
            (
                "Fri, 30 Feb 2024 10:00:00 +0000",
                FeedDateErrorKind::Invalid,
                "no 30 Feb",
            ),
            (
                "Thu, 29 Feb 2023 10:00:00 +0000",
                FeedDateErrorKind::Invalid,
                "no 29 Feb",
            ),
            (
                "2024-03-25T10:00:00Z",
                FeedDateErrorKind::Invalid,
                "expected e.g.",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00",
                FeedDateErrorKind::Invalid,
                "expected e.g.",
            ),
            (
                "Mon, 25 Mar 2024 25:00:00 +0000",
                FeedDateErrorKind::Invalid,
                "bad time",
            ),
            (
                "Mon, 25 Mar 2024 10:00:60 +0000",
                FeedDateErrorKind::Invalid,
                "leap second",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00 CET",
                FeedDateErrorKind::Invalid,
                "time zone",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00 +00:00",
                FeedDateErrorKind::Invalid,
                "time zone",
            ),
            (
                "Mon, 25 Mar 2 10:00:00 +0000",
                FeedDateErrorKind::Invalid,
                "bad year",
            ),
            (
                "Tue, 25 Mar 2024 10:00:00 +0000",
                FeedDateErrorKind::WrongWeekday,
                "is a Mon",
            ),
            ("", FeedDateErrorKind::Invalid, "expected e.g."),
        ];
        for (input, kind, needle) in cases {
            let err = parse_rfc822(input).expect_err(input);
            assert_eq!(err.kind, kind, "{input}");
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
    }

    #[test]
    fn rfc3339_is_strict_about_t_and_z() {
        let ok = [
            ("2024-03-25T10:00:00Z", "2024-03-25T10:00:00+00:00"),
            (
                "2024-03-25T10:00:00.5+05:30",
                "2024-03-25T10:00:00.500+05:30",
            ),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59+00:00"),
            ("2016-12-31T18:59:60-05:00", "2016-12-31T18:59:59-05:00"),
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
            "2024-03-25T10:00:60Z",
            "",
        ];
        for input in bad {
            let err = parse_rfc3339(input).expect_err(input);
            assert_eq!(err.kind, FeedDateErrorKind::Invalid, "{input}");
        }
    }

    #[test]
    fn w3cdtf_takes_every_granularity_and_wants_a_zone_with_a_time() {
        let ok = [
            ("2024", "2024-01-01T00:00:00+00:00", false),
            ("2024-03", "2024-03-01T00:00:00+00:00", false),
            ("2024-03-25", "2024-03-25T00:00:00+00:00", false),
            ("2024-03-25T10:00Z", "2024-03-25T10:00:00+00:00", true),
            ("2024-03-25T10:00+05:00", "2024-03-25T10:00:00+05:00", true),
            ("2024-03-25T10:00:30Z", "2024-03-25T10:00:30+00:00", true),
            (
                "2024-03-25T10:00:30.25-01:00",
                "2024-03-25T10:00:30.250-01:00",
                true,
            ),
        ];
        for (input, expected, has_time) in ok {
            let parsed = parse_w3cdtf(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(parsed.date.to_rfc3339(), expected, "{input}");
            assert_eq!(parsed.has_time, has_time, "{input}");
        }
        let bad = [
            ("2024-03-25T10:00:00", "time zone"),
            ("2024-03-25T10:00", "time zone"),
            ("2024-13", "no such date"),
            ("2024-02-30", "no such date"),
            ("24-03-25", "expected"),
            ("2024/03/25", "expected"),
            ("2024-03T10:00Z", "full date"),
            ("Mon, 25 Mar 2024 10:00:00 +0000", "expected"),
            ("", "expected"),
        ];
        for (input, needle) in bad {
            let err = parse_w3cdtf(input).expect_err(input);
            assert!(err.message.contains(needle), "{input}: {}", err.message);
        }
    }
}
