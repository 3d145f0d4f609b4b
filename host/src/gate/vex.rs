//! `--vex FILE`: VEX statements (OpenVEX 0.2.0, CycloneDX VEX) that a
//! vulnerability does not affect a package (`not_affected`, CycloneDX
//! `false_positive`) or is fixed in it (`fixed`, `resolved`,
//! `resolved_with_pedigree`). Such vulnerability findings are suppressed,
//! with the statement's status and justification in the output.
//!
//! A statement applies to a finding when one of its vulnerability ids
//! (name, aliases, CycloneDX references) is among the finding's ids and one
//! of its products (or subcomponents) is the finding's package by purl:
//! qualifiers and subpath are ignored, and a purl without a version names
//! every version. CycloneDX `affects` refs are resolved through the
//! document's components (`bom-ref` to `purl`), and a BOM-Link
//! (`urn:cdx:serial/version#ref`) through its fragment, which is commonly
//! the purl itself.
//!
//! Documents are validated against the official JSON schemas (OpenVEX
//! 0.2.0; CycloneDX 1.6 with the SPDX and JSF schemas it references),
//! embedded from tests/schemas, the same files the tests validate output
//! against; then the rules the schemas leave to prose are checked (an
//! OpenVEX `not_affected` statement needs a justification or an impact
//! statement). A violation is an error naming the file, the JSON path and
//! the problem.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::model::{Finding, Package, Suppression, SuppressionKind};

/// Largest VEX file read.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Most statements taken from all files together.
const MAX_STATEMENTS: usize = 200_000;

const OPENVEX_STATUSES: [&str; 4] = ["not_affected", "affected", "fixed", "under_investigation"];
const OPENVEX_JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];
const CYCLONEDX_STATES: [&str; 6] = [
    "resolved",
    "resolved_with_pedigree",
    "exploitable",
    "in_triage",
    "false_positive",
    "not_affected",
];
const CYCLONEDX_JUSTIFICATIONS: [&str; 9] = [
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];
const CYCLONEDX_RESPONSES: [&str; 5] = [
    "can_not_fix",
    "will_not_fix",
    "update",
    "rollback",
    "workaround_available",
];

/// Statuses that take a finding out of the gate.
const SUPPRESSING: [&str; 5] = [
    "not_affected",
    "fixed",
    "false_positive",
    "resolved",
    "resolved_with_pedigree",
];

/// One statement, reduced to what matching needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The file it came from.
    pub source: String,
    /// Vulnerability ids, upper-cased.
    pub ids: Vec<String>,
    /// Product purls, without qualifiers or subpath, lower-cased.
    pub products: Vec<String>,
    /// The status as the document spells it.
    pub status: String,
    /// The justification label, if any.
    pub justification: Option<String>,
    /// The free-text reason (impact statement, detail), if any.
    pub detail: Option<String>,
}

/// The statements of every `--vex` file, indexed by vulnerability id.
#[derive(Clone, Debug, Default)]
pub struct Vex {
    statements: Vec<Statement>,
    by_id: HashMap<String, Vec<usize>>,
}

impl Vex {
    /// Reads and checks every file.
    pub fn read(paths: &[impl AsRef<Path>]) -> Result<Vex> {
        let mut statements = Vec::new();
        for path in paths {
            let path = path.as_ref();
            statements.extend(read_file(path)?);
            if statements.len() > MAX_STATEMENTS {
                bail!("the VEX files hold over {MAX_STATEMENTS} statements");
            }
        }
        Ok(Vex::from_statements(statements))
    }

    /// Indexes `statements`, keeping only those that suppress.
    pub fn from_statements(statements: Vec<Statement>) -> Vex {
        let statements: Vec<Statement> = statements
            .into_iter()
            .filter(|s| SUPPRESSING.contains(&s.status.as_str()))
            .collect();
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, statement) in statements.iter().enumerate() {
            for id in &statement.ids {
                let list = by_id.entry(id.clone()).or_default();
                if list.last() != Some(&at) {
                    list.push(at);
                }
            }
        }
        Vex { statements, by_id }
    }

    /// True when no file was given.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The suppression of the first statement covering `finding`, whose
    /// package has the purls `purls`.
    pub fn suppression(&self, finding: &Finding, purls: &[String]) -> Option<Suppression> {
        if purls.is_empty() {
            return None;
        }
        let statement = finding
            .aliases
            .iter()
            .filter_map(|id| self.by_id.get(&id.to_ascii_uppercase()))
            .flatten()
            .map(|&at| &self.statements[at])
            .find(|statement| {
                statement
                    .products
                    .iter()
                    .any(|product| purls.iter().any(|purl| purl_matches(product, purl)))
            })?;
        let reason = statement
            .detail
            .clone()
            .or_else(|| statement.justification.clone())
            .unwrap_or_else(|| format!("VEX status {}", statement.status));
        Some(Suppression {
            kind: SuppressionKind::Vex,
            reason,
            source: Some(statement.source.clone()),
            expires: None,
            status: Some(statement.status.clone()),
            justification: statement.justification.clone(),
        })
    }
}

