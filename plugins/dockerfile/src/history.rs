//! Reconstructs a Dockerfile from an image config's history, the way
//! `docker history` shows it: `/bin/sh -c #(nop) X` is instruction X,
//! `/bin/sh -c cmd` is `RUN cmd`, BuildKit entries are kept as written,
//! and exec forms recorded Go-style (`CMD ["/bin/sh" "-c" "app"]`) become
//! JSON again. Hits on the reconstruction are then placed on the history
//! step they came from.

use bulkhead_sdk::doc::Hit;
use serde_json::Value;

use crate::parse::{self, Dockerfile};
use crate::rules;

/// The parsed reconstruction, and for each instruction its history index.
pub fn reconstruct(config_json: &str) -> Result<(Dockerfile, Vec<usize>), String> {
    let config: Value = serde_json::from_str(config_json)
        .map_err(|err| format!("image config is not JSON: {err}"))?;
    let mut text = String::new();
    let mut steps = Vec::new();
    for (index, step) in config["history"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let Some(created_by) = step["created_by"].as_str() else {
            continue;
        };
        let line = to_instruction(created_by);
        if line.is_empty() {
            continue;
        }
        // One instruction per line: continuation and heredoc syntax in the
        // original do not survive in history.
        text.push_str(&line.replace('\n', " "));
        text.push('\n');
        steps.push(index);
    }
    Ok((parse::parse(&text), steps))
}

fn to_instruction(created_by: &str) -> String {
    let text = created_by.trim();
    let text = text.strip_suffix("# buildkit").unwrap_or(text).trim();
    // `|2 ARG1=a ARG2=b /bin/sh -c cmd`: build args prefix.
    let text = match text.strip_prefix('|') {
        Some(rest) => rest
            .split_once(" /bin/sh -c ")
            .map_or(rest, |(_, cmd)| cmd)
            .trim(),
        None => text,
    };
    if let Some(rest) = text.strip_prefix("/bin/sh -c #(nop)") {
        return normalize_exec_form(&normalize_expose(rest.trim()));
    }
    if let Some(cmd) = text.strip_prefix("/bin/sh -c ") {
        return format!("RUN {cmd}");
    }
    if let Some(cmd) = text.strip_prefix("RUN /bin/sh -c ") {
        return format!("RUN {cmd}");
    }
    normalize_exec_form(&normalize_expose(text))
}

/// Both builders record an exec form with Go's `%q` (`["/bin/sh" "-c"
/// "python app.py"]`, no commas), which is not JSON; this puts the commas
/// back so the instruction parses as the exec form it was.
fn normalize_exec_form(instruction: &str) -> String {
    let Some((keyword, rest)) = instruction.split_once(' ') else {
        return instruction.to_string();
    };
    let rest = rest.trim();
    let is_array = rest.starts_with('[') && rest.ends_with(']') && rest.len() >= 2;
    if !is_array || serde_json::from_str::<Vec<String>>(rest).is_ok() {
        return instruction.to_string();
    }
    let Some(items) = go_quoted_strings(&rest[1..rest.len() - 1]) else {
        return instruction.to_string();
    };
    let json = format!("[{}]", items.join(", "));
    match serde_json::from_str::<Vec<String>>(&json) {
        Ok(_) => format!("{keyword} {json}"),
        Err(_) => instruction.to_string(),
    }
}

/// `"a" "b c"`: the quoted strings, still quoted, or None when anything
/// else is between them.
fn go_quoted_strings(text: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(first) = chars.next() {
        if first.is_whitespace() {
            continue;
        }
        if first != '"' {
            return None;
        }
        let mut item = String::from('"');
        let mut closed = false;
        while let Some(c) = chars.next() {
            item.push(c);
            if c == '\\' {
                item.extend(chars.next());
            } else if c == '"' {
                closed = true;
                break;
            }
        }
        if !closed {
            return None;
        }
        items.push(item);
    }
    Some(items)
}

/// Places a hit on the reconstruction at its history step (line N of the
/// reconstruction is `steps[N - 1]`), for the rules that apply to history.
pub fn locate(hit: Hit, steps: &[usize]) -> Option<Hit> {
    let applies = rules::SPECS
        .iter()
        .any(|spec| spec.id == hit.rule && spec.on_history);
    let line = hit.lines.map(|(first, _)| first)?;
    let step = steps
        .get(usize::try_from(line).ok()?.checked_sub(1)?)
        .copied()?;
    if !applies {
        return None;
    }
    Some(Hit {
        message: format!("{} (image history step {step})", hit.message),
        lines: None,
        field: Some(format!("history[{step}].created_by")),
        ..hit
    })
}

/// The classic builder records `EXPOSE 22/tcp 80/tcp` as
/// `EXPOSE map[22/tcp:{} 80/tcp:{}]`.
fn normalize_expose(instruction: &str) -> String {
    let Some(ports) = instruction
        .strip_prefix("EXPOSE map[")
        .and_then(|p| p.strip_suffix(']'))
    else {
        return instruction.to_string();
    };
    let ports: Vec<&str> = ports
        .split_whitespace()
        .map(|p| p.trim_end_matches(":{}"))
        .collect();
    format!("EXPOSE {}", ports.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quoted_exec_forms_become_json() {
        assert_eq!(
            normalize_exec_form(r#"CMD ["/bin/sh" "-c" "python \"app\".py"]"#),
            r#"CMD ["/bin/sh", "-c", "python \"app\".py"]"#
        );
        assert_eq!(
            normalize_exec_form(r#"CMD ["python3"]"#),
            r#"CMD ["python3"]"#
        );
        assert_eq!(normalize_exec_form("CMD [not json"), "CMD [not json");
        assert_eq!(
            normalize_exec_form("RUN [ -f x ] && y"),
            "RUN [ -f x ] && y"
        );
    }

    #[test]
    fn hits_land_on_their_history_step() {
        let config = r#"{"history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
            {"created_by": "/bin/sh -c apk upgrade"},
            {"created_by": "/bin/sh -c #(nop)  CMD [\"/bin/sh\" \"-c\" \"python app.py\"]", "empty_layer": true}
        ]}"#;
        let (parsed, steps) = reconstruct(config).expect("reconstructs");
        let located: Vec<(String, Option<String>)> =
            crate::check::check(&parsed, crate::check::Source::History)
                .into_vec()
                .into_iter()
                .filter_map(|hit| locate(hit, &steps))
                .map(|hit| (hit.rule, hit.field))
                .collect();
        assert_eq!(
            located,
            vec![
                (
                    rules::id::SHELL_FORM_ENTRYPOINT.to_string(),
                    Some("history[3].created_by".to_string())
                ),
                (
                    rules::id::PACKAGE_UPGRADE.to_string(),
                    Some("history[2].created_by".to_string())
                ),
            ]
        );
    }
}
