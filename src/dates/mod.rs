//! Dates: front-matter dates in the site time zone, the build's "now", and
//! the formats feeds carry (RFC 822, RFC 3339, W3C-DTF), for writing and
//! for validating.
//!
//! Every instant the pipeline handles is a `DateTime<Utc>` between the years
//! 1900 and 9999: RFC 822 feeds cannot carry earlier dates (RFC 2822 §3.3)
//! and neither format can carry a five-digit year, so [`parse_date`] and
//! [`resolve_now`] reject anything outside that range.
//!
//! Leap seconds (`23:59:60`) are accepted where they can occur (23:59:60 UTC
//! at the end of a month) and normalized to `23:59:59`: chrono represents
//! them as a nanosecond count past one second, which would be written back
//! as `:60` and then rejected by the next reader.
//!
//! One plausibility bound, [`PLAUSIBLE_SINCE_YEAR`], serves the content
//! loader's warning and the validator's `ImplausibleDate` alike.

mod feed;

pub use feed::{
    FeedDateError, FeedDateErrorKind, Rfc822Date, W3cDtfDate, parse_rfc822, parse_rfc3339,
    parse_w3cdtf,
};

use std::fmt;

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SecondsFormat, SubsecRound, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// Dates before this year are taken for a default value (1970, 0001) or a
/// typo, not a real publication date: web feeds did not exist yet. The W3C
/// Feed Validation Service uses the same year.
pub const PLAUSIBLE_SINCE_YEAR: i32 = 1990;

/// Whether an instant is recent enough to be a real feed date (see [`PLAUSIBLE_SINCE_YEAR`]).
pub(crate) fn is_plausible<Tz: TimeZone>(t: &DateTime<Tz>) -> bool {
    t.year() >= PLAUSIBLE_SINCE_YEAR
}

/// The instant with chrono's leap-second representation (nanoseconds of one
/// second or more) folded back into second :59.
pub(crate) fn without_leap_second<Tz: TimeZone>(t: DateTime<Tz>) -> DateTime<Tz> {
    let nanos = t.nanosecond();
    if nanos >= 1_000_000_000 {
        t.with_nanosecond(nanos - 1_000_000_000).unwrap_or(t)
    } else {
        t
    }
}

/// The forms [`parse_date`] accepts, for help texts.
const ACCEPTED_FORMS: &str = "write an RFC 3339 date and time (2024-03-25T10:00:00+05:00 or \
     2024-03-25T10:00:00Z), a local date and time in the site time zone (2024-03-25 10:00 or \
     2024-03-25T10:00:00), or a date (2024-03-25)";

/// Why a date could not be read (message + help); impl Display/Error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// What is wrong, quoting the input.
    pub message: String,
    /// How to write it instead.
    pub help: String,
}

impl DateError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        DateError {
            message: message.into(),
            help: help.into(),
        }
    }

    /// An unreadable front-matter date, with the reason and the accepted forms.
    fn invalid(input: &str, reason: &str) -> Self {
        DateError::new(
            format!("invalid date \"{input}\": {reason}"),
            ACCEPTED_FORMS,
        )
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

/// Parse a front-matter date; naive forms are read in `tz` (the site's IANA zone).
///
/// Accepted (after trimming surrounding whitespace):
/// - RFC 3339 with an offset or `Z`, with or without fractional seconds:
///   `2024-03-25T10:00:00+05:00`, `2024-03-25T10:00:00.123Z`; the separator
///   may also be `t` or a space, the `Z` may be lowercase, and a space may
///   precede the offset as YAML timestamps allow (`2024-03-25 10:00:00 +05:00`);
///   offsets may be written `+05:00` or `+0500`;
/// - a local date and time `2024-03-25T10:00[:00[.123]]` or
///   `2024-03-25 10:00[:00]`, read in `tz` (the hour may have one digit,
///   `8:30`, as in Hugo and YAML);
/// - a date `2024-03-25`, read as midnight in `tz`.
///
/// A local time that does not exist in `tz` (skipped by a daylight-saving
/// jump) is an error. A local time that exists twice (clocks turned back)
/// means the **earlier** instant, as in Hugo and most other tools.
///
/// # Errors
///
/// Any other form, impossible dates and times (`2024-02-30`, `25:00`, a
/// second 60 that is not a leap second), local times in a daylight-saving
/// gap, and instants outside 1900–9999 UTC.
pub fn parse_date(input: &str, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(DateError::new("empty date", ACCEPTED_FORMS));
    }
    let parsed = Parser::new(input.as_bytes())
        .parse()
        .map_err(|reason| DateError::invalid(input, &reason))?;
    let date = parsed.date(input)?;
    let (time, leap) = parsed.time(input)?;
    let local = date.and_time(time);
    let instant = match parsed.offset {
        Some(seconds) => {
            let offset = FixedOffset::east_opt(seconds)
                .ok_or_else(|| DateError::invalid(input, "offset out of range"))?;
            offset
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| DateError::invalid(input, "out of range"))?
        }
        None => in_zone(&local, tz)?,
    };
    if leap && !feed::is_leap_second_instant(&instant) {
        return Err(DateError::invalid(
            input,
            "second 60 is out of range (00-59; 60 only for a leap second, at 23:59:60 UTC at the end of a month)",
        ));
    }
    check_range(instant, &format!("date \"{input}\""))
}

