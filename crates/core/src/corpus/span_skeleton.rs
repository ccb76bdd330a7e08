//! A trace's span skeleton: per span, in the trace's order (parents first), where its parent is,
//! whether it failed, its duration and its self time (the time no child covered), in a few bytes.
//! With the span facts the index already keeps (each span's kind and name), it is everything the
//! merged tree needs, so merging a hundred thousand traces reads no file again.
//!
//! Encoding, per span: a varint of `(distance to the parent) << 2 | covered << 1 | failed`
//! (distance 0: no parent earlier in the trace; `covered`: some of the span's time is its
//! children's), then the duration and, when `covered`, the covered time (duration less self
//! time) as scaled varints: the low two bits say whether the value is in nanoseconds,
//! microseconds or milliseconds (whichever divides it exactly), so a duration of whole
//! milliseconds takes two bytes, not five. Exact in every case.

use crate::model::Trace;
use crate::transfer::primitives::{Reader, TransferResult, Writer};

/// The scales a time may be written in: (divisor, tag).
const SCALES: [(u64, u64); 3] = [(1_000_000, 2), (1_000, 1), (1, 0)];

/// One span of a skeleton, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkeletonSpan {
    /// The parent's place in the trace (`None`: a root, or a parent not before it).
    pub parent: Option<usize>,
    pub failed: bool,
    pub duration_ns: u64,
    pub self_ns: u64,
}

/// Each span's self time: its duration less the union of its children's intervals within it.
pub fn self_times(trace: &Trace) -> Vec<u64> {
    let spans = &trace.spans;
    // Every child's interval by its parent, in order: one list for the whole trace.
    let mut intervals: Vec<(usize, u64, u64)> = spans
        .iter()
        .filter_map(|span| span.parent.get().map(|parent| (parent, span.start_ns, span.end_ns())))
        .collect();
    intervals.sort_unstable();
    let mut next = 0;
    spans
        .iter()
        .enumerate()
        .map(|(place, span)| {
            let (start, end) = (span.start_ns, span.end_ns());
            let mut covered = 0u64;
            let mut reached = start;
            while let Some(&(_, child_start, child_end)) = intervals.get(next).filter(|interval| interval.0 == place) {
                let (from, to) = (child_start.max(reached), child_end.min(end));
                if to > from {
                    covered += to - from;
                    reached = to;
                }
                next += 1;
            }
            span.duration_ns.saturating_sub(covered)
        })
        .collect()
}

fn write_time(writer: &mut Writer, value: u64) {
    let (divisor, tag) = SCALES.iter().copied().find(|(divisor, _)| value.is_multiple_of(*divisor)).unwrap_or((1, 0));
    let scaled = value / divisor;
    // A value too large to shift is written unscaled with a tag of its own.
    if scaled >> 62 != 0 {
        writer.varint(3);
        writer.varint(value);
    } else {
        writer.varint(scaled << 2 | tag);
    }
}

fn read_time(reader: &mut Reader) -> TransferResult<u64> {
    let word = reader.varint()?;
    match word & 3 {
        3 => reader.varint(),
        tag => {
            let divisor = SCALES.iter().find(|(_, known)| *known == tag).map_or(1, |(divisor, _)| *divisor);
            Ok((word >> 2).saturating_mul(divisor))
        }
    }
}

/// The skeleton of `trace` as bytes.
pub fn skeleton_of(trace: &Trace) -> Vec<u8> {
    let own = self_times(trace);
    let mut writer = Writer { bytes: Vec::with_capacity(trace.spans.len() * 5) };
    for (place, span) in trace.spans.iter().enumerate() {
        let distance = span.parent.get().filter(|parent| *parent < place).map_or(0, |parent| place - parent);
        let covered = span.duration_ns - own[place].min(span.duration_ns);
        writer.varint((distance as u64) << 2 | u64::from(covered > 0) << 1 | u64::from(span.status.is_error()));
        write_time(&mut writer, span.duration_ns);
        if covered > 0 {
            write_time(&mut writer, covered);
        }
    }
    writer.bytes
}

/// Reads a skeleton's spans one at a time; a damaged skeleton ends with an error.
pub struct SkeletonReader<'a> {
    reader: Reader<'a>,
    place: usize,
}

