//! Files saved as UTF-16 (Windows tools and PowerShell's `Out-File` write it): recognised by
//! their byte-order mark, or, without one, by the zero byte beside the first character (JSON text
//! starts with an ASCII character, which UTF-16 writes as that byte and a zero), and decoded to
//! the UTF-8 text the importers read.

/// Which byte order a UTF-16 file has, and how many bytes of byte-order mark to skip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// The byte order and the length of the byte-order mark when `bytes` look like UTF-16 text.
pub fn detect(bytes: &[u8]) -> Option<(ByteOrder, usize)> {
    match bytes {
        [0xFF, 0xFE, ..] => Some((ByteOrder::Little, 2)),
        [0xFE, 0xFF, ..] => Some((ByteOrder::Big, 2)),
        [first, 0, ..] if *first != 0 => Some((ByteOrder::Little, 0)),
        [0, second, ..] if *second != 0 => Some((ByteOrder::Big, 0)),
        _ => None,
    }
}

/// The text of UTF-16 `units` (byte-order mark already skipped), or the index of the first unit
/// that is not part of a character (an unpaired surrogate, or a last odd byte).
pub fn decode(bytes: &[u8], order: ByteOrder) -> Result<String, usize> {
    let units = bytes.chunks_exact(2).map(|pair| match order {
        ByteOrder::Little => u16::from_le_bytes([pair[0], pair[1]]),
        ByteOrder::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut unit_index = 0;
    for character in char::decode_utf16(units) {
        match character {
            Ok(character) => {
                text.push(character);
                unit_index += character.len_utf16();
            }
            Err(_) => return Err(unit_index),
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(unit_index);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(text: &str, order: ByteOrder, mark: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let units = if mark { vec![0xFEFF] } else { Vec::new() };
        for unit in units.into_iter().chain(text.encode_utf16()) {
            bytes.extend(match order {
                ByteOrder::Little => unit.to_le_bytes(),
                ByteOrder::Big => unit.to_be_bytes(),
            });
        }
        bytes
    }

    #[test]
    fn both_byte_orders_with_and_without_a_mark_decode_to_the_same_text() {
        let text = "{\"name\": \"日本語 𝄞 é\"}";
        for order in [ByteOrder::Little, ByteOrder::Big] {
            for mark in [true, false] {
                let bytes = encoded(text, order, mark);
                let (found, skip) = detect(&bytes).expect("recognised as UTF-16");
                assert_eq!((found, skip), (order, if mark { 2 } else { 0 }));
                assert_eq!(decode(&bytes[skip..], order).as_deref(), Ok(text));
            }
        }
    }

    #[test]
    fn utf8_json_is_not_taken_for_utf16() {
        assert_eq!(detect(b"{\"a\": 1}"), None);
        assert_eq!(detect(b"\xEF\xBB\xBF{}"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn an_unpaired_surrogate_or_an_odd_byte_says_where() {
        let mut bytes = encoded("{\"a\"", ByteOrder::Little, false);
        bytes.extend(0xD800u16.to_le_bytes());
        bytes.extend(encoded("}", ByteOrder::Little, false));
        assert_eq!(decode(&bytes, ByteOrder::Little), Err(4));
        let odd = [b'{', 0, b'}'];
        assert_eq!(decode(&odd, ByteOrder::Little), Err(1));
    }
}
