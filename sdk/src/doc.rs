//! Structured documents with line numbers: YAML (multi-document, anchors
//! and aliases) and JSON (parsed as YAML, of which it is a subset), for
//! plugins that check manifests. Enabled by the `doc` feature.
//!
//! Checks locate what they find with [`Node::line_of`] and collect it in
//! [`Hits`] (rule, message, lines, field path), which the plugin reports
//! once the document is done:
//!
//! ```
//! use bulkhead_sdk::doc::{self, Hits, Node};
//!
//! let task = &doc::parse("{\"pidMode\": \"host\"}", doc::Limits::default()).unwrap()[0];
//! let mut hits = Hits::new();
//! if task.get("pidMode").and_then(Node::str) == Some("host") {
//!     hits.push("host-pid-namespace", "pidMode is host", task.line_of("pidMode"), "pidMode");
//! }
//! assert_eq!(hits.as_slice()[0].lines, Some((1, 1)));
//! ```
//!
//! Bounded against hostile input: an alias shares the node it names rather
//! than copying it, and a document whose expanded size (aliases counted at
//! every use: the "billion laughs" bomb) passes a limit is refused with an
//! error, as is nesting deeper than a limit. The scanner's own recursion
//! limit covers flow collections.

use std::collections::HashMap;
use std::rc::Rc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::{Finding, Reporter, Severity};

/// Limits on one parse.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most nodes counted with every alias use expanded.
    pub max_expanded_nodes: u64,
    /// Deepest nesting.
    pub max_depth: usize,
    /// Most documents in one stream.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_expanded_nodes: 1_000_000,
            max_depth: 200,
            max_documents: 10_000,
        }
    }
}

/// A node of a document.
#[derive(Debug)]
pub struct Node {
    /// 1-based line where the node starts.
    pub line: u32,
    /// Its value.
    pub value: Value,
    /// Nodes below it, aliases expanded (itself included).
    expanded: u64,
}

/// What a node holds.
#[derive(Debug)]
pub enum Value {
    /// A scalar: its text and whether it was quoted (quoted text is always
    /// a string; `true`, `1` unquoted are a bool and a number).
    Scalar(String, bool),
    /// A sequence.
    Seq(Vec<Rc<Node>>),
    /// A mapping, in document order, keys as text (with their lines).
    Map(Vec<(String, u32, Rc<Node>)>),
}

impl Node {
    /// The value under `key`, for a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, _, v)| v.as_ref()),
            _ => None,
        }
    }

    /// The line of `key` in this mapping (where its value is reported).
    pub fn key_line(&self, key: &str) -> Option<u32> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, line, _)| *line),
            _ => None,
        }
    }

    /// Where a finding about `key` of this mapping is reported: the line of
    /// the key when it is present, else the line where this node starts
    /// (a missing field is reported at the object that lacks it).
    pub fn line_of(&self, key: &str) -> u32 {
        self.key_line(key).unwrap_or(self.line)
    }

    /// The scalar text.
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text, _) => Some(text),
            _ => None,
        }
    }

    /// An unquoted `true`/`false` (YAML 1.1 spellings accepted, as
    /// Kubernetes' decoder does for these fields).
    pub fn bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(text, false) => match text.as_str() {
                "true" | "True" | "TRUE" | "yes" | "on" => Some(true),
                "false" | "False" | "FALSE" | "no" | "off" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// An integer (quoted or not).
    pub fn int(&self) -> Option<i64> {
        self.str().and_then(|text| text.trim().parse().ok())
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Rc<Node>] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, u32, Rc<Node>)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// True for a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
}

/// One finding about a document, before it is reported: which rule, what
/// was found, and where (lines, a field path such as
/// `containerDefinitions[0].privileged`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The rule id, one the plugin declared.
    pub rule: String,
    /// What was found.
    pub message: String,
    /// First and last line (1-based), when the finding has a place in a file.
    pub lines: Option<(u32, u32)>,
    /// The field path inside the document.
    pub field: Option<String>,
    /// The sensitive value, redacted by the host unless the user asks.
    pub secret: Option<String>,
    /// A severity other than the rule's default.
    pub severity: Option<Severity>,
}

impl Hit {
    /// A hit of `rule` with a message and no place yet.
    pub fn new(rule: &str, message: impl Into<String>) -> Self {
        Hit {
            rule: rule.to_string(),
            message: message.into(),
            lines: None,
            field: None,
            secret: None,
            severity: None,
        }
    }

    /// On one line.
    pub fn at_line(self, line: u32) -> Self {
        self.at_lines(line, line)
    }

    /// On an inclusive range of lines.
    pub fn at_lines(mut self, first: u32, last: u32) -> Self {
        self.lines = Some((first, last.max(first)));
        self
    }

    /// At a field path.
    pub fn at_field(mut self, path: impl Into<String>) -> Self {
        self.field = Some(path.into());
        self
    }

