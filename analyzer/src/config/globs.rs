//! Globs from the config file, matched against paths relative to the config file's folder.
//! `*` stays within one path segment, `**` crosses segments; a glob that matches a folder
//! matches everything below it (`exclude = ["vendor"]`).

use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;

/// A set of globs rooted at a folder.
#[derive(Debug, Clone)]
pub struct PathGlobs {
    root: PathBuf,
    set: GlobSet,
}

impl PathGlobs {
    /// Compiles `globs`; an invalid glob is reported with its span.
    pub fn new(root: &Path, globs: &[Spanned<String>]) -> Result<Option<PathGlobs>, (Range<usize>, String)> {
        if globs.is_empty() {
            return Ok(None);
        }
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let pattern = glob.get_ref().trim_start_matches("./").trim_start_matches('/');
            let compiled =
                GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .map_err(|e| (glob.span(), format!("invalid glob `{}`: {}", glob.get_ref(), e.kind())))?;
            builder.add(compiled);
        }
        let set = builder.build().map_err(|e| (globs[0].span(), format!("invalid globs: {e}")))?;
        Ok(Some(PathGlobs { root: root.to_path_buf(), set }))
    }

    /// Whether `path` (absolute, or relative to the current folder), or a folder it is in,
    /// matches. Paths outside the root never match.
    pub fn matches(&self, path: &Path) -> bool {
        let Ok(absolute) = std::path::absolute(path) else { return false };
        let Ok(relative) = absolute.strip_prefix(&self.root) else { return false };
        relative.ancestors().take_while(|p| !p.as_os_str().is_empty()).any(|p| self.set.is_match(p))
    }
}

/// `include` / `exclude` from the config file.
#[derive(Debug, Clone, Default)]
pub struct FileFilter {
    pub include: Option<PathGlobs>,
    pub exclude: Option<PathGlobs>,
}

impl FileFilter {
    /// Whether a file is analysed: included (when includes are given) and not excluded.
    pub fn allows(&self, path: &Path) -> bool {
        self.include.as_ref().is_none_or(|g| g.matches(path)) && !self.excludes(path)
    }

    /// Whether `path` (a file, or a folder the walk may skip) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.matches(path))
    }
}
