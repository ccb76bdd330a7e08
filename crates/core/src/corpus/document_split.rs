//! Reading one large JSON document element by element, so a document larger than wasm memory
//! streams like JSON Lines. An OTLP export (`{"resourceSpans": [...]}`) or a Jaeger one
//! (`{"data": [...]}`) is a wrapper around an array whose elements stand alone: each element,
//! put back in the document's opening (`{"resourceSpans":[` + element + `]}`), is a document of
//! its own that the importers read. [`recognise_opening`] finds that opening; [`ElementScanner`]
//! finds the elements' ends across chunks (tracking strings and nesting only); a trace whose spans
//! lie in several elements is joined by id in the index, as lines are.

use super::newlines;

/// Keys of a top-level array whose elements are documents on their own: OTLP's (both spellings)
/// and Jaeger's.
pub const SPLIT_KEYS: [&str; 3] = ["resourceSpans", "resource_spans", "data"];
/// An opening (what precedes the array) longer than this is not looked for further.
pub const MAX_OPENING_BYTES: usize = 1 << 20;
/// What closes an element put back in its opening.
pub const CLOSING: &str = "]}";

/// What the start of a document says about splitting it.
#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    /// More bytes are needed to tell.
    Incomplete,
    /// The array of `key` starts after `length` bytes (the opening, through its `[`).
    Split { key: String, length: usize },
    /// Not a document of that shape: it is read whole.
    Whole,
}

/// Looks for the opening of a splittable document at the start of `bytes`: an object whose
/// member named one of [`SPLIT_KEYS`] is an array (members before it are kept in the opening).
pub fn recognise_opening(bytes: &[u8]) -> Opening {
    let mut at = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut cursor = Cursor { bytes, at: &mut at };
    let outcome = (|| {
        cursor.skip_white_space()?;
        if cursor.next()? != b'{' {
            return Some(Opening::Whole);
        }
        loop {
            cursor.skip_white_space()?;
            match cursor.next()? {
                b'"' => {}
                _ => return Some(Opening::Whole),
            }
            let key_start = *cursor.at;
            skip_string_rest(cursor.bytes, cursor.at)?;
            let key = &cursor.bytes[key_start..*cursor.at - 1];
            cursor.skip_white_space()?;
            if cursor.next()? != b':' {
                return Some(Opening::Whole);
            }
            cursor.skip_white_space()?;
            let split_key = SPLIT_KEYS.iter().find(|split_key| split_key.as_bytes() == key);
            if let (Some(split_key), b'[') = (split_key, cursor.peek()?) {
                *cursor.at += 1;
                return Some(Opening::Split { key: split_key.to_string(), length: *cursor.at });
            }
            skip_value(cursor.bytes, cursor.at)?;
            cursor.skip_white_space()?;
            if cursor.next()? != b',' {
                return Some(Opening::Whole);
            }
        }
    })();
    match outcome {
        Some(opening) => opening,
        None if bytes.len() > MAX_OPENING_BYTES => Opening::Whole,
        None => Opening::Incomplete,
    }
}

struct Cursor<'a, 'b> {
    bytes: &'a [u8],
    at: &'b mut usize,
}

impl Cursor<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(*self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        *self.at += 1;
        Some(byte)
    }

    fn skip_white_space(&mut self) -> Option<()> {
        while self.peek()?.is_ascii_whitespace() {
            *self.at += 1;
        }
        Some(())
    }
}

/// Moves `at` past the end of a string whose opening quote is already passed; `None` when the
/// bytes end first.
fn skip_string_rest(bytes: &[u8], at: &mut usize) -> Option<()> {
    loop {
        *at += newlines::find_quote_or_backslash(bytes.get(*at..)?)?;
        if bytes[*at] == b'"' {
            *at += 1;
            return Some(());
        }
        *at += 2;
    }
}

