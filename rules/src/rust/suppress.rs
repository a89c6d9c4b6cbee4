//! `#[allow(...)]` / `#[expect(...)]` attributes that silence a rule under its clippy name.

use crate::Suppression;

/// One lint named in an `allow` or `expect` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The lint, as written: `clippy::zombie_processes`.
    pub lint: String,
    /// `allow` or `expect`.
    pub how: &'static str,
    /// The attribute's `reason = "..."`, if any.
    pub reason: Option<String>,
}

/// The lints that `attrs` allow or expect.
pub fn allows_in(attrs: &[syn::Attribute]) -> Vec<Allow> {
    let mut found = Vec::new();
    for attr in attrs {
        let how = if attr.path().is_ident("allow") {
            "allow"
        } else if attr.path().is_ident("expect") {
            "expect"
        } else {
            continue;
        };
        let mut lints = Vec::new();
        let mut reason = None;
        // Unparseable contents are another tool's business: they suppress nothing here.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("reason") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                reason = Some(lit.value());
            } else {
                let segments: Vec<String> = meta.path.segments.iter().map(|s| s.ident.to_string()).collect();
                lints.push(segments.join("::"));
            }
            Ok(())
        });
        found.extend(lints.into_iter().map(|lint| Allow { lint, how, reason: reason.clone() }));
    }
    found
}

/// The suppression for a rule with these `aliases`, if an active allow names one of them.
pub fn suppression_for(allows: &[Allow], aliases: &[&str]) -> Option<Suppression> {
    let allow = allows.iter().rev().find(|a| aliases.contains(&a.lint.as_str()))?;
    Some(Suppression {
        kind: format!("#[{}({})]", allow.how, allow.lint),
        justification: allow.reason.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_and_expect_with_reason() {
        let item: syn::ItemFn = syn::parse_str(
            "#[allow(dead_code, clippy::zombie_processes)] #[expect(clippy::mem_forget, reason = \"fd handed to C\")] fn f() {}",
        )
        .unwrap();
        let allows = allows_in(&item.attrs);
        let zombie = suppression_for(&allows, &["clippy::zombie_processes"]).unwrap();
        assert_eq!(zombie.kind, "#[allow(clippy::zombie_processes)]");
        let forget = suppression_for(&allows, &["clippy::mem_forget"]).unwrap();
        assert_eq!(forget.justification.as_deref(), Some("fd handed to C"));
        assert!(suppression_for(&allows, &["clippy::other"]).is_none());
    }
}
