//! Validation of RSS 2.0 and Atom 1.0 feeds, for the build gate and `feedpub check`.