/// Moves `at` past one whole JSON value (any kind); `None` when the bytes end first.
fn skip_value(bytes: &[u8], at: &mut usize) -> Option<()> {
    let mut end = None;
    // The value as the first element of an array: it is whole once the scanner says it ended
    // (a number is only once something follows it).
    ElementScanner::new(0).scan(bytes.get(*at..)?, |_, element_end| {
        end = Some(element_end);
        false
    });
    *at += end? as usize;
    Some(())
}

/// Finds the elements of a JSON array, across chunks, from just inside its `[`. Positions are
/// counted from where the scanner started (the caller's file offset, say).
#[derive(Debug, Clone)]
pub struct ElementScanner {
    /// Nesting inside the current element (0: between elements).
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Inside a number or literal that is an element.
    in_scalar: bool,
    element_start: u64,
    /// The position of the next byte to scan.
    position: u64,
    /// Where the array closed (its `]` passed), once it has.
    ended_at: Option<u64>,
}

impl ElementScanner {
    pub fn new(position: u64) -> ElementScanner {
        ElementScanner {
            depth: 0,
            in_string: false,
            escaped: false,
            in_scalar: false,
            element_start: position,
            position,
            ended_at: None,
        }
    }

    /// Where the array closed (the position after its `]`, or after a stray `}` that ends it).
    pub fn ended_at(&self) -> Option<u64> {
        self.ended_at
    }

    /// Scans the next bytes, calling `on_element(start, end)` for each element that ends in them
    /// (it returns whether to go on). Stops at the array's end; bytes after it are not looked at.
    pub fn scan(&mut self, bytes: &[u8], mut on_element: impl FnMut(u64, u64) -> bool) {
        if self.ended_at.is_some() {
            return;
        }
        let base = self.position;
        let mut index = 0;
        while index < bytes.len() {
            let at = base + index as u64;
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    index += 1;
                    continue;
                }
                let Some(found) = newlines::find_quote_or_backslash(&bytes[index..]) else { break };
                index += found;
                if bytes[index] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 && !on_element(self.element_start, base + index as u64 + 1) {
                        self.position = base + index as u64 + 1;
                        return;
                    }
                }
                index += 1;
                continue;
            }
            let byte = bytes[index];
            if self.in_scalar {
                if !(byte == b',' || byte == b']' || byte == b'}' || byte.is_ascii_whitespace()) {
                    index += 1;
                    continue;
                }
                self.in_scalar = false;
                if !on_element(self.element_start, at) {
                    self.position = at;
                    return;
                }
            }
            match byte {
                b'"' => {
                    if self.depth == 0 {
                        self.element_start = at;
                    }
                    self.in_string = true;
                }
                b'{' | b'[' => {
                    if self.depth == 0 {
                        self.element_start = at;
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        self.position = at + 1;
                        self.ended_at = Some(at + 1);
                        return;
                    }
                    self.depth -= 1;
                    if self.depth == 0 && !on_element(self.element_start, at + 1) {
                        self.position = at + 1;
                        return;
                    }
                }
                b',' => {}
                byte if byte.is_ascii_whitespace() => {}
                _ => {
                    if self.depth == 0 {
                        self.element_start = at;
                        self.in_scalar = true;
                    }
                }
            }
            index += 1;
        }
        self.position = base + bytes.len() as u64;
    }

    /// The start of the element under way, if one is (bytes from there must be kept).
    pub fn open_element_start(&self) -> Option<u64> {
        (self.depth > 0 || self.in_string || self.in_scalar).then_some(self.element_start)
    }
}

/// A document being read element by element: its opening (to put each element back in) and
/// where the scan of its array is.
#[derive(Debug, Clone)]
pub struct SplitDocument {
    /// The array's key (`resourceSpans`), for messages.
    pub key: String,
    /// The document's bytes through the array's `[`.
    pub opening: Vec<u8>,
    scanner: ElementScanner,
}

impl SplitDocument {
    /// A document whose opening is `opening`: its array's elements start right after it.
    pub fn new(key: String, opening: Vec<u8>) -> SplitDocument {
        let scanner = ElementScanner::new(opening.len() as u64);
        SplitDocument { key, opening, scanner }
    }