    /// Carrying a sensitive value.
    pub fn with_secret(mut self, value: impl Into<String>) -> Self {
        self.secret = Some(value.into());
        self
    }

    /// With a severity other than the rule's default.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// The finding reported to the host.
    pub fn into_finding(self) -> Finding {
        let mut finding = Finding::new(&self.rule, self.message);
        if let Some((first, last)) = self.lines {
            finding = finding.lines(first, last);
        }
        if let Some(field) = self.field {
            finding = finding.field_path(field);
        }
        if let Some(secret) = self.secret {
            finding = finding.secret(secret);
        }
        if let Some(severity) = self.severity {
            finding = finding.severity(severity);
        }
        finding
    }
}

/// The hits of one document (or file), collected in the order the checks
/// find them and reported together with [`Hits::report`].
#[derive(Clone, Debug, Default)]
pub struct Hits(Vec<Hit>);

impl Hits {
    /// No hits yet.
    pub fn new() -> Self {
        Hits::default()
    }

    /// A hit of `rule` on `line`, at field path `field`: the usual shape
    /// of a finding in a manifest.
    pub fn push(
        &mut self,
        rule: &str,
        message: impl Into<String>,
        line: u32,
        field: impl Into<String>,
    ) {
        self.add(Hit::new(rule, message).at_line(line).at_field(field));
    }

    /// The same, carrying the secret value that was found.
    pub fn push_secret(
        &mut self,
        rule: &str,
        message: impl Into<String>,
        line: u32,
        field: impl Into<String>,
        secret: impl Into<String>,
    ) {
        self.add(
            Hit::new(rule, message)
                .at_line(line)
                .at_field(field)
                .with_secret(secret),
        );
    }

    /// Adds a hit built with [`Hit::new`].
    pub fn add(&mut self, hit: Hit) {
        self.0.push(hit);
    }

    /// The hits so far, in order.
    pub fn as_slice(&self) -> &[Hit] {
        &self.0
    }

    /// How many hits there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The hits, to transform before reporting (a plugin that maps lines
    /// to other places, say).
    pub fn into_vec(self) -> Vec<Hit> {
        self.0
    }

    /// Reports every hit in order and stops when the host accepts no
    /// more. Returns false if some were dropped.
    pub fn report(self, out: &mut Reporter) -> bool {
        self.0
            .into_iter()
            .all(|hit| out.finding(hit.into_finding()))
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// What was wrong.
    pub message: String,
}

/// A partly built collection.
enum Frame {
    Seq(u32, usize, Vec<Rc<Node>>),
    Map(
        u32,
        usize,
        Vec<(String, u32, Rc<Node>)>,
        Option<(String, u32)>,
    ),
}

struct Builder {
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Rc<Node>>,
    documents: Vec<Rc<Node>>,
    error: Option<ParseError>,
    total: u64,
}

impl Builder {
    fn fail(&mut self, line: u32, message: String) {
        if self.error.is_none() {
            self.error = Some(ParseError { line, message });
        }
    }

    fn push_node(&mut self, node: Rc<Node>, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, Rc::clone(&node));
        }
        self.total = self.total.saturating_add(node.expanded);
        if self.total > self.limits.max_expanded_nodes {
            let line = node.line;
            self.fail(
                line,
                format!(
                    "the document expands to more than {} nodes (an alias bomb?)",
                    self.limits.max_expanded_nodes
                ),
            );
            return;
        }
        match self.stack.last_mut() {
            None => {
                if self.documents.len() >= self.limits.max_documents {
                    self.fail(
                        node.line,
                        format!("more than {} documents", self.limits.max_documents),
                    );
                    return;
                }
                self.documents.push(node);
            }
            Some(Frame::Seq(_, _, items)) => items.push(node),
            Some(Frame::Map(_, _, entries, pending)) => match pending.take() {
                None => {
                    let key = match &node.value {
                        Value::Scalar(text, _) => text.clone(),
                        _ => "?".to_string(),
                    };
                    *pending = Some((key, node.line));
                }
                Some((key, line)) => entries.push((key, line, node)),
            },
        }
    }

    fn open(&mut self, frame: Frame, line: u32) {
        if self.stack.len() >= self.limits.max_depth {
            self.fail(
                line,
                format!("nested deeper than {} levels", self.limits.max_depth),
            );
            return;
        }
        self.stack.push(frame);
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let line = mark.line() as u32;
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                self.push_node(
                    Rc::new(Node {
                        line,
                        value: Value::Scalar(text, quoted),
                        expanded: 1,
                    }),
                    anchor,
                );
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(node) => {
                    // Shared, not copied; its expanded size still counts.
                    let shared = Rc::new(Node {
                        line,
                        value: clone_shallow(&node),
                        expanded: node.expanded,
                    });
                    self.push_node(shared, 0);
                }
                None => self.fail(line, "alias to an unknown anchor".into()),
            },
            Event::SequenceStart(anchor, _) => {
                self.open(Frame::Seq(line, anchor, Vec::new()), line)
            }
            Event::MappingStart(anchor, _) => {
                self.open(Frame::Map(line, anchor, Vec::new(), None), line)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return;
                };
                let (line, anchor, value) = match frame {
                    Frame::Seq(line, anchor, items) => (line, anchor, Value::Seq(items)),
                    Frame::Map(line, anchor, entries, _) => (line, anchor, Value::Map(entries)),
                };
                let expanded = 1 + match &value {
                    Value::Seq(items) => items
                        .iter()
                        .fold(0u64, |sum, n| sum.saturating_add(n.expanded)),
                    Value::Map(entries) => entries
                        .iter()
                        .fold(0u64, |sum, (_, _, n)| sum.saturating_add(n.expanded)),
                    Value::Scalar(..) => 0,
                };
                // Children were counted as they arrived; count only this node.
                self.total = self.total.saturating_sub(expanded.saturating_sub(1));
                self.push_node(
                    Rc::new(Node {
                        line,
                        value,
                        expanded,
                    }),
                    anchor,
                );
            }
            _ => {}
        }
    }
}

