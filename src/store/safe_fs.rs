//! The one way certwright touches the filesystem below a trusted root: the
//! config directory, or a webroot the user named.
//!
//! The root itself is opened by its path, symlinks and all (the user chose
//! it). Everything below it is reached one component at a time with
//! `openat(O_NOFOLLOW)` from the directory opened before, so a symlink
//! planted by someone who can write there (the web server's user in a
//! webroot, anyone in a misconfigured config directory) is refused instead
//! of followed, and a directory swapped for a link between a check and a
//! use cannot redirect the write: there is no check-then-use, only
//! descriptors.
//!
//! Writes are atomic: a temp file in the same directory (`O_EXCL |
//! O_NOFOLLOW`), fsync, `renameat` over the name (which replaces a link
//! rather than writing through it), fsync of the directory.

use crate::error::{Error, Result};
use rustix::fs::{AtFlags, Mode, OFlags};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// An open directory at or below a trusted root.
#[derive(Debug)]
pub struct SafeDir {
    fd: OwnedFd,
    path: PathBuf,
}

fn refuse_link(path: &Path) -> Error {
    Error::BadFile {
        path: path.to_path_buf(),
        reason: format!(
            "is a symbolic link, and certwright follows no link it did not create here (someone who can write to this directory may be redirecting certwright's writes): check what it points at, remove it (rm {}) and run again",
            path.display()
        ),
    }
}

fn refuse_not_dir(path: &Path) -> Error {
    Error::BadFile {
        path: path.to_path_buf(),
        reason: "is not a directory; move it away and run again".into(),
    }
}

fn refuse_not_file(path: &Path) -> Error {
    Error::BadFile {
        path: path.to_path_buf(),
        reason: "is not a regular file (a device, FIFO or socket was put in its place); remove it and run again".into(),
    }
}

/// The single names a relative path walks through; `..`, `/` and empty
/// parts are refused (a bug in the caller, or hostile input).
fn components(rel: &Path) -> Result<Vec<&std::ffi::OsStr>> {
    let mut out = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(Error::BadFile {
                    path: rel.to_path_buf(),
                    reason: "leaves its directory ('..' or an absolute path); refusing it".into(),
                });
            }
        }
    }
    Ok(out)
}

fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

