//! The worker-to-page transfer encoding gives back exactly the trace set that went in, for every
//! fixture, whether decoded at once or a span at a time, and whether written from a built set or
//! while the import builds it (spans before their tree); damaged buffers fail with an error.

mod common;

use common::{fixtures, import_both_ways, repository};
use trace_viewer_core::model::TraceSet;
use trace_viewer_core::transfer::{decode, encode, encode_in_pieces, Decoder, StreamingEncoder};

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

/// What the import worker sends for these files: the encoding written while the import builds
/// the traces, in pieces of `piece_bytes`; and the set the import returned.
fn encode_while_importing(files: &[(Option<&str>, &[u8])], piece_bytes: usize) -> (Vec<Vec<u8>>, TraceSet) {
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut emit = |piece: &[u8]| pieces.push(piece.to_vec());
    let mut encoder = StreamingEncoder::new(piece_bytes, &mut emit);
    let owned = files.iter().map(|(name, bytes)| (name.map(String::from), bytes.to_vec())).collect();
    let set = trace_viewer_core::import::import_owned_buffers(owned, Some(&mut encoder)).unwrap();
    encoder.finish(&set);
    (pieces, set)
}

/// Decodes pieces one after the other, as the page does.
fn decode_pieces(pieces: &[Vec<u8>]) -> Result<TraceSet, trace_viewer_core::transfer::TransferError> {
    let mut rest = pieces[1..].iter();
    let mut decoder = Decoder::new(pieces[0].clone())?;
    while !decoder.step(usize::MAX)? {
        match rest.next() {
            Some(piece) if decoder.needs_bytes() => decoder.next_piece(|bytes| bytes.extend_from_slice(piece)),
            _ => return Err(decoder.ended_early()),
        }
    }
    Ok(decoder.finish())
}

#[test]
fn spans_sent_before_their_tree_is_built_are_put_in_place_for_every_fixture() {
    let mut reordered = 0;
    for fixture in fixtures() {
        let bytes = std::fs::read(repository().join(&fixture)).unwrap();
        let name = fixture.rsplit('/').next();
        let (pieces, set) = encode_while_importing(&[(name, &bytes)], usize::MAX);
        assert_eq!(set, import_both_ways(&fixture), "{fixture}: the observed import differs");
        let decoded = decode_pieces(&pieces).unwrap_or_else(|error| panic!("{fixture}: {error}"));
        assert_eq!(decoded, set, "{fixture}: differs after the transfer encoding");
        // Files whose spans were not already in tree order (children written before parents).
        reordered += usize::from(pieces.concat() != encode(&set));
    }
    assert!(reordered >= 10, "only {reordered} fixtures had spans to put in place");
}

#[test]
fn a_large_trace_sent_in_batches_and_pieces_while_importing_comes_back_identical() {
    // Several batches of mapped spans (8,192 each), several pieces, a GenAI trace and a lean one.
    for text in [trace_viewer_core::generate::otlp_trace(20_000), trace_viewer_core::generate::lean_otlp_trace(30_000)]
    {
        let (pieces, set) = encode_while_importing(&[(None, text.as_bytes())], 200_000);
        assert!(pieces.len() > 5, "{} pieces", pieces.len());
        assert_eq!(decode_pieces(&pieces).unwrap(), set);
    }
}

/// Spans written children first, with every repair the tree builder makes: a duplicate id
/// (renamed), a missing parent, a cycle and a child that starts before its parent.
fn repairs_fixture() -> Vec<u8> {
    std::fs::read(repository().join("tests/fixtures/hand-written/otlp-repairs-children-first.json")).unwrap()
}

