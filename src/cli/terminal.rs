//! Terminal output: the preview and the feed list as text that fits the
//! terminal's width, in colour only on a terminal.

use std::borrow::Cow;
use std::io;

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, FixedOffset};
use feedpub::error::{escaped, escaped_path};
use feedpub::preview::{FeedSummary, Preview};
use feedpub::select::Exclusion;
use unicode_width::UnicodeWidthStr;

/// A date as the terminal shows it: `2024-03-25 10:00`, in its own offset.
fn short_date(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Why an article is left out of a previewed feed, dates in the site time zone.
type Reason = Exclusion<DateTime<FixedOffset>>;

/// Why an article is left out, as a few words for the table.
fn reason_text(reason: &Reason) -> String {
    match reason {
        Exclusion::Draft => "draft".into(),
        Exclusion::Undated => "undated (not stamped on a Hugo site)".into(),
        Exclusion::Scheduled { until } => format!("scheduled until {}", short_date(until)),
        Exclusion::Expired { since: Some(since) } => format!("expired {}", short_date(since)),
        Exclusion::Expired { since: None } => "expired".into(),
        Exclusion::BeyondLimit { limit } => format!("beyond the item limit ({limit})"),
        Exclusion::Invalid { errors, .. } if *errors > 1 => format!("invalid ({errors} errors)"),
        Exclusion::Invalid { .. } => "invalid".into(),
    }
}

/// How text output fits the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TextStyle {
    /// Columns available; `None` (not a terminal, no `COLUMNS`) never truncates.
    width: Option<usize>,
    /// Whether to colour the output with ANSI escapes.
    color: bool,
}

impl TextStyle {
    /// How text output fits standard output: the width from `COLUMNS`, else
    /// the terminal's, else none (a pipe gets whole lines); colour only on
    /// a terminal, never with `NO_COLOR`.
    pub(super) fn of_stdout() -> TextStyle {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
            .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)));
        let color = anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never;
        TextStyle { width, color }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn fit<'t>(&self, text: &'t str, used: usize) -> Cow<'t, str> {
        match self.width {
            Some(width) => truncate(text, width.saturating_sub(used)),
            None => Cow::Borrowed(text),
        }
    }
}

/// Cut `text` to at most `width` terminal columns, ending in `…` when cut.
fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `text` followed by spaces up to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(text.width())));
    out
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const LINK: Style = AnsiColor::Cyan.on_default();
const WARN: Style = AnsiColor::Yellow.on_default();
const ERROR: Style = AnsiColor::Red.on_default().bold();

/// Width of the date column (`2024-03-25 10:00`) plus its gap.
const DATE_COLUMN: usize = 18;
/// The list's term column is never cut narrower than this.
const TERM_MIN: usize = 16;
/// Summary lines shown per entry.
const SUMMARY_LINES: usize = 2;

/// The preview as text: the feed's header, one block per entry (date,
/// title, link, bylines and terms, the first lines of the summary), then
/// the left-out articles as an aligned table.
pub(super) fn render_preview(preview: &Preview, style: &TextStyle) -> String {
    let feed = &preview.feed;
    let mut out = String::new();
    let header = format!(
        "{}: {} {}",
        escaped(&feed.title),
        feed.items,
        if feed.items == 1 { "entry" } else { "entries" }
    );
    out.push_str(&style.paint(BOLD, &style.fit(&header, 0)));
    out.push('\n');
    for (label, url) in feed.urls() {
        out.push_str(&format!("{:<6}{}\n", label, style.paint(LINK, url)));
    }
    let indent = " ".repeat(DATE_COLUMN);
    for entry in &preview.entries {
        out.push('\n');
        let date = entry.date.as_ref().map(short_date).unwrap_or_default();
        out.push_str(&format!(
            "{}{}\n",
            style.paint(DIM, &pad(&date, DATE_COLUMN)),
            style.paint(BOLD, &style.fit(&escaped(&entry.title), DATE_COLUMN))
        ));
        out.push_str(&format!(
            "{indent}{}\n",
            style.paint(LINK, &escaped(&entry.link))
        ));
        let mut meta = Vec::new();
        if !entry.authors.is_empty() {
            meta.push(format!("by {}", escaped(&entry.authors.join(", "))));
        }
        for (_, terms) in &entry.terms.0 {
            if !terms.is_empty() {
                meta.push(escaped(&terms.join(", ")).into_owned());
            }
        }
        if !meta.is_empty() {
            out.push_str(&format!(
                "{indent}{}\n",
                style.fit(&meta.join(" · "), DATE_COLUMN)
            ));
        }
        for line in summary_lines(
            &entry.summary,
            style.width.map(|w| w.saturating_sub(DATE_COLUMN)),
        ) {
            out.push_str(&format!("{indent}{}\n", escaped(&line)));
        }
    }
    if let Some(excluded) = &preview.excluded {
        out.push('\n');
        if excluded.is_empty() {
            out.push_str("Every article of this feed's scope is in it.\n");
        } else {
            out.push_str(&style.paint(BOLD, &format!("Not in this feed ({}):", excluded.len())));
            out.push('\n');
            let rows: Vec<[String; 3]> = excluded
                .iter()
                .map(|e| {
                    let what = match (&e.reason, &e.title) {
                        (Exclusion::Invalid { error, line, .. }, _) => match line {
                            Some(line) => format!("line {line}: {}", escaped(error)),
                            None => escaped(error).into_owned(),
                        },
                        (_, Some(title)) => escaped(title).into_owned(),
                        (_, None) => String::new(),
                    };
                    [reason_text(&e.reason), escaped_path(&e.source), what]
                })
                .collect();
            let widths = [0, 1].map(|i| rows.iter().map(|r| r[i].width()).max().unwrap_or(0));
            for (row, e) in rows.iter().zip(excluded) {
                let paint = if matches!(e.reason, Exclusion::Invalid { .. }) {
                    ERROR
                } else {
                    WARN
                };
                let used = widths[0] + widths[1] + 4;
                out.push_str(&format!(
                    "{}  {}  {}",
                    style.paint(paint, &pad(&row[0], widths[0])),
                    pad(&row[1], widths[1]),
                    style.fit(&row[2], used)
                ));
                out.push('\n');
            }
        }
    }
    out
}

