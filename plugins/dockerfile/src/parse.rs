//! A Dockerfile parser that keeps line numbers: parser directives
//! (`# escape=`), line continuations, comments inside continuations,
//! heredocs (`<<EOF`, `<<-EOF`, quoted delimiters), JSON (exec) and shell
//! forms, flags (`--from=`, `--chmod=`), stages, and ARG substitution in
//! FROM. Bounded: at most 100,000 instructions.

/// The instructions Docker knows.
const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// Most instructions parsed from one file.
const MAX_INSTRUCTIONS: usize = 100_000;

/// One instruction.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`, `FROM`, ...).
    pub keyword: String,
    /// Flags such as `--from=build`, in order.
    pub flags: Vec<String>,
    /// The arguments after the flags, continuation lines joined.
    pub args: String,
    /// For JSON (exec) form, the parsed array.
    pub json: Option<Vec<String>>,
    /// Heredoc bodies attached to the instruction.
    pub heredocs: Vec<String>,
    /// First and last line (1-based).
    pub start_line: u32,
    /// Last line.
    pub end_line: u32,
    /// Index of the stage it belongs to (instructions before the first
    /// FROM get stage 0 too).
    pub stage: usize,
}

impl Instruction {
    /// The value of flag `--name=value`.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().find_map(|f| {
            f.strip_prefix("--")
                .and_then(|f| f.strip_prefix(name))
                .and_then(|rest| rest.strip_prefix('='))
        })
    }

    /// The command text: the JSON array joined by spaces, or the shell form.
    pub fn command(&self) -> String {
        match &self.json {
            Some(parts) => parts.join(" "),
            None => self.args.clone(),
        }
    }

    /// Arguments split on whitespace (shell form) or the JSON array.
    pub fn words(&self) -> Vec<String> {
        match &self.json {
            Some(parts) => parts.clone(),
            None => self.args.split_whitespace().map(str::to_string).collect(),
        }
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Default)]
pub struct Dockerfile {
    /// Instructions in order.
    pub instructions: Vec<Instruction>,
    /// Problems the parser met (line, message).
    pub errors: Vec<(u32, String)>,
}

/// Parses `text`.
pub fn parse(text: &str) -> Dockerfile {
    let lines: Vec<&str> = text.lines().collect();
    let mut escape = '\\';
    let mut index = 0;
    // Parser directives: leading `# key=value` comments.
    while index < lines.len() {
        let line = lines[index].trim();
        let Some(directive) = line.strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = directive.split_once('=') else {
            break;
        };
        if key.trim().eq_ignore_ascii_case("escape") {
            escape = if value.trim() == "`" { '`' } else { '\\' };
        }
        index += 1;
    }

    let mut file = Dockerfile::default();
    let mut stage = 0usize;
    let mut seen_from = false;
    while index < lines.len() {
        if file.instructions.len() >= MAX_INSTRUCTIONS {
            file.errors.push((
                index as u32 + 1,
                format!("more than {MAX_INSTRUCTIONS} instructions; the rest is not checked"),
            ));
            break;
        }
        let start = index;
        let first = lines[index].trim_start();
        if first.is_empty() || first.starts_with('#') {
            index += 1;
            continue;
        }
        // Join continuation lines; comment lines inside are dropped.
        let mut logical = String::new();
        let mut line = lines[index];
        loop {
            let trimmed = line.trim_end();
            if let Some(stripped) = trimmed.strip_suffix(escape) {
                logical.push_str(stripped);
                logical.push(' ');
                index += 1;
                while index < lines.len() && lines[index].trim_start().starts_with('#') {
                    index += 1;
                }
                if index >= lines.len() {
                    break;
                }
                line = lines[index];
            } else {
                logical.push_str(trimmed);
                index += 1;
                break;
            }
        }
        let end = index;
        let logical = logical.trim().to_string();
        let (keyword, rest) = match logical.split_once(char::is_whitespace) {
            Some((keyword, rest)) => (keyword.to_ascii_uppercase(), rest.trim().to_string()),
            None => (logical.to_ascii_uppercase(), String::new()),
        };
        if !KEYWORDS.contains(&keyword.as_str()) {
            file.errors.push((
                start as u32 + 1,
                format!("not an instruction: {}", truncate(&logical)),
            ));
            continue;
        }
        if keyword == "FROM" {
            if seen_from {
                stage += 1;
            }
            seen_from = true;
        }
        let (flags, args) = split_flags(&rest);
        let json = parse_json_form(&args);
        // Heredocs: `<<EOF` / `<<-EOF` / `<<"EOF"` start bodies that run
        // until a line holding only the delimiter.
        let mut heredocs = Vec::new();
        let mut body_end = end;
        for delimiter in heredoc_delimiters(&args) {
            let mut body = String::new();
            let mut closed = false;
            while body_end < lines.len() {
                let body_line = lines[body_end];
                body_end += 1;
                if body_line.trim_start_matches('\t') == delimiter || body_line.trim() == delimiter
                {
                    closed = true;
                    break;
                }
                body.push_str(body_line);
                body.push('\n');
            }
            if !closed {
                file.errors.push((
                    start as u32 + 1,
                    format!("heredoc {delimiter} is not closed"),
                ));
            }
            heredocs.push(body);
        }
        index = body_end;
        file.instructions.push(Instruction {
            keyword,
            flags,
            args,
            json,
            heredocs,
            start_line: start as u32 + 1,
            end_line: index.max(start + 1) as u32,
            stage,
        });
    }
    file
}

fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

/// Splits leading `--flag[=value]` words from the arguments.
fn split_flags(rest: &str) -> (Vec<String>, String) {
    let mut flags = Vec::new();
    let mut remaining = rest.trim_start();
    while remaining.starts_with("--") {
        let (flag, after) = match remaining.split_once(char::is_whitespace) {
            Some((flag, after)) => (flag, after.trim_start()),
            None => (remaining, ""),
        };
        flags.push(flag.to_string());
        remaining = after;
    }
    (flags, remaining.to_string())
}

/// A JSON array of strings, if the arguments are one.
fn parse_json_form(args: &str) -> Option<Vec<String>> {
    let trimmed = args.trim();
    if !trimmed.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(trimmed).ok()
}

/// Delimiters of the heredocs an instruction opens.
fn heredoc_delimiters(args: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = args;
    while let Some(at) = rest.find("<<") {
        let after = &rest[at + 2..];
        let after = after.strip_prefix('-').unwrap_or(after);
        let word: String = after
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '&' | '|' | '>'))
            .collect();
        let word = word.trim_matches(|c| c == '"' || c == '\'').to_string();
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            found.push(word);
        }
        // One character on, whatever its width (a byte could split one).
        let step = after.chars().next().map_or(0, char::len_utf8);
        rest = &after[step..];
        if found.len() > 8 {
            break;
        }
    }
    found
}

/// Substitutes `$NAME` and `${NAME}` / `${NAME:-default}` from `args`.
pub fn substitute(text: &str, args: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        let mut default = None;
        while let Some(&next) = chars.peek() {
            if braced && next == '}' {
                chars.next();
                break;
            }
            if braced && next == ':' {
                chars.next();
                let _ = chars.next_if_eq(&'-');
                let mut value = String::new();
                for inner in chars.by_ref() {
                    if inner == '}' {
                        break;
                    }
                    value.push(inner);
                }
                default = Some(value);
                break;
            }
            if !(braced || next.is_ascii_alphanumeric() || next == '_') {
                break;
            }
            name.push(next);
            chars.next();
        }
        match args.iter().rev().find(|(key, _)| *key == name) {
            Some((_, value)) if !value.is_empty() => out.push_str(value),
            _ => out.push_str(default.as_deref().unwrap_or("")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `config_documents` fuzz target: a heredoc marker run
    /// followed by a multi-byte character made the scan for delimiters
    /// slice inside it.
    #[test]
    fn heredoc_markers_before_a_multibyte_character_do_not_panic() {
        let text = "# escape=build `\n    ukld\nCOPY --from=0 /o<<<<<<<<<<<<<<<<<<<<<<<<<<̏p /um:r eslegacy\n  lab+lsF\nENTR:\n!   pod-se";
        let parsed = parse(text);
        assert!(!parsed.instructions.is_empty());
        assert!(heredoc_delimiters("<<\u{30f}p <<EOF").contains(&"EOF".to_string()));
    }
}