/// The purls of the inventory, by (ecosystem, name, version), normalized.
pub fn purl_index(packages: &[Package]) -> HashMap<(String, String, String), Vec<String>> {
    let mut index: HashMap<(String, String, String), Vec<String>> = HashMap::new();
    for package in packages.iter().filter(|p| !p.purl.is_empty()) {
        let key = (
            package.ecosystem.clone(),
            package.name.clone(),
            package.version.clone(),
        );
        let purl = normalize_purl(&package.purl);
        let list = index.entry(key).or_default();
        if !list.contains(&purl) {
            list.push(purl);
        }
    }
    index
}

/// A purl without qualifiers and subpath, lower-cased.
fn normalize_purl(purl: &str) -> String {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    purl[..end].to_ascii_lowercase()
}

/// True if the statement's `product` names the package `purl` (both
/// normalized): equal, or `product` has no version and `purl` is that
/// package at some version.
fn purl_matches(product: &str, purl: &str) -> bool {
    if product == purl {
        return true;
    }
    let name_part = |text: &str| text.rfind('/').map_or(0, |slash| slash);
    let versionless = !product[name_part(product)..].contains('@');
    versionless
        && purl
            .strip_prefix(product)
            .is_some_and(|rest| rest.starts_with('@'))
}

fn read_file(path: &Path) -> Result<Vec<Statement>> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read the VEX file {name}"))?
        .len();
    if size > MAX_FILE_BYTES {
        bail!("VEX file {name}: {size} bytes, over the {MAX_FILE_BYTES} byte limit");
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read the VEX file {name}"))?;
    parse(&name, &bytes).with_context(|| format!("VEX file {name} is invalid"))
}

/// Parses one OpenVEX or CycloneDX VEX document; `source` names it.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Vec<Statement>> {
    let document: Value = serde_json::from_slice(bytes).context("not JSON")?;
    let is_openvex = document
        .get("@context")
        .and_then(Value::as_str)
        .is_some_and(|context| context.contains("openvex"));
    if is_openvex {
        // The field checks first: their messages name the rule broken.
        let statements = openvex(source, &document)?;
        check_schema(&document, SchemaKind::OpenVex)?;
        return Ok(statements);
    }
    if document.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        let statements = cyclonedx(source, &document)?;
        check_schema(&document, SchemaKind::CycloneDx)?;
        return Ok(statements);
    }
    bail!(
        "neither OpenVEX (an `@context` of https://openvex.dev/ns/...) nor CycloneDX (`bomFormat`)"
    )
}

/// The official schemas, embedded.
const OPENVEX_SCHEMA: &str = include_str!("../../../tests/schemas/openvex_json_schema.json");
const CYCLONEDX_SCHEMA: &str =
    include_str!("../../../tests/schemas/cyclonedx/bom-1.6.SNAPSHOT.schema.json");
const CYCLONEDX_SPDX_SCHEMA: &str =
    include_str!("../../../tests/schemas/cyclonedx/spdx.SNAPSHOT.schema.json");
const CYCLONEDX_JSF_SCHEMA: &str =
    include_str!("../../../tests/schemas/cyclonedx/jsf-0.82.SNAPSHOT.schema.json");

/// Schema violations listed in an error.
const MAX_SCHEMA_ERRORS: usize = 5;

#[derive(Clone, Copy)]
enum SchemaKind {
    OpenVex,
    CycloneDx,
}

