use std::io::{BufRead, BufReader};
use std::time::Instant;
use trace_viewer_core::corpus::merged_tree::MergedTree;
use trace_viewer_core::import::import_bytes;

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let count: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let window: usize = std::env::args().nth(3).unwrap_or("1".into()).parse().unwrap();
    let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path).unwrap());
    let lines: Vec<Vec<u8>> = reader.split(b'\n').take(count).map(|l| l.unwrap()).collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    let started = Instant::now();
    let mut tree = MergedTree::default();
    let mut import_ns = 0u128;
    for chunk in lines.chunks(window) {
        let joined: Vec<u8> = chunk.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect();
        let t = Instant::now();
        let set = import_bytes(&joined, None).unwrap();
        import_ns += t.elapsed().as_nanos();
        for trace in &set.traces {
            tree.add(trace);
        }
    }
    let total = started.elapsed();
    println!(
        "{count} traces, {:.1} MB, window {window}: total {:?} ({:.0} MB/s), import {:.0} ms",
        bytes as f64 / 1e6,
        total,
        bytes as f64 / 1e6 / total.as_secs_f64(),
        import_ns as f64 / 1e6
    );
}
