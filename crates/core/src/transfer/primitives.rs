//! The primitives of the transfer encoding: LEB128 varints, little-endian floats, length-prefixed
//! UTF-8 strings and one-byte tags. The writer cannot fail; every read checks bounds and says where
//! it stopped, so a damaged buffer gives an error, never a panic.

/// Appends values to a growing byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    pub fn count(&mut self, value: usize) {
        self.varint(value as u64);
    }

    pub fn float(&mut self, value: f64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub fn text(&mut self, value: &str) {
        self.count(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
    }

    pub fn raw(&mut self, value: &[u8]) {
        self.count(value.len());
        self.bytes.extend_from_slice(value);
    }

    /// `None` as a 0 byte; `Some(value)` as a 1 byte followed by the value.
    pub fn option<T>(&mut self, value: &Option<T>, write: impl FnOnce(&mut Self, &T)) {
        match value {
            None => self.byte(0),
            Some(inner) => {
                self.byte(1);
                write(self, inner);
            }
        }
    }

    pub fn optional_text(&mut self, value: &Option<String>) {
        self.option(value, |writer, text| writer.text(text));
    }

    pub fn optional_varint(&mut self, value: Option<u64>) {
        self.option(&value, |writer, number| writer.varint(*number));
    }

    pub fn list<T>(&mut self, items: &[T], mut write: impl FnMut(&mut Self, &T)) {
        self.count(items.len());
        for item in items {
            write(self, item);
        }
    }
}

/// Why a buffer could not be decoded, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferError {
    pub position: usize,
    pub reason: &'static str,
}

impl std::fmt::Display for TransferError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "damaged transfer data at byte {}: {}", self.position, self.reason)
    }
}

pub type TransferResult<T> = Result<T, TransferError>;

/// Reads values back in the order a [`Writer`] wrote them.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pub position: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], position: usize) -> Self {
        Reader { bytes, position }
    }

    pub fn fail<T>(&self, reason: &'static str) -> TransferResult<T> {
        Err(TransferError { position: self.position, reason })
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.position)
    }

    pub fn byte(&mut self) -> TransferResult<u8> {
        match self.bytes.get(self.position) {
            Some(value) => {
                self.position += 1;
                Ok(*value)
            }
            None => self.fail("ends early"),
        }
    }

    pub fn varint(&mut self) -> TransferResult<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        self.fail("number too long")
    }

    pub fn count(&mut self) -> TransferResult<usize> {
        let value = self.varint()?;
        usize::try_from(value).or_else(|_| self.fail("count too large"))
    }

    /// A count of items that each take at least one byte: more than the bytes left is damage.
    pub fn item_count(&mut self) -> TransferResult<usize> {
        let count = self.count()?;
        if count > self.remaining() {
            return self.fail("count larger than the data");
        }
        Ok(count)
    }

    pub fn u32(&mut self) -> TransferResult<u32> {
        let value = self.varint()?;
        u32::try_from(value).or_else(|_| self.fail("number too large"))
    }

    pub fn float(&mut self) -> TransferResult<f64> {
        let end = self.position + 8;
        match self.bytes.get(self.position..end) {
            Some(slice) => {
                let mut array = [0u8; 8];
                array.copy_from_slice(slice);
                self.position = end;
                Ok(f64::from_le_bytes(array))
            }
            None => self.fail("ends early"),
        }
    }

    pub fn raw(&mut self) -> TransferResult<&'a [u8]> {
        let length = self.count()?;
        if length > self.remaining() {
            return self.fail("ends early");
        }
        let slice = &self.bytes[self.position..self.position + length];
        self.position += length;
        Ok(slice)
    }

    pub fn text(&mut self) -> TransferResult<String> {
        self.str().map(str::to_string)
    }

    /// Text borrowed from the buffer, for callers that may not need a copy.
    pub fn str(&mut self) -> TransferResult<&'a str> {
        let start = self.position;
        let slice = self.raw()?;
        std::str::from_utf8(slice).map_err(|_| TransferError { position: start, reason: "text is not UTF-8" })
    }

    pub fn flag(&mut self) -> TransferResult<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => self.fail("bad flag"),
        }
    }

    pub fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> TransferResult<T>) -> TransferResult<Option<T>> {
        if self.flag()? {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn optional_text(&mut self) -> TransferResult<Option<String>> {
        self.option(Self::text)
    }

    pub fn optional_varint(&mut self) -> TransferResult<Option<u64>> {
        self.option(Self::varint)
    }

    pub fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> TransferResult<T>) -> TransferResult<Vec<T>> {
        let count = self.item_count()?;
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push(read(self)?);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_round_trip() {
        let mut writer = Writer::default();
        for number in [0u64, 1, 127, 128, 300, u64::MAX] {
            writer.varint(number);
        }
        writer.float(-1.5);
        writer.text("héllo");
        writer.optional_text(&None);
        writer.optional_text(&Some("x".into()));
        let mut reader = Reader::new(&writer.bytes, 0);
        for number in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(reader.varint().unwrap(), number);
        }
        assert_eq!(reader.float().unwrap(), -1.5);
        assert_eq!(reader.text().unwrap(), "héllo");
        assert_eq!(reader.optional_text().unwrap(), None);
        assert_eq!(reader.optional_text().unwrap(), Some("x".into()));
        assert_eq!(reader.remaining(), 0);
    }

    #[test]
    fn damaged_buffers_give_errors_with_positions() {
        assert_eq!(Reader::new(&[], 0).byte(), Err(TransferError { position: 0, reason: "ends early" }));
        assert_eq!(Reader::new(&[0xff; 11], 0).varint().unwrap_err().reason, "number too long");
        assert_eq!(Reader::new(&[5, b'a'], 0).text().unwrap_err().reason, "ends early");
        assert_eq!(Reader::new(&[1, 0xff], 0).text().unwrap_err().reason, "text is not UTF-8");
        assert_eq!(Reader::new(&[200, 1], 0).item_count().unwrap_err().reason, "count larger than the data");
        assert_eq!(Reader::new(&[2], 0).flag().unwrap_err().reason, "bad flag");
    }
}
