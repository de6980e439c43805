//! Saving without ever losing data: atomic writes (a temporary file in the
//! same folder, flushed to disk, then renamed over the target) that keep the
//! previous file as `NAME.bak`; refusing to overwrite a file that changed on
//! disk since it was loaded. (The journal of unsaved changes is the
//! session's: `crate::session::journal`.)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path} changed on disk since iamscope loaded it: save under another name (:saveas FILE), or reload it")]
    ChangedOnDisk { path: PathBuf },
    #[error("cannot save to {path}: {source} — nothing was changed; the file is as it was")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a file looked like when it was loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub len: u64,
    pub modified_ns: u128,
    pub hash: u64,
}

impl Fingerprint {
    pub fn of(path: &Path) -> std::io::Result<Fingerprint> {
        let bytes = fs::read(path)?;
        let meta = fs::metadata(path)?;
        Ok(Fingerprint::from_parts(&bytes, &meta))
    }

    fn from_parts(bytes: &[u8], meta: &fs::Metadata) -> Fingerprint {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        Fingerprint {
            len: bytes.len() as u64,
            modified_ns: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
            hash: hasher.finish(),
        }
    }

    /// Whether the file still has the same content (a touched but identical
    /// file counts as unchanged).
    pub fn matches(&self, path: &Path) -> bool {
        match fs::read(path) {
            Ok(bytes) => {
                use std::hash::{Hash, Hasher};
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut hasher);
                bytes.len() as u64 == self.len && hasher.finish() == self.hash
            }
            Err(_) => false,
        }
    }
}

/// Where the bytes go: a file, normally; tests put a failing writer here.
pub trait Sink {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()>;
}

impl Sink for fs::File {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        Write::write_all(self, bytes)
    }
}

/// Write `bytes` to `path` atomically, keeping the old file as `path.bak`.
/// When `expected` is given and the file on disk no longer matches it, refuse.
pub fn save_atomically(path: &Path, bytes: &[u8], expected: Option<&Fingerprint>) -> Result<Fingerprint, SaveError> {
    save_with(path, bytes, expected, &mut |file| Box::new(file))
}

/// The same, with the temporary file's writer wrapped (for failure tests).
pub fn save_with(
    path: &Path,
    bytes: &[u8],
    expected: Option<&Fingerprint>,
    wrap: &mut dyn FnMut(fs::File) -> Box<dyn Sink>,
) -> Result<Fingerprint, SaveError> {
    let io = |source| SaveError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(expected) = expected
        && path.exists()
        && !expected.matches(path)
    {
        return Err(SaveError::ChangedOnDisk { path: path.to_owned() });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".iamscope-save-")
        .tempfile_in(&dir)
        .map_err(io)?;
    let (file, temp_path) = temp.into_parts();
    let written = (|| {
        let handle = file.try_clone()?;
        let mut sink = wrap(handle);
        sink.write_all(bytes)?;
        drop(sink);
        file.sync_all()
    })();
    if let Err(e) = written {
        // The temporary file goes away with `temp_path`; the target is untouched.
        drop(temp_path);
        return Err(io(e));
    }
    if path.exists() {
        let backup = backup_path(path);
        // A hard link would share the inode with the file we are about to
        // replace; a copy keeps the backup whatever happens next.
        fs::copy(path, &backup).map_err(io)?;
    }
    temp_path.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Fingerprint::of(path).map_err(io)
}

pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_replaces_the_file_and_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        fs::write(&path, "old").unwrap();
        let loaded = Fingerprint::of(&path).unwrap();
        save_atomically(&path, b"new", Some(&loaded)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), "old");
        // no temporary files left behind
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_file_changed_on_disk_since_loading_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        fs::write(&path, "as loaded").unwrap();
        let loaded = Fingerprint::of(&path).unwrap();
        fs::write(&path, "someone else's edit").unwrap();
        let err = save_atomically(&path, b"mine", Some(&loaded)).unwrap_err();
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert!(err.to_string().contains(":saveas"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "someone else's edit");
    }

    struct FailsAfter(usize);
    impl Sink for FailsAfter {
        fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
            if bytes.len() > self.0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device",
                ));
            }
            Ok(())
        }
    }

    #[test]
    fn a_write_that_fails_part_way_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        fs::write(&path, "precious").unwrap();
        let err = save_with(&path, b"a much longer new content", None, &mut |_| {
            Box::new(FailsAfter(4))
        })
        .unwrap_err();
        assert!(err.to_string().contains("no space left on device"), "{err}");
        assert!(err.to_string().contains("the file is as it was"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "precious");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "the temporary file is gone: {names:?}");
    }

    #[test]
    fn saving_where_no_file_can_be_created_fails_cleanly() {
        // The folder is a file: no temporary file can be made there (this
        // fails for every user, root included, unlike a read-only folder).
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("plain-file");
        fs::write(&not_a_folder, "x").unwrap();
        let path = not_a_folder.join("account.json");
        let err = save_atomically(&path, b"new", None).unwrap_err();
        assert!(err.to_string().contains("cannot save to"), "{err}");
        assert!(err.to_string().contains("plain-file/account.json"), "{err}");
        assert_eq!(fs::read_to_string(&not_a_folder).unwrap(), "x");
    }
}
