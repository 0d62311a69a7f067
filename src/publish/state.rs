//! What this machine last uploaded to each object store: `.feedpub-remote`
//! beside the ledger, a small versioned JSON file keyed by store URL.
//!
//! A missing, unreadable or foreign file is not used: the store is then
//! listed once and compared by ETag, and a fresh file is written.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::Config;
use crate::error::Result;
use crate::files::read_regular;
use crate::write::write_if_changed;

/// The state file's name, beside the ledger.
pub(super) const REMOTE_STATE_FILE_NAME: &str = ".feedpub-remote";

/// The layout version; any other is ignored.
const FORMAT: u32 = 2;

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

/// The local file an object was uploaded from, as `stat` saw it then. A
/// file whose size, inode and change time are still the same was not
/// written since (feedpub replaces files by renaming a new inode into
/// place, and no program can set a change time back), so a no-op need not
/// read it again to know its MD5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct LocalFile {
    size: u64,
    inode: u64,
    ctime_ns: i128,
}

impl LocalFile {
    /// The identity of the file `metadata` describes, if its change time
    /// is before `settled`; `None` for a file changed since (the file
    /// system's clock ticks coarsely, so a write in the same tick would
    /// leave the same change time: such a file is read again next time),
    /// or where the platform does not tell inodes and change times.
    pub(super) fn of(metadata: &std::fs::Metadata, settled: SystemTime) -> Option<LocalFile> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ctime_ns =
                i128::from(metadata.ctime()) * 1_000_000_000 + i128::from(metadata.ctime_nsec());
            let settled_ns = settled
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX));
            (ctime_ns < settled_ns).then(|| LocalFile {
                size: metadata.len(),
                inode: metadata.ino(),
                ctime_ns,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = (metadata, settled);
            None
        }
    }
}

/// One object as recorded: what the store holds, and the local file it was
/// last uploaded from or compared with (unknown after a listing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Recorded {
    /// What the store holds.
    #[serde(flatten)]
    pub(super) uploaded: Uploaded,
    /// The local file it matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) local: Option<LocalFile>,
}

/// The whole state file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct RemoteState {
    format: u32,
    /// Store URL → object key (relative to the prefix) → what it holds.
    stores: BTreeMap<String, BTreeMap<String, Recorded>>,
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
    pub(super) fn uploaded(&self, store: &Url) -> Option<HashMap<String, Recorded>> {
        self.stores.get(store.as_str()).map(|objects| {
            objects
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// Replace what `store` is known to hold.
    pub(super) fn record(&mut self, store: &Url, objects: HashMap<String, Recorded>) {
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
        let object = Recorded {
            uploaded: Uploaded {
                md5: "5d41402abc4b2a76b9719d911017c592".into(),
                size: 5,
            },
            local: None,
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

        std::fs::write(&path, r#"{"format":1,"stores":{}}"#).unwrap();
        assert!(RemoteState::load(&path).uploaded(&store).is_none());
        std::fs::write(&path, "not json").unwrap();
        assert!(RemoteState::load(&path).uploaded(&store).is_none());
    }
}
