//! Rules about dates as a feed's readers see them: in the future, implausibly
//! old, or out of order.

use chrono::{DateTime, FixedOffset, Utc};

use super::{Findings, Rule};
use crate::dates::{FeedDateError, FeedDateErrorKind, PLAUSIBLE_SINCE_YEAR, is_plausible};

/// The rule a date that did not parse breaks.
pub(super) fn date_rule(error: &FeedDateError, invalid: Rule) -> Rule {
    match error.kind {
        FeedDateErrorKind::Invalid => invalid,
        FeedDateErrorKind::WrongWeekday => Rule::IncorrectDOW,
    }
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
    if !is_plausible(date) {
        out.add(
            Rule::ImplausibleDate,
            at,
            format!(
                "{} is before {PLAUSIBLE_SINCE_YEAR}, implausibly old; is it a default value?",
                date.to_rfc3339()
            ),
        )
        .help("write the real publication date");
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
            ("1990-01-01T00:00:00Z", now, vec![]),
            ("1989-12-31T23:59:59Z", now, vec![Rule::ImplausibleDate]),
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
}
