//! How much iamscope reads: files larger than any real export are refused
//! before they are read, with the limit named and the flag that raises it.

use std::io::Read;
use std::path::Path;

use super::error::LoadError;

/// The largest file read by default: five times the ~100 MB export of an
/// account at every IAM quota (5,000 users, 1,000 roles, 1,500 policies of
/// five versions), and small enough that loading it stays within memory.
pub const DEFAULT_MAX_INPUT: u64 = 512 * 1024 * 1024;

/// Read a whole file, refusing one larger than `limit` bytes. The size is
/// checked before reading; a pipe or device, whose size is not known ahead,
/// is read up to the limit and refused past it.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let read_error = |source| LoadError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    if meta.is_file() && meta.len() > limit {
        return Err(LoadError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(if meta.is_file() { meta.len() as usize } else { 0 });
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// A size as people write it: `512M`, `1G`, `600000000`, `2GiB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write a number of bytes, or e.g. 512M, 2G"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        other => return Err(format!("`{other}` is not a size unit: use K, M, G or T")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large a size"))
}

/// A size for messages: `600 MB` style, in binary units.
pub fn show_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (factor, unit) in UNITS {
        if bytes >= factor {
            let whole = bytes / factor;
            let tenth = (bytes % factor) * 10 / factor;
            return if tenth == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenth} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// A round limit that admits `size`, for the message's example.
pub fn suggest_size(size: u64) -> String {
    let mib = size.div_ceil(1 << 20);
    let rounded = mib.div_ceil(256) * 256;
    format!("{rounded}M")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_as_people_write_them() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("3 GiB"), Ok(3 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5X").is_err());
        assert!(parse_size("99999999999999T").is_err());
        assert_eq!(show_size(512 << 20), "512 MiB");
        assert_eq!(show_size(1536 << 20), "1.5 GiB");
        assert_eq!(suggest_size(600 << 20), "768M");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 4096]).unwrap();
        assert_eq!(read_limited(&path, 4096).unwrap().len(), 4096);
        let err = read_limited(&path, 4095).unwrap_err();
        assert!(matches!(
            err,
            LoadError::TooLarge {
                size: 4096,
                limit: 4095,
                ..
            }
        ));
        let message = err.to_string();
        assert!(message.contains("--max-input-size"), "{message}");
        assert!(
            message.contains("4095 bytes") || message.contains("3.9 KiB"),
            "{message}"
        );
    }
}
