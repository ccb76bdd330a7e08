//! The duration × time heatmap of the traces a filter keeps: columns of equal time from the first
//! start to the last, rows of durations spaced by ratio from the shortest to the longest, each
//! cell the number of traces (and of failed ones) in it. A box brushed on it is a filter on
//! `start` and `duration_ms`, which BubbleUp takes as its selection.

use serde::Serialize;

use super::index::CorpusIndex;

/// The heatmap's cells, row by row from the shortest durations up, each row left to right in time.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Heatmap {
    /// The first and last start (ms since 1970): the columns split that span evenly.
    pub start_ms: f64,
    pub end_ms: f64,
    pub columns: u32,
    /// Row `r` holds durations from `duration_edges_ms[r]` to `duration_edges_ms[r + 1]` (the first
    /// row also those shorter, the last the longest).
    pub duration_edges_ms: Vec<f64>,
    pub counts: Vec<u32>,
    pub failed: Vec<u32>,
}

/// The heatmap of `rows` with `columns` × `duration_rows` cells.
pub fn heatmap(index: &CorpusIndex, rows: &[u32], columns: usize, duration_rows: usize) -> Heatmap {
    let (columns, duration_rows) = (columns.max(1), duration_rows.max(1));
    let starts = rows.iter().map(|&row| index.start_ns[row as usize]).filter(|&start| start > 0);
    let (first, last) = starts.fold((u64::MAX, 0u64), |(low, high), start| (low.min(start), high.max(start)));
    if first > last {
        return Heatmap { columns: columns as u32, ..Heatmap::default() };
    }
    // Rows spaced by ratio from the shortest duration (1 ms at least) to the longest.
    let durations = rows.iter().map(|&row| (index.duration_ns[row as usize] as f64 / 1e6).max(1.0));
    let (shortest, longest) = durations.fold((f64::INFINITY, 1.0f64), |(low, high), ms| (low.min(ms), high.max(ms)));
    let ratio = ((longest / shortest).ln() / duration_rows as f64).max(f64::MIN_POSITIVE);
    let mut duration_edges_ms: Vec<f64> =
        (0..=duration_rows).map(|edge| shortest * (ratio * edge as f64).exp()).collect();
    duration_edges_ms[duration_rows] = longest;
    let span = (last - first).max(1) as f64;
    let mut counts = vec![0u32; columns * duration_rows];
    let mut failed = vec![0u32; columns * duration_rows];
    for &row in rows {
        let row = row as usize;
        let start = index.start_ns[row];
        if start == 0 {
            continue;
        }
        let column = (((start - first) as f64 / span * columns as f64) as usize).min(columns - 1);
        let duration = (index.duration_ns[row] as f64 / 1e6).max(1.0);
        let duration_row = (((duration / shortest).ln() / ratio) as usize).min(duration_rows - 1);
        let cell = duration_row * columns + column;
        counts[cell] += 1;
        failed[cell] += u32::from(index.error_count.at(row) > 0);
    }
    Heatmap {
        start_ms: first as f64 / 1e6,
        end_ms: last as f64 / 1e6,
        columns: columns as u32,
        duration_edges_ms,
        counts,
        failed,
    }
}

/// The filter a box of cells stands for: columns `first_column..=last_column` and duration rows
/// `first_row..=last_row` (times and durations to the whole millisecond, widened to hold the box).
pub fn box_filter(
    map: &Heatmap,
    (first_column, last_column): (u32, u32),
    (first_row, last_row): (usize, usize),
) -> String {
    let column_ms = (map.end_ms - map.start_ms).max(1e-6) / f64::from(map.columns.max(1));
    let from = (map.start_ms + column_ms * f64::from(first_column)).floor() as u64;
    let to = (map.start_ms + column_ms * f64::from(last_column + 1)).ceil() as u64;
    let shortest = map.duration_edges_ms.get(first_row).copied().unwrap_or(0.0).floor() as u64;
    let longest = map.duration_edges_ms.get(last_row + 1).copied().unwrap_or(0.0).ceil() as u64;
    let last_row_is_top = last_row + 2 >= map.duration_edges_ms.len();
    let mut parts = vec![format!("start >= {from}")];
    // The last column holds the last start itself.
    parts.push(if last_column + 1 >= map.columns { format!("start <= {to}") } else { format!("start < {to}") });
    if first_row > 0 {
        parts.push(format!("duration_ms >= {shortest}"));
    }
    if !last_row_is_top {
        parts.push(format!("duration_ms < {longest}"));
    }
    parts.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    #[test]
    fn cells_count_every_trace_and_a_box_is_the_filter_of_its_traces() {
        let mut corpus = Corpus::new();
        let file = corpus.add_file("corpus.jsonl");
        corpus.feed(file, crate::generate::corpus::otlp_json_lines(600).as_bytes());
        corpus.finish_file(file);
        let rows: Vec<u32> = (0..corpus.index.len() as u32).collect();
        let map = heatmap(&corpus.index, &rows, 12, 8);
        assert_eq!(map.counts.iter().sum::<u32>() as usize, rows.len());
        assert_eq!(map.counts.len(), 12 * 8);
        let failed = corpus.query("status = error", "", 0).unwrap().count;
        assert_eq!(u64::from(map.failed.iter().sum::<u32>()), failed);
        // A box's filter keeps about the traces of its cells (edges rounded to the millisecond).
        let in_box: u32 = (2..=5)
            .flat_map(|row| (3..=7).map(move |column| (row, column)))
            .map(|(row, column)| map.counts[row * 12 + column])
            .sum();
        let filter = box_filter(&map, (3, 7), (2, 5));
        let kept = corpus.query(&filter, "", 0).unwrap().count;
        assert!(in_box > 0 && (kept as i64 - i64::from(in_box)).abs() <= 3, "{filter}: {kept} against {in_box}");
        // The whole map is every trace.
        let everything = box_filter(&map, (0, 11), (0, 7));
        assert_eq!(corpus.query(&everything, "", 0).unwrap().count as usize, rows.len(), "{everything}");
    }
}
