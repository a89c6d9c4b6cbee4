//! Compiles `csrc/flatten.c` against the private headers of the tree-sitter crate this crate
//! pins (see `syntax::flat`).

use std::path::PathBuf;

fn main() {
    // tree-sitter's build script publishes its public include folder; its private headers
    // are in `src` beside it.
    let include = PathBuf::from(
        std::env::var("DEP_TREE_SITTER_INCLUDE").expect("tree-sitter's build script sets its include path"),
    );
    let private = include.join("../src");
    assert!(
        private.join("subtree.h").is_file(),
        "tree-sitter's private headers are not in {}",
        private.display()
    );
    cc::Build::new()
        .file("csrc/flatten.c")
        .include(&private)
        .include(&include)
        .warnings(true)
        .compile("leaklint_flatten");
    println!("cargo:rerun-if-changed=csrc/flatten.c");
}
