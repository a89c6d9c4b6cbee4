//! Resource kinds as data: the built-in catalogue is written in the same [`ResourceKindSpec`]
//! format users extend in `leaklint.toml`, and both are compiled to the same matchers.
//!
//! Pattern syntax, as the code reads:
//! * `new WebSocket`: a constructor; the new object is the resource.
//! * `setInterval`, `URL.createObjectURL`, `io.connect`: a call by its callee path (a leading
//!   `window.` / `globalThis.` / `global.` / `self.` is ignored); the result is the resource.
//! * `.subscribe`: a method call on any receiver; the result is the resource.
//! * release `clearInterval`, `URL.revokeObjectURL`: a function given the resource first.
//! * release `.close`, `.port.close`, `.getTracks().forEach`: a method (chain) on the resource.
//! * An acquire `.addX` (or `.on`) with a release `.removeX` (or `.off`) is a registration: the
//!   release is called on the same receiver with the same arguments (event listeners).

use crate::settings::ResourceKindSpec;
use crate::Family;

fn spec(name: &str, rule: &str, acquire: &[&str], release: &[&str]) -> ResourceKindSpec {
    ResourceKindSpec {
        name: name.to_string(),
        language: Family::TypeScript,
        rule: rule.to_string(),
        acquire: acquire.iter().map(|s| s.to_string()).collect(),
        release: release.iter().map(|s| s.to_string()).collect(),
    }
}

/// The built-in TypeScript/JavaScript resource kinds.
pub fn builtin() -> Vec<ResourceKindSpec> {
    vec![
        spec("timeout", "LL1001", &["setTimeout"], &["clearTimeout"]),
        spec("interval", "LL1002", &["setInterval"], &["clearInterval"]),
        spec("event listener", "LL1003", &[".addEventListener"], &[".removeEventListener"]),
        spec(
            "observer",
            "LL1004",
            &[
                "new ResizeObserver",
                "new IntersectionObserver",
                "new MutationObserver",
                "new PerformanceObserver",
            ],
            &[".disconnect"],
        ),
        spec(
            "Blob URL",
            "LL1005",
            &["URL.createObjectURL", "webkitURL.createObjectURL"],
            &["URL.revokeObjectURL", "webkitURL.revokeObjectURL"],
        ),
        spec("AudioContext", "LL1006", &["new AudioContext", "new webkitAudioContext"], &[".close"]),
        // An OfflineAudioContext has no close(): it is finished by rendering it.
        spec("OfflineAudioContext", "LL1006", &["new OfflineAudioContext"], &[".close", ".startRendering"]),
        spec("WebSocket", "LL1007", &["new WebSocket"], &[".close"]),
        spec("EventSource", "LL1007", &["new EventSource"], &[".close"]),
        spec("BroadcastChannel", "LL1007", &["new BroadcastChannel"], &[".close"]),
        spec("Worker", "LL1007", &["new Worker"], &[".terminate"]),
        spec("SharedWorker", "LL1007", &["new SharedWorker"], &[".port.close"]),
        spec("animation frame", "LL1008", &["requestAnimationFrame"], &["cancelAnimationFrame"]),
        spec("fetch", "LL1009", &["fetch"], &[".abort"]),
        spec(
            "media stream",
            "LL1010",
            &["navigator.mediaDevices.getUserMedia", "navigator.mediaDevices.getDisplayMedia"],
            &[".getTracks().forEach", ".getVideoTracks().forEach", ".getAudioTracks().forEach"],
        ),
    ]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquire {
    New(String),
    Call(String),
    Method(String),
}

/// One step of a method chain: `getTracks()` (called) or `port` (a property).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub called: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// A function given the resource as its first argument.
    Function(String),
    /// A method chain on the resource; the last step is the call.
    Method(Vec<Step>),
}

/// A compiled resource kind.
#[derive(Debug, Clone)]
pub struct Kind {
    pub name: String,
    pub rule: &'static str,
    pub acquire: Vec<Acquire>,
    pub release: Vec<Release>,
    /// Released on the receiver with the acquisition's arguments (`add`/`remove` pairs).
    pub registration: bool,
}

impl Kind {
    /// Blob URLs leak in any scope; the other kinds belong to an owner (an effect, a component,
    /// an object with a teardown method).
    pub fn anywhere(&self) -> bool {
        self.rule == super::ll1005_blob_url::LL1005.code
    }

