//! A pre-scan for syntax trees too deep to build or walk, which bracket depth alone misses:
//! `a + b + ... + z` with 100 000 terms, a builder chain of 100 000 `.arg(..)` calls, `!!!!...x`,
//! an `else if` chain. syn nests these one level per operator, and syn, its `Drop` and the
//! lowering all recurse over that nesting: past the worker stack, the process would abort.

/// The deepest nesting this front-end accepts. Measured: 12 000 levels of each shape above pass
/// on a 64 MiB worker stack in a debug build; the estimate counts every operator character, so
/// real trees are at most this deep.
pub const MAX_DEPTH: usize = 5_000;

/// An upper-bound estimate of the syntax tree depth of Rust source: bracket depth plus, per
/// bracket level, the operators (`.` `?` `+` `!` `&` `=` ..., `as`, `else`) chained since the
/// last `,` `;` `=>` or the end of a block. Comments, strings and char literals are skipped.
pub fn estimated_depth(text: &str) -> usize {
    let b = text.as_bytes();
    let mut links: Vec<usize> = vec![0];
    let mut sum = 0usize;
    let mut max = 0usize;
    let mut after_block = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut link = false;
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..].iter().position(|&x| x == b'\n').map_or(b.len(), |p| i + p);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i);
                continue;
            }
            b'"' => i = skip_string(b, i + 1),
            b'\'' => i = skip_char_or_lifetime(b, i),
            b'(' | b'[' | b'{' => {
                links.push(0);
                i += 1;
            }
            b')' | b']' | b'}' => {
                if links.len() > 1 {
                    sum -= links.pop().unwrap_or(0);
                }
                i += 1;
            }
            b',' | b';' => {
                reset(&mut links, &mut sum);
                i += 1;
            }
            b'=' if b.get(i + 1) == Some(&b'>') => {
                reset(&mut links, &mut sum);
                i += 2;
            }
            b'.' | b'?' | b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'!' | b'&' | b'|' | b'<' | b'>'
            | b'=' => {
                link = true;
                i += 1;
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let end = b[i..]
                    .iter()
                    .position(|&x| !(x.is_ascii_alphanumeric() || x == b'_' || x >= 0x80))
                    .map_or(b.len(), |p| i + p);
                let mut word = &b[i..end];
                i = end;
                if matches!(word, b"r" | b"br" | b"cr") && matches!(b.get(i), Some(b'"' | b'#')) {
                    i = skip_raw_string(b, i);
                    word = &[];
                }
                link = matches!(word, b"as" | b"else");
            }
            _ => i += 1,
        }
        // A token after a block's `}` starts a new statement, unless it continues an expression
        // (`} else`, `}.method()`, `}?`).
        if after_block && !link {
            reset(&mut links, &mut sum);
        }
        after_block = c == b'}';
        if link {
            if let Some(top) = links.last_mut() {
                *top += 1;
                sum += 1;
            }
        }
        max = max.max(links.len() + sum);
    }
    max
}

fn reset(links: &mut [usize], sum: &mut usize) {
    if let Some(top) = links.last_mut() {
        *sum -= *top;
        *top = 0;
    }
}

fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Past the closing quote of a string whose contents start at `i`.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// `i` is at the `#`s or the quote after `r`.
fn skip_raw_string(b: &[u8], mut i: usize) -> usize {
    let hashes = b[i..].iter().take_while(|&&x| x == b'#').count();
    i += hashes;
    if b.get(i) != Some(&b'"') {
        return i;
    }
    i += 1;
    while i < b.len() {
        if b[i] == b'"' && b[i + 1..].iter().take(hashes).filter(|&&x| x == b'#').count() == hashes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// A char literal (`'a'`, `'\n'`, `'\u{1F600}'`) is skipped; a lifetime (`'a`) is one token.
fn skip_char_or_lifetime(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'\\') {
        return b[i + 2..].iter().position(|&x| x == b'\'').map_or(b.len(), |p| i + 3 + p);
    }
    // One character (up to 4 UTF-8 bytes) and a closing quote.
    let width = b.get(i + 1).map_or(1, |&x| match x {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    });
    if b.get(i + 1 + width) == Some(&b'\'') {
        i + 2 + width
    } else {
        i + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chains_and_brackets() {
        assert_eq!(estimated_depth("fn f() { a.b().c()?; }"), 5);
        assert!(estimated_depth(&format!("fn f() {{ let x = {}1; }}", "1 + ".repeat(10_000))) > MAX_DEPTH);
        assert!(estimated_depth(&format!("fn f() {{ {} }}", "if a {} else ".repeat(10_000))) > MAX_DEPTH);
    }

    #[test]
    fn statements_arms_and_literals_do_not_add_up() {
        let many_fns = "fn f() -> &'static str { \"a.b.c\" }\n".repeat(10_000);
        assert!(estimated_depth(&many_fns) < 10);
        let arms =
            format!("fn f(x: u32) {{ match x {{ {} _ => {{}} }} }}", "1 => { a.b(); }\n".repeat(10_000));
        assert!(estimated_depth(&arms) < 10);
        let text =
            "let s = r#\"....\"# ; let c = '.'; let l: &'a str = \"\\\"...\"; /* ... /* ... */ */ // ....";
        assert!(estimated_depth(text) < 8, "{}", estimated_depth(text));
    }
}