    /// Scans the document's next bytes; returns the end (a file offset) of the last element that
    /// ends in them.
    pub fn scan(&mut self, bytes: &[u8]) -> Option<u64> {
        let mut last_end = None;
        self.scanner.scan(bytes, |_, end| {
            last_end = Some(end);
            true
        });
        last_end
    }

    /// The file offset just after the array's `]`, once it has come.
    pub fn ended_at(&self) -> Option<u64> {
        self.scanner.ended_at()
    }
}

/// Calls `on_element(start, element)` for each element in `bytes` (a run of an array's inside
/// between two elements' ends, as [`SplitDocument::scan`] cut it).
pub fn each_element(bytes: &[u8], mut on_element: impl FnMut(usize, &[u8])) {
    ElementScanner::new(0).scan(bytes, |start, end| {
        on_element(start as usize, &bytes[start as usize..end as usize]);
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements(text: &str, chunk: usize) -> (Vec<String>, Option<u64>) {
        let mut scanner = ElementScanner::new(0);
        let mut found = Vec::new();
        for piece in text.as_bytes().chunks(chunk) {
            scanner.scan(piece, |start, end| {
                found.push(text[start as usize..end as usize].to_string());
                true
            });
        }
        (found, scanner.ended_at())
    }

    #[test]
    fn elements_are_found_whatever_the_chunks() {
        let inside = r#" {"a":"x]}\"{"}, [1,[2]] ,"s\\",12.5e3, true ,null,{"b":{"c":[]}} ], "after": 1}"#;
        let expected = vec![r#"{"a":"x]}\"{"}"#, "[1,[2]]", r#""s\\""#, "12.5e3", "true", "null", r#"{"b":{"c":[]}}"#];
        for chunk in [1, 2, 3, 7, 1000] {
            let (found, ended) = elements(inside, chunk);
            assert_eq!(found, expected, "chunks of {chunk}");
            assert_eq!(ended, Some(inside.find("], \"after\"").unwrap() as u64 + 1), "chunks of {chunk}");
        }
    }

    #[test]
    fn an_element_under_way_is_known_by_its_start() {
        let mut scanner = ElementScanner::new(100);
        scanner.scan(br#"{"a":1}, {"b":"#, |_, _| true);
        assert_eq!(scanner.open_element_start(), Some(109));
        scanner.scan(br#"2}"#, |_, _| true);
        assert_eq!(scanner.open_element_start(), None);
    }

    #[test]
    fn openings_of_otlp_and_jaeger_documents_are_recognised() {
        let otlp = "\u{FEFF} {\n  \"resourceSpans\" : [ {\"resource\":{}}]}";
        assert_eq!(
            recognise_opening(otlp.as_bytes()),
            Opening::Split { key: "resourceSpans".into(), length: otlp.find('[').unwrap() + 1 }
        );
        let jaeger = r#"{"total":0,"meta":{"x":[1,{"y":"]"}]},"data":[{"traceID":"1"}]}"#;
        assert_eq!(
            recognise_opening(jaeger.as_bytes()),
            Opening::Split { key: "data".into(), length: jaeger.find("[{\"traceID").unwrap() + 1 }
        );
        assert_eq!(recognise_opening(br#"{"resourceSpans""#), Opening::Incomplete);
        assert_eq!(recognise_opening(br#"{"total":12"#), Opening::Incomplete);
        assert_eq!(recognise_opening(br#"{"traces":[],"observations":[]}"#), Opening::Whole);
        assert_eq!(recognise_opening(br#"{"data":{"spans":[]}}"#), Opening::Whole);
        assert_eq!(recognise_opening(br#"[{"traceId":"1"}]"#), Opening::Whole);
        assert_eq!(recognise_opening(b"   "), Opening::Incomplete);
        let long = format!("{{\"x\":\"{}", " ".repeat(MAX_OPENING_BYTES + 1));
        assert_eq!(recognise_opening(long.as_bytes()), Opening::Whole);
    }
}
