//! Import and export: the files people have (GAAD output, credential reports,
//! workspace files) in, the model out as GAAD JSON or a workspace file.

pub mod change_log;
pub mod collect;
pub mod credential_report;
pub(crate) mod dates;
pub(crate) mod detect;
pub(crate) mod error;
pub mod export;
pub(crate) mod import;
pub mod limits;
pub mod paths;
pub(crate) mod raw;
pub mod save;
pub mod script;
pub mod synthetic;

pub use error::LoadError;
pub use export::{ExportFormat, export_account};
pub use import::{AccountSource, DEMO_ACCOUNT, ImportReport, Loaded, Warning, load, load_bytes, load_with_limit};
