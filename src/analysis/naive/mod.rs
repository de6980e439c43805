//! The first, straightforward versions of role reachability and privilege
//! escalation: each principal searched on its own, nothing shared. They are
//! slow on large accounts and kept only as test oracles: the scalable
//! versions ([`super::reach`], [`super::escalation`]) must give exactly the
//! same answers.

pub mod escalation;
pub mod reach;
