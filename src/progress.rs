//! How far a build has got, for whoever wants to show it.
//!
//! The library never draws anything: the binary passes in a [`Progress`]
//! (a progress bar on a terminal), tests pass a recorder, and everything else
//! uses [`Silent`].

/// The stages of a build, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing every article.
    Load,
    /// Rendering each changed feed in its formats, validating it and
    /// staging the files whose bytes changed beside the published ones.
    Render,
    /// Renaming the staged files into place.
    Write,
}

impl Stage {
    /// A short lowercase label ("loading articles"), for display.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Load => "loading articles",
            Stage::Render => "rendering feeds",
            Stage::Write => "writing feeds",
        }
    }
}

/// Receives a build's progress; every method has a do-nothing default.
pub trait Progress: Sync {
    /// `stage` starts, with `total` steps when known in advance.
    fn stage(&self, stage: Stage, total: Option<u64>) {
        let _ = (stage, total);
    }

    /// One step of the current stage is done.
    fn step(&self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