/// The instant a local time in `tz` means; the earlier one when ambiguous.
fn in_zone(local: &NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    match tz.from_local_datetime(local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Ok(a.with_timezone(&Utc).min(b.with_timezone(&Utc))),
        LocalResult::None => Err(gap_error(local, tz)),
    }
}

/// Explain a local time skipped by a clock change: when clocks jumped and
/// which offsets surround the gap.
fn gap_error(local: &NaiveDateTime, tz: Tz) -> DateError {
    let shown = if local.time().second() == 0 && local.time().nanosecond() == 0 {
        local.format("%Y-%m-%d %H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M:%S").to_string()
    };
    let message = format!("date \"{shown}\" does not exist in {tz}");
    let fix = "write a time outside the gap, or give an explicit offset";
    let Some((before, after, from, to)) = transition_near(local, tz) else {
        return DateError::new(
            message,
            format!("{shown} does not exist in {tz} (clocks were changed); {fix}"),
        );
    };
    let clock = if from.date() == to.date() {
        "%H:%M"
    } else {
        "%Y-%m-%d %H:%M"
    };
    DateError::new(
        message,
        format!(
            "{shown} does not exist in {tz}: clocks jump from {} to {} (UTC{before} to UTC{after}); {fix}",
            from.format(clock),
            to.format(clock),
        ),
    )
}

