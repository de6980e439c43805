//! Every place on disk iamscope reads or writes, in one list (`iamscope info`
//! prints it).

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Paths {
    /// Settings: key bindings and theme (`config.toml`).
    pub config_dir: Option<PathBuf>,
    /// Journals of unsaved edits and lesson progress.
    pub data_dir: Option<PathBuf>,
}

impl Paths {
    /// The platform's directories for iamscope; `IAMSCOPE_CONFIG_DIR` and
    /// `IAMSCOPE_DATA_DIR` override them (tests and portable installs use that).
    pub fn discover() -> Paths {
        let dirs = directories::ProjectDirs::from("", "", "iamscope");
        let from_env = |key: &str| std::env::var_os(key).filter(|v| !v.is_empty()).map(PathBuf::from);
        Paths {
            config_dir: from_env("IAMSCOPE_CONFIG_DIR").or_else(|| dirs.as_ref().map(|d| d.config_dir().to_owned())),
            data_dir: from_env("IAMSCOPE_DATA_DIR").or_else(|| dirs.as_ref().map(|d| d.data_dir().to_owned())),
        }
    }

    pub fn config_file(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join("config.toml"))
    }

    pub fn journal_dir(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|d| d.join("journal"))
    }

    pub fn lesson_progress_file(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|d| d.join("lesson-progress.json"))
    }
}