/// The value of an aliased node, sharing its children.
fn clone_shallow(node: &Rc<Node>) -> Value {
    match &node.value {
        Value::Scalar(text, quoted) => Value::Scalar(text.clone(), *quoted),
        Value::Seq(items) => Value::Seq(items.clone()),
        Value::Map(entries) => Value::Map(entries.clone()),
    }
}

/// Parses every document of a YAML (or JSON) stream.
pub fn parse(text: &str, limits: Limits) -> Result<Vec<Rc<Node>>, ParseError> {
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        documents: Vec::new(),
        error: None,
        total: 0,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(err) = parser.load(&mut builder, true) {
        return Err(ParseError {
            line: err.marker().line() as u32,
            message: err.info().to_string(),
        });
    }
    match builder.error {
        Some(error) => Err(error),
        None => Ok(builder.documents),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_anchors_and_json() {
        let docs = parse(
            "a: 1\nb:\n  - &x {c: true}\n  - *x\n---\n{\"k\": \"v\"}\n",
            Limits::default(),
        )
        .expect("parses");
        assert_eq!(docs.len(), 2);
        let b = docs[0].get("b").expect("b");
        assert_eq!(b.line, 3);
        assert_eq!(b.items()[1].get("c").and_then(Node::bool), Some(true));
        assert_eq!(docs[0].key_line("b"), Some(2));
        assert_eq!(docs[1].get("k").and_then(Node::str), Some("v"));
    }

    #[test]
    fn line_of_is_the_key_line_else_the_node_line() {
        let docs = parse(
            "name: app\nsecurityContext:\n  privileged: true\n",
            Limits::default(),
        )
        .expect("parses");
        let root = &docs[0];
        assert_eq!(root.line_of("securityContext"), 2);
        let context = root.get("securityContext").expect("context");
        assert_eq!(context.line_of("privileged"), 3);
        // A missing key is reported where the object that lacks it starts.
        assert_eq!(context.line_of("runAsNonRoot"), context.line);
        assert_eq!(root.line_of("missing"), root.line);
        // Not a mapping: the node's own line.
        let name = root.get("name").expect("name");
        assert_eq!(name.line_of("anything"), 1);
    }

    #[test]
    fn hits_keep_order_place_and_secret() {
        let mut hits = Hits::new();
        assert!(hits.is_empty());
        hits.push(
            "privileged",
            "the container is privileged",
            12,
            "spec.privileged",
        );
        hits.push_secret(
            "secret-in-env",
            "AWS access key in API_KEY",
            15,
            "env[0].value",
            "AKIA2OGYBAH6RKWQLQ7P",
        );
        hits.add(
            Hit::new("apt-lists-not-removed", "lists kept")
                .at_lines(4, 9)
                .with_severity(Severity::Low),
        );
        assert_eq!(hits.len(), 3);
        let all = hits.as_slice();
        assert_eq!(all[0].rule, "privileged");
        assert_eq!(all[0].lines, Some((12, 12)));
        assert_eq!(all[0].field.as_deref(), Some("spec.privileged"));
        assert_eq!(all[0].secret, None);
        assert_eq!(all[1].secret.as_deref(), Some("AKIA2OGYBAH6RKWQLQ7P"));
        assert_eq!(all[2].lines, Some((4, 9)));
        assert_eq!(all[2].field, None);
        assert_eq!(all[2].severity, Some(Severity::Low));
        // A last line before the first is clamped to the first.
        assert_eq!(Hit::new("r", "m").at_lines(7, 3).lines, Some((7, 7)));
        assert_eq!(hits.into_vec().len(), 3);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (level, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!("{level}: &{level} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let error = parse(&bomb, Limits::default()).expect_err("refused");
        assert!(error.message.contains("alias bomb"), "{error:?}");
        let deep = format!("{}{}", "- ".repeat(500), "x");
        assert!(parse(&deep, Limits::default()).is_err());
    }
}
