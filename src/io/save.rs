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
    /// A step failed before the file was replaced: nothing on disk changed.
    #[error("cannot save to {path}: {step} failed: {source} — nothing was changed: {path} and {} are as they were", backup_path(path).display())]
    Io {
        path: PathBuf,
        /// What was being done, e.g. `writing the new version`.
        step: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// What a successful save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The file as it now is on disk.
    pub fingerprint: Fingerprint,
    pub previous: Previous,
}

/// Where the version a save replaced went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Previous {
    /// There was no file before.
    Nothing,
    /// It is the backup, `FILE.bak`.
    Backup(PathBuf),
    /// The new version is saved, but the previous one could not be renamed
    /// to `FILE.bak` (the older backup is untouched); it is at `kept`.
    KeptAt { kept: PathBuf, reason: String },
}

impl Saved {
    /// A sentence for the status line: where the previous version is.
    pub fn describe_previous(&self) -> Option<String> {
        match &self.previous {
            Previous::Nothing => None,
            Previous::Backup(bak) => Some(format!("the previous version is {}", bak.display())),
            Previous::KeptAt { kept, reason } => Some(format!(
                "the previous version could not become the backup ({reason}); it is kept at {}",
                kept.display()
            )),
        }
    }
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
pub fn save_atomically(path: &Path, bytes: &[u8], expected: Option<&Fingerprint>) -> Result<Saved, SaveError> {
    save_with(path, bytes, expected, &mut |file| Box::new(file))
}

/// The same, with the temporary file's writer wrapped (for failure tests).
///
/// The steps, each of which a crash (`kill -9`, power loss) may interrupt
/// without harm: the new version is written to a temporary file beside the
/// target and flushed; the current file gets a second name (a hard link, or
/// a flushed copy where links are not possible); the temporary file is
/// renamed over the target; the second name is renamed over `FILE.bak`.
/// Renames are atomic, so the file and its backup are each always a whole
/// version. A save through a symbolic link writes the file the link points
/// at, and the link stays. The file keeps its permissions. Temporary files
/// are named `.FILE.iamscope-save-PID-N.tmp`; those of a process that no
/// longer runs are removed by the next save.
pub fn save_with(
    path: &Path,
    bytes: &[u8],
    expected: Option<&Fingerprint>,
    wrap: &mut dyn FnMut(fs::File) -> Box<dyn Sink>,
) -> Result<Saved, SaveError> {
    let target = resolve_links(path);
    let fail = |step: &'static str| {
        let path = path.to_owned();
        move |source| SaveError::Io { path, step, source }
    };
    if let Some(expected) = expected
        && target.exists()
        && !expected.matches(&target)
    {
        return Err(SaveError::ChangedOnDisk { path: path.to_owned() });
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temporaries(&dir, &name);
    let current = fs::metadata(&target).ok().filter(|m| m.is_file());

    // 1. The new version, beside the target.
    let (file, temp) = create_temporary(&dir, &name).map_err(fail("creating a temporary file"))?;
    let written = (|| {
        let handle = file.try_clone()?;
        let mut sink = wrap(handle);
        sink.write_all(bytes)?;
        drop(sink);
        if let Some(meta) = &current {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()
    })();
    drop(file);
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(fail("writing the new version")(e));
    }

    // 2. A second name for the current version.
    let kept = match &current {
        None => None,
        Some(_) => match keep_current(&target, &dir, &name) {
            Ok(kept) => Some(kept),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(fail("keeping the previous version")(e));
            }
        },
    };

    // 3. The new version takes the file's name.
    if let Err(e) = fs::rename(&temp, &target) {
        let _ = fs::remove_file(&temp);
        if let Some(kept) = &kept {
            let _ = fs::remove_file(kept);
        }
        return Err(fail("replacing the file")(e));
    }
    sync_dir(&dir);

