//! The module graph of `src/`: no top-level module depends on itself
//! through others (`crate::x` paths outside `#[cfg(test)]` code, doc links
//! included), so the modules form layers (issue #14).
//!
//! Leaves (`text`, `files`, `framed`, `model`, …) name no module above
//! them; `hugo` and the setting types (`term_page`, `term_text`) sit below
//! `config`; the stages (`content`, `feed`, `archive`, `discovery`, …)
//! read `config`, never the reverse. A `crate::` path that closes a loop
//! fails here with the modules in it: move the shared item down to the
//! lower module instead. Run it alone with `cargo test --test integration structure::`.
//!
//! The list of public modules is pinned here too: what `lib.rs` exposes
//! changes only on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name to the modules it names, for every top-level module of `src/`.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The top-level module `file` belongs to (`src/feed/rss.rs` → `feed`);
/// `None` for the crate roots and the extra binaries.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?;
    match name {
        "lib.rs" | "main.rs" | "bin" => None,
        _ => Some(name.trim_end_matches(".rs").to_string()),
    }
}

/// The top-level modules `text` names through `crate::…` paths, its
/// `#[cfg(test)]` part (at the end of a file, by this codebase's
/// convention) left out.
fn references(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::B, c}`: the first name of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphabetic() || c == '_') => {
                        names.insert(identifier(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(identifier(rest));
        }
    }
    names
}

/// The identifier at the start of `text`.
fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The dependency graph of the crate's top-level modules.
fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(module) = top_module(&src, entry.path()) else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let named = graph.entry(module.clone()).or_default();
        named.extend(references(&text).into_iter().filter(|m| *m != module));
    }
    graph
}

/// The cycles of `graph`: its strongly connected components of more than
/// one module (modules that each reach all the others).
fn cycles(graph: &Graph) -> Vec<BTreeSet<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut found: Vec<BTreeSet<String>> = Vec::new();
    for (m, from_m) in &reached {
        if found.iter().any(|c| c.contains(*m)) || !from_m.contains(*m) {
            continue;
        }
        let component: BTreeSet<String> = from_m
            .iter()
            .filter(|other| reached.get(other).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        found.push(component);
    }
    found
}

#[test]
fn the_cycle_finder_finds_cycles_and_only_cycles() {
    let graph: Graph = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a", "d"]),
        ("d", vec![]),
        ("e", vec!["d"]),
    ]
    .into_iter()
    .map(|(m, to)| (m.to_string(), to.into_iter().map(String::from).collect()))
    .collect();
    let expected: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    assert_eq!(cycles(&graph), vec![expected]);
    let layered: Graph = graph
        .into_iter()
        .map(|(m, to)| (m.clone(), to.into_iter().filter(|t| *t != "a").collect()))
        .collect();
    assert!(cycles(&layered).is_empty(), "{layered:?}");
    assert_eq!(
        references("use crate::config::Config;\nuse crate::{feed::{self, X}, text};\n"),
        ["config", "feed", "text"].map(String::from).into()
    );
    assert!(references("#[cfg(test)]\nuse crate::config;\n").is_empty());
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let graph = graph();
    assert!(graph.len() > 20, "only {} modules read", graph.len());
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "import cycles {found:?}: depend on a module below, not above"
    );
}

/// The modules `lib.rs` makes public: the pipeline's stages and the types
/// their signatures use (issue #14). Every other module is private to the
/// crate; a type a public signature needs is re-exported by the module
/// that owns the signature (`build::RenderedFeed`, `config::Format`). A
/// new public module is a decision: add it here and to README's module map.
const PUBLIC_MODULES: &[&str] = &[
    "build", "config", "content", "dates", "error", "feed", "init", "ledger", "model", "preview",
    "progress", "publish", "select", "serve", "state", "taxonomy", "validate",
];

#[test]
fn the_public_modules_are_the_pipeline_stages() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let public: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    assert_eq!(public, PUBLIC_MODULES);
    let widening: Vec<&str> = lib
        .lines()
        .filter(|line| line.trim_start().starts_with("pub use"))
        .collect();
    assert!(widening.is_empty(), "lib.rs re-exports {widening:?}");
}
