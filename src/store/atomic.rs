//! Crash-safe writes below the store's root, all through [`super::safe_fs`]:
//! a temp file in the target directory, fsync, rename, fsync the directory,
//! and no link followed below the config directory. Every file the store
//! writes goes through here.

use super::safe_fs::{self, SafeDir};
use super::{PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, Store};
use crate::error::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Largest state or record file read back (certwright's are a few KiB).
const MAX_RECORD_FILE: u64 = 1 << 20;

impl Store {
    /// Writes `path` (below the root) atomically with exactly `mode`.
    pub(super) fn write_file(&self, path: &Path, data: &[u8], mode: u32) -> Result<()> {
        safe_fs::write_atomic_below(&self.root, path, data, mode)
    }

    /// Creates `path` (below the root) and its missing parents with `mode`;
    /// the root itself is created 0700.
    pub(super) fn make_dir(&self, path: &Path, mode: u32) -> Result<SafeDir> {
        safe_fs::create_dir_below(&self.root, path, mode)
    }

    /// The root, created 0700 when missing.
    pub(super) fn root_dir(&self) -> Result<SafeDir> {
        SafeDir::create_root(&self.root, PRIVATE_DIR_MODE)
    }

    /// Reads `path` (below the root) without following links, capped.
    pub(super) fn read_file(&self, path: &Path, cap: u64) -> Result<Option<Vec<u8>>> {
        safe_fs::read_below(&self.root, path, cap)
    }

    pub(super) fn read_json<T: DeserializeOwned>(&self, path: &Path) -> Result<Option<T>> {
        match self.read_file(path, MAX_RECORD_FILE)? {
            Some(data) => serde_json::from_slice(&data)
                .map(Some)
                .map_err(|e| Error::BadFile {
                    path: path.to_path_buf(),
                    reason: format!(
                        "unreadable renewal state ({e}); delete the file to start afresh"
                    ),
                }),
            None => Ok(None),
        }
    }

    pub(super) fn write_json<T: Serialize>(&self, path: &Path, value: &T) -> Result<()> {
        self.make_dir(
            path.parent().expect("state path has a parent"),
            PRIVATE_DIR_MODE,
        )?;
        let json = serde_json::to_vec_pretty(value).expect("renewal state serialises");
        self.write_file(path, &json, PRIVATE_FILE_MODE)
    }
}
