//! From the engine's leaks to diagnostics a front-end developer acts on: the variable named,
//! the cleanup pointed at, the fix spelled out.

use rustc_hash::FxHashMap as HashMap;

use super::effects::{OwnerKind, Scope};
use super::ids::KindOf;
use super::keys::FileCx;
use super::kinds::Kind;
use super::lower::{Lowered, Site};
use super::nodes;
use super::{
    ll1001_timeout, ll1002_interval, ll1003_listener, ll1004_observer, ll1005_blob_url, ll1006_audio_context,
    ll1007_connection, ll1008_animation_frame, ll1009_fetch, ll1010_media_stream,
};
use crate::engine::{self, Leak};
use crate::syntax::flat::{range, Node};
use crate::Diagnostic;

/// How a rule talks about its resources.
pub struct Text {
    /// "clear", "remove", "close".
    pub verb: &'static str,
    /// "cleared", "removed", "closed".
    pub done: &'static str,
    /// What goes wrong when it is not released.
    pub consequence: &'static str,
    /// The variable name the fix suggests when the code kept none.
    pub default_name: &'static str,
}

fn text_for(rule: &str) -> &'static Text {
    match rule {
        "LL1001" => &ll1001_timeout::TEXT,
        "LL1002" => &ll1002_interval::TEXT,
        "LL1003" => &ll1003_listener::TEXT,
        "LL1004" => &ll1004_observer::TEXT,
        "LL1005" => &ll1005_blob_url::TEXT,
        "LL1006" => &ll1006_audio_context::TEXT,
        "LL1008" => &ll1008_animation_frame::TEXT,
        "LL1009" => &ll1009_fetch::TEXT,
        "LL1010" => &ll1010_media_stream::TEXT,
        _ => &ll1007_connection::TEXT,
    }
}

/// Runs the engine on a lowered body and describes every leak.
pub fn report<'t>(cx: &FileCx<'t>, scope: &Scope, lowered: &Lowered<'t>) -> Vec<Diagnostic> {
    let leaks = engine::analyze(&lowered.body);
    let leaking: HashMap<usize, &Leak> = leaks.iter().map(|l| (l.res.0 as usize, l)).collect();
    let is_observer = |i: &usize| cx.kinds[lowered.sites[*i].kind].rule == ll1004_observer::LL1004.code;
    let observers: HashMap<usize, &Leak> =
        leaking.iter().filter(|(i, _)| is_observer(i)).map(|(i, l)| (*i, *l)).collect();
    let reported_observers = ll1004_observer::select(lowered, &observers);
    let mut out = Vec::new();
    let mut indices: Vec<usize> = leaking.keys().copied().collect();
    indices.sort_unstable();
    for index in indices {
        if is_observer(&index) && !reported_observers.contains(&index) {
            continue;
        }
        out.push(describe(cx, scope, lowered, &lowered.sites[index], leaking[&index]));
    }
    out
}

/// `setInterval(…)`, `new WebSocket(…)`: how the acquisition reads, shortened.
fn acquisition_text<'t>(cx: &FileCx<'t>, site: &Site<'t>) -> String {
    let node = site.node;
    let callee = cx.call(node).callee().map_or("", |c| nodes::text(c, cx.source));
    let new = if node.kind_name() == "new_expression" { "new " } else { "" };
    format!("{new}{callee}(…)")
}

/// How the finding names the resource: `interval \`id\``, `the listener \`onResize\``.
fn subject<'t>(cx: &FileCx<'t>, site: &Site<'t>, kind: &Kind) -> String {
    if kind.registration {
        let handler =
            cx.call(site.node).arguments().get(1).map_or("", |h| nodes::text(nodes::handler(*h), cx.source));
        return format!("the listener `{handler}`");
    }
    match &site.held_in {
        Some(name) if kind.rule == ll1009_fetch::LL1009.code => {
            format!("the AbortController `{name}` of this fetch")
        }
        Some(name) => format!("{} `{name}`", kind.name),
        None => format!("the {} from `{}`", kind.name, acquisition_text(cx, site)),
    }
}

/// Is the place a resource is kept in a variable of a callback nested in the body, out of the
/// cleanup's reach?
fn held_in_nested_callback(cx: &FileCx, scope: &Scope, site: &Site) -> bool {
    let Some(binding) = site.place.as_deref().and_then(FileCx::place_root) else { return false };
    let mut node = cx.scopes.get(binding).scope;
    if !nodes::contains(scope.body, node) {
        return false;
    }
    while node != scope.body {
        if nodes::is_function(node) {
            return true;
        }
        match node.parent() {
            Some(parent) => node = parent,
            None => return false,
        }
    }
    false
}

