//! Byte encodings found in trace files: base64 (standard and URL-safe) and hex, for ids and bytes.

const BASE64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for position in 0..4 {
            if position <= chunk.len() {
                out.push(BASE64_ALPHABET[(triple >> (18 - 6 * position) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_digit(byte: u8) -> Option<u32> {
    let value = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes standard or URL-safe base64, padded or not. `None` on any other character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in trimmed.bytes() {
        buffer = (buffer << 6) | base64_digit(byte)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[(byte >> 4) as usize] as char);
        out.push(DIGITS[(byte & 15) as usize] as char);
    }
    out
}

/// Normalises a binary id of `byte_length` bytes (16 for traces, 8 for spans) to lowercase hex.
/// Hex of the right length wins; else base64 that decodes to the right length; else the text as
/// given, with `false` so the caller can warn.
pub fn normalise_binary_id(text: &str, byte_length: usize) -> (String, bool) {
    let text = text.trim();
    let unprefixed = text.strip_prefix("0x").unwrap_or(text);
    if unprefixed.len() == byte_length * 2 && unprefixed.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return (unprefixed.to_ascii_lowercase(), true);
    }
    if let Some(bytes) = base64_decode(text).filter(|bytes| bytes.len() == byte_length) {
        return (hex_encode(&bytes), true);
    }
    if !unprefixed.is_empty()
        && unprefixed.len() <= byte_length * 2
        && unprefixed.bytes().all(|byte| byte.is_ascii_hexdigit())
    {
        // Short hex (a 64-bit Jaeger trace id): pad on the left as OpenTelemetry does.
        return (format!("{:0>width$}", unprefixed.to_ascii_lowercase(), width = byte_length * 2), true);
    }
    (text.to_string(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length() {
        for length in 0..20u8 {
            let bytes: Vec<u8> = (0..length).map(|index| index.wrapping_mul(37).wrapping_add(200)).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)), Some(bytes));
        }
        assert_eq!(base64_encode(b"hi!?"), "aGkhPw==");
    }

    #[test]
    fn ids_in_hex_base64_and_prefixed_forms_normalise_to_the_same_hex() {
        let hex = "5b8efff798038103d269b633813fc60c";
        assert_eq!(normalise_binary_id("5B8EFFF798038103D269B633813FC60C", 16), (hex.to_string(), true));
        assert_eq!(normalise_binary_id("W47/95gDgQPSabYzgT/GDA==", 16), (hex.to_string(), true));
        assert_eq!(normalise_binary_id("0x5b8efff798038103d269b633813fc60c", 16), (hex.to_string(), true));
        assert_eq!(normalise_binary_id("7uGbfsPBsXQ=", 8), ("eee19b7ec3c1b174".to_string(), true));
        assert_eq!(normalise_binary_id("abc", 8), ("0000000000000abc".to_string(), true));
        assert_eq!(normalise_binary_id("not an id!", 8), ("not an id!".to_string(), false));
    }
}