impl SafeDir {
    /// Opens a trusted root by its path; links in that path are followed
    /// (the user named it), nothing below it will be.
    pub fn open_root(path: &Path) -> Result<SafeDir> {
        let fd = rustix::fs::openat(
            rustix::fs::CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| match e {
            rustix::io::Errno::NOTDIR => refuse_not_dir(path),
            e => Error::io(path)(e.into()),
        })?;
        Ok(SafeDir {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// [`SafeDir::open_root`], creating the root (and its parents) with
    /// `mode` first when missing.
    pub fn create_root(path: &Path, mode: u32) -> Result<SafeDir> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(path)
            .map_err(Error::io(path))?;
        SafeDir::open_root(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn metadata(&self) -> Result<std::fs::Metadata> {
        self.as_file()?.metadata().map_err(Error::io(&self.path))
    }

    fn as_file(&self) -> Result<File> {
        Ok(File::from(
            self.fd.try_clone().map_err(Error::io(&self.path))?,
        ))
    }

    fn child(&self, name: &std::ffi::OsStr) -> PathBuf {
        self.path.join(name)
    }

    fn open_child_dir(&self, name: &std::ffi::OsStr) -> Result<Option<SafeDir>> {
        let path = self.child(name);
        match rustix::fs::openat(&self.fd, name, dir_flags(), Mode::empty()) {
            Ok(fd) => Ok(Some(SafeDir { fd, path })),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(rustix::io::Errno::LOOP) => Err(refuse_link(&path)),
            Err(rustix::io::Errno::NOTDIR) => Err(self.classify(name)),
            Err(e) => Err(Error::io(path)(e.into())),
        }
    }

    /// Why `name` could not be opened as a directory: a link, or a file.
    fn classify(&self, name: &std::ffi::OsStr) -> Error {
        let path = self.child(name);
        match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st)
                if rustix::fs::FileType::from_raw_mode(st.st_mode)
                    == rustix::fs::FileType::Symlink =>
            {
                refuse_link(&path)
            }
            _ => refuse_not_dir(&path),
        }
    }

    /// The directory `rel` below this one; None when some part is missing.
    pub fn open_dir(&self, rel: &Path) -> Result<Option<SafeDir>> {
        let mut dir: Option<SafeDir> = None;
        for name in components(rel)? {
            let parent = dir.as_ref().unwrap_or(self);
            match parent.open_child_dir(name)? {
                Some(d) => dir = Some(d),
                None => return Ok(None),
            }
        }
        match dir {
            Some(d) => Ok(Some(d)),
            None => self.try_clone().map(Some),
        }
    }

    pub fn try_clone(&self) -> Result<SafeDir> {
        Ok(SafeDir {
            fd: self.fd.try_clone().map_err(Error::io(&self.path))?,
            path: self.path.clone(),
        })
    }

    /// Opens the directory `name` here, creating it with exactly `mode`
    /// (whatever the umask) when missing; true when it was created.
    pub fn create_dir(&self, name: &str, mode: u32) -> Result<(SafeDir, bool)> {
        let path = self.path.join(name);
        single(name, &path)?;
        if let Some(d) = self.open_child_dir(name.as_ref())? {
            return Ok((d, false));
        }
        let created = match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(mode)) {
            Ok(()) => true,
            // Another run made it meanwhile: open what is there.
            Err(rustix::io::Errno::EXIST) => false,
            Err(e) => return Err(Error::io(path)(e.into())),
        };
        let d = self
            .open_child_dir(name.as_ref())?
            .ok_or_else(|| Error::BadFile {
                path: path.clone(),
                reason: "disappeared right after certwright created it".into(),
            })?;
        if created {
            d.as_file()?
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(Error::io(&path))?;
        }
        Ok((d, created))
    }

    /// Opens `rel` below this directory, creating each missing part with
    /// `mode`; returns how many parts it created.
    pub fn create_dirs(&self, rel: &Path, mode: u32) -> Result<(SafeDir, usize)> {
        let mut created = 0;
        let mut dir = self.try_clone()?;
        for name in components(rel)? {
            let name = name.to_str().ok_or_else(|| Error::BadFile {
                path: rel.to_path_buf(),
                reason: "is not UTF-8".into(),
            })?;
            let (next, made) = dir.create_dir(name, mode)?;
            created += usize::from(made);
            dir = next;
        }
        Ok((dir, created))
    }

    /// Opens the file `name` in this directory without following a link;
    /// None when it does not exist. Only regular files are returned.
    pub fn open_file(&self, name: &str) -> Result<Option<File>> {
        self.open_with(
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
            0,
        )
    }

    fn open_with(&self, name: &str, flags: OFlags, mode: u32) -> Result<Option<File>> {
        let path = self.path.join(name);
        single(name, &path)?;
        let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(mode)) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => return Ok(None),
            Err(rustix::io::Errno::LOOP) => return Err(refuse_link(&path)),
            Err(e) => return Err(Error::io(path)(e.into())),
        };
        let file = File::from(fd);
        let meta = file.metadata().map_err(Error::io(&path))?;
        if !meta.is_file() {
            return Err(refuse_not_file(&path));
        }
        Ok(Some(file))
    }

    /// Opens (creating, 0600) a file to lock: never through a link, never a
    /// file with a second name (a hard link to something else would have
    /// its content replaced by the lock holder's pid).
    pub fn open_lock_file(&self, name: &str, mode: u32) -> Result<File> {
        let path = self.path.join(name);
        let file = self
            .open_with(
                name,
                OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                mode,
            )?
            .ok_or_else(|| Error::io(&path)(std::io::ErrorKind::NotFound.into()))?;
        let meta = file.metadata().map_err(Error::io(&path))?;
        if meta.nlink() > 1 {
            return Err(Error::BadFile {
                path: path.clone(),
                reason: format!(
                    "has {} names (hard links); a lock file must have one: remove it (rm {}) and run again",
                    meta.nlink(),
                    path.display()
                ),
            });
        }
        Ok(file)
    }

    /// Opens `name` for appending, creating it with `mode`; never through a
    /// link (a planted log link would have root append to its target).
    pub fn open_append(&self, name: &str, mode: u32) -> Result<File> {
        let path = self.path.join(name);
        self.open_with(
            name,
            OFlags::WRONLY | OFlags::APPEND | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            mode,
        )?
        .ok_or_else(|| Error::io(&path)(std::io::ErrorKind::NotFound.into()))
    }

    /// Reads `name` (no link followed), refusing files larger than `cap`
    /// without reading them; None when it does not exist.
    pub fn read_capped(&self, name: &str, cap: u64) -> Result<Option<Vec<u8>>> {
        let path = self.path.join(name);
        let Some(file) = self.open_file(name)? else {
            return Ok(None);
        };
        let too_big = || Error::BadFile {
            path: path.clone(),
            reason: format!(
                "is larger than {} KiB, far more than certwright ever writes; it was not read. Check who wrote it, and replace it with a valid file",
                cap / 1024
            ),
        };
        let len = file.metadata().map_err(Error::io(&path))?.len();
        if len > cap {
            return Err(too_big());
        }
        let mut data = Vec::with_capacity(len as usize);
        // The file may grow between fstat and read: never take more.
        file.take(cap + 1)
            .read_to_end(&mut data)
            .map_err(Error::io(&path))?;
        if data.len() as u64 > cap {
            return Err(too_big());
        }
        Ok(Some(data))
    }

    /// Writes `name` atomically with exactly `mode`.
    pub fn write_atomic(&self, name: &str, data: &[u8], mode: u32) -> Result<()> {
        let path = self.path.join(name);
        single(name, &path)?;
        let tmp_name = format!(
            ".{name}.tmp-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        );
        let tmp = self.path.join(&tmp_name);
        let fd = rustix::fs::openat(
            &self.fd,
            tmp_name.as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(mode),
        )
        .map_err(|e| Error::io(&tmp)(e.into()))?;
        let result = (|| {
            let mut f = File::from(fd);
            // The umask may have narrowed the mode; set exactly what was asked.
            f.set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(Error::io(&tmp))?;
            f.write_all(data).map_err(Error::io(&tmp))?;
            f.sync_all().map_err(Error::io(&tmp))?;
            crate::crash_point::hit_file("atomic_write", name);
            rustix::fs::renameat(&self.fd, tmp_name.as_str(), &self.fd, name)
                .map_err(|e| Error::io(&path)(e.into()))?;
            self.sync()
        })();
        if result.is_err() {
            let _ = rustix::fs::unlinkat(&self.fd, tmp_name.as_str(), AtFlags::empty());
        }
        result
    }

    /// Removes the file (or link) `name`; false when it was not there.
    pub fn remove_file(&self, name: &str) -> Result<bool> {
        let path = self.path.join(name);
        single(name, &path)?;
        match rustix::fs::unlinkat(&self.fd, name, AtFlags::empty()) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::NOENT) => Ok(false),
            Err(e) => Err(Error::io(path)(e.into())),
        }
    }

    /// Removes the empty directory `name` (never a link to one); false when
    /// it was not there or is not empty.
    pub fn remove_empty_dir(&self, name: &str) -> Result<bool> {
        let path = self.path.join(name);
        single(name, &path)?;
        match rustix::fs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::NOENT | rustix::io::Errno::NOTEMPTY) => Ok(false),
            Err(e) => Err(Error::io(path)(e.into())),
        }
    }

    /// Renames `from` in this directory to `to` in `dest` (replacing it).
    pub fn rename(&self, from: &str, dest: &SafeDir, to: &str) -> Result<()> {
        single(from, &self.path.join(from))?;
        let target = dest.path.join(to);
        single(to, &target)?;
        rustix::fs::renameat(&self.fd, from, &dest.fd, to).map_err(|e| Error::io(target)(e.into()))
    }

    /// Creates the symlink `name` -> `target` in this directory.
    pub fn symlink(&self, target: &Path, name: &str) -> Result<()> {
        let path = self.path.join(name);
        single(name, &path)?;
        rustix::fs::symlinkat(target, &self.fd, name).map_err(|e| Error::io(path)(e.into()))
    }

    /// Sets this directory's mode exactly.
    pub fn set_mode(&self, mode: u32) -> Result<()> {
        self.as_file()?
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(Error::io(&self.path))
    }

    /// The names in this directory (not `.` and `..`), unsorted.
    pub fn names(&self) -> Result<Vec<String>> {
        let io = |e: rustix::io::Errno| Error::io(&self.path)(e.into());
        let mut out = Vec::new();
        for entry in rustix::fs::Dir::read_from(&self.fd).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy();
            if name != "." && name != ".." {
                out.push(name.into_owned());
            }
        }
        Ok(out)
    }

    /// fsyncs the directory, making renames in it durable.
    pub fn sync(&self) -> Result<()> {
        rustix::fs::fsync(self.fd.as_fd()).map_err(|e| Error::io(&self.path)(e.into()))
    }
}