/// The first lines of a summary, wrapped to `width`, with `…` when cut.
fn summary_lines(summary: &str, width: Option<usize>) -> Vec<String> {
    if summary.trim().is_empty() {
        return Vec::new();
    }
    let width = width.unwrap_or(100).max(20);
    let lines = textwrap::wrap(summary.trim(), width);
    let cut = lines.len() > SUMMARY_LINES;
    let mut shown: Vec<String> = lines
        .into_iter()
        .take(SUMMARY_LINES)
        .map(Cow::into_owned)
        .collect();
    if cut && let Some(last) = shown.last_mut() {
        let mut cut_line = truncate(last, width.saturating_sub(1)).into_owned();
        if !cut_line.ends_with('…') {
            cut_line.push('…');
        }
        *last = cut_line;
    }
    shown
}

/// The feed list as an aligned table: kind, term, items, newest item date,
/// URL of the first enabled format (the others are beside it). The term column is cut
/// to fit the terminal; URLs are never cut.
pub(super) fn render_list(feeds: &[FeedSummary], style: &TextStyle) -> String {
    let header = ["KIND", "TERM", "ITEMS", "NEWEST", "URL"].map(String::from);
    let rows: Vec<[String; 5]> = feeds
        .iter()
        .map(|f| {
            [
                f.kind.to_string(),
                f.term
                    .as_deref()
                    .map_or_else(|| "-".into(), |term| escaped(term).into_owned()),
                f.items.to_string(),
                f.newest
                    .as_ref()
                    .map(short_date)
                    .unwrap_or_else(|| "-".into()),
                f.urls()
                    .next()
                    .map_or_else(String::new, |(_, url)| url.to_string()),
            ]
        })
        .collect();
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    // The term column gives way when the row is wider than the terminal.
    if let Some(width) = style.width {
        let others: usize = widths
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, w)| w + 2)
            .sum();
        let floor = widths[1].min(TERM_MIN);
        widths[1] = widths[1].min(width.saturating_sub(others).max(floor));
    }
    let mut out = String::new();
    for (i, row) in std::iter::once(&header).chain(&rows).enumerate() {
        let term = truncate(&row[1], widths[1]);
        let items = format!("{:>w$}", row[2], w = widths[2]);
        let line = format!(
            "{}  {}  {}  {}  {}",
            pad(&row[0], widths[0]),
            pad(&term, widths[1]),
            items,
            pad(&row[3], widths[3]),
            row[4]
        );
        let line = line.trim_end();
        if i == 0 {
            out.push_str(&style.paint(BOLD, line));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_terminal_columns() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly10!", 10), "exactly10!");
        assert_eq!(truncate("a longer title", 8), "a longe…");
        // Wide characters take two columns each.
        assert_eq!(truncate("日本語のタイトル", 7), "日本語…");
        assert_eq!(truncate("Энергетический", 5), "Энер…");
        assert_eq!(truncate("anything", 0), "");
    }

    #[test]
    fn padding_counts_terminal_columns() {
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn summaries_keep_their_first_lines() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = summary_lines(text, Some(20));
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
        assert_eq!(summary_lines("short", Some(40)), ["short"]);
        assert!(summary_lines("", Some(40)).is_empty());
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = TextStyle {
            width: None,
            color: false,
        };
        let colour = TextStyle {
            width: None,
            color: true,
        };
        assert_eq!(plain.paint(BOLD, "x"), "x");
        assert_eq!(colour.paint(BOLD, "x"), "\u{1b}[1mx\u{1b}[0m");
    }

    #[test]
    fn reasons_read_like_sentences() {
        let until = DateTime::parse_from_rfc3339("2024-06-01T09:00:00+05:00").unwrap();
        assert_eq!(
            reason_text(&Exclusion::Scheduled { until }),
            "scheduled until 2024-06-01 09:00"
        );
        assert_eq!(
            reason_text(&Exclusion::BeyondLimit { limit: 3 }),
            "beyond the item limit (3)"
        );
        assert_eq!(
            reason_text(&Exclusion::Invalid {
                code: None,
                error: "x".into(),
                line: None,
                help: None,
                errors: 2
            }),
            "invalid (2 errors)"
        );
    }
}