/// The offsets before and after the clock change nearest to `local`, and
/// the local clock times just before and just after it.
fn transition_near(
    local: &NaiveDateTime,
    tz: Tz,
) -> Option<(FixedOffset, FixedOffset, NaiveDateTime, NaiveDateTime)> {
    // Offsets stay within ±15 h and a gap lasts at most a day, so the change
    // lies within a day and a half of `local` read as UTC; clock changes are
    // months apart, so there is only one in that window.
    let around = local.and_utc();
    let span = chrono::TimeDelta::try_hours(36)?;
    let mut lo = around.checked_sub_signed(span)?;
    let mut hi = around.checked_add_signed(span)?;
    let offset_at = |t: &DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    let (before, after) = (offset_at(&lo), offset_at(&hi));
    if before == after {
        return None;
    }
    let second = chrono::TimeDelta::try_seconds(1)?;
    while hi - lo > second {
        let mid = lo + (hi - lo) / 2;
        if offset_at(&mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let at = hi.naive_utc();
    Some((
        before,
        after,
        at.checked_add_offset(before)?,
        at.checked_add_offset(after)?,
    ))
}

/// Accept only instants both feed formats can carry.
fn check_range(t: DateTime<Utc>, what: &str) -> Result<DateTime<Utc>, DateError> {
    if (1900..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(DateError::new(
            format!(
                "{what} is {}, outside the years 1900 to 9999 (UTC)",
                to_rfc3339(&t)
            ),
            "feeds can only carry dates from 1900-01-01T00:00:00Z to 9999-12-31T23:59:59Z",
        ))
    }
}

/// The pieces of a date as written, before any range checks.
struct Parsed {
    year: i32,
    month: u32,
    day: u32,
    /// Hour, minute, second, nanosecond.
    time: Option<(u32, u32, u32, u32)>,
    /// Seconds east of UTC, when written.
    offset: Option<i32>,
}

impl Parsed {
    fn date(&self, input: &str) -> Result<NaiveDate, DateError> {
        if !(1..=12).contains(&self.month) {
            return Err(DateError::invalid(
                input,
                &format!("month {:02} does not exist", self.month),
            ));
        }
        NaiveDate::from_ymd_opt(self.year, self.month, self.day).ok_or_else(|| {
            DateError::invalid(
                input,
                &format!(
                    "day {:02} does not exist in {:04}-{:02}",
                    self.day, self.year, self.month
                ),
            )
        })
    }

    /// The time of day, and whether it was a second 60 (returned as :59).
    fn time(&self, input: &str) -> Result<(NaiveTime, bool), DateError> {
        let Some((h, m, s, nano)) = self.time else {
            return Ok((NaiveTime::MIN, false));
        };
        for (value, max, what) in [(h, 23, "hour"), (m, 59, "minute"), (s, 60, "second")] {
            if value > max {
                return Err(DateError::invalid(
                    input,
                    &format!("{what} {value:02} is out of range (00-{max})"),
                ));
            }
        }
        NaiveTime::from_hms_nano_opt(h, m, s.min(59), nano)
            .map(|t| (t, s == 60))
            .ok_or_else(|| DateError::invalid(input, "time out of range"))
    }
}

/// A strict left-to-right reader of the accepted date forms.
struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Parser { bytes, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(format!("expected {what}"))
        }
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize, what: &str) -> Result<u32, String> {
        let mut value = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                }
                _ => return Err(format!("expected {what}")),
            }
        }
        Ok(value)
    }

    fn skip_spaces(&mut self) -> bool {
        let start = self.pos;
        while self.eat(b' ') {}
        self.pos > start
    }

    fn parse(mut self) -> Result<Parsed, String> {
        let year = self.digits(4, "a four-digit year")?;
        self.expect(b'-', "'-' after the year")?;
        let month = self.digits(2, "a two-digit month")?;
        self.expect(b'-', "'-' after the month")?;
        let day = self.digits(2, "a two-digit day")?;
        let mut parsed = Parsed {
            year: i32::try_from(year).map_err(|_| "year out of range".to_owned())?,
            month,
            day,
            time: None,
            offset: None,
        };
        if self.peek().is_none() {
            return Ok(parsed);
        }
        if !(self.eat(b'T') || self.eat(b't') || self.skip_spaces()) {
            return Err("expected 'T' or a space between date and time".to_owned());
        }
        parsed.time = Some(self.time()?);
        self.skip_spaces();
        parsed.offset = self.offset()?;
        if self.peek().is_some() {
            return Err("unexpected text after the time".to_owned());
        }
        Ok(parsed)
    }

    fn time(&mut self) -> Result<(u32, u32, u32, u32), String> {
        // One or two digits, as Go's `15` (Hugo) and YAML timestamps read it.
        let mut h = self.digits(1, "an hour")?;
        if let Some(b @ b'0'..=b'9') = self.peek() {
            h = h * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        self.expect(b':', "':' after the hour")?;
        let m = self.digits(2, "two-digit minutes")?;
        let (mut s, mut nano) = (0, 0);
        if self.eat(b':') {
            s = self.digits(2, "two-digit seconds")?;
            if self.eat(b'.') || self.eat(b',') {
                nano = self.fraction()?;
            }
        }
        Ok((h, m, s, nano))
    }

    /// Fractional seconds as nanoseconds; digits past the ninth are dropped.
    fn fraction(&mut self) -> Result<u32, String> {
        let mut nano = 0u32;
        let mut count = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if count < 9 {
                nano = nano * 10 + u32::from(b - b'0');
            }
            count += 1;
            self.pos += 1;
        }
        if count == 0 {
            return Err("expected digits after the decimal point".to_owned());
        }
        for _ in count..9 {
            nano *= 10;
        }
        Ok(nano)
    }

    fn offset(&mut self) -> Result<Option<i32>, String> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Ok(Some(0));
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return Ok(None);
        };
        let h = self.digits(2, "two-digit offset hours")?;
        self.eat(b':');
        let m = self.digits(2, "two-digit offset minutes")?;
        if h > 23 || m > 59 {
            return Err(format!("offset {h:02}:{m:02} is out of range"));
        }
        let seconds =
            i32::try_from(h * 3600 + m * 60).map_err(|_| "offset out of range".to_owned())?;
        Ok(Some(sign * seconds))
    }
}

