//! What this machine last uploaded to each object store: `.feedpub-remote`
//! beside the ledger, a small versioned JSON file keyed by store URL.
//!
//! A missing, unreadable or foreign file is not used: the store is then
//! listed once and compared by ETag, and a fresh file is written.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::Config;
use crate::error::Result;
use crate::files::read_regular;
use crate::write::write_if_changed;

/// The state file's name, beside the ledger.
pub(super) const REMOTE_STATE_FILE_NAME: &str = ".feedpub-remote";

/// The layout version; any other is ignored.
const FORMAT: u32 = 1;

/// The largest state file read (about 100 bytes per object are written).
const MAX_STATE_BYTES: u64 = 64 << 20;

/// What an object in the store holds, as far as feedpub compares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Uploaded {
    /// The MD5 of its bytes, in lowercase hex (S3's ETag of a single PUT).
    pub(super) md5: String,
    /// Its size in bytes.
    pub(super) size: u64,
}

/// The whole state file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct RemoteState {
    format: u32,
    /// Store URL → object key (relative to the prefix) → what it holds.
    stores: BTreeMap<String, BTreeMap<String, Uploaded>>,
}

/// Where the state lives for a site.
pub(super) fn path(config: &Config) -> PathBuf {
    config.ledger.with_file_name(REMOTE_STATE_FILE_NAME)
}

impl RemoteState {
    /// Read the state, or start an empty one if it is missing or not ours.
    pub(super) fn load(path: &Path) -> RemoteState {
        read_regular(path, MAX_STATE_BYTES)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<RemoteState>(&bytes).ok())
            .filter(|state| state.format == FORMAT)
            .unwrap_or_else(|| RemoteState {
                format: FORMAT,
                stores: BTreeMap::new(),
            })
    }

    /// What was uploaded to `store`, if this machine has uploaded there.
    pub(super) fn uploaded(&self, store: &Url) -> Option<HashMap<String, Uploaded>> {
        self.stores.get(store.as_str()).map(|objects| {
            objects
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// Replace what `store` is known to hold.
    pub(super) fn record(&mut self, store: &Url, objects: HashMap<String, Uploaded>) {
        self.stores
            .insert(store.to_string(), objects.into_iter().collect());
    }

    /// Write the state atomically.
    pub(super) fn save(&self, path: &Path) -> Result<()> {
        let bytes =
            serde_json::to_vec(self).map_err(|e| crate::error::Error::io(path, e.into()))?;
        write_if_changed(path, &bytes).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_round_trips_and_a_foreign_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(REMOTE_STATE_FILE_NAME);
        let store = Url::parse("s3://bucket/feeds/").unwrap();
        assert!(RemoteState::load(&path).uploaded(&store).is_none());
        let mut state = RemoteState::load(&path);
        let object = Uploaded {
            md5: "5d41402abc4b2a76b9719d911017c592".into(),
            size: 5,
        };
        state.record(
            &store,
            HashMap::from([("rss.xml".to_string(), object.clone())]),
        );
        state.save(&path).unwrap();
        let loaded = RemoteState::load(&path).uploaded(&store).unwrap();
        assert_eq!(loaded.get("rss.xml"), Some(&object));
        let other = Url::parse("s3://bucket/other/").unwrap();
        assert!(RemoteState::load(&path).uploaded(&other).is_none());

        std::fs::write(&path, r#"{"format":99,"stores":{}}"#).unwrap();
        assert!(RemoteState::load(&path).uploaded(&store).is_none());
        std::fs::write(&path, "not json").unwrap();
        assert!(RemoteState::load(&path).uploaded(&store).is_none());
    }
}