fn describe<'t>(
    cx: &FileCx<'t>,
    scope: &Scope,
    lowered: &Lowered<'t>,
    site: &Site<'t>,
    leak: &Leak,
) -> Diagnostic {
    let kind = &cx.kinds[site.kind];
    let text = text_for(kind.rule);
    if site.inline_handler {
        return ll1003_listener::inline_add(site.node);
    }
    if site.unsignalled {
        return ll1009_fetch::unsignalled(site.node);
    }
    let at = range(site.node);
    if let Some(element) = site.observation_of.as_ref().and(site.held_in.as_ref()) {
        return Diagnostic::new(
            kind.rule,
            at,
            format!(
                "`{element}` is observed here but never unobserved, and the observer is never disconnected"
            ),
        )
        .with_help(format!("call `unobserve({element})` in the cleanup, or `disconnect()` the observer"));
    }
    let kept = site.held_in.is_some() || kind.registration;
    let shown = site.held_in.clone().unwrap_or_else(|| text.default_name.to_string());
    let release = match kind.registration {
        true => format!(
            "{}.removeEventListener(…same type, handler and capture…)",
            cx.call(site.node).receiver.map_or("target", |r| nodes::text(r, cx.source))
        ),
        false => kind.release_text(&shown),
    };
    let place = match &scope.kind {
        OwnerKind::Effect => " in the effect's cleanup".to_string(),
        OwnerKind::ClassComponent => " in componentWillUnmount()".to_string(),
        OwnerKind::PlainClass(teardown) => format!(" in {teardown}()"),
        OwnerKind::Anywhere => String::new(),
    };
    let subject = subject(cx, site, kind);
    let (done, consequence) = (text.done, text.consequence);
    let mut message = if !kept {
        format!("{subject} is not kept, so it can never be {done}: {consequence}")
    } else if site.stored_key.is_some() && scope.kind == OwnerKind::Anywhere {
        format!("{subject} is stored but never {done} anywhere in this file: {consequence}")
    } else if leak.exits.is_empty() {
        format!("{subject} is replaced or goes out of reach while still active, so it is never {done}")
    } else if !leak.on_every_path {
        format!("{subject} is not {done} on every path: {consequence}")
    } else {
        format!("{subject} is never {done}{place}: {consequence}")
    };
    if kind.registration {
        if let Some(mismatch) =
            cx.registration_keys(site.node).ok().and_then(|k| ll1003_listener::mismatch(k.first()?, cx))
        {
            message.push_str(&format!(" ({mismatch})"));
        }
    }
    let cleanup =
        leak.exits.iter().find_map(|e| lowered.exits.iter().find(|x| x.at == e.at).and_then(|x| x.cleanup));
    let help = if !kept {
        format!(
            "keep it (`const {} = {}`) and call `{release}`{place}",
            text.default_name,
            acquisition_text(cx, site)
        )
    } else if scope.kind == OwnerKind::Effect && held_in_nested_callback(cx, scope, site) {
        format!(
            "keep it in a variable of the effect (`let {shown};` in the setup) and `return () => {release};`"
        )
    } else {
        match (&scope.kind, cleanup) {
            (OwnerKind::Effect, Some(_)) => format!("call `{release}` in the cleanup this effect returns"),
            (OwnerKind::Effect, None) => format!("return a cleanup from the effect: `return () => {release};`"),
            (OwnerKind::Anywhere, _) => format!(
                "call `{release}` once it is no longer needed: in the same function (in a `finally` for async \
                 code), in the effect's cleanup, or before replacing it"
            ),
            _ => format!("call `{release}`{place}"),
        }
    };
    let diagnostic = Diagnostic::new(kind.rule, at, message).with_help(help);
    match (&scope.kind, cleanup) {
        (OwnerKind::Effect, Some(cleanup)) => {
            diagnostic.with_related(cleanup, format!("this cleanup does not {} `{shown}`", text.verb))
        }
        (OwnerKind::Effect, None) => {
            diagnostic.with_related(range(scope.body), "this effect returns no cleanup")
        }
        (OwnerKind::ClassComponent | OwnerKind::PlainClass(_), _) => match scope.teardown {
            Some(teardown) => {
                diagnostic.with_related(teardown, format!("the teardown does not {} `{shown}`", text.verb))
            }
            None => diagnostic.with_related(range(scope.body), "the class has no componentWillUnmount()"),
        },
        (OwnerKind::Anywhere, _) => match leak.exits.iter().find_map(|e| e.at) {
            Some(exit) => diagnostic
                .with_related(exit, format!("`{shown}` is still live when the function leaves here")),
            None => diagnostic,
        },
    }
}

/// The module-level `setInterval(...)` whose id is discarded: it can never be cleared.
pub fn module_intervals<'t>(cx: &FileCx<'t>, root: Node<'t>) -> Vec<Diagnostic> {
    let interval = ll1002_interval::LL1002.code;
    nodes::children(root)
        .filter(|s| s.kind_name() == "expression_statement")
        .filter_map(|s| nodes::children(s).next().map(nodes::unwrap))
        .filter(|call| cx.acquisition(*call).is_some_and(|k| cx.kinds[k].rule == interval))
        .map(|call| {
            Diagnostic::new(
                interval,
                range(call),
                "this module-level setInterval's id is discarded: the interval can never be cleared and keeps the \
                 process or page busy forever",
            )
            .with_help("keep the id (`const intervalId = setInterval(…)`) and clear it on shutdown, or call `.unref()` on it in Node")
        })
        .collect()
}
