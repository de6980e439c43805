//! Questions asked of a whole account: counts and health, who can, what can,
//! risky paths.

pub mod impact;
pub mod lint;
pub mod summary;
pub mod who_can;
