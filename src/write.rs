//! Publishing files: atomic write-if-changed and the run lock.
