//! WebSub (W3C Recommendation) publishing: after a build has published,
//! tell each hub in `websub_hubs` which feeds changed, so that subscribers
//! get the update pushed instead of polling for it.
//!
//! A notification is a form-encoded POST of `hub.mode=publish` and
//! `hub.url=<feed URL>` to the hub, one per changed feed file, each with a
//! timeout and a bounded retry. A hub that does not answer never fails the
//! build: its notifications are kept in `.feedpub-websub` beside the
//! ledger and sent by the next run (even a run in which nothing changed).
//! A hub that answers with a 4xx refuses the notification for good: that
//! is reported and not retried.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::format::Format;

/// The file of notifications not yet delivered, beside the ledger.
pub(crate) const PENDING_FILE_NAME: &str = ".feedpub-websub";

/// How long one attempt to reach a hub may take.
#[cfg(feature = "fetch")]
const TIMEOUT: Duration = Duration::from_secs(5);

/// Attempts per notification before the hub is taken to be down.
const ATTEMPTS: usize = 2;

/// Pause between two attempts.
const RETRY_PAUSE: Duration = Duration::from_millis(500);

/// The largest pending file read; a few hundred bytes per feed are written.
const MAX_PENDING_BYTES: u64 = 16 << 20;

/// One notification: tell `hub` that the feed at `url` changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HubNotification {
    /// The hub's URL.
    pub hub: String,
    /// The feed's public URL (`hub.url`).
    pub url: String,
}

/// What a run did about WebSub.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebSubOutcome {
    /// Notifications the hubs accepted in this run.
    pub sent: Vec<HubNotification>,
    /// Notifications kept for the next run (a hub was down, or `--no-ping`).
    pub pending: Vec<HubNotification>,
}

/// Where the notifications not yet delivered are kept for `config`'s site.
pub(crate) fn pending_path(config: &Config) -> PathBuf {
    config.ledger.with_file_name(PENDING_FILE_NAME)
}

/// The public URLs of the feed files among `written` (paths relative to
/// the output directory); discovery files are not feeds.
pub(crate) fn changed_feeds(config: &Config, written: &[PathBuf]) -> Vec<String> {
    written
        .iter()
        // Nobody subscribes to archive pages.
        .filter(|path| !crate::archive::is_archive_page(path))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .and_then(Format::of_file_name)
                .is_some()
        })
        .filter_map(|path| {
            let parts: Vec<&str> = path
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<_>>()?;
            config
                .feeds_url
                .join(&parts.join("/"))
                .ok()
                .map(String::from)
        })
        .collect()
}

/// Notify the hubs that the feeds at `changed` changed, together with the
/// notifications earlier runs could not deliver. With `send` false nothing
/// is sent and everything is kept for a later run. Never fails: problems
/// come back as warnings, and what was not delivered is saved.
pub(crate) fn notify(
    config: &Config,
    changed: &[String],
    send: bool,
) -> (WebSubOutcome, Vec<Diagnostic>) {
    let path = pending_path(config);
    let mut warnings = Vec::new();
    let hubs: Vec<String> = config.websub_hubs.iter().map(|h| h.to_string()).collect();
    let mut queue: Vec<HubNotification> = load(&path)
        .into_iter()
        // A hub taken out of the configuration is not told any more.
        .filter(|n| hubs.contains(&n.hub))
        .collect();
    queue.extend(hubs.iter().flat_map(|hub| {
        changed.iter().map(|url| HubNotification {
            hub: hub.clone(),
            url: url.clone(),
        })
    }));
    queue.sort();
    queue.dedup();

    let mut outcome = WebSubOutcome::default();
    if send {
        for hub in &hubs {
            let mine = queue.iter().filter(|n| &n.hub == hub);
            let mut down = None;
            for notification in mine {
                if down.is_some() {
                    outcome.pending.push(notification.clone());
                    continue;
                }
                match publish(hub, &notification.url) {
                    Ok(()) => outcome.sent.push(notification.clone()),
                    Err(Failure::Refused(why)) => warnings.push(
                        Diagnostic::warning(
                            &path,
                            format!(
                                "the WebSub hub {hub} refused the notification for {}: {why}",
                                notification.url
                            ),
                        )
                        .with_help("check that the hub URL in websub_hubs is right; this notification is not retried"),
                    ),
                    Err(Failure::Down(why)) => {
                        down = Some(why);
                        outcome.pending.push(notification.clone());
                    }
                }
            }
            if let Some(why) = down {
                let kept = outcome.pending.iter().filter(|n| &n.hub == hub).count();
                warnings.push(
                    Diagnostic::warning(
                        &path,
                        format!("the WebSub hub {hub} could not be reached ({why}); {kept} notification(s) kept"),
                    )
                    .with_help("the feeds are published; the next run sends the notifications again"),
                );
            }
        }
    } else {
        outcome.pending = queue;
    }
    save(&path, &outcome.pending);
    (outcome, warnings)
}

