//! Reading the traces of a merged tree again, for those the index has no span skeleton of (a
//! trace split across lines or files; the others are merged at once): each trace's byte ranges are gathered into a few
//! windows of its files (ranges close together read as one, so a hundred thousand traces take a
//! few dozen reads, not a hundred thousand), the worker reads the windows in order and hands each
//! here, and a trace is imported and merged as soon as its last range has arrived. Traces whose
//! ranges are the same (a document holding several) are imported once.

use std::collections::HashMap;

use super::merged_tree::{MergedAnswer, MergedTree};
use super::ByteRange;
use crate::import::{import_buffers, import_bytes, ImportError};
use crate::model::TraceSet;

/// A window grows over ranges at most this far apart…
const GAP_BYTES: u64 = 64 << 10;
/// …up to this length (a range longer than that is a window of its own).
const WINDOW_BYTES: u64 = 8 << 20;

/// A range inside a window: which unit and which of its parts it is.
struct Piece {
    unit: u32,
    part: u32,
    start: usize,
    length: usize,
    opening: Option<String>,
}

/// Ranges imported together, and the traces to merge from them.
struct Unit {
    trace_ids: Vec<String>,
    parts: Vec<Option<Vec<u8>>>,
    received: usize,
}

/// A merged tree being read: the windows to read and what each holds.
pub struct MergeReading {
    /// What to read, in order: a file, an offset and a length each (`opening` unused).
    pub windows: Vec<ByteRange>,
    pieces: Vec<Vec<Piece>>,
    units: Vec<Unit>,
    tree: MergedTree,
    matching: u64,
    /// Imports that failed (a file changed since it was read), said once at the end.
    problems: u64,
}

impl MergeReading {
    /// Plans the reading of `units` (a trace id and its ranges each) into `tree` (the traces
    /// merged without reading); `matching`: how many traces the filter kept, of which these are
    /// the first.
    pub fn plan(units: Vec<(String, Vec<ByteRange>)>, matching: u64, tree: MergedTree) -> MergeReading {
        let mut merged: Vec<Unit> = Vec::new();
        let mut by_ranges: HashMap<Vec<(u32, u64, u32)>, u32> = HashMap::new();
        let mut ranges: Vec<(ByteRange, u32, u32)> = Vec::new();
        for (trace_id, trace_ranges) in units {
            let key: Vec<(u32, u64, u32)> =
                trace_ranges.iter().map(|range| (range.file, range.offset, range.length)).collect();
            if let Some(&unit) = by_ranges.get(&key) {
                merged[unit as usize].trace_ids.push(trace_id);
                continue;
            }
            let unit = merged.len() as u32;
            by_ranges.insert(key, unit);
            merged.push(Unit { trace_ids: vec![trace_id], parts: vec![None; trace_ranges.len()], received: 0 });
            ranges.extend(trace_ranges.into_iter().enumerate().map(|(part, range)| (range, unit, part as u32)));
        }
        ranges.sort_by_key(|(range, _, _)| (range.file, range.offset));
        let mut windows: Vec<ByteRange> = Vec::new();
        let mut pieces: Vec<Vec<Piece>> = Vec::new();
        for (range, unit, part) in ranges {
            let end = range.offset + u64::from(range.length);
            let fits = windows.last().is_some_and(|window| {
                let window_end = window.offset + u64::from(window.length);
                window.file == range.file
                    && range.offset <= window_end + GAP_BYTES
                    && end - window.offset <= WINDOW_BYTES
            });
            if !fits {
                windows.push(ByteRange { file: range.file, offset: range.offset, length: 0, opening: None });
                pieces.push(Vec::new());
            }
            let (Some(window), Some(window_pieces)) = (windows.last_mut(), pieces.last_mut()) else { continue };
            window.length = window.length.max((end - window.offset) as u32);
            window_pieces.push(Piece {
                unit,
                part,
                start: (range.offset - window.offset) as usize,
                length: range.length as usize,
                opening: range.opening,
            });
        }
        MergeReading { windows, pieces, units: merged, tree, matching, problems: 0 }
    }

    /// Window `window`'s bytes, read: every trace whose ranges are now all here is merged. A trace
    /// of one line (most) is imported from the window's bytes where they lie.
    pub fn add_window(&mut self, window: usize, bytes: &[u8]) {
        let Some(pieces) = self.pieces.get_mut(window) else { return };
        for piece in std::mem::take(pieces) {
            let Some(range) = bytes.get(piece.start..piece.start + piece.length) else {
                self.problems += 1;
                continue;
            };
            let unit = &mut self.units[piece.unit as usize];
            if unit.parts.len() == 1 && piece.opening.is_none() {
                unit.received = 1;
                self.merge_unit(piece.unit as usize, range);
                continue;
            }
            // An element of a document read element by element is read inside the document's opening.
            let part = match &piece.opening {
                Some(opening) => [opening.as_bytes(), range, b"]}"].concat(),
                None => range.to_vec(),
            };
            unit.parts[piece.part as usize] = Some(part);
            unit.received += 1;
            if unit.received == unit.parts.len() {
                // The parts as files of one import (each read alone, then joined by trace id).
                let parts: Vec<Vec<u8>> = unit.parts.iter_mut().filter_map(Option::take).collect();
                let files: Vec<(Option<&str>, &[u8])> = parts.iter().map(|part| (None, part.as_slice())).collect();
                self.merge_imported(piece.unit as usize, import_buffers(&files));
            }
        }
    }

    fn merge_unit(&mut self, unit: usize, bytes: &[u8]) {
        self.merge_imported(unit, import_bytes(bytes, None));
    }

    fn merge_imported(&mut self, unit: usize, imported: Result<TraceSet, ImportError>) {
        let trace_ids = std::mem::take(&mut self.units[unit].trace_ids);
        match imported {
            Ok(set) => {
                for trace in set.traces.iter().filter(|trace| trace_ids.contains(&trace.trace_id)) {
                    self.tree.add(trace);
                }
            }
            Err(_) => self.problems += 1,
        }
    }

    /// How many traces the filter kept (the first `limit` of them are merged).
    pub fn matching(&self) -> u64 {
        self.matching
    }

    /// Traces merged so far.
    pub fn traces_merged(&self) -> u64 {
        self.tree.traces()
    }

    /// Ranges that could not be read or imported again.
    pub fn problems(&self) -> u64 {
        self.problems
    }

    pub fn finish(self) -> MergedAnswer {
        self.tree.answer(self.matching)
    }
}