    // 4. The previous version becomes the backup.
    let previous = match kept {
        None => Previous::Nothing,
        Some(kept) => {
            let backup = backup_path(&target);
            match fs::rename(&kept, &backup) {
                Ok(()) => {
                    sync_dir(&dir);
                    Previous::Backup(backup)
                }
                Err(e) => Previous::KeptAt {
                    kept,
                    reason: e.to_string(),
                },
            }
        }
    };
    let fingerprint = match fs::metadata(&target) {
        Ok(meta) => Fingerprint::from_parts(bytes, &meta),
        Err(e) => return Err(fail("reading the saved file back")(e)),
    };
    Ok(Saved { fingerprint, previous })
}

/// The file a path names once every symbolic link is followed (a link to a
/// file that does not exist yet names that file).
fn resolve_links(path: &Path) -> PathBuf {
    let mut current = path.to_owned();
    // As many hops as the kernel follows before it gives up (ELOOP).
    for _ in 0..40 {
        match fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                };
            }
            Err(_) => return current,
        }
    }
    current
}

const TEMPORARY_MARK: &str = ".iamscope-save-";

fn temporary_prefix(name: &str) -> String {
    format!(".{name}{TEMPORARY_MARK}")
}

/// A new file `.NAME.iamscope-save-PID-N.tmp`, created with the default
/// permissions (the umask applies), never over an existing file.
fn create_temporary(dir: &Path, name: &str) -> std::io::Result<(fs::File, PathBuf)> {
    let prefix = temporary_prefix(name);
    let pid = std::process::id();
    let mut n = 0u32;
    loop {
        let path = dir.join(format!("{prefix}{pid}-{n}.tmp"));
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Give the current file a second, temporary name: a hard link where the
/// file system has them (instant, and the old content is never rewritten),
/// else a flushed copy.
fn keep_current(target: &Path, dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    let (file, kept) = create_temporary(dir, name)?;
    drop(file);
    fs::remove_file(&kept)?;
    if fs::hard_link(target, &kept).is_ok() {
        return Ok(kept);
    }
    let copied = (|| {
        fs::copy(target, &kept)?;
        fs::File::open(&kept)?.sync_all()
    })();
    if let Err(e) = copied {
        let _ = fs::remove_file(&kept);
        return Err(e);
    }
    Ok(kept)
}

/// Remove the temporary files of saves of `name` that a process which no
/// longer runs left behind (it was killed mid-save).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = temporary_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid, &entry.path()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` still runs. Where `/proc` cannot tell, a temporary
/// file younger than a day is taken to belong to a running save.
fn process_runs(pid: u32, temporary: &Path) -> bool {
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    fs::metadata(temporary)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age.as_secs() < 24 * 3600)
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
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
        assert!(err.to_string().contains("writing the new version failed"), "{err}");
        assert!(err.to_string().contains("nothing was changed"), "{err}");
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

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn saving_keeps_the_files_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o644, 0o640, 0o600] {
            let path = dir.path().join(format!("account-{mode:o}.json"));
            fs::write(&path, "old").unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            save_atomically(&path, b"new", None).unwrap();
            let now = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(now, mode, "{mode:o} became {now:o}");
            // and the backup, the previous version, keeps it too
            let bak = fs::metadata(backup_path(&path)).unwrap().permissions().mode() & 0o777;
            assert_eq!(bak, mode, "the backup of a {mode:o} file is {bak:o}");
            // a second save: the backup is the first save's file
            save_atomically(&path, b"newer", None).unwrap();
            let bak = fs::metadata(backup_path(&path)).unwrap().permissions().mode() & 0o777;
            assert_eq!(bak, mode, "the backup of a {mode:o} file is {bak:o} after two saves");
        }
        // A new file gets the usual permissions, not a temporary file's 0600.
        let fresh = dir.path().join("fresh.json");
        save_atomically(&fresh, b"new", None).unwrap();
        let mode = fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o600, "{mode:o}");
    }

    #[cfg(unix)]
    #[test]
    fn saving_through_a_symbolic_link_writes_the_real_file_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("account.json");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("account.json");
        std::os::unix::fs::symlink("real/account.json", &link).unwrap();
        let loaded = Fingerprint::of(&link).unwrap();
        let saved = save_atomically(&link, b"new", Some(&loaded)).unwrap();
        assert!(
            fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
            "the link stays a link"
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(saved.previous, Previous::Backup(backup_path(&real)));
        assert_eq!(fs::read_to_string(backup_path(&real)).unwrap(), "old");
        assert_eq!(names_in(dir.path()), ["account.json", "real"]);
    }

    #[test]
    fn a_failed_save_leaves_the_older_backup_alone_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        fs::write(&path, "second").unwrap();
        fs::write(backup_path(&path), "first").unwrap();
        let err = save_with(&path, b"third, much longer", None, &mut |_| Box::new(FailsAfter(2))).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("account.json.bak are as they were"), "{message}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), "first");
        assert_eq!(names_in(dir.path()), ["account.json", "account.json.bak"]);

        // The file cannot be replaced (it is a folder): still nothing changes.
        let folder = dir.path().join("folder.json");
        fs::create_dir(&folder).unwrap();
        fs::write(backup_path(&folder), "older").unwrap();
        let err = save_atomically(&folder, b"new", None).unwrap_err();
        assert!(err.to_string().contains("nothing was changed"), "{err}");
        assert_eq!(fs::read_to_string(backup_path(&folder)).unwrap(), "older");
    }

    #[test]
    fn temporary_files_of_a_killed_save_are_removed_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        fs::write(&path, "old").unwrap();
        // Above the kernel's largest process id: a process that cannot run.
        let dead = dir.path().join(".account.json.iamscope-save-4194399-0.tmp");
        fs::write(&dead, "cut o").unwrap();
        let other = dir.path().join(".other.json.iamscope-save-4194399-0.tmp");
        fs::write(&other, "not ours").unwrap();
        save_atomically(&path, b"new", None).unwrap();
        assert_eq!(
            names_in(dir.path()),
            [
                ".other.json.iamscope-save-4194399-0.tmp",
                "account.json",
                "account.json.bak"
            ]
        );
    }

    /// The child side of the next test: save two contents in turn until killed.
    fn keep_saving(path: &Path) -> ! {
        let contents = [vec![b'a'; 3 << 20], vec![b'b'; 2 << 20]];
        for i in 0.. {
            let _ = save_atomically(path, &contents[i % 2], None);
        }
        unreachable!()
    }

    fn whole_version(bytes: &[u8]) -> bool {
        (bytes.len() == 3 << 20 && bytes.iter().all(|&b| b == b'a'))
            || (bytes.len() == 2 << 20 && bytes.iter().all(|&b| b == b'b'))
            || bytes == b"start"
    }

    #[cfg(unix)]
    #[test]
    fn kill_9_during_saves_never_leaves_a_cut_off_file_or_backup() {
        if let Some(path) = std::env::var_os("IAMSCOPE_TEST_KEEP_SAVING") {
            keep_saving(Path::new(&path));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        fs::write(&path, "start").unwrap();
        let exe = std::env::current_exe().unwrap();
        let mut saved = 0;
        for kill in 0..14u64 {
            let mut child = std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "io::save::tests::kill_9_during_saves_never_leaves_a_cut_off_file_or_backup",
                    "--nocapture",
                ])
                .env("IAMSCOPE_TEST_KEEP_SAVING", &path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(40 + kill * 13));
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            let now = fs::read(&path).unwrap();
            assert!(whole_version(&now), "kill {kill}: the file is cut off");
            saved += usize::from(now != b"start");
            if let Ok(backup) = fs::read(backup_path(&path)) {
                assert!(whole_version(&backup), "kill {kill}: the backup is cut off");
            }
        }
        assert!(saved > 0, "the child process saved before it was killed");
        save_atomically(&path, b"start", None).unwrap();
        assert_eq!(
            names_in(dir.path()),
            ["account.json", "account.json.bak"],
            "no temporary file is left"
        );
    }
}
