//! LL1004: a ResizeObserver / IntersectionObserver / MutationObserver / PerformanceObserver
//! that is never disconnected.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::engine::Leak;
use crate::Family;

use super::ids::KindOf;
use super::lower::Lowered;
use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `new ResizeObserver`, `IntersectionObserver`, `MutationObserver` or
    /// `PerformanceObserver` in an effect, a class component's mount or a method of a class
    /// with a teardown method that is not stored (reported at the `new`), or stored but neither
    /// disconnected (`observer.disconnect()` in the cleanup; a disconnect inside the observer's
    /// own callback does not count) nor unobserved element by element. When the code unobserves,
    /// an `observe(el)` with no `unobserve` of a structurally equal element is reported at that
    /// `observe`; an `observe` in a loop or a callback needs `disconnect()`, reported at the `new`.
    ///
    /// ## Why it matters
    /// An observer keeps observing, and keeps its callback and the observed elements alive,
    /// after the component is gone; its callback runs against unmounted state.
    ///
    /// ## Example
    /// ```tsx
    /// function ResizeAwarePanel({ onWidth }: { onWidth: (w: number) => void }) {
    ///   const ref = useRef<HTMLDivElement>(null);
    ///   useEffect(() => {
    ///     const observer = new ResizeObserver(([entry]) => onWidth(entry.contentRect.width));
    ///     observer.observe(ref.current!);
    ///   }, [onWidth]);
    ///   return <div ref={ref} />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function ResizeAwarePanel({ onWidth }: { onWidth: (w: number) => void }) {
    ///   const ref = useRef<HTMLDivElement>(null);
    ///   useEffect(() => {
    ///     const observer = new ResizeObserver(([entry]) => onWidth(entry.contentRect.width));
    ///     observer.observe(ref.current!);
    ///     return () => observer.disconnect();
    ///   }, [onWidth]);
    ///   return <div ref={ref} />;
    /// }
    /// ```
    pub static LL1004 = {
        name: "observer-not-disconnected",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "ResizeObserver/IntersectionObserver/MutationObserver/PerformanceObserver never disconnected",
        aliases: &[
            "@eslint-react/web-api/no-leaked-resize-observer",
            "react-web-api/no-leaked-resize-observer",
            "@eslint-react/web-api/no-leaked-intersection-observer",
            "react-web-api/no-leaked-intersection-observer",
        ],
    }
}

pub const TEXT: Text = Text {
    verb: "disconnect",
    done: "disconnected",
    consequence: "it keeps observing, and keeps its callback and the elements alive, after the owner is gone",
    default_name: "observer",
};

/// Which leaking observer sites to report: an observer whose observations are all unobserved is
/// fine; when the code unobserves, the `observe` calls that miss their `unobserve` are reported;
/// otherwise (or for an `observe` in a loop or callback) the observer's `new`.
pub fn select(lowered: &Lowered, leaking: &HashMap<usize, &Leak>) -> HashSet<usize> {
    let mut report = HashSet::default();
    for (index, site) in lowered.sites.iter().enumerate() {
        if site.observation_of.is_some() || !leaking.contains_key(&index) || !is_observer(lowered, index) {
            continue;
        }
        let Some(place) = &site.place else {
            report.insert(index);
            continue;
        };
        let observations: Vec<usize> = (0..lowered.sites.len())
            .filter(|&i| lowered.sites[i].observation_of.as_deref() == Some(place.as_str()))
            .collect();
        let missing: Vec<usize> = observations.iter().copied().filter(|i| leaking.contains_key(i)).collect();
        if !observations.is_empty() && missing.is_empty() {
            continue;
        }
        let unobserves_some = missing.len() < observations.len();
        let in_loop = missing.iter().any(|&i| lowered.sites[i].repeated);
        if unobserves_some && !in_loop {
            report.extend(missing);
        } else {
            report.insert(index);
        }
    }
    report
}

fn is_observer(lowered: &Lowered, index: usize) -> bool {
    lowered.sites[index].node.kind_name() == "new_expression"
}