/// A file name, not a path: one component, no `..`.
fn single(name: &str, path: &Path) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(Error::BadFile {
            path: path.to_path_buf(),
            reason: "is not a plain file name; refusing it".into(),
        });
    }
    Ok(())
}

/// `path` as (directory below `root`, file name), refusing paths that are
/// not below `root`.
fn split_below<'a>(root: &Path, path: &'a Path) -> Result<(&'a Path, &'a str)> {
    let rel = path.strip_prefix(root).map_err(|_| Error::BadFile {
        path: path.to_path_buf(),
        reason: format!("is not inside {}; refusing it", root.display()),
    })?;
    let name = rel
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::BadFile {
            path: path.to_path_buf(),
            reason: "has no usable file name".into(),
        })?;
    Ok((rel.parent().unwrap_or(Path::new("")), name))
}

/// Replaces the file `path` atomically with `mode`, its directory (and the
/// path to it) being trusted as a whole: for files certwright edits in
/// place of their owner, like a root-owned web server configuration.
pub fn replace_file(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::BadFile {
            path: path.to_path_buf(),
            reason: "has no usable file name".into(),
        })?;
    SafeDir::open_root(parent)?.write_atomic(name, data, mode)
}

/// Writes `path`, which lies below the trusted `root`, atomically with
/// `mode`; its directories must exist and none may be a link.
pub fn write_atomic_below(root: &Path, path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let (dir, name) = split_below(root, path)?;
    let base = SafeDir::open_root(root)?;
    let dir = base.open_dir(dir)?.ok_or_else(|| {
        Error::io(path.parent().unwrap_or(root))(std::io::ErrorKind::NotFound.into())
    })?;
    dir.write_atomic(name, data, mode)
}