    /// A `fetch` is aborted by the cleanup of the effect that starts it: it is reported in
    /// effects only.
    pub fn effect_only(&self) -> bool {
        self.rule == super::ll1009_fetch::LL1009.code
    }

    /// How the fix reads for a resource held in `name`.
    pub fn release_text(&self, name: &str) -> String {
        match self.release.first() {
            Some(Release::Function(f)) => format!("{f}({name})"),
            Some(Release::Method(steps)) => {
                let mut out = name.to_string();
                for step in steps {
                    out.push('.');
                    out.push_str(&step.name);
                    out.push_str(if step.called { "()" } else { "" });
                }
                if out.ends_with(".forEach()") {
                    out.truncate(out.len() - 2);
                    out.push_str("((track) => track.stop())");
                }
                out
            }
            None => format!("release {name}"),
        }
    }
}

fn parse_acquire(pattern: &str) -> Option<Acquire> {
    let pattern = pattern.trim();
    if let Some(class) = pattern.strip_prefix("new ") {
        return Some(Acquire::New(strip_global(class.trim()).to_string()));
    }
    if let Some(method) = pattern.strip_prefix('.') {
        return (!method.is_empty()).then(|| Acquire::Method(method.trim_end_matches("()").to_string()));
    }
    (!pattern.is_empty()).then(|| Acquire::Call(strip_global(pattern.trim_end_matches("()")).to_string()))
}

fn parse_release(pattern: &str) -> Option<Release> {
    let pattern = pattern.trim();
    let Some(chain) = pattern.strip_prefix('.') else {
        return (!pattern.is_empty())
            .then(|| Release::Function(strip_global(pattern.trim_end_matches("()")).to_string()));
    };
    let mut steps: Vec<Step> = chain
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| Step { name: s.trim_end_matches("()").to_string(), called: s.ends_with("()") })
        .collect();
    let last = steps.last_mut()?;
    last.called = true;
    Some(Release::Method(steps))
}

fn strip_global(path: &str) -> &str {
    ["window.", "globalThis.", "global.", "self."].iter().find_map(|p| path.strip_prefix(p)).unwrap_or(path)
}

fn is_registration(acquire: &[Acquire], release: &[Release]) -> bool {
    acquire.iter().any(|a| {
        let Acquire::Method(add) = a else { return false };
        release.iter().any(|r| {
            let Release::Method(steps) = r else { return false };
            let [step] = steps.as_slice() else { return false };
            let remove = step.name.as_str();
            match (add.strip_prefix("add"), remove.strip_prefix("remove")) {
                (Some(a), Some(r)) => a == r,
                _ => add == "on" && remove == "off",
            }
        })
    })
}

/// The kinds in force for TypeScript files: the built-ins and the user's, for rules that exist.
pub fn compile(user: &[ResourceKindSpec]) -> Vec<Kind> {
    builtin()
        .iter()
        .chain(user.iter().filter(|s| s.language == Family::TypeScript))
        .filter_map(|spec| {
            let rule = crate::catalogue::rule(&spec.rule).filter(|r| r.family == Family::TypeScript)?;
            let acquire: Vec<_> = spec.acquire.iter().filter_map(|p| parse_acquire(p)).collect();
            let release: Vec<_> = spec.release.iter().filter_map(|p| parse_release(p)).collect();
            let registration = is_registration(&acquire, &release);
            Some(Kind { name: spec.name.clone(), rule: rule.code, acquire, release, registration })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_as_the_code_reads() {
        assert_eq!(parse_acquire("new window.WebSocket"), Some(Acquire::New("WebSocket".into())));
        assert_eq!(parse_acquire("io.connect"), Some(Acquire::Call("io.connect".into())));
        assert_eq!(parse_acquire(".subscribe"), Some(Acquire::Method("subscribe".into())));
        let Some(Release::Method(steps)) = parse_release(".getTracks().forEach") else { panic!() };
        assert_eq!(
            steps.iter().map(|s| (s.name.as_str(), s.called)).collect::<Vec<_>>(),
            vec![("getTracks", true), ("forEach", true)]
        );
        assert_eq!(parse_release("clearInterval"), Some(Release::Function("clearInterval".into())));
    }

    #[test]
    fn add_remove_pairs_are_registrations() {
        let add = [Acquire::Method("addEventListener".into())];
        let remove = [parse_release(".removeEventListener").unwrap()];
        assert!(is_registration(&add, &remove));
        assert!(!is_registration(
            &[Acquire::Method("subscribe".into())],
            &[parse_release(".unsubscribe").unwrap()]
        ));
    }
}
