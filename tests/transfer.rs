//! The worker-to-page transfer encoding gives back exactly the trace set that went in, for every
//! fixture, whether decoded at once or a span at a time; damaged buffers fail with an error.

mod common;

use common::{fixtures, import_both_ways};
use trace_viewer::transfer::{decode, encode, encode_in_pieces, Decoder};

#[test]
fn every_fixture_comes_back_identical() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 34, "found only {fixtures:?}");
    for fixture in &fixtures {
        let set = import_both_ways(fixture);
        let decoded = decode(encode(&set)).unwrap_or_else(|error| panic!("{fixture}: {error}"));
        assert_eq!(decoded, set, "{fixture}: differs after the transfer encoding");
    }
}

#[test]
fn pieces_cut_between_spans_join_to_the_whole_encoding() {
    let set = trace_viewer::import::import_text(&trace_viewer::generate::otlp_trace(3_000), None).unwrap();
    let whole = encode(&set);
    for piece_bytes in [1, 1_000, 100_000, usize::MAX] {
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        encode_in_pieces(&set, piece_bytes, &mut |piece| pieces.push(piece.to_vec()));
        assert_eq!(pieces.concat(), whole, "pieces of {piece_bytes} bytes");
        let expected_pieces = match piece_bytes {
            1 => set.span_count(),
            usize::MAX => 1,
            _ => whole.len() / piece_bytes / 2,
        };
        assert!(pieces.len() >= expected_pieces, "{} pieces of {piece_bytes} bytes", pieces.len());
        if piece_bytes == 100_000 {
            assert!(pieces[..pieces.len() - 1]
                .iter()
                .all(|piece| piece.len() >= piece_bytes && piece.len() < piece_bytes + 10_000));
        }
    }
}

#[test]
fn decoding_piece_by_piece_gives_the_same_set_and_a_missing_piece_is_an_error() {
    // A trace without spans at the end too: nothing after it, and the decoder must not wait for more.
    let mut set = trace_viewer::import::import_text(&trace_viewer::generate::otlp_trace(3_000), None).unwrap();
    let empty = trace_viewer::import::import_text(r#"{"format": "trace-viewer/v1", "spans": []}"#, None).unwrap();
    assert_eq!(empty.span_count(), 0);
    set.traces.extend(empty.traces);
    assert!(set.traces.len() == 2 && set.traces[1].spans.is_empty(), "a trace without spans comes last");
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    encode_in_pieces(&set, 5_000, &mut |piece| pieces.push(piece.to_vec()));
    assert!(pieces.len() > 10, "{} pieces", pieces.len());
    for keep in [pieces.len(), pieces.len() - 1] {
        let mut rest = pieces[1..keep].iter();
        let mut decoder = Decoder::new(pieces[0].clone()).unwrap();
        let outcome = loop {
            match decoder.step(100) {
                Ok(true) => break Ok(()),
                Ok(false) if decoder.needs_bytes() => match rest.next() {
                    Some(piece) => decoder.next_piece(|bytes| bytes.extend_from_slice(piece)),
                    None => break Err(decoder.ended_early()),
                },
                Ok(false) => {}
                Err(error) => break Err(error),
            }
        };
        if keep == pieces.len() {
            assert!(outcome.is_ok(), "{outcome:?}");
            assert_eq!(decoder.finish(), set);
        } else {
            let error = outcome.expect_err("a missing last piece is an error");
            assert_eq!(error.position, pieces[..keep].iter().map(Vec::len).sum::<usize>(), "{error}");
        }
    }
}

#[test]
fn decoding_a_span_at_a_time_reports_progress_and_gives_the_same_set() {
    let set = fixtures()
        .iter()
        .map(|fixture| import_both_ways(fixture))
        .find(|set| set.traces.len() > 1 && set.span_count() > 3)
        .expect("a fixture with several traces");
    let mut decoder = Decoder::new(encode(&set)).unwrap();
    let mut steps = 0;
    let mut last_progress = decoder.progress();
    while !decoder.step(1).unwrap() {
        steps += 1;
        assert!(decoder.progress() >= last_progress);
        last_progress = decoder.progress();
    }
    assert_eq!(decoder.progress(), 1.0);
    assert!(steps >= set.span_count() - 1, "{steps} steps for {} spans", set.span_count());
    assert_eq!(decoder.finish(), set);
}

#[test]
fn every_truncation_and_stray_byte_is_an_error_not_a_panic() {
    let set = import_both_ways("www/examples/refund-agent.json");
    let bytes = encode(&set);
    for length in 0..bytes.len() {
        assert!(decode(bytes[..length].to_vec()).is_err(), "a buffer cut at {length} decoded");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(decode(longer).unwrap_err().to_string().contains("after the last trace"));
    // Flipping bytes may decode to other values, but must never panic.
    for position in (0..bytes.len()).step_by(7) {
        let mut damaged = bytes.clone();
        damaged[position] ^= 0xff;
        let _ = decode(damaged);
    }
}
