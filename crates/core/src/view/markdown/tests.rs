//! Each construct of the markdown subset, and hostile input: HTML and `javascript:` links stay
//! text or targets, deep nesting is capped without overflowing a stack, unterminated fences run
//! to the end.

use super::*;
use Inline::{Code, Emphasis, LineBreak, Strikethrough, Strong};

fn text(value: &str) -> Inline {
    Inline::Text(value.into())
}

fn paragraph(inlines: Vec<Inline>) -> Block {
    Block::Paragraph(inlines)
}

fn link(content: Vec<Inline>, target: &str) -> Inline {
    Inline::Link { content, target: target.into() }
}

#[test]
fn headings_atx_and_setext() {
    assert_eq!(
        parse("# One\n## Two ##\n###### Six\n####### seven\n#no"),
        vec![
            Block::Heading(1, vec![text("One")]),
            Block::Heading(2, vec![text("Two")]),
            Block::Heading(6, vec![text("Six")]),
            paragraph(vec![text("####### seven"), LineBreak, text("#no")]),
        ]
    );
    assert_eq!(
        parse("Title\n=====\nSub *it*\n---"),
        vec![Block::Heading(1, vec![text("Title")]), Block::Heading(2, vec![text("Sub "), Emphasis(vec![text("it")])]),]
    );
}

#[test]
fn paragraphs_and_line_breaks() {
    assert_eq!(
        parse("one\ntwo  \nthree\\\nfour\n\nnext   "),
        vec![
            paragraph(vec![text("one"), LineBreak, text("two"), LineBreak, text("three"), LineBreak, text("four")]),
            paragraph(vec![text("next")]),
        ]
    );
}

#[test]
fn emphasis_strong_and_strikethrough() {
    assert_eq!(
        parse_inlines("*a* _b_ **c** __d__ ~~e~~ ***f***"),
        vec![
            Emphasis(vec![text("a")]),
            text(" "),
            Emphasis(vec![text("b")]),
            text(" "),
            Strong(vec![text("c")]),
            text(" "),
            Strong(vec![text("d")]),
            text(" "),
            Strikethrough(vec![text("e")]),
            text(" "),
            Emphasis(vec![Strong(vec![text("f")])]),
        ]
    );
    assert_eq!(
        parse_inlines("**bold *and* it**"),
        vec![Strong(vec![text("bold "), Emphasis(vec![text("and")]), text(" it")])]
    );
    assert_eq!(
        parse_inlines("*a **b* c**"),
        vec![Emphasis(vec![text("a "), Emphasis(vec![Emphasis(vec![text("b")]), text(" c")])])]
    );
    // Intraword underscores and lone stars are text.
    assert_eq!(parse_inlines("snake_case_name and 2 * 3 * 4"), vec![text("snake_case_name and 2 * 3 * 4")]);
    assert_eq!(parse_inlines("a*b*c"), vec![text("a"), Emphasis(vec![text("b")]), text("c")]);
    assert_eq!(parse_inlines("**unclosed"), vec![text("**unclosed")]);
    assert_eq!(parse_inlines("~~~not~~~"), vec![text("~~~not~~~")]);
}

#[test]
fn code_spans_escapes_and_references() {
    assert_eq!(
        parse_inlines("use `a *b*` and `` c`d `` or `open"),
        vec![text("use "), Code("a *b*".into()), text(" and "), Code("c`d".into()), text(" or `open")]
    );
    assert_eq!(
        parse_inlines("\\*not\\* \\\\ &amp; &lt;b&gt; &#65;&#x42; &bogus;"),
        vec![text("*not* \\ & <b> AB &bogus;")]
    );
}

#[test]
fn links_images_and_autolinks_keep_their_targets() {
    assert_eq!(
        parse_inlines("see [the *docs*](https://example.com/a_(b) \"Title\") now"),
        vec![
            text("see "),
            link(vec![text("the "), Emphasis(vec![text("docs")])], "https://example.com/a_(b)"),
            text(" now"),
        ]
    );
    assert_eq!(
        parse_inlines("![a chart](chart.png) <https://x.y/z>"),
        vec![
            Inline::Image { alt: "a chart".into(), target: "chart.png".into() },
            text(" "),
            link(vec![text("https://x.y/z")], "https://x.y/z"),
        ]
    );
    // No link without a destination; emphasis does not cross a link's text.
    assert_eq!(parse_inlines("[1] and [x] (y)"), vec![text("[1] and [x] (y)")]);
    assert_eq!(parse_inlines("*a [b* c](d)"), vec![text("*a "), link(vec![text("b* c")], "d")]);
    assert_eq!(parse_inlines("*a [b](c) d*"), vec![Emphasis(vec![text("a "), link(vec![text("b")], "c"), text(" d")])]);
    assert_eq!(parse_inlines("[a [b](c) d](e)"), vec![link(vec![text("a [b](c) d")], "e")]);
    assert_eq!(parse_inlines("[a](<b c>)"), vec![link(vec![text("a")], "b c")]);
}