#[test]
fn repairs_made_while_building_reach_the_page() {
    // Pieces of 40 bytes: nearly every span travels in a piece of its own, the closing in another.
    let bytes = repairs_fixture();
    let (pieces, set) = encode_while_importing(&[(None, &bytes)], 40);
    assert!(pieces.len() > 3, "{} pieces", pieces.len());
    let warnings: Vec<&str> = set.traces[0].warnings.iter().map(|warning| warning.message.as_str()).collect();
    for expected in ["duplicate span id", "is not in the file", "forms a cycle", "before its parent"] {
        assert!(warnings.iter().any(|warning| warning.contains(expected)), "no {expected:?} in {warnings:?}");
    }
    assert_eq!(decode_pieces(&pieces).unwrap(), set);
}

#[test]
fn progress_stops_short_of_done_while_a_trace_waits_for_its_tree() {
    let bytes = repairs_fixture();
    let (pieces, _) = encode_while_importing(&[(None, &bytes)], 1);
    // One piece per span, then the trace's closing, then the set's.
    let spans_only = pieces.len() - 2;
    let mut decoder = Decoder::new(pieces[0].clone()).unwrap();
    for piece in &pieces[1..spans_only] {
        assert!(!decoder.step(usize::MAX).unwrap());
        decoder.next_piece(|bytes| bytes.extend_from_slice(piece));
    }
    assert!(!decoder.step(usize::MAX).unwrap());
    assert!(decoder.needs_bytes(), "every span read, the closing not here yet");
    assert_eq!(decoder.progress(), 0.95);
    for piece in &pieces[spans_only..] {
        decoder.next_piece(|bytes| bytes.extend_from_slice(piece));
        decoder.step(usize::MAX).unwrap();
    }
    assert_eq!(decoder.progress(), 1.0);
}

#[test]
fn a_trace_may_open_at_the_end_of_a_piece_with_its_spans_in_the_next() {
    let mut set =
        trace_viewer_core::import::import_text(&trace_viewer_core::generate::otlp_trace(2_000), None).unwrap();
    let mut second =
        trace_viewer_core::import::import_text(&trace_viewer_core::generate::lean_otlp_trace(3_000), None).unwrap();
    second.traces[0].trace_id = "another".into();
    set.traces.extend(second.traces);
    for piece_bytes in [1, 777, 5_000, 65_536] {
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        encode_in_pieces(&set, piece_bytes, &mut |piece| pieces.push(piece.to_vec()));
        assert_eq!(decode_pieces(&pieces).unwrap(), set, "pieces of {piece_bytes} bytes");
    }
}

#[test]
fn pieces_cut_between_spans_join_to_the_whole_encoding() {
    let set = trace_viewer_core::import::import_text(&trace_viewer_core::generate::otlp_trace(3_000), None).unwrap();
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
    let mut set =
        trace_viewer_core::import::import_text(&trace_viewer_core::generate::otlp_trace(3_000), None).unwrap();
    // (The import refuses a file without spans; a set may still hold such a trace among others.)
    set.traces.push(trace_viewer_core::model::Trace { trace_id: "empty".into(), ..Default::default() });
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

/// A set whose spans claim a tree that is not one: `place(spans)` edits a built trace's spans.
fn misplaced(place: impl FnOnce(&mut [trace_viewer_core::model::Span])) -> Vec<u8> {
    let mut set = import_both_ways("www/examples/refund-agent.json");
    place(&mut set.traces[0].spans);
    encode(&set)
}

#[test]
fn a_placement_that_is_not_a_tree_is_an_error() {
    let span_count = import_both_ways("www/examples/refund-agent.json").traces[0].spans.len();
    assert!(span_count >= 3);
    // The last span made a root while the first span's range still covers it.
    let root_inside = misplaced(|spans| spans[span_count - 1].parent = None.into());
    let error = decode(root_inside).expect_err("a root inside another span's range");
    assert!(error.to_string().contains("inside another span's subtree"), "{error}");
    // A child of the root placed inside its earlier sibling's range.
    let overlapping = misplaced(|spans| {
        spans[1].subtree_end = span_count;
        spans[span_count - 1].parent = Some(0).into();
    });
    let error = decode(overlapping).expect_err("a span inside a sibling's range");
    assert!(error.to_string().contains("inside another span's subtree"), "{error}");
}
