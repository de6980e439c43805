//! cli
pub fn main() -> color_eyre::Result<()> { Ok(()) }