#[test]
fn hostile_html_stays_text_and_javascript_links_are_only_targets() {
    assert_eq!(
        parse("<script>alert(1)</script>\n<img src=x onerror=alert(1)>"),
        vec![paragraph(vec![text("<script>alert(1)</script>"), LineBreak, text("<img src=x onerror=alert(1)>")])]
    );
    assert_eq!(parse_inlines("[click](javascript:alert(1))"), vec![link(vec![text("click")], "javascript:alert(1)")]);
    // An autolink of any scheme is its address as text.
    assert_eq!(
        parse_inlines("<javascript:alert(1)>"),
        vec![link(vec![text("javascript:alert(1)")], "javascript:alert(1)")]
    );
}

#[test]
fn fenced_and_indented_code() {
    assert_eq!(
        parse("```rust title\nfn main() {\n    *not emphasis*\n}\n```\nafter"),
        vec![
            Block::Code { language: Some("rust".into()), text: "fn main() {\n    *not emphasis*\n}".into() },
            paragraph(vec![text("after")]),
        ]
    );
    assert_eq!(parse("~~~\n```\n~~~"), vec![Block::Code { language: None, text: "```".into() }]);
    assert_eq!(
        parse("    indented\n\n    code\n\nnot"),
        vec![Block::Code { language: None, text: "indented\n\ncode".into() }, paragraph(vec![text("not")]),]
    );
    // An unterminated fence runs to the end of the text.
    assert_eq!(
        parse("text\n```python\nprint(1)\n\n# not a heading"),
        vec![
            paragraph(vec![text("text")]),
            Block::Code { language: Some("python".into()), text: "print(1)\n\n# not a heading".into() },
        ]
    );
}

#[test]
fn block_quotes_with_lazy_lines_and_nesting() {
    assert_eq!(
        parse("> quoted\nlazy\n> > inner\n\nout"),
        vec![
            Block::Quote(vec![
                paragraph(vec![text("quoted"), LineBreak, text("lazy")]),
                Block::Quote(vec![paragraph(vec![text("inner")])]),
            ]),
            paragraph(vec![text("out")]),
        ]
    );
}

#[test]
fn lists_bullet_ordered_nested_tight_and_loose() {
    assert_eq!(
        parse("- one\n- two\n  - nested *a*\n  - nested b\n- three\n\n3. x\n4. y"),
        vec![
            Block::List {
                start: None,
                tight: true,
                items: vec![
                    vec![paragraph(vec![text("one")])],
                    vec![
                        paragraph(vec![text("two")]),
                        Block::List {
                            start: None,
                            tight: true,
                            items: vec![
                                vec![paragraph(vec![text("nested "), Emphasis(vec![text("a")])])],
                                vec![paragraph(vec![text("nested b")])],
                            ],
                        },
                    ],
                    vec![paragraph(vec![text("three")])],
                ],
            },
            Block::List {
                start: Some(3),
                tight: true,
                items: vec![vec![paragraph(vec![text("x")])], vec![paragraph(vec![text("y")])]],
            },
        ]
    );
    let loose = parse("1. a\n\n2. b\n   continued\n\n   second paragraph\n* other list");
    assert_eq!(
        loose,
        vec![
            Block::List {
                start: Some(1),
                tight: false,
                items: vec![
                    vec![paragraph(vec![text("a")])],
                    vec![
                        paragraph(vec![text("b"), LineBreak, text("continued")]),
                        paragraph(vec![text("second paragraph")])
                    ],
                ],
            },
            Block::List { start: None, tight: true, items: vec![vec![paragraph(vec![text("other list")])]] },
        ]
    );
    // A list item holding code; a number that does not start at 1 does not interrupt a paragraph.
    assert_eq!(
        parse("- ```\n  code\n  ```\n\ntext\n2. not a list"),
        vec![
            Block::List {
                start: None,
                tight: true,
                items: vec![vec![Block::Code { language: None, text: "code".into() }]]
            },
            paragraph(vec![text("text"), LineBreak, text("2. not a list")]),
        ]
    );
}

#[test]
fn rules_and_tables() {
    assert_eq!(parse("a\n\n***\n- - -"), vec![paragraph(vec![text("a")]), Block::Rule, Block::Rule]);
    assert_eq!(
        parse("| Name | Score |\n|:-----|------:|\n| `a\\|b` | **1** |\n| short |\n\nafter"),
        vec![
            Block::Table {
                alignments: vec![Alignment::Left, Alignment::Right],
                head: vec![vec![text("Name")], vec![text("Score")]],
                rows: vec![
                    vec![vec![Code("a|b".into())], vec![Strong(vec![text("1")])]],
                    vec![vec![text("short")], vec![]],
                ],
            },
            paragraph(vec![text("after")]),
        ]
    );
    // Columns that do not match the head: no table.
    assert_eq!(parse("a | b\n---|---|---"), vec![paragraph(vec![text("a | b"), LineBreak, text("---|---|---")])]);
}

