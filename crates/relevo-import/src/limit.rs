//! A reader that refuses lines longer than a bound, so that what a parser buffers for one row
//! (a CSV record, a JSON line) cannot grow with the input: a 50 MB field is an error at its first
//! megabyte, not 50 MB of memory.

use std::io::{self, Read};

/// The longest line any import reads: a row of canonical fields, each at most 256 bytes, fits
/// many times over.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Wraps `inner`, failing a read that would pass `max` bytes without a line break.
pub struct LineLimit<R> {
    inner: R,
    max: usize,
    /// Bytes since the last `\n`.
    run: usize,
    /// Lines ended so far (for the error's line number).
    lines: u64,
}

impl<R: Read> LineLimit<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineLimit {
            inner,
            max,
            run: 0,
            lines: 0,
        }
    }
}

/// The error a [`LineLimit`] fails with, inside the `io::Error` (so a parser can name the line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong {
    /// 1-based.
    pub line: u64,
    pub max: usize,
}

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is longer than {} bytes: not a row of contact data",
            self.line, self.max
        )
    }
}

impl std::error::Error for LineTooLong {}

/// The line an IO error names, when it is a [`LineTooLong`].
pub(crate) fn line_of(e: &io::Error) -> Option<u64> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<LineTooLong>())
        .map(|t| t.line)
}

impl<R: Read> LineLimit<R> {
    fn error(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            LineTooLong {
                line: self.lines + 1,
                max: self.max,
            },
        )
    }
}

impl<R: Read> Read for LineLimit<R> {
    /// The bytes before an over-long line are delivered; the read after them fails, and every
    /// read after that.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.run > self.max {
            return Err(self.error());
        }
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                self.run = 0;
                self.lines += 1;
            } else {
                self.run += 1;
                if self.run > self.max {
                    // Deliver what came before this line; the next read fails.
                    let line_start = i + 1 - self.max.min(i + 1);
                    let before = buf[..line_start]
                        .iter()
                        .rposition(|&c| c == b'\n')
                        .map_or(0, |p| p + 1);
                    if before == 0 {
                        return Err(self.error());
                    }
                    return Ok(before);
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_refused_short_ones_pass() {
        let text = format!("a,b\n{}\nc\n", "x".repeat(100));
        let mut ok = String::new();
        LineLimit::new(text.as_bytes(), 100)
            .read_to_string(&mut ok)
            .unwrap();
        assert_eq!(ok, text);
        let mut out = String::new();
        let err = LineLimit::new(text.as_bytes(), 99)
            .read_to_string(&mut out)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2 is longer than 99 bytes: not a row of contact data"
        );
    }
}
