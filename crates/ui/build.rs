//! Writes `style.min.css` into OUT_DIR: `src/style.css` without its comments and with whitespace
//! collapsed. The stylesheet's comments document the custom properties for people reading the
//! source; the page's wasm carries only what the browser needs (18 KB of CSS became ~11 KB).

fn main() {
    println!("cargo::rerun-if-changed=src/style.css");
    let source = std::fs::read_to_string("src/style.css").expect("src/style.css is readable");
    let out_directory = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&out_directory).join("style.min.css"), minify_css(&source))
        .expect("OUT_DIR is writable");
}

/// Drops `/* ... */` comments (outside strings) and collapses whitespace; spaces next to `{`,
/// `}`, `;` and `,` go. Spaces elsewhere stay: in a selector, `a :hover` and `a:hover` differ.
fn minify_css(source: &str) -> String {
    let mut without_comments = String::with_capacity(source.len());
    let mut characters = source.chars().peekable();
    let mut quote = None;
    while let Some(character) = characters.next() {
        match quote {
            Some(open) => {
                without_comments.push(character);
                if character == '\\' {
                    without_comments.extend(characters.next());
                } else if character == open {
                    quote = None;
                }
            }
            None if character == '/' && characters.peek() == Some(&'*') => {
                characters.next();
                let mut previous = ' ';
                for inside in characters.by_ref() {
                    if previous == '*' && inside == '/' {
                        break;
                    }
                    previous = inside;
                }
                without_comments.push(' ');
            }
            None => {
                if character == '"' || character == '\'' {
                    quote = Some(character);
                }
                without_comments.push(character);
            }
        }
    }
    let collapsed = without_comments.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut minified = String::with_capacity(collapsed.len());
    let tight = |character: char| matches!(character, '{' | '}' | ';' | ',');
    let bytes: Vec<char> = collapsed.chars().collect();
    for (index, &character) in bytes.iter().enumerate() {
        if character == ' ' {
            let before = index.checked_sub(1).map(|previous| bytes[previous]);
            let after = bytes.get(index + 1).copied();
            if before.is_some_and(tight) || after.is_some_and(tight) {
                continue;
            }
        }
        minified.push(character);
    }
    minified
}