/// Creates `path` (below the trusted `root`, which is created too when
/// missing) and its missing parents with `mode`, following no link.
pub fn create_dir_below(root: &Path, path: &Path, mode: u32) -> Result<SafeDir> {
    let rel = path.strip_prefix(root).map_err(|_| Error::BadFile {
        path: path.to_path_buf(),
        reason: format!("is not inside {}; refusing it", root.display()),
    })?;
    let base = SafeDir::create_root(root, mode)?;
    Ok(base.create_dirs(rel, mode)?.0)
}

/// Reads `path` below the trusted `root` with a size cap, following no
/// link below `root`; None when it (or a directory on the way) is missing.
pub fn read_below(root: &Path, path: &Path, cap: u64) -> Result<Option<Vec<u8>>> {
    let (dir, name) = split_below(root, path)?;
    let base = match SafeDir::open_root(root) {
        Ok(b) => b,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    match base.open_dir(dir)? {
        Some(d) => d.read_capped(name, cap),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn writes_atomically_with_the_exact_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let root = SafeDir::open_root(tmp.path()).unwrap();
        let (dir, created) = root.create_dirs(Path::new("a/b"), 0o700).unwrap();
        assert_eq!(created, 2);
        dir.write_atomic("key.pem", b"secret", 0o600).unwrap();
        let path = tmp.path().join("a/b/key.pem");
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Nothing but the file is left in the directory.
        assert_eq!(
            std::fs::read_dir(tmp.path().join("a/b")).unwrap().count(),
            1
        );
        dir.write_atomic("key.pem", b"again", 0o600).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"again");
    }

    #[test]
    fn a_linked_directory_below_the_root_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        symlink(outside.path(), tmp.path().join("archive")).unwrap();
        let root = SafeDir::open_root(tmp.path()).unwrap();
        let err = root
            .create_dirs(Path::new("archive/example.com"), 0o700)
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("symbolic link"), "{text}");
        assert!(text.contains(&tmp.path().join("archive").display().to_string()));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        let err = create_dir_below(tmp.path(), &tmp.path().join("archive/example.com/1"), 0o700)
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(
            write_atomic_below(tmp.path(), &tmp.path().join("archive/x"), b"k", 0o600).is_err()
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn the_root_itself_may_be_a_link() {
        let real = tempfile::tempdir().unwrap();
        let links = tempfile::tempdir().unwrap();
        let root = links.path().join("webroot");
        symlink(real.path(), &root).unwrap();
        let dir = SafeDir::open_root(&root).unwrap();
        dir.write_atomic("index.html", b"hi", 0o644).unwrap();
        assert_eq!(
            std::fs::read(real.path().join("index.html")).unwrap(),
            b"hi"
        );
    }

    #[test]
    fn reads_refuse_links_and_oversized_files() {
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret");
        std::fs::write(&secret, "root:hash:").unwrap();
        std::fs::create_dir(tmp.path().join("renewal")).unwrap();
        symlink(&secret, tmp.path().join("renewal/x.toml")).unwrap();
        let err = read_below(tmp.path(), &tmp.path().join("renewal/x.toml"), 1024).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("symbolic link"), "{text}");
        assert!(!text.contains("root:hash"), "{text}");

        std::fs::write(tmp.path().join("renewal/big.toml"), vec![b'a'; 2048]).unwrap();
        let err = read_below(tmp.path(), &tmp.path().join("renewal/big.toml"), 1024).unwrap_err();
        assert!(err.to_string().contains("larger than 1 KiB"), "{err}");
        std::fs::write(tmp.path().join("renewal/ok.toml"), b"name = 1").unwrap();
        assert_eq!(
            read_below(tmp.path(), &tmp.path().join("renewal/ok.toml"), 1024)
                .unwrap()
                .unwrap(),
            b"name = 1"
        );
        assert!(
            read_below(tmp.path(), &tmp.path().join("missing/a.toml"), 1024)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_linked_lock_file_is_refused_and_its_target_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let store = tmp.path().join("store");
        std::fs::create_dir(&store).unwrap();
        symlink(&victim, store.join(".lock")).unwrap();
        let dir = SafeDir::open_root(&store).unwrap();
        let err = dir.open_lock_file(".lock", 0o600).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        std::fs::remove_file(store.join(".lock")).unwrap();
        std::fs::hard_link(&victim, store.join(".lock")).unwrap();
        let err = dir.open_lock_file(".lock", 0o600).unwrap_err();
        assert!(err.to_string().contains("hard links"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn renaming_over_a_planted_link_replaces_the_link_only() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let d = tmp.path().join("d");
        std::fs::create_dir(&d).unwrap();
        symlink(&victim, d.join("token")).unwrap();
        let dir = SafeDir::open_root(&d).unwrap();
        dir.write_atomic("token", b"keyauth", 0o644).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read(d.join("token")).unwrap(), b"keyauth");
    }

    #[test]
    fn names_and_paths_cannot_escape() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = SafeDir::open_root(tmp.path()).unwrap();
        for bad in ["", "..", "a/b", "."] {
            assert!(dir.write_atomic(bad, b"x", 0o600).is_err(), "{bad:?}");
        }
        assert!(dir.create_dirs(Path::new("../x"), 0o700).is_err());
        assert!(dir.open_dir(Path::new("/etc")).is_err());
        assert!(write_atomic_below(tmp.path(), Path::new("/etc/x"), b"x", 0o600).is_err());
    }

    #[test]
    fn removing_a_directory_never_follows_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        std::fs::create_dir(&target).unwrap();
        symlink(&target, tmp.path().join("link")).unwrap();
        let dir = SafeDir::open_root(tmp.path()).unwrap();
        assert!(dir.remove_empty_dir("link").is_err());
        assert!(target.exists());
        std::fs::create_dir(tmp.path().join("full")).unwrap();
        std::fs::write(tmp.path().join("full/f"), b"").unwrap();
        assert!(!dir.remove_empty_dir("full").unwrap());
    }
}
