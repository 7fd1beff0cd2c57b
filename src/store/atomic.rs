//! Crash-safe writes: a temp file in the target directory, fsync, rename,
//! fsync the directory. Every file the store writes goes through here.

use crate::error::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use super::{PRIVATE_DIR_MODE, PRIVATE_FILE_MODE};

/// Writes `data` to `path` atomically with `mode`.
pub fn atomic_write(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{file_name}.tmp-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
            .map_err(Error::io(&tmp))?;
        // The umask may have narrowed the mode; set exactly what was asked.
        f.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(Error::io(&tmp))?;
        f.write_all(data).map_err(Error::io(&tmp))?;
        f.sync_all().map_err(Error::io(&tmp))?;
        crate::crash_point::hit_file("atomic_write", &file_name);
        fs::rename(&tmp, path).map_err(Error::io(path))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(dir))
}

pub fn create_dir(path: &Path, mode: u32) -> Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(path)
        .map_err(Error::io(path))
}

pub(super) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match fs::read(path) {
        Ok(data) => serde_json::from_slice(&data)
            .map(Some)
            .map_err(|e| Error::BadFile {
                path: path.to_path_buf(),
                reason: format!("unreadable renewal state ({e}); delete the file to start afresh"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path)(e)),
    }
}

pub(super) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    create_dir(
        path.parent().expect("state path has a parent"),
        PRIVATE_DIR_MODE,
    )?;
    let json = serde_json::to_vec_pretty(value).expect("renewal state serialises");
    atomic_write(path, &json, PRIVATE_FILE_MODE)
}