/// Validates `document` against its format's official schema; the error
/// lists the first violations with their JSON paths.
fn check_schema(document: &Value, kind: SchemaKind) -> Result<()> {
    let parse = |text: &str| -> Result<Value> {
        serde_json::from_str(text).context("an embedded schema is not JSON")
    };
    let (name, validator) = match kind {
        SchemaKind::OpenVex => (
            "the OpenVEX 0.2.0 schema",
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&parse(OPENVEX_SCHEMA)?),
        ),
        SchemaKind::CycloneDx => {
            let resource = |text: &str| -> Result<jsonschema::Resource> {
                jsonschema::Resource::from_contents(parse(text)?)
                    .map_err(|err| anyhow::anyhow!("an embedded schema: {err}"))
            };
            (
                "the CycloneDX 1.6 schema",
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft7)
                    .with_resource(
                        "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
                        resource(CYCLONEDX_SPDX_SCHEMA)?,
                    )
                    .with_resource(
                        "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
                        resource(CYCLONEDX_JSF_SCHEMA)?,
                    )
                    .build(&parse(CYCLONEDX_SCHEMA)?),
            )
        }
    };
    let validator = validator.map_err(|err| anyhow::anyhow!("{name} does not compile: {err}"))?;
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(MAX_SCHEMA_ERRORS)
        .map(|err| {
            let at = err.instance_path.to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("at {at}: {err}")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        bail!("does not match {name}: {}", errors.join("; "))
    }
}

fn text<'a>(value: &'a Value, path: &str) -> Result<&'a str> {
    value
        .as_str()
        .with_context(|| format!("{path}: expected a string"))
}

fn required<'a>(object: &'a Value, key: &str, path: &str) -> Result<&'a Value> {
    object
        .get(key)
        .with_context(|| format!("{path}: `{key}` is required"))
}

fn optional_text(object: &Value, key: &str, path: &str) -> Result<Option<String>> {
    object
        .get(key)
        .map(|value| text(value, &format!("{path}.{key}")).map(str::to_string))
        .transpose()
}

fn array<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>> {
    value
        .as_array()
        .with_context(|| format!("{path}: expected an array"))
}

fn one_of(value: &str, allowed: &[&str], path: &str) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        bail!("{path}: {value:?} is not one of {}", allowed.join(", "))
    }
}

fn openvex(source: &str, document: &Value) -> Result<Vec<Statement>> {
    for key in ["@id", "author", "timestamp"] {
        text(required(document, key, "document")?, key)?;
    }
    if !required(document, "version", "document")?.is_u64() {
        bail!("version: expected a positive integer");
    }
    let statements = array(required(document, "statements", "document")?, "statements")?;
    if statements.is_empty() {
        bail!("statements: at least one statement is required");
    }
    statements
        .iter()
        .enumerate()
        .map(|(at, statement)| openvex_statement(source, statement, &format!("statements[{at}]")))
        .collect()
}

fn openvex_statement(source: &str, statement: &Value, path: &str) -> Result<Statement> {
    let vulnerability = required(statement, "vulnerability", path)?;
    let vpath = format!("{path}.vulnerability");
    let mut ids = vec![
        text(
            required(vulnerability, "name", &vpath)?,
            &format!("{vpath}.name"),
        )?
        .to_ascii_uppercase(),
    ];
    if let Some(aliases) = vulnerability.get("aliases") {
        for (at, alias) in array(aliases, &format!("{vpath}.aliases"))?
            .iter()
            .enumerate()
        {
            ids.push(text(alias, &format!("{vpath}.aliases[{at}]"))?.to_ascii_uppercase());
        }
    }
    let status = text(
        required(statement, "status", path)?,
        &format!("{path}.status"),
    )?;
    one_of(status, &OPENVEX_STATUSES, &format!("{path}.status"))?;
    let justification = optional_text(statement, "justification", path)?;
    if let Some(label) = &justification {
        one_of(
            label,
            &OPENVEX_JUSTIFICATIONS,
            &format!("{path}.justification"),
        )?;
    }
    let impact = optional_text(statement, "impact_statement", path)?;
    if status == "not_affected" && justification.is_none() && impact.is_none() {
        bail!("{path}: a not_affected statement needs a `justification` or an `impact_statement`");
    }
    let mut products = Vec::new();
    if let Some(list) = statement.get("products") {
        for (at, product) in array(list, &format!("{path}.products"))?.iter().enumerate() {
            let ppath = format!("{path}.products[{at}]");
            collect_openvex_component(product, &ppath, &mut products)?;
            if let Some(subs) = product.get("subcomponents") {
                for (sub_at, sub) in array(subs, &format!("{ppath}.subcomponents"))?
                    .iter()
                    .enumerate()
                {
                    collect_openvex_component(
                        sub,
                        &format!("{ppath}.subcomponents[{sub_at}]"),
                        &mut products,
                    )?;
                }
            }
        }
    }
    Ok(Statement {
        source: source.to_string(),
        ids,
        products,
        status: status.to_string(),
        justification,
        detail: impact.or(optional_text(statement, "status_notes", path)?),
    })
}