/// The notifications kept at `path` without sending anything (for a dry run).
pub(crate) fn pending(config: &Config) -> WebSubOutcome {
    WebSubOutcome {
        sent: Vec::new(),
        pending: load(&pending_path(config)),
    }
}

/// Why a notification was not delivered.
#[derive(Debug)]
enum Failure {
    /// No answer, or a server error: try again later.
    Down(String),
    /// The hub answered that it will not take it (4xx): do not retry.
    #[cfg_attr(not(feature = "fetch"), allow(dead_code))]
    Refused(String),
}

/// POST one notification to `hub`, retrying a failure once.
fn publish(hub: &str, feed: &str) -> Result<(), Failure> {
    let mut result = post(hub, feed);
    for _ in 1..ATTEMPTS {
        if !matches!(result, Err(Failure::Down(_))) {
            break;
        }
        std::thread::sleep(RETRY_PAUSE);
        result = post(hub, feed);
    }
    match &result {
        Ok(()) => tracing::debug!(hub, feed, "notified the WebSub hub"),
        Err(e) => tracing::debug!(hub, feed, error = ?e, "WebSub notification failed"),
    }
    result
}

#[cfg(feature = "fetch")]
fn post(hub: &str, feed: &str) -> Result<(), Failure> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("feedpub/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let response = agent
        .post(hub)
        .send_form([("hub.mode", "publish"), ("hub.url", feed)])
        .map_err(|e| Failure::Down(e.to_string()))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else if status.is_client_error() {
        Err(Failure::Refused(format!("HTTP {status}")))
    } else {
        Err(Failure::Down(format!("HTTP {status}")))
    }
}

#[cfg(not(feature = "fetch"))]
fn post(_hub: &str, _feed: &str) -> Result<(), Failure> {
    Err(Failure::Down(
        "this feedpub was built without the `fetch` feature, which sends them".into(),
    ))
}

/// The notifications kept at `path`; a missing or unreadable file holds none.
fn load(path: &Path) -> Vec<HubNotification> {
    let Ok(bytes) = crate::files::read_regular(path, MAX_PENDING_BYTES) else {
        return Vec::new();
    };
    serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        tracing::warn!(path = %path.display(), error = %e, "ignoring an unreadable WebSub pending file");
        Vec::new()
    })
}

/// Keep `pending` at `path` for the next run, or remove the file when
/// nothing is pending. Failing to is logged: the feeds are published.
fn save(path: &Path, pending: &[HubNotification]) {
    let result = if pending.is_empty() {
        crate::files::remove_file_if_exists(path)
    } else {
        let mut bytes = serde_json::to_vec_pretty(pending)
            .unwrap_or_else(|e| unreachable!("serializing strings cannot fail: {e}"));
        bytes.push(b'\n');
        crate::write::write_if_changed(path, &bytes).map(|_| ())
    };
    if let Err(e) = result {
        tracing::warn!(path = %path.display(), error = %e, "cannot save the pending WebSub notifications");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;

    fn config(dir: &Path, hubs: &str) -> Config {
        Config::from_toml(
            &format!(
                "title = \"N\"\nbase_url = \"https://x.org\"\nwebsub_hubs = {hubs}\nledger = \"ledger.toml\"\n"
            ),
            Path::new("feedpub.toml"),
            dir,
            &Paths::default(),
        )
        .unwrap()
    }

    #[test]
    fn only_feed_files_are_notified_with_their_public_urls() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path(), "[]");
        let written = [
            "rss.xml",
            "index.html",
            "feeds.opml",
            "categories/economy/feed.json",
            "countries/kg/atom.xml",
        ]
        .map(PathBuf::from);
        assert_eq!(
            changed_feeds(&config, &written),
            [
                "https://x.org/feeds/rss.xml",
                "https://x.org/feeds/categories/economy/feed.json",
                "https://x.org/feeds/countries/kg/atom.xml",
            ]
        );
    }

    #[test]
    fn without_sending_everything_is_kept_and_a_removed_hub_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let config_a = config(
            dir.path(),
            "[\"http://127.0.0.1:9/a\", \"http://127.0.0.1:9/b\"]",
        );
        let feed = "https://x.org/feeds/rss.xml".to_string();
        let (outcome, warnings) = notify(&config_a, std::slice::from_ref(&feed), false);
        assert!(warnings.is_empty());
        assert!(outcome.sent.is_empty());
        assert_eq!(outcome.pending.len(), 2);
        // The same change again is not queued twice.
        let (outcome, _) = notify(&config_a, std::slice::from_ref(&feed), false);
        assert_eq!(outcome.pending.len(), 2);
        let config_b = config(dir.path(), "[\"http://127.0.0.1:9/b\"]");
        let (outcome, _) = notify(&config_b, &[], false);
        assert_eq!(
            outcome.pending,
            [HubNotification {
                hub: "http://127.0.0.1:9/b".into(),
                url: feed
            }]
        );
        let config_none = config(dir.path(), "[]");
        let (outcome, _) = notify(&config_none, &[], true);
        assert_eq!(outcome, WebSubOutcome::default());
        assert!(!pending_path(&config_none).exists());
    }
}
