//! Structural checks a token format allows beyond its regex: checksums
//! (GitHub and npm tokens carry a CRC32 of their random part), encodings
//! that must decode (a JWT header is base64url JSON naming an algorithm).
//! A value that fails its check cannot have been issued by the provider,
//! so it is not reported.

/// An extra check a rule applies to every value its regex matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Nothing beyond the regex, the entropy floor and the allow-list.
    None,
    /// GitHub's token format: a 4-character prefix (`ghp_`), 30 random
    /// base62 characters and the CRC32 of those 30, in 6 base62 digits
    /// (<https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/>).
    /// npm's `npm_` tokens use the same layout
    /// (<https://github.blog/2021-09-23-announcing-npms-new-access-token-format/>).
    Crc32Base62,
    /// A JSON Web Token: the header decodes (base64url) to a JSON object
    /// with an `"alg"` member.
    JwtHeader,
    /// AWS access key ids: base32 (A-Z, 2-7) after the prefix; a key id
    /// with 0, 1, 8 or 9 cannot exist.
    AwsKeyId,
    /// The value is base64 that decodes to something (Kubernetes Secret
    /// data).
    Base64,
    /// The value is base64 of a JSON Web Token with a valid header.
    Base64Jwt,
    /// The value is base64 of `user:password` (Docker config `auth`).
    BasicAuth,
}

impl Check {
    /// True when `value` passes the check.
    pub fn passes(self, value: &str) -> bool {
        match self {
            Check::None => true,
            Check::Crc32Base62 => crc32_base62_valid(value),
            Check::JwtHeader => jwt_header_valid(value),
            Check::AwsKeyId => value
                .bytes()
                .skip(4)
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
            Check::Base64 => decode_base64(value.as_bytes()).is_some_and(|d| !d.is_empty()),
            Check::Base64Jwt => decode_base64(value.as_bytes())
                .is_some_and(|jwt| jwt_header_valid(&String::from_utf8_lossy(&jwt))),
            Check::BasicAuth => decode_base64(value.as_bytes()).is_some_and(|pair| {
                pair.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
                    && pair
                        .iter()
                        .position(|b| *b == b':')
                        .is_some_and(|at| at > 0 && at + 1 < pair.len())
            }),
        }
    }
}

/// The base62 alphabet of GitHub and npm token checksums.
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Checks `<prefix>_<30 random><6 checksum>`: the last six base62 digits
/// are the CRC32 of the thirty before them.
pub fn crc32_base62_valid(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    let body = body.as_bytes();
    if body.len() != 36 {
        return false;
    }
    let (random, checksum) = body.split_at(30);
    decode_base62(checksum) == Some(u64::from(crc32(random)))
}

/// The CRC32 of `data` as six base62 digits (for fixtures and tests).
pub fn crc32_base62(data: &[u8]) -> String {
    let mut value = u64::from(crc32(data));
    let mut digits = [b'0'; 6];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

fn decode_base62(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, digit| {
        let value = BASE62.iter().position(|b| b == digit)? as u64;
        acc.checked_mul(62)?.checked_add(value)
    })
}

/// CRC-32 (IEEE 802.3, the zlib one), bit by bit: values are short.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A JWT's header (before the first dot) decodes to a JSON object naming
/// its algorithm.
fn jwt_header_valid(token: &str) -> bool {
    let from = token.find("eyJ").unwrap_or(0);
    let header = token[from..].split('.').next().unwrap_or_default();
    decode_base64(header.as_bytes()).is_some_and(|json| {
        let text = String::from_utf8_lossy(&json);
        let text = text.trim_start();
        text.starts_with('{') && text.contains("\"alg\"")
    })
}

/// Decodes standard or URL-safe base64, padded or not; `None` when a byte
/// is outside both alphabets. Bounded by the input's length.
pub fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for byte in text {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_zlib_reference_value() {
        // zlib.crc32(b"123456789") == 0xCBF43926, the standard check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_style_checksums_verify_and_reject_edits() {
        let random = "Rk9yZ3NJc0JyaWdodE1vcm5pbmc0U";
        let random = &random[..30.min(random.len())];
        let random = format!("{random:0<30}");
        let token = format!("ghp_{random}{}", crc32_base62(random.as_bytes()));
        assert!(crc32_base62_valid(&token), "{token}");
        let mut edited = token.clone().into_bytes();
        edited[10] = if edited[10] == b'a' { b'b' } else { b'a' };
        assert!(!crc32_base62_valid(&String::from_utf8_lossy(&edited)));
        assert!(!crc32_base62_valid(
            "ghp_012345678901234567890123456789abcdef"
        ));
    }

    #[test]
    fn jwt_headers_must_decode_to_json_with_an_algorithm() {
        assert!(Check::JwtHeader.passes("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assert!(!Check::JwtHeader.passes("eyJtestHEADERdummynotreal00.eyJ.x"));
    }

    #[test]
    fn aws_key_ids_are_base32() {
        assert!(Check::AwsKeyId.passes("AKIA2OGYBAH6RKWQLQ7P"));
        assert!(!Check::AwsKeyId.passes("AKIA0123456789ABCDEF"));
    }

    #[test]
    fn base64_decodes_both_alphabets() {
        assert_eq!(decode_base64(b"aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64(b"-_8").map(|d| d.len()), Some(2));
        assert!(decode_base64(b"not base64!").is_none());
    }
}