/// The purls of one OpenVEX component: its `@id` when that is a purl,
/// and `identifiers.purl`.
fn collect_openvex_component(component: &Value, path: &str, purls: &mut Vec<String>) -> Result<()> {
    if !component.is_object() {
        bail!("{path}: expected an object");
    }
    if let Some(id) = optional_text(component, "@id", path)?
        && id.starts_with("pkg:")
    {
        purls.push(normalize_purl(&id));
    }
    if let Some(identifiers) = component.get("identifiers")
        && let Some(purl) = optional_text(identifiers, "purl", &format!("{path}.identifiers"))?
    {
        purls.push(normalize_purl(&purl));
    }
    Ok(())
}

fn cyclonedx(source: &str, document: &Value) -> Result<Vec<Statement>> {
    text(
        required(document, "specVersion", "document")?,
        "specVersion",
    )?;
    let mut bom_refs: HashMap<&str, String> = HashMap::new();
    collect_components(document, &mut bom_refs, 0);
    let Some(vulnerabilities) = document.get("vulnerabilities") else {
        return Ok(Vec::new());
    };
    let vulnerabilities = array(vulnerabilities, "vulnerabilities")?;
    let mut statements = Vec::new();
    for (at, vulnerability) in vulnerabilities.iter().enumerate() {
        let path = format!("vulnerabilities[{at}]");
        if let Some(statement) = cyclonedx_statement(source, vulnerability, &path, &bom_refs)? {
            statements.push(statement);
        }
    }
    Ok(statements)
}

/// `bom-ref` to purl for `metadata.component` and every (nested)
/// component, at most 16 levels deep.
fn collect_components<'a>(node: &'a Value, refs: &mut HashMap<&'a str, String>, depth: usize) {
    if depth > 16 {
        return;
    }
    let mut visit = |component: &'a Value| {
        if let (Some(bom_ref), Some(purl)) = (
            component.get("bom-ref").and_then(Value::as_str),
            component.get("purl").and_then(Value::as_str),
        ) {
            refs.insert(bom_ref, normalize_purl(purl));
        }
        collect_components(component, refs, depth + 1);
    };
    if let Some(component) = node.get("metadata").and_then(|m| m.get("component")) {
        visit(component);
    }
    for component in node
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        visit(component);
    }
}

fn cyclonedx_statement(
    source: &str,
    vulnerability: &Value,
    path: &str,
    bom_refs: &HashMap<&str, String>,
) -> Result<Option<Statement>> {
    let Some(analysis) = vulnerability.get("analysis") else {
        return Ok(None);
    };
    let apath = format!("{path}.analysis");
    let Some(state) = optional_text(analysis, "state", &apath)? else {
        return Ok(None);
    };
    one_of(&state, &CYCLONEDX_STATES, &format!("{apath}.state"))?;
    let justification = optional_text(analysis, "justification", &apath)?;
    if let Some(label) = &justification {
        one_of(
            label,
            &CYCLONEDX_JUSTIFICATIONS,
            &format!("{apath}.justification"),
        )?;
    }
    if let Some(responses) = analysis.get("response") {
        for (at, response) in array(responses, &format!("{apath}.response"))?
            .iter()
            .enumerate()
        {
            let rpath = format!("{apath}.response[{at}]");
            one_of(text(response, &rpath)?, &CYCLONEDX_RESPONSES, &rpath)?;
        }
    }
    let mut ids = Vec::new();
    if let Some(id) = optional_text(vulnerability, "id", path)? {
        ids.push(id.to_ascii_uppercase());
    }
    for (at, reference) in vulnerability
        .get("references")
        .map(|r| array(r, &format!("{path}.references")))
        .transpose()?
        .into_iter()
        .flatten()
        .enumerate()
    {
        let rpath = format!("{path}.references[{at}]");
        ids.push(
            text(required(reference, "id", &rpath)?, &format!("{rpath}.id"))?.to_ascii_uppercase(),
        );
    }
    if ids.is_empty() {
        bail!("{path}: an analysed vulnerability needs an `id`");
    }
    let affects = array(
        required(vulnerability, "affects", path)?,
        &format!("{path}.affects"),
    )?;
    let mut products = Vec::new();
    for (at, affected) in affects.iter().enumerate() {
        let rpath = format!("{path}.affects[{at}]");
        let reference = text(required(affected, "ref", &rpath)?, &format!("{rpath}.ref"))?;
        if let Some(purl) = resolve_ref(reference, bom_refs) {
            products.push(purl);
        }
    }
    Ok(Some(Statement {
        source: source.to_string(),
        ids,
        products,
        status: state,
        justification,
        detail: optional_text(analysis, "detail", &apath)?,
    }))
}