impl<'a> SkeletonReader<'a> {
    pub fn new(bytes: &'a [u8]) -> SkeletonReader<'a> {
        SkeletonReader { reader: Reader::new(bytes, 0), place: 0 }
    }

    /// The next span, `Ok(None)` at the end.
    pub fn next_span(&mut self) -> TransferResult<Option<SkeletonSpan>> {
        if self.reader.remaining() == 0 {
            return Ok(None);
        }
        let word = self.reader.varint()?;
        let distance = (word >> 2) as usize;
        let duration_ns = read_time(&mut self.reader)?;
        let covered_ns = if word & 2 == 2 { read_time(&mut self.reader)? } else { 0 };
        let parent = (distance != 0).then(|| self.place.checked_sub(distance)).flatten();
        self.place += 1;
        Ok(Some(SkeletonSpan {
            parent,
            failed: word & 1 == 1,
            duration_ns,
            self_ns: duration_ns.saturating_sub(covered_ns),
        }))
    }
}

/// The skeletons of the index's rows, one after another in one buffer.
#[derive(Default, Debug)]
pub struct SkeletonStore {
    bytes: Vec<u8>,
    /// Row `r`'s skeleton starts at `starts[r]` and ends where row `r + 1`'s starts.
    starts: Vec<u32>,
    /// The first row without a skeleton (the buffer would have passed 4 GB): it and every later
    /// row have none, and are read again instead.
    first_without: Option<usize>,
}

impl SkeletonStore {
    /// Keeps the skeleton of the next row.
    pub fn push(&mut self, skeleton: &[u8]) {
        let row = self.starts.len();
        self.starts.push(self.bytes.len() as u32);
        if self.first_without.is_none() && self.bytes.len() + skeleton.len() <= u32::MAX as usize {
            self.bytes.extend_from_slice(skeleton);
        } else {
            self.first_without.get_or_insert(row);
        }
    }

    /// Row `row`'s skeleton, if it has one.
    pub fn get(&self, row: usize) -> Option<&[u8]> {
        if self.first_without.is_some_and(|first| row >= first) {
            return None;
        }
        let start = *self.starts.get(row)? as usize;
        let end = self.starts.get(row + 1).map_or(self.bytes.len(), |end| *end as usize);
        self.bytes.get(start..end)
    }

    /// Bytes held: the skeletons and a start per row.
    pub fn heap_bytes(&self) -> usize {
        self.bytes.len() + self.starts.len() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_text;

    #[test]
    fn times_come_back_exactly_in_whichever_scale_divides_them() {
        for value in [0, 1, 999, 1_000, 1_500_000, 2_000_000, 1_234_567_891, u64::MAX, u64::MAX / 4, 1 << 62] {
            let mut writer = Writer { bytes: Vec::new() };
            write_time(&mut writer, value);
            let mut reader = Reader::new(&writer.bytes, 0);
            assert_eq!(read_time(&mut reader), Ok(value), "{value}");
            assert_eq!(reader.remaining(), 0);
        }
        let mut writer = Writer { bytes: Vec::new() };
        write_time(&mut writer, 1_500 * 1_000_000);
        assert_eq!(writer.bytes.len(), 2, "1.5 s in milliseconds");
    }

    #[test]
    fn a_skeleton_gives_back_parents_failures_durations_and_self_times() {
        let text = r#"{"format":"trace-viewer/v1","traces":[{"id":"t","spans":[
            {"id":"a","name":"agent","kind":"agent","start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:00:01Z"},
            {"id":"b","parent":"a","name":"plan","kind":"llm","start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:00:00.400Z"},
            {"id":"c","parent":"b","name":"search","kind":"tool","start":"2024-01-01T00:00:00.100Z","end":"2024-01-01T00:00:00.300Z"},
            {"id":"d","parent":"b","name":"search","kind":"tool","start":"2024-01-01T00:00:00.200Z","end":"2024-01-01T00:00:00.350000001Z","status":"error"}
        ]}]}"#;
        let trace = import_text(text, None).expect("imports").traces.remove(0);
        let bytes = skeleton_of(&trace);
        let mut reader = SkeletonReader::new(&bytes);
        let mut spans = Vec::new();
        while let Some(span) = reader.next_span().expect("reads") {
            spans.push(span);
        }
        let ms = 1_000_000;
        let expected: Vec<SkeletonSpan> = trace
            .spans
            .iter()
            .zip(self_times(&trace))
            .map(|(span, self_ns)| SkeletonSpan {
                parent: span.parent.get(),
                failed: span.status.is_error(),
                duration_ns: span.duration_ns,
                self_ns,
            })
            .collect();
        assert_eq!(spans, expected);
        // plan: 400 ms, its searches cover 100..350.000001 ms.
        let plan = spans.iter().find(|span| span.duration_ns == 400 * ms).expect("plan");
        assert_eq!(plan.self_ns, 150 * ms - 1);
        assert_eq!(spans.iter().filter(|span| span.failed).count(), 1);
        for cut in 1..bytes.len() {
            let mut reader = SkeletonReader::new(&bytes[..cut]);
            let mut outcome = Ok(Some(spans[0]));
            while let Ok(Some(_)) = outcome {
                outcome = reader.next_span();
            }
            // A cut inside a span's fields is an error; a cut between spans reads fewer spans.
            assert!(outcome.is_err() || outcome == Ok(None), "cut at {cut}");
        }
    }

    #[test]
    fn the_store_hands_each_row_its_own_skeleton() {
        let mut store = SkeletonStore::default();
        store.push(&[1, 2, 3]);
        store.push(&[]);
        store.push(&[4]);
        assert_eq!(store.get(0), Some(&[1u8, 2, 3][..]));
        assert_eq!(store.get(1), Some(&[][..]));
        assert_eq!(store.get(2), Some(&[4u8][..]));
        assert_eq!(store.get(3), None);
        assert_eq!(store.heap_bytes(), 4 + 3 * 4);
    }
}
