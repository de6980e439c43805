//! Questions asked of a whole account: counts and health, who can, what can,
//! which roles each principal can reach, who a federated trust lets in, and
//! privilege-escalation paths.
//! Every permission question goes to the engine.

pub mod escalation;
pub mod federation;
pub mod impact;
pub mod lint;
pub mod patterns;
pub mod probe;
pub mod reach;
pub mod summary;
pub mod what_can;
pub mod who_can;