/// The purl an `affects` ref stands for: a component's purl by bom-ref,
/// a BOM-Link's fragment, or the ref itself when it is a purl.
fn resolve_ref(reference: &str, bom_refs: &HashMap<&str, String>) -> Option<String> {
    if let Some(purl) = bom_refs.get(reference) {
        return Some(purl.clone());
    }
    let local = match reference.strip_prefix("urn:cdx:") {
        Some(link) => link.split_once('#')?.1,
        None => reference,
    };
    if let Some(purl) = bom_refs.get(local) {
        return Some(purl.clone());
    }
    local.starts_with("pkg:").then(|| normalize_purl(local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_match_without_qualifiers_and_versionless_products_match_every_version() {
        let purl = normalize_purl("pkg:pypi/requests@2.19.0?arch=x");
        assert_eq!(purl, "pkg:pypi/requests@2.19.0");
        assert!(purl_matches("pkg:pypi/requests@2.19.0", &purl));
        assert!(purl_matches("pkg:pypi/requests", &purl));
        assert!(!purl_matches("pkg:pypi/request", &purl));
        assert!(!purl_matches("pkg:pypi/requests@2.20.0", &purl));
        assert!(purl_matches(
            "pkg:npm/%40scope/name",
            "pkg:npm/%40scope/name@1.0.0"
        ));
    }

    #[test]
    fn bom_links_and_bom_refs_resolve_to_purls() {
        let mut refs = HashMap::new();
        refs.insert("lib-a", "pkg:npm/a@1.0.0".to_string());
        assert_eq!(
            resolve_ref("lib-a", &refs).as_deref(),
            Some("pkg:npm/a@1.0.0")
        );
        assert_eq!(
            resolve_ref(
                "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/g/a@2.10.0?type=jar",
                &refs
            )
            .as_deref(),
            Some("pkg:maven/g/a@2.10.0")
        );
        assert_eq!(
            resolve_ref("urn:cdx:x/1#lib-a", &refs).as_deref(),
            Some("pkg:npm/a@1.0.0")
        );
        assert_eq!(resolve_ref("product-ABC", &refs), None);
    }

    #[test]
    fn malformed_documents_are_errors_naming_the_field() {
        let error = |text: &str| {
            format!(
                "{:#}",
                parse("v.json", text.as_bytes()).expect_err("rejected")
            )
        };
        let openvex = |statement: &str| {
            format!(
                r#"{{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2023-01-08T18:02:03Z","version":1,"statements":[{statement}]}}"#
            )
        };
        assert!(
            error(&openvex(
                r#"{"vulnerability":{"name":"CVE-1"},"status":"maybe"}"#
            ))
            .contains("statements[0].status: \"maybe\" is not one of")
        );
        assert!(
            error(&openvex(
                r#"{"vulnerability":{"name":"CVE-1"},"status":"not_affected"}"#
            ))
            .contains("needs a `justification` or an `impact_statement`")
        );
        assert!(error(&openvex(r#"{"status":"fixed"}"#)).contains("`vulnerability` is required"));
        assert!(
            error(r#"{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"ok"},"affects":[]}]}"#)
                .contains("vulnerabilities[0].analysis.state")
        );
        assert!(error(r#"{"hello":1}"#).contains("neither OpenVEX"));
        // What only the official schema says is still enforced.
        let schema_only = error(&openvex(
            r#"{"vulnerability":{"name":"CVE-1"},"status":"fixed","supplier":5}"#,
        ));
        assert!(
            schema_only
                .contains("does not match the OpenVEX 0.2.0 schema: at /statements/0/supplier"),
            "{schema_only}"
        );
        let cyclonedx_only = error(
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"not_affected"},"affects":[{"ref":"pkg:npm/a@1"}],"ratings":[{"score":"high"}]}]}"#,
        );
        assert!(
            cyclonedx_only.contains(
                "does not match the CycloneDX 1.6 schema: at /vulnerabilities/0/ratings/0/score"
            ),
            "{cyclonedx_only}"
        );
    }
}