/// RFC 822 / RFC 2822 date for RSS, always in UTC, 4-digit year, e.g. "Mon, 25 Mar 2024 10:00:00 +0000".
///
/// Sub-second parts are dropped. The year has four digits for every instant
/// [`parse_date`] and [`resolve_now`] return; unlike chrono's
/// `to_rfc2822`, this never panics on other years.
pub fn to_rfc822(t: &DateTime<Utc>) -> String {
    without_leap_second(*t)
        .format("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

/// RFC 3339 date for Atom, always UTC with "Z", seconds precision unless sub-second parts exist, e.g. "2024-03-25T10:00:00Z".
///
/// A leap second is written as :59, so the output always reads back.
pub fn to_rfc3339(t: &DateTime<Utc>) -> String {
    without_leap_second(*t).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Resolve the build's "now": an explicit RFC 3339 value wins, else the SOURCE_DATE_EPOCH value (integer seconds) if given, else the wall clock.
///
/// The wall clock is truncated to whole seconds.
///
/// # Errors
///
/// An explicit value that is not RFC 3339, a SOURCE_DATE_EPOCH that is not
/// an integer (an empty one included: it is never silently ignored), and
/// instants outside 1900–9999 UTC.
pub fn resolve_now(
    explicit: Option<&str>,
    source_date_epoch: Option<&str>,
) -> Result<DateTime<Utc>, DateError> {
    if let Some(value) = explicit {
        let value = value.trim();
        let t = DateTime::parse_from_rfc3339(value).map_err(|e| {
            DateError::new(
                format!("invalid \"now\" time \"{value}\": {e}"),
                "write an RFC 3339 date and time, e.g. 2024-03-25T10:00:00Z",
            )
        })?;
        let t = t.with_timezone(&Utc);
        if t.nanosecond() >= 1_000_000_000 && !feed::is_leap_second_instant(&t) {
            return Err(DateError::new(
                format!("invalid \"now\" time \"{value}\": second 60 is not a leap second"),
                "leap seconds happen only at 23:59:60 UTC at the end of a month",
            ));
        }
        // Whole seconds: RSS dates cannot carry fractions, so no format does.
        let t = without_leap_second(t).trunc_subsecs(0);
        return check_range(t, &format!("\"now\" time \"{value}\""));
    }
    if let Some(value) = source_date_epoch {
        let value = value.trim();
        let help = "SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01T00:00:00Z, \
                    e.g. the output of `date +%s`";
        let digits = value.strip_prefix('-').unwrap_or(value);
        let seconds = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            value.parse::<i64>().ok()
        } else {
            None
        };
        let t = seconds
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .ok_or_else(|| {
                DateError::new(format!("invalid SOURCE_DATE_EPOCH \"{value}\""), help)
            })?;
        return check_range(t, &format!("SOURCE_DATE_EPOCH \"{value}\""));
    }
    Ok(Utc::now().trunc_subsecs(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Europe, UTC};
    use proptest::prelude::*;

    /// Parse an RFC 3339 test fixture (panics only on a broken fixture).
    fn utc(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .expect("fixture is RFC 3339")
            .with_timezone(&Utc)
    }

    /// Hugo reads dates with Go's layouts, whose hour (`15`) takes one or
    /// two digits, as YAML's timestamps do: real sites write
    /// `2022-02-22 8:30:00+00:00`. Month, day and minutes stay two digits,
    /// as in Go.
    #[test]
    fn a_one_digit_hour_is_read_as_hugo_reads_it() {
        assert_eq!(
            parse_date("2022-02-22 8:30:00+00:00", UTC).unwrap(),
            utc("2022-02-22T08:30:00Z")
        );
        assert_eq!(
            parse_date("2022-02-22T7:05", Europe::Paris).unwrap(),
            utc("2022-02-22T06:05:00Z")
        );
        for bad in [
            "2022-2-22",
            "2022-02-2 08:30",
            "2022-02-22 8:3",
            "2022-02-22 123:00",
        ] {
            assert!(parse_date(bad, UTC).is_err(), "{bad}");
        }
    }

    #[test]
    fn accepted_forms_parse_to_the_right_instant() {
        let cases: &[(&str, Tz, &str)] = &[
            // RFC 3339 with offsets: the zone does not matter.
            (
                "2024-03-25T10:00:00+05:00",
                America::New_York,
                "2024-03-25T05:00:00Z",
            ),
            (
                "2024-03-25T10:00:00Z",
                Asia::Dushanbe,
                "2024-03-25T10:00:00Z",
            ),
            ("2024-03-25T10:00:00-03:30", UTC, "2024-03-25T13:30:00Z"),
            ("2024-03-25T10:00:00.123Z", UTC, "2024-03-25T10:00:00.123Z"),
            (
                "2024-03-25T10:00:00.123456789+01:00",
                UTC,
                "2024-03-25T09:00:00.123456789Z",
            ),
            (
                "2024-03-25T10:00:00.1234567891Z",
                UTC,
                "2024-03-25T10:00:00.123456789Z",
            ),
            ("2024-03-25t10:00:00z", UTC, "2024-03-25T10:00:00Z"),
            ("2024-03-25T10:00:00+0500", UTC, "2024-03-25T05:00:00Z"),
            ("2024-03-25 10:00:00+05:00", UTC, "2024-03-25T05:00:00Z"),
            ("2024-03-25 10:00:00 +05:00", UTC, "2024-03-25T05:00:00Z"),
            ("2024-03-25 10:00:00 Z", UTC, "2024-03-25T10:00:00Z"),
            (
                "2024-03-25 10:00:00.5 -01:00",
                UTC,
                "2024-03-25T11:00:00.5Z",
            ),
            ("  2024-03-25T10:00:00Z \n", UTC, "2024-03-25T10:00:00Z"),
            // Naive forms are local time in the site zone.
            (
                "2024-03-25T10:00:00",
                Asia::Dushanbe,
                "2024-03-25T05:00:00Z",
            ),
            ("2024-03-25T10:00", Asia::Dushanbe, "2024-03-25T05:00:00Z"),
            (
                "2024-03-25T10:00:00.25",
                Asia::Dushanbe,
                "2024-03-25T05:00:00.25Z",
            ),
            (
                "2024-03-25 10:00:00",
                Asia::Dushanbe,
                "2024-03-25T05:00:00Z",
            ),
            ("2024-03-25 10:00", Asia::Dushanbe, "2024-03-25T05:00:00Z"),
            ("2024-07-01 10:00", Asia::Dushanbe, "2024-07-01T05:00:00Z"),
            ("2024-03-25", Asia::Dushanbe, "2024-03-24T19:00:00Z"),
            ("2024-03-25", UTC, "2024-03-25T00:00:00Z"),
            (
                "2024-01-15 12:00",
                America::New_York,
                "2024-01-15T17:00:00Z",
            ),
            (
                "2024-07-15 12:00",
                America::New_York,
                "2024-07-15T16:00:00Z",
            ),
            ("2024-07-15 12:00", Europe::Berlin, "2024-07-15T10:00:00Z"),
            ("2024-02-29", Europe::Berlin, "2024-02-28T23:00:00Z"),
            ("1900-01-01T00:00:00Z", UTC, "1900-01-01T00:00:00Z"),
            ("9999-12-31T23:59:59Z", UTC, "9999-12-31T23:59:59Z"),
        ];
        for &(input, tz, expected) in cases {
            assert_eq!(
                parse_date(input, tz),
                Ok(utc(expected)),
                "input {input:?} in {tz}"
            );
        }
    }

    /// Issue #11: chrono's leap-second representation must never reach a
    /// writer; a second 60 is read as :59 where a leap second can be.
    #[test]
    fn leap_seconds_are_read_as_59() {
        let cases: &[(&str, Tz, &str)] = &[
            ("2016-12-31T23:59:60Z", UTC, "2016-12-31T23:59:59Z"),
            ("2016-12-31 23:59:60Z", UTC, "2016-12-31T23:59:59Z"),
            ("2015-06-30T23:59:60.5Z", UTC, "2015-06-30T23:59:59.500Z"),
            ("2017-01-01T05:29:60+05:30", UTC, "2016-12-31T23:59:59Z"),
            // Local time in the site zone: 04:59:60 in Dushanbe is 23:59:60 UTC.
            (
                "2017-01-01 04:59:60",
                Asia::Dushanbe,
                "2016-12-31T23:59:59Z",
            ),
        ];
        for &(input, tz, expected) in cases {
            let t = parse_date(input, tz).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(to_rfc3339(&t), expected, "{input}");
            assert_eq!(
                parse_date(&to_rfc3339(&t), UTC),
                Ok(t),
                "{input} reads back"
            );
        }
        for (input, tz) in [
            // 23:59:60 in Dushanbe is 18:59:60 UTC: no leap second then.
            ("2016-12-31T23:59:60", Asia::Dushanbe),
            ("2016-12-30T23:59:60Z", UTC),
            ("2016-12-31 12:00:60Z", UTC),
        ] {
            let err = parse_date(input, tz).expect_err(input);
            assert!(
                err.message.contains("second 60"),
                "{input}: {}",
                err.message
            );
        }
    }

    #[test]
    fn a_leap_second_now_is_normalized_and_formats_back() {
        let now = resolve_now(Some("2016-12-31T23:59:60Z"), None).expect("a real leap second");
        assert_eq!(to_rfc3339(&now), "2016-12-31T23:59:59Z");
        assert_eq!(to_rfc822(&now), "Sat, 31 Dec 2016 23:59:59 +0000");
        assert_eq!(parse_date(&to_rfc3339(&now), UTC), Ok(now));
        let err = resolve_now(Some("2024-03-25T10:00:60Z"), None).expect_err("not a leap second");
        assert!(err.message.contains("second 60"), "{}", err.message);
        // Even a leap second built some other way is written as :59.
        let raw = utc("2016-12-31T23:59:59Z")
            .with_nanosecond(1_500_000_000)
            .expect("chrono's leap-second form");
        assert_eq!(to_rfc3339(&raw), "2016-12-31T23:59:59.500Z");
        assert_eq!(to_rfc822(&raw), "Sat, 31 Dec 2016 23:59:59 +0000");
    }

    #[test]
    fn plausibility_starts_in_1990() {
        assert!(is_plausible(&utc("1990-01-01T00:00:00Z")));
        assert!(!is_plausible(&utc("1989-12-31T23:59:59Z")));
        assert!(!is_plausible(&utc("1970-01-01T00:00:00Z")));
    }

    #[test]
    fn dst_overlap_takes_the_earlier_instant() {
        let cases: &[(&str, Tz, &str)] = &[
            // New York turns 02:00 EDT back to 01:00 EST: 01:30 happens twice.
            (
                "2024-11-03 01:30",
                America::New_York,
                "2024-11-03T05:30:00Z",
            ),
            (
                "2024-11-03 00:59",
                America::New_York,
                "2024-11-03T04:59:00Z",
            ),
            (
                "2024-11-03 02:00",
                America::New_York,
                "2024-11-03T07:00:00Z",
            ),
            // Berlin turns 03:00 CEST back to 02:00 CET: 02:30 happens twice.
            ("2024-10-27 02:30", Europe::Berlin, "2024-10-27T00:30:00Z"),
            (
                "2024-10-27T02:00:00",
                Europe::Berlin,
                "2024-10-27T00:00:00Z",
            ),
            ("2024-10-27 03:00", Europe::Berlin, "2024-10-27T02:00:00Z"),
        ];
        for &(input, tz, expected) in cases {
            assert_eq!(
                parse_date(input, tz),
                Ok(utc(expected)),
                "input {input:?} in {tz}"
            );
        }
    }

    #[test]
    fn dst_gap_is_an_error_naming_the_jump() {
        let cases: &[(&str, Tz, &str)] = &[
            (
                "2024-03-10 02:30",
                America::New_York,
                "2024-03-10 02:30 does not exist in America/New_York: clocks jump from 02:00 \
                 to 03:00 (UTC-05:00 to UTC-04:00)",
            ),
            (
                "2024-03-10T02:00:00",
                America::New_York,
                "2024-03-10 02:00 does not exist in America/New_York: clocks jump from 02:00 \
                 to 03:00 (UTC-05:00 to UTC-04:00)",
            ),
            (
                "2024-03-31 02:15:30",
                Europe::Berlin,
                "2024-03-31 02:15:30 does not exist in Europe/Berlin: clocks jump from 02:00 \
                 to 03:00 (UTC+01:00 to UTC+02:00)",
            ),
        ];
        for &(input, tz, help) in cases {
            let err = parse_date(input, tz).expect_err(input);
            assert!(
                err.help.starts_with(help),
                "{input:?}: help was {:?}",
                err.help
            );
            assert!(err.message.contains("does not exist in"), "{}", err.message);
        }
        // Just outside the gap is fine.
        assert_eq!(
            parse_date("2024-03-10 03:00", America::New_York),
            Ok(utc("2024-03-10T07:00:00Z"))
        );
        assert_eq!(
            parse_date("2024-03-10 01:59", America::New_York),
            Ok(utc("2024-03-10T06:59:00Z"))
        );
    }

    #[test]
    fn a_skipped_whole_day_shows_dates_in_the_jump() {
        // Samoa skipped 2011-12-30 when it crossed the date line.
        let err = parse_date("2011-12-30 12:00", chrono_tz::Pacific::Apia).expect_err("gap");
        assert!(
            err.help
                .contains("clocks jump from 2011-12-30 00:00 to 2011-12-31 00:00"),
            "{}",
            err.help
        );
    }

    #[test]
    fn dushanbe_has_no_dst() {
        // Dates around the EU/US change dates are plain +05:00 in Dushanbe.
        for (input, expected) in [
            ("2024-03-31 02:30", "2024-03-30T21:30:00Z"),
            ("2024-10-27 02:30", "2024-10-26T21:30:00Z"),
            ("2024-03-10 02:30", "2024-03-09T21:30:00Z"),
        ] {
            assert_eq!(
                parse_date(input, Asia::Dushanbe),
                Ok(utc(expected)),
                "{input}"
            );
        }
    }

    #[test]
    fn invalid_dates_are_errors_naming_the_accepted_forms() {
        let cases: &[(&str, &str)] = &[
            ("2024-02-30", "day 30 does not exist in 2024-02"),
            ("2023-02-29", "day 29 does not exist in 2023-02"),
            ("2024-13-45", "month 13 does not exist"),
            ("2024-00-10", "month 00 does not exist"),
            ("2024-03-00", "day 00 does not exist"),
            ("2024-03-25 25:00", "hour 25 is out of range"),
            ("2024-03-25T24:00:00Z", "hour 24 is out of range"),
            ("2024-03-25T10:60", "minute 60 is out of range"),
            ("2024-03-25T10:00:60Z", "second 60 is out of range"),
            ("2024-03-25T10:00:00+24:00", "offset 24:00 is out of range"),
            ("25:00", "expected a four-digit year"),
            ("24-03-25", "expected a four-digit year"),
            ("+10000-01-01", "expected a four-digit year"),
            ("2024/03/25", "expected '-' after the year"),
            ("2024-3-25", "expected a two-digit month"),
            ("March 25, 2024", "expected a four-digit year"),
            ("2024-03-25X10:00", "expected 'T' or a space"),
            ("2024-03-25T10", "expected ':' after the hour"),
            (
                "2024-03-25T10:00:00.",
                "expected digits after the decimal point",
            ),
            ("2024-03-25T10:00:00+5", "expected two-digit offset hours"),
            ("2024-03-25T10:00:00 EST", "unexpected text after the time"),
            ("2024-03-25T10:00:00Zjunk", "unexpected text after the time"),
            ("2024-03-25Z", "expected 'T' or a space"),
            ("２０２４-03-25", "expected a four-digit year"),
        ];
        for &(input, reason) in cases {
            let err = parse_date(input, UTC).expect_err(input);
            assert!(
                err.message
                    .starts_with(&format!("invalid date \"{input}\": ")),
                "{input:?}: {}",
                err.message
            );
            assert!(err.message.contains(reason), "{input:?}: {}", err.message);
            assert_eq!(err.help, ACCEPTED_FORMS);
            assert_eq!(err.to_string(), err.message);
        }
    }

    #[test]
    fn out_of_range_and_empty_inputs_are_errors_not_panics() {
        for input in [
            "",
            "   ",
            "0000-01-01",
            "0000-01-01T00:00:00+23:59",
            "1899-12-31T23:59:59Z",
            "1900-01-01T00:00:00+00:01",
            "9999-12-31T23:59:59-00:01",
            "1000-06-15",
        ] {
            for tz in [
                UTC,
                America::New_York,
                Asia::Dushanbe,
                chrono_tz::Pacific::Kiritimati,
            ] {
                assert!(parse_date(input, tz).is_err(), "{input:?} in {tz}");
            }
        }
        // The last local hour of 9999 in New York is already 10000 in UTC.
        assert!(parse_date("9999-12-31 23:00", UTC).is_ok());
        assert!(parse_date("9999-12-31 23:00", America::New_York).is_err());
        let err = parse_date("1899-12-31", UTC).expect_err("too early");
        assert!(
            err.message.contains("outside the years 1900 to 9999"),
            "{}",
            err.message
        );
    }

    #[test]
    fn feed_formats() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "2024-03-25T10:00:00Z",
                "Mon, 25 Mar 2024 10:00:00 +0000",
                "2024-03-25T10:00:00Z",
            ),
            (
                "2024-03-25T10:00:00+05:00",
                "Mon, 25 Mar 2024 05:00:00 +0000",
                "2024-03-25T05:00:00Z",
            ),
            (
                "2024-03-01T00:00:00.120Z",
                "Fri, 01 Mar 2024 00:00:00 +0000",
                "2024-03-01T00:00:00.120Z",
            ),
            (
                "1900-01-01T00:00:00.000001Z",
                "Mon, 01 Jan 1900 00:00:00 +0000",
                "1900-01-01T00:00:00.000001Z",
            ),
        ];
        for &(instant, rss, atom) in cases {
            let t = utc(instant);
            assert_eq!(to_rfc822(&t), rss, "{instant}");
            assert_eq!(to_rfc3339(&t), atom, "{instant}");
        }
    }

    #[test]
    fn formatting_out_of_range_years_does_not_panic() {
        let far = DateTime::from_timestamp(400_000_000_000, 0).expect("in chrono's range");
        assert_eq!(to_rfc822(&far), "Mon, 30 Jun +14645 15:06:40 +0000");
        assert_eq!(to_rfc3339(&far), "+14645-06-30T15:06:40Z");
    }

    #[test]
    fn resolve_now_precedence() {
        let explicit = Some("2024-03-25T10:00:00+05:00");
        let epoch = Some("1700000000");
        assert_eq!(
            resolve_now(explicit, epoch),
            Ok(utc("2024-03-25T05:00:00Z"))
        );
        assert_eq!(resolve_now(explicit, None), Ok(utc("2024-03-25T05:00:00Z")));
        // An explicit value wins even over a broken SOURCE_DATE_EPOCH.
        assert_eq!(
            resolve_now(explicit, Some("junk")),
            Ok(utc("2024-03-25T05:00:00Z"))
        );
        // Stamped dates are whole seconds in every format (RSS cannot carry
        // fractions, so Atom must not either).
        assert_eq!(
            resolve_now(Some("2024-03-25T10:00:00.987+05:00"), None),
            Ok(utc("2024-03-25T05:00:00Z"))
        );
        assert_eq!(resolve_now(None, epoch), Ok(utc("2023-11-14T22:13:20Z")));
        assert_eq!(
            resolve_now(None, Some(" 1700000000\n")),
            Ok(utc("2023-11-14T22:13:20Z"))
        );
        assert_eq!(
            resolve_now(None, Some("-86400")),
            Ok(utc("1969-12-31T00:00:00Z"))
        );

        let before = Utc::now().trunc_subsecs(0);
        let now = resolve_now(None, None).expect("wall clock");
        let after = Utc::now();
        assert!(
            before <= now && now <= after,
            "{before} <= {now} <= {after}"
        );
        assert_eq!(now.nanosecond(), 0);
    }

    #[test]
    fn resolve_now_rejects_bad_values() {
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (
                Some("2024-03-25"),
                None,
                "invalid \"now\" time \"2024-03-25\"",
            ),
            (
                Some("yesterday"),
                Some("1700000000"),
                "invalid \"now\" time",
            ),
            (
                Some("1800-01-01T00:00:00Z"),
                None,
                "outside the years 1900 to 9999",
            ),
            (None, Some(""), "invalid SOURCE_DATE_EPOCH \"\""),
            (None, Some("  "), "invalid SOURCE_DATE_EPOCH"),
            (None, Some("17e8"), "invalid SOURCE_DATE_EPOCH \"17e8\""),
            (None, Some("1700000000.5"), "invalid SOURCE_DATE_EPOCH"),
            (None, Some("+1700000000"), "invalid SOURCE_DATE_EPOCH"),
            (None, Some("-"), "invalid SOURCE_DATE_EPOCH"),
            (
                None,
                Some("99999999999999999999999"),
                "invalid SOURCE_DATE_EPOCH",
            ),
            (
                None,
                Some("9223372036854775807"),
                "invalid SOURCE_DATE_EPOCH",
            ),
            (
                None,
                Some("-9223372036854775808"),
                "invalid SOURCE_DATE_EPOCH",
            ),
            (None, Some("400000000000"), "outside the years 1900 to 9999"),
            (None, Some("-2208988801"), "outside the years 1900 to 9999"),
        ];
        for &(explicit, epoch, message) in cases {
            let err = resolve_now(explicit, epoch).expect_err(message);
            assert!(
                err.message.contains(message),
                "{explicit:?} {epoch:?}: {}",
                err.message
            );
            assert!(!err.help.is_empty());
        }
    }

    proptest! {
        #[test]
        fn feed_formats_round_trip(
            // 1900-01-01T00:00:00Z ..= 2200-12-31T23:59:59Z
            secs in -2_208_988_800i64..=7_289_654_399,
            nanos in 0u32..1_000_000_000,
            offset in -86_399i32..=86_399,
        ) {
            let offset = FixedOffset::east_opt(offset).expect("offset within a day");
            let t = DateTime::from_timestamp(secs, nanos)
                .expect("in range")
                .with_timezone(&offset)
                .with_timezone(&Utc);

            let rss = to_rfc822(&t);
            let back = DateTime::parse_from_rfc2822(&rss).expect("valid RFC 2822");
            prop_assert_eq!(back, t.trunc_subsecs(0));
            prop_assert!(rss.ends_with(" +0000"), "{}", rss);
            let year = rss.split(' ').nth(3).unwrap_or_default();
            prop_assert!(year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()), "{}", rss);

            let atom = to_rfc3339(&t);
            let back = DateTime::parse_from_rfc3339(&atom).expect("valid RFC 3339");
            prop_assert_eq!(back, t);
            prop_assert!(atom.ends_with('Z'), "{}", atom);
        }

        #[test]
        fn parse_date_never_panics(input in "\\PC{0,40}") {
            let _ = parse_date(&input, America::New_York);
        }

        #[test]
        fn parse_date_never_panics_on_date_shaped_input(
            input in "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,12})?)?( ?([Zz]|[+-][0-9]{2}:?[0-9]{2}))?)?",
            tz in prop::sample::select(vec![UTC, America::New_York, Europe::Berlin, Asia::Dushanbe, chrono_tz::Pacific::Apia]),
        ) {
            if let Ok(t) = parse_date(&input, tz) {
                prop_assert!((1900..=9999).contains(&t.year()), "{} -> {}", input, t);
            }
        }

        #[test]
        fn rfc3339_output_parses_back_through_parse_date(
            secs in -2_208_988_800i64..=7_289_654_399,
            nanos in 0u32..1_000_000_000,
        ) {
            let t = DateTime::from_timestamp(secs, nanos).expect("in range");
            prop_assert_eq!(parse_date(&to_rfc3339(&t), Europe::Berlin), Ok(t));
        }
    }
}
