//! Reading the start of an article file: enough to hold its front matter.

use std::io::Read;
use std::path::Path;

use super::Problem;
use super::front_matter::split;
use crate::error::Diagnostic;
use crate::text::line_at;

/// How much of a file is read first: enough for almost every front matter.
const HEAD_BYTES: u64 = 2048;

/// The error for a file that is not UTF-8, on the line of its first bad byte.
pub(super) fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> Box<Diagnostic> {
    let line = line_at(bytes, valid_up_to);
    Box::new(
        Problem::NotUtf8
            .at(path, "the file is not valid UTF-8")
            .at_line(line)
            .with_help("save it as UTF-8 (most editors have an \"encoding\" option)"),
    )
}

/// The error for a file that cannot be read.
pub(super) fn cannot_read(path: &Path, e: std::io::Error) -> Box<Diagnostic> {
    Box::new(Problem::UnreadableFile.at(path, format!("cannot read: {e}")))
}

/// The start of an article file, as text, holding at least its whole front
/// matter: the first [`HEAD_BYTES`], or the whole file when the front
/// matter does not end within them.
pub(super) fn read_head(path: &Path) -> Result<String, Box<Diagnostic>> {
    let cannot_read = |e| cannot_read(path, e);
    let mut head = Vec::with_capacity(HEAD_BYTES as usize);
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    file.take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(cannot_read)?;
    let whole = (head.len() as u64) < HEAD_BYTES;
    if !whole {
        let text = match std::str::from_utf8(&head) {
            Ok(t) => t,
            // A character cut at the end of the head is fine; others are not.
            Err(e) if e.error_len().is_none() => {
                std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(e) => return Err(not_utf8(path, &head, e.valid_up_to())),
        };
        // The closing fence must be a complete line inside the head.
        if let Ok(split) = split(text)
            && text.len() > split.body.len()
            && text[..text.len() - split.body.len()].ends_with('\n')
        {
            return Ok(text.to_string());
        }
        head = std::fs::read(path).map_err(cannot_read)?;
    }
    String::from_utf8(head).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        not_utf8(path, e.as_bytes(), valid)
    })
}
