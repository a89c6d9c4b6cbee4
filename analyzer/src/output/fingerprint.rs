//! GitHub code scanning's `primaryLocationLineHash`, as github/codeql-action computes it
//! (`src/fingerprints.ts`), so that alerts keep their identity when lines move.
//!
//! For every line: a polynomial hash (base 37, wrapping at 2^64) of the 100 UTF-16 code units
//! that follow the line's start once spaces and tabs are dropped and `\r\n` / `\r` are read as
//! `\n`. The text is followed by one end-of-file unit (0xFFFF) and zeros. The hash is printed in
//! lowercase hex without leading zeros, then `:N` for the N-th line of the file with that hash.

use std::collections::HashMap;

const BLOCK_SIZE: usize = 100;
const BASE: u64 = 37;
const END_OF_FILE: u16 = 0xFFFF;

/// The fingerprint of every line of `text`: element `i` is line `i + 1`'s. A text ending in a
/// newline has one more (empty) line after it, as codeql-action counts lines.
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut window = Window::new();
    let mut lines = 0usize;
    let mut line_start = true;
    let mut previous_cr = false;
    for unit in text.encode_utf16().chain(std::iter::once(END_OF_FILE)) {
        if unit == u16::from(b' ') || unit == u16::from(b'\t') || (previous_cr && unit == u16::from(b'\n')) {
            previous_cr = false;
            continue;
        }
        previous_cr = unit == u16::from(b'\r');
        let unit = if previous_cr { u16::from(b'\n') } else { unit };
        window.emit_completed_line();
        if line_start {
            lines += 1;
            window.line_at[window.index] = Some(lines);
        }
        line_start = unit == u16::from(b'\n');
        window.push(unit);
    }
    for _ in 0..BLOCK_SIZE {
        window.emit_completed_line();
        window.push(0);
    }
    window.hashes
}

/// The last [`BLOCK_SIZE`] units, their rolling hash, and the lines that start among them.
struct Window {
    units: [u16; BLOCK_SIZE],
    line_at: [Option<usize>; BLOCK_SIZE],
    index: usize,
    hash: u64,
    /// `BASE^BLOCK_SIZE`: the weight of the unit that leaves the window.
    leaving_weight: u64,
    counts: HashMap<u64, usize>,
    hashes: Vec<String>,
}

impl Window {
    fn new() -> Window {
        Window {
            units: [0; BLOCK_SIZE],
            line_at: [None; BLOCK_SIZE],
            index: 0,
            hash: 0,
            leaving_weight: (0..BLOCK_SIZE).fold(1u64, |m, _| m.wrapping_mul(BASE)),
            counts: HashMap::new(),
            hashes: Vec::new(),
        }
    }

    /// The slot about to be overwritten began a line 100 units ago: that line's hash is complete.
    fn emit_completed_line(&mut self) {
        if self.line_at[self.index].take().is_some() {
            let count = self.counts.entry(self.hash).or_insert(0);
            *count += 1;
            self.hashes.push(format!("{:x}:{count}", self.hash));
        }
    }

    fn push(&mut self, unit: u16) {
        let leaving = std::mem::replace(&mut self.units[self.index], unit);
        self.hash = self
            .hash
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(unit))
            .wrapping_sub(self.leaving_weight.wrapping_mul(u64::from(leaving)));
        self.index = (self.index + 1) % BLOCK_SIZE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same hash written the slow way: the polynomial over each line's 100-unit window.
    fn direct(text: &str) -> Vec<u64> {
        let mut units = Vec::new();
        let mut starts = Vec::new();
        let mut line_start = true;
        let mut previous_cr = false;
        for unit in text.encode_utf16().chain([END_OF_FILE]) {
            if unit == 32 || unit == 9 || (previous_cr && unit == 10) {
                previous_cr = false;
                continue;
            }
            previous_cr = unit == 13;
            let unit = if unit == 13 { 10 } else { unit };
            if line_start {
                starts.push(units.len());
            }
            line_start = unit == 10;
            units.push(unit);
        }
        units.extend([0; BLOCK_SIZE]);
        starts
            .iter()
            .map(|&s| {
                units[s..s + BLOCK_SIZE]
                    .iter()
                    .fold(0u64, |h, &u| h.wrapping_mul(37).wrapping_add(u64::from(u)))
            })
            .collect()
    }

    fn hex_parts(hashes: &[String]) -> Vec<u64> {
        hashes.iter().map(|h| u64::from_str_radix(h.split(':').next().unwrap(), 16).unwrap()).collect()
    }

    /// Values from codeql-action's own tests of `hash` (src/fingerprints.test.ts), which also
    /// agree with an independent Python implementation of the direct formula.
    #[test]
    fn matches_codeql_action_values() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]
        );
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1"
            ]
        );
    }

    #[test]
    fn line_endings_are_normalised() {
        // \r\n, \r and \n end lines alike; the trailing newline opens an empty last line,
        // whose window holds only the end-of-file unit, like the empty file's.
        assert_eq!(
            line_hashes("a\r\nb\rc\n"),
            ["52668e89249e7477:1", "9ed7939040abc6c0:1", "3791504be0bd17cc:1", "c129715d7a2bc9a3:1"]
        );
        assert_eq!(line_hashes("a\r\nb\rc\n"), line_hashes("a\nb\nc\n"));
    }

    #[test]
    fn equal_windows_are_numbered_in_order() {
        // Every line holds 120 `x`: each window sees 100 of them, so all lines hash alike.
        let text = format!("{0}\n{0}\n{0}\n", "x".repeat(120));
        let hashes = line_hashes(&text);
        let first = hashes[0].split(':').next().unwrap().to_string();
        assert_eq!(hashes[..3], [format!("{first}:1"), format!("{first}:2"), format!("{first}:3")]);
        assert_eq!(hashes[3], "c129715d7a2bc9a3:1");
    }

    #[test]
    fn rolling_hash_equals_the_direct_polynomial() {
        let long_line = "let handle = spawn_worker(configuration, \"äöü 😀\"); ".repeat(5);
        let text = format!("fn main() {{\n\t{long_line}\r\n  }}\r\n\n// done 😀\n{}", "z".repeat(300));
        let hashes = line_hashes(&text);
        assert_eq!(hex_parts(&hashes), direct(&text));
        assert_eq!(hashes.len(), 6);
    }
}
