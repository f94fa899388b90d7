//! The response body as a `std::io::Write`: an export writes straight into
//! PHP's output layer (and so through any output buffer the page started, to
//! the web server), a buffer-full at a time.

use std::io::{self, Write};

use ext_php_rs::zend::output_write;

/// Writes to PHP's output. Unbuffered: wrap it in a `BufWriter` so the SAPI
/// sees large chunks rather than one call per field.
pub struct PhpOutput;

impl Write for PhpOutput {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match output_write(bytes) {
            0 if !bytes.is_empty() => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "PHP accepted no output; the browser may have closed the download",
            )),
            written => Ok(written),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
