//! Reconstructs a Dockerfile from an image config's history, the way
//! `docker history` shows it: `/bin/sh -c #(nop) X` is instruction X,
//! `/bin/sh -c cmd` is `RUN cmd`, BuildKit entries are kept as written.

use serde_json::Value;

use crate::parse::{self, Dockerfile};

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
        return normalize_expose(rest.trim());
    }
    if let Some(cmd) = text.strip_prefix("/bin/sh -c ") {
        return format!("RUN {cmd}");
    }
    if let Some(cmd) = text.strip_prefix("RUN /bin/sh -c ") {
        return format!("RUN {cmd}");
    }
    normalize_expose(text)
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
