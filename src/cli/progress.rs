//! The progress bar a long build draws on a terminal.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use feedpub::build::{BuildOptions, BuildReport, build_with};
use feedpub::config::Config;
use feedpub::error::Error;
use feedpub::progress::{Progress, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its progress bar appears: short runs, the
/// usual case under cron, never draw one.
const SHOW_PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// Run a build with a progress bar on stderr that appears only once the build
/// has taken [`SHOW_PROGRESS_AFTER`].
pub(super) fn build_with_bar(
    config: &Config,
    options: &BuildOptions,
) -> Result<BuildReport, Error> {
    let bar = ProgressBar::hidden();
    let (done, finished) = mpsc::channel::<()>();
    let result = thread::scope(|scope| {
        let shown = bar.clone();
        scope.spawn(move || {
            if finished.recv_timeout(SHOW_PROGRESS_AFTER) == Err(RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                // Keeps the spinner moving through the long, step-less load.
                shown.enable_steady_tick(Duration::from_millis(100));
            }
        });
        let result = build_with(config, options, &BarProgress(&bar));
        drop(done);
        result
    });
    // After the scope: the revealing thread has finished, so nothing draws
    // the bar again once it is cleared.
    bar.finish_and_clear();
    result
}

/// Shows a build's [`Progress`] on an `indicatif` bar.
struct BarProgress<'a>(&'a ProgressBar);

impl Progress for BarProgress<'_> {
    fn stage(&self, stage: Stage, total: Option<u64>) {
        let template = if total.is_some() {
            "{spinner} {msg:<16} [{bar:30}] {pos}/{len}"
        } else {
            "{spinner} {msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .progress_chars("=> ");
        // Position and length first: each call may redraw the bar.
        self.0.set_position(0);
        match total {
            Some(total) => self.0.set_length(total),
            None => self.0.unset_length(),
        }
        self.0.set_style(style);
        self.0.set_message(stage.label());
    }

    fn step(&self) {
        self.0.inc(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_follows_stages_and_steps() {
        let bar = ProgressBar::hidden();
        let progress = BarProgress(&bar);

        progress.stage(Stage::Load, None);
        assert_eq!(
            (bar.message(), bar.length()),
            ("loading articles".into(), None)
        );
        progress.stage(Stage::Write, Some(4));
        progress.step();
        progress.step();

        assert_eq!(bar.message(), "writing feeds");
        assert_eq!((bar.position(), bar.length()), (2, Some(4)));
        // A new stage starts from zero.
        progress.stage(Stage::Render, Some(3));
        assert_eq!((bar.position(), bar.length()), (0, Some(3)));
    }
}
