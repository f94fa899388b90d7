//! How much an import may ask of the server. Every file comes from an admin's
//! upload, and a hostile or broken one must fail with a message, not exhaust
//! memory or time.

use super::problem::Problem;

/// Bounds on one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Most records (CSV rows, XML record elements, JSON entries, lines).
    pub max_rows: usize,
    /// Deepest nesting of JSON arrays and objects; the export needs 3.
    pub max_json_depth: usize,
    /// Most problems listed; the rest are counted in one closing problem.
    pub max_problems: usize,
}

/// 64 MiB, a million records, depth 32 and a thousand listed problems: room
/// for an export of a million addresses, and well below serde_json's own
/// recursion limit of 128.
impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 64 * MIB, max_rows: 1_000_000, max_json_depth: 32, max_problems: 1000 }
    }
}

const MIB: usize = 1024 * 1024;

impl Limits {
    /// Refuses a file larger than `max_bytes` before anything reads it.
    pub(super) fn check_size(&self, bytes: &[u8]) -> Result<(), Problem> {
        if bytes.len() <= self.max_bytes {
            return Ok(());
        }
        Err(Problem::file(format!(
            "The file is {}; files up to {} can be imported. Split it, or export without addresses.",
            size(bytes.len()),
            size(self.max_bytes)
        )))
    }

    /// The problem for the first record over `max_rows`.
    pub(super) fn too_many_rows(&self) -> Problem {
        Problem::file(format!("The file has more than {} records; split it into smaller files.", self.max_rows))
    }
}

/// `64 MiB`, `70.5 MiB` or `512 bytes`.
fn size(bytes: usize) -> String {
    if bytes < MIB {
        return format!("{bytes} bytes");
    }
    let tenths = bytes.saturating_mul(10) / MIB;
    if tenths % 10 == 0 {
        format!("{} MiB", tenths / 10)
    } else {
        format!("{}.{} MiB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_files_over_the_size_limit() {
        let limits = Limits { max_bytes: 64 * MIB, ..Limits::default() };
        assert_eq!(limits.check_size(b"small"), Ok(()));
        let huge = vec![b' '; 64 * MIB + MIB / 2];
        assert_eq!(
            limits.check_size(&huge).unwrap_err().to_string(),
            "The file is 64.5 MiB; files up to 64 MiB can be imported. Split it, or export without addresses."
        );
        let tiny = Limits { max_bytes: 3, ..Limits::default() };
        assert_eq!(
            tiny.check_size(b"four").unwrap_err().message,
            "The file is 4 bytes; files up to 3 bytes can be imported. Split it, or export without addresses."
        );
    }
}