/// The depth of nested quotes in blocks.
fn quote_depth(blocks: &[Block]) -> usize {
    let mut depth = 0;
    let mut current = blocks;
    while let Some(Block::Quote(inner)) = current.last() {
        depth += 1;
        current = inner;
    }
    depth
}

#[test]
fn ten_thousand_nested_quotes_are_capped_not_a_stack_overflow() {
    let one_line = format!("{} deep", ">".repeat(10_000));
    let blocks = parse(&one_line);
    assert_eq!(quote_depth(&blocks), MAX_DEPTH);
    let many_lines: String =
        (1..=10_000).map(|level| format!("{} level {level}\n", "> ".repeat(level.min(200)))).collect();
    assert_eq!(quote_depth(&parse(&many_lines)), MAX_DEPTH);
}

#[test]
fn ten_thousand_list_levels_are_capped() {
    let nested: String = (0..10_000).map(|level| format!("{}- item {level}\n", "  ".repeat(level % 100))).collect();
    let blocks = parse(&nested);
    let mut depth = 0;
    let mut current = &blocks[..];
    while let Some(Block::List { items, .. }) = current.iter().find(|block| matches!(block, Block::List { .. })) {
        depth += 1;
        current = items.last().expect("an item");
    }
    assert_eq!(depth, MAX_DEPTH);
    let one_line = format!("{} x", "- ".repeat(10_000));
    assert!(!parse(&one_line).is_empty());
}

#[test]
fn deep_inline_nesting_is_capped_and_keeps_its_text() {
    let stars = format!("{}a{}", "*".repeat(10_000), "*".repeat(10_000));
    let inlines = parse_inlines(&stars);
    let mut depth = 0;
    let mut current = &inlines[..];
    while let [Emphasis(inner) | Strong(inner)] = current {
        depth += 1;
        current = inner;
    }
    assert!(depth <= MAX_INLINE_DEPTH, "{depth}");
    assert!(plain_text(&inlines).contains('a'));
    let brackets = format!("{}x{}", "[".repeat(10_000), "](y)".repeat(10_000));
    assert!(plain_text(&parse_inlines(&brackets)).contains('x'));
    // Many unmatched runs: each is read once.
    let runs = "a_ *b [c](d ".repeat(20_000);
    assert_eq!(plain_text(&parse_inlines(&runs)), runs.trim_end());
    // Link openings whose title never closes: each would read the rest of the text for its `)`;
    // a budget keeps the whole text's reading linear.
    let openings = "[a](x (é".repeat(50_000);
    assert_eq!(plain_text(&parse_inlines(&openings)), openings);
    let backticks = format!("``{}", " `".repeat(20_001));
    assert_eq!(plain_text(&parse_inlines(&backticks)), format!("``{}", "  ".repeat(10_000) + " `").trim_end());
}

#[test]
fn plain_text_needs_no_raw_toggle() {
    assert!(is_plain(&parse("just words\nand lines")));
    assert!(!is_plain(&parse("some *emphasis*")));
    assert!(!is_plain(&parse("- a list")));
}

#[test]
fn tabs_and_windows_line_ends() {
    assert_eq!(parse("-\tone\r\n-\ttwo\r\n").len(), 1);
    assert_eq!(parse("\tcode"), vec![Block::Code { language: None, text: "code".into() }]);
}

#[test]
fn folds_long_texts_at_a_line_end() {
    assert_eq!(fold("short\ntext", 30, 3_000), None);
    let long: String = (0..100).map(|n| format!("line {n}\n")).collect();
    let folded = fold(&long, 30, 3_000).expect("folded");
    assert_eq!(folded.lines, 100);
    assert_eq!(long[..folded.end].lines().count(), 30);
    let wide = "word ".repeat(2_000);
    let folded = fold(&wide, 30, 3_000).expect("folded");
    assert_eq!((folded.lines, folded.end, folded.chars), (1, 3_000, 10_000));
    assert_eq!(folded.show_all_label(30), "Show all (10,000 characters)");
    assert_eq!(fold(&long, 30, 3_000).expect("folded").show_all_label(30), "Show all (100 lines)");
    let multibyte = "é".repeat(5_000);
    assert!(multibyte.is_char_boundary(fold(&multibyte, 30, 3_000).expect("folded").end));
}

#[test]
fn random_markup_never_panics() {
    // Texts drawn from markdown's special characters (a fixed sequence: the same every run).
    const ALPHABET: &[u8] = b"*_~`[]()<>!#-+|:\\&;. \n\t1a\xc3\xa9x";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut bytes = Vec::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for _ in 0..state % 120 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
        }
        let text = String::from_utf8_lossy(&bytes);
        let blocks = parse(&text);
        let _ = is_plain(&blocks);
        let _ = fold(&text, 3, 40);
    }
}
