//! Text that reaches a terminal or a report: control characters escaped,
//! lengths capped on character boundaries. Everything a plugin or an image
//! supplies passes through here before it is printed.

use std::fmt::Write;

/// Escapes control characters (terminal escapes included) as `\x1b`-style
/// sequences, so nothing a plugin or an archive wrote can move the cursor,
/// recolour or retitle a terminal, and truncates to `max` bytes on a
/// character boundary.
pub fn sanitize(text: &str, max: usize) -> String {
    let mut clean = String::with_capacity(text.len().min(max));
    for c in text.chars() {
        if clean.len() > max {
            break;
        }
        if c.is_control() {
            match c {
                '\n' => clean.push_str("\\n"),
                '\t' => clean.push_str("\\t"),
                '\r' => clean.push_str("\\r"),
                _ if (c as u32) < 0x100 => {
                    let _ = write!(clean, "\\x{:02x}", c as u32);
                }
                _ => {
                    let _ = write!(clean, "\\u{{{:x}}}", c as u32);
                }
            }
        } else if is_bidi_control(c) {
            // Reordering marks can disguise what a line says (Trojan Source).
            let _ = write!(clean, "\\u{{{:x}}}", c as u32);
        } else {
            clean.push(c);
        }
    }
    truncate_utf8(&mut clean, max);
    clean
}

/// Unicode bidirectional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Truncates in place to at most `max` bytes, on a character boundary,
/// marking the cut with `…`.
pub fn truncate_utf8(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut cut = max.saturating_sub('…'.len_utf8());
    while cut > 0 && !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push('…');
}

/// Bytes as text for display: invalid UTF-8 replaced, then sanitized.
pub fn display_bytes(bytes: &[u8], max: usize) -> String {
    sanitize(&String::from_utf8_lossy(bytes), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible_and_text_is_truncated() {
        assert_eq!(sanitize("a\x1b[31mred\x07", 100), "a\\x1b[31mred\\x07");
        assert_eq!(sanitize("t\x1b]0;title\x07", 100), "t\\x1b]0;title\\x07");
        assert_eq!(sanitize("\u{9b}2J", 100), "\\x9b2J");
        assert_eq!(sanitize("a\u{202e}b", 100), "a\\u{202e}b");
        let long = "é".repeat(100);
        let cut = sanitize(&long, 11);
        assert!(cut.len() <= 11 && cut.ends_with('…'));
    }
}
