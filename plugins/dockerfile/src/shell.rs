//! Reads a RUN script the way a POSIX shell splits it, as far as linting
//! needs: quotes (`'...'`, `"..."`), escapes and line continuations,
//! comments, the operators `&&`, `||`, `|`, `;`, `;;`, `&`, newlines and
//! subshell parentheses, redirections (whose targets are not arguments),
//! `$(...)`, `${...}` and backticks kept whole inside a word, `case`
//! patterns (whose `|` is no pipe) and reserved words (`if`, `then`, `do`,
//! ...) that are not commands.
//!
//! The result is the list of simple commands with their words unquoted.
//! Commands inside `$(...)` and backticks are listed too (marked
//! `nested`), up to [`MAX_NESTING`] levels. Linear in the script's length
//! for each nesting level; no recursion.

/// Deepest `$(...)` nesting whose commands are listed.
pub const MAX_NESTING: usize = 8;

/// Words that open or continue a compound command rather than name a
/// program, skipped at the start of a command.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time",
];

/// Programs that run the command given in their arguments, with their
/// options that take a value.
const WRAPPERS: &[(&str, &[&str])] = &[
    (
        "sudo",
        &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
    ),
    ("env", &["-u", "-C", "-S"]),
    ("exec", &["-a"]),
    ("nohup", &[]),
    ("command", &[]),
    ("nice", &["-n"]),
];

/// One simple command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// Its words, quotes removed, leading variable assignments and
    /// reserved words skipped.
    pub words: Vec<String>,
    /// Its output is piped into the next command of the list.
    pub piped: bool,
    /// It sits inside a command substitution.
    pub nested: bool,
}

impl Command {
    /// The program run, without wrappers (`sudo -E`, `env A=b`, `exec`)
    /// and without its directory (`/usr/bin/apt-get` is `apt-get`).
    pub fn program(&self) -> &str {
        self.effective()
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .unwrap_or("")
    }

    /// The words from the program on, wrappers skipped.
    pub fn effective(&self) -> &[String] {
        let mut at = 0;
        while let Some(word) = self.words.get(at) {
            let name = word.rsplit('/').next().unwrap_or(word);
            let Some((_, valued)) = WRAPPERS.iter().find(|(wrapper, _)| *wrapper == name) else {
                break;
            };
            at += 1;
            // Options of the wrapper, the values some take, and `env`'s
            // assignments.
            while let Some(next) = self.words.get(at) {
                if valued.contains(&next.as_str()) {
                    at += 2;
                } else if next.starts_with('-') || (name == "env" && is_assignment(next)) {
                    at += 1;
                } else {
                    break;
                }
            }
        }
        self.words.get(at..).unwrap_or_default()
    }

    /// The arguments after the program.
    pub fn args(&self) -> &[String] {
        self.effective().get(1..).unwrap_or_default()
    }

    /// True when one of the arguments is exactly `word`.
    pub fn has_arg(&self, word: &str) -> bool {
        self.args().iter().any(|w| w == word)
    }
}

/// Splits `script` into its simple commands, in order, the commands of
/// substitutions after those of the script.
pub fn commands(script: &str) -> Vec<Command> {
    let mut all = Vec::new();
    let mut pending = vec![(script.to_string(), 0usize)];
    while let Some((text, depth)) = pending.pop() {
        let tokens = lex(&text);
        for token in &tokens {
            if let Token::Word(word) = token
                && depth < MAX_NESTING
            {
                pending.extend(substitutions(word).into_iter().map(|s| (s, depth + 1)));
            }
        }
        let start = all.len();
        assemble(tokens, &mut all);
        for command in &mut all[start..] {
            command.nested = depth > 0;
        }
    }
    all
}

/// The words of `text` as the shell splits them, quotes removed;
/// operators and redirections dropped.
pub fn words(text: &str) -> Vec<String> {
    lex(text)
        .into_iter()
        .filter_map(|token| match token {
            Token::Word(word) => Some(word),
            Token::Op(_) => None,
        })
        .collect()
}

/// True for `NAME=value` (a shell variable assignment).
pub fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Pipe,
    Semi,
    CaseEnd,
    Background,
    Newline,
    Open,
    Close,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Op(Op),
}

/// Turns the script into words and operators.
fn lex(script: &str) -> Vec<Token> {
    let chars: Vec<char> = script.chars().collect();
    let mut lexer = Lexer::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' | '\r' => {
                lexer.finish_word();
                i += 1;
            }
            '\n' => {
                lexer.op(Op::Newline);
                i += 1;
            }
            '\\' => {
                // A continuation joins lines; any other escape is literal.
                if let Some(escaped) = next.filter(|n| *n != '\n') {
                    lexer.push(escaped);
                }
                i += 2;
            }
            '\'' => {
                lexer.in_word = true;
                let end = find(&chars, i + 1, '\'');
                lexer.word.extend(&chars[i + 1..end]);
                i = end + 1;
            }
            '"' => {
                lexer.in_word = true;
                i = lexer.double_quoted(&chars, i + 1);
            }
            '$' if matches!(next, Some('(' | '{')) => {
                let end = skip_expansion(&chars, i + 1);
                lexer.push_all(&chars[i..end]);
                i = end;
            }
            '`' => {
                let end = skip_backticks(&chars, i);
                lexer.push_all(&chars[i..end]);
                i = end;
            }
            '#' if !lexer.in_word => i = find(&chars, i, '\n'),
            '&' if next == Some('&') => {
                lexer.op(Op::And);
                i += 2;
            }
            '&' if next == Some('>') => {
                i = lexer.redirect(&chars, i + 1);
            }
            '&' => {
                lexer.op(Op::Background);
                i += 1;
            }
            '|' if next == Some('|') => {
                lexer.op(Op::Or);
                i += 2;
            }
            '|' => {
                lexer.op(Op::Pipe);
                i += if next == Some('&') { 2 } else { 1 };
            }
            ';' if next == Some(';') => {
                lexer.op(Op::CaseEnd);
                i += 2;
            }
            ';' => {
                lexer.op(Op::Semi);
                i += 1;
            }
            '(' if lexer.in_word => {
                lexer.push(c);
                i += 1;
            }
            '(' => {
                lexer.op(Op::Open);
                i += 1;
            }
            ')' => {
                lexer.op(Op::Close);
                i += 1;
            }
            '<' | '>' if next == Some('(') => {
                // Process substitution: a word of its own.
                lexer.finish_word();
                let end = skip_expansion(&chars, i + 1);
                lexer.push_all(&chars[i..end]);
                i = end;
            }
            '<' | '>' => i = lexer.redirect(&chars, i),
            _ => {
                lexer.push(c);
                i += 1;
            }
        }
    }
    lexer.finish_word();
    lexer.tokens
}

#[derive(Default)]
struct Lexer {
    tokens: Vec<Token>,
    word: String,
    in_word: bool,
    /// The next word is a redirection target, not an argument.
    skip_next_word: bool,
}

impl Lexer {
    fn push(&mut self, c: char) {
        self.word.push(c);
        self.in_word = true;
    }

    fn push_all(&mut self, chars: &[char]) {
        self.word.extend(chars);
        self.in_word = true;
    }

    fn finish_word(&mut self) {
        if self.in_word {
            let word = std::mem::take(&mut self.word);
            if !std::mem::take(&mut self.skip_next_word) {
                self.tokens.push(Token::Word(word));
            }
        }
        self.word.clear();
        self.in_word = false;
    }

    fn op(&mut self, op: Op) {
        self.finish_word();
        self.skip_next_word = false;
        self.tokens.push(Token::Op(op));
    }

    /// Reads `"..."` from `start` (after the quote); returns the index
    /// after the closing quote.
    fn double_quoted(&mut self, chars: &[char], start: usize) -> usize {
        let mut i = start;
        while i < chars.len() && chars[i] != '"' {
            let next = chars.get(i + 1).copied();
            match chars[i] {
                '\\' if matches!(next, Some('$' | '`' | '"' | '\\' | '\n')) => {
                    if next != Some('\n') {
                        self.word.extend(next);
                    }
                    i += 2;
                }
                '$' if matches!(next, Some('(' | '{')) => {
                    let end = skip_expansion(chars, i + 1);
                    self.word.extend(&chars[i..end]);
                    i = end;
                }
                '`' => {
                    let end = skip_backticks(chars, i);
                    self.word.extend(&chars[i..end]);
                    i = end;
                }
                c => {
                    self.word.push(c);
                    i += 1;
                }
            }
        }
        i + 1
    }

    /// A redirection at `start` (`>`, `>>`, `2>&1`, `<<EOF`, `&>`): a file
    /// descriptor number before it and the target after it are dropped.
    fn redirect(&mut self, chars: &[char], start: usize) -> usize {
        if self.in_word && self.word.chars().all(|c| c.is_ascii_digit()) {
            self.word.clear();
            self.in_word = false;
        }
        self.finish_word();
        let mut i = start;
        while i < chars.len() && matches!(chars[i], '<' | '>' | '&' | '|' | '-') {
            i += 1;
        }
        self.skip_next_word = true;
        i
    }
}

/// Index of the first `wanted` at or after `from`, or the end.
fn find(chars: &[char], from: usize, wanted: char) -> usize {
    chars
        .get(from..)
        .and_then(|rest| rest.iter().position(|c| *c == wanted))
        .map_or(chars.len(), |at| from + at)
}

/// From the `(` or `{` at `open`, the index after its matching closer,
/// quotes and nested expansions respected (an explicit stack, no
/// recursion).
fn skip_expansion(chars: &[char], open: usize) -> usize {
    let closer = |c: char| if c == '{' { '}' } else { ')' };
    let mut stack = vec![closer(chars[open])];
    let mut i = open + 1;
    while i < chars.len() {
        let Some(&top) = stack.last() else {
            return i;
        };
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match (top, c) {
            (_, '\\') => {
                i += 2;
                continue;
            }
            ('"', '"') | ('`', '`') => {
                stack.pop();
            }
            ('"' | '`', '$') if matches!(next, Some('(' | '{')) => {
                stack.push(closer(next.unwrap_or('(')));
                i += 2;
                continue;
            }
            ('"' | '`', _) => {}
            (_, '\'') => i = find(chars, i + 1, '\''),
            (_, '"' | '`') => stack.push(c),
            (')', '(') => stack.push(')'),
            ('}', '{') => stack.push('}'),
            (_, '$') if matches!(next, Some('(' | '{')) => {
                stack.push(closer(next.unwrap_or('(')));
                i += 2;
                continue;
            }
            _ if c == top => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

/// From the backtick at `open`, the index after the closing one.
fn skip_backticks(chars: &[char], open: usize) -> usize {
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '`' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The scripts of the command substitutions in a word (`$(...)`,
/// backticks, `<(...)`), outermost only.
fn substitutions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let next = chars.get(i + 1).copied();
        match chars[i] {
            '$' | '<' | '>' if next == Some('(') => {
                let end = skip_expansion(&chars, i + 1);
                // `$((...))` is arithmetic, not a command.
                if chars.get(i + 2) != Some(&'(') {
                    let inner_end = end.saturating_sub(1).max(i + 2);
                    found.push(chars[i + 2..inner_end].iter().collect());
                }
                i = end;
            }
            '$' if next == Some('{') => i = skip_expansion(&chars, i + 1),
            '`' => {
                let end = skip_backticks(&chars, i);
                let inner_end = end.saturating_sub(1).max(i + 1);
                found.push(chars[i + 1..inner_end].iter().collect());
                i = end;
            }
            _ => i += 1,
        }
    }
    found
}

/// Groups tokens into commands: skips reserved words and assignments at a
/// command's start, drops `for`/`case` headers and `case` patterns.
fn assemble(tokens: Vec<Token>, out: &mut Vec<Command>) {
    let mut words: Vec<String> = Vec::new();
    let mut in_pattern = false;
    for token in tokens {
        match token {
            Token::Word(word) => {
                if words.is_empty() && (RESERVED.contains(&word.as_str()) || is_assignment(&word)) {
                    continue;
                }
                if words.len() == 2 && words[0] == "case" && word == "in" && !in_pattern {
                    words.clear();
                    in_pattern = true;
                    continue;
                }
                words.push(word);
            }
            Token::Op(op) => {
                if in_pattern {
                    if words.first().is_some_and(|w| w == "esac") {
                        words.clear();
                        in_pattern = false;
                    } else {
                        if op == Op::Close {
                            in_pattern = false;
                        }
                        // Pattern words, and the `|` between alternatives.
                        if matches!(op, Op::Close | Op::Pipe | Op::Open | Op::Newline) {
                            words.clear();
                            continue;
                        }
                    }
                }
                flush(&mut words, op == Op::Pipe, out);
                if op == Op::CaseEnd {
                    in_pattern = true;
                }
            }
        }
    }
    flush(&mut words, false, out);
}

fn flush(words: &mut Vec<String>, piped: bool, out: &mut Vec<Command>) {
    let taken = std::mem::take(words);
    match taken.first().map(String::as_str) {
        None | Some("for" | "select" | "esac" | "case") => {}
        Some(_) => out.push(Command {
            words: taken,
            piped,
            nested: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        commands(script)
            .into_iter()
            .filter(|c| !c.nested)
            .map(|c| c.words)
            .collect()
    }

    #[test]
    fn operators_split_commands_and_assignments_are_skipped() {
        assert_eq!(
            words("DEBIAN_FRONTEND=x apt-get update && apt-get install -y curl | tee log; cd /x"),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "curl"],
                vec!["tee", "log"],
                vec!["cd", "/x"],
            ]
        );
        let all = commands("a | b || c");
        assert!(all[0].piped && !all[1].piped && !all[2].piped);
    }

    #[test]
    fn quotes_escapes_and_comments() {
        assert_eq!(
            words("echo 'a; b | c' \"d && $(x | y)\" e\\;f # not | a command\nls"),
            vec![vec!["echo", "a; b | c", "d && $(x | y)", "e;f"], vec!["ls"]]
        );
        assert_eq!(
            words("pip3 install 'setuptools==79.0.1' \"wheel<0.46\""),
            vec![vec!["pip3", "install", "setuptools==79.0.1", "wheel<0.46"]]
        );
        // A line continuation inside a script (heredoc bodies keep them).
        assert_eq!(
            words("apt-get \\\n install x"),
            vec![vec!["apt-get", "install", "x"]]
        );
    }

    #[test]
    fn redirections_are_not_arguments() {
        assert_eq!(
            words("pip install x > /tmp/log 2>&1 && apt-mark auto '.*' >/dev/null; cat <<EOF"),
            vec![
                vec!["pip", "install", "x"],
                vec!["apt-mark", "auto", ".*"],
                vec!["cat"],
            ]
        );
    }

    #[test]
    fn substitutions_stay_whole_and_their_commands_are_listed_as_nested() {
        let all = commands("dst=\"$(echo \"$src\" | tr -d 3)\"; ln -s \"$src\" \"$dst\"");
        let top: Vec<_> = all.iter().filter(|c| !c.nested).collect();
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].words, vec!["ln", "-s", "$src", "$dst"]);
        let nested: Vec<_> = all.iter().filter(|c| c.nested).collect();
        assert_eq!(nested[0].words, vec!["echo", "$src"]);
        assert!(nested[0].piped);
        assert_eq!(nested[1].words, vec!["tr", "-d", "3"]);
        // Arithmetic is no command.
        assert!(commands("x=$((1 + 2))").is_empty());
    }

    #[test]
    fn reserved_words_loops_and_case_patterns() {
        let script = "if [ -f x ]; then apt-get install -y a; fi; \
            for f in a b; do rm \"$f\"; done; \
            case \"$arch\" in amd64|arm64) CFLAGS=1; make a ;; i386) ;; *) make b ;; esac; ls";
        assert_eq!(
            words(script),
            vec![
                vec!["[", "-f", "x", "]"],
                vec!["apt-get", "install", "-y", "a"],
                vec!["rm", "$f"],
                vec!["make", "a"],
                vec!["make", "b"],
                vec!["ls"],
            ]
        );
        assert!(
            commands(script).iter().all(|c| !c.piped),
            "no pipe in case patterns"
        );
    }

    #[test]
    fn programs_are_found_behind_wrappers_and_paths() {
        let all = commands(
            "sudo -E -u app /usr/bin/apt-get install x; env -u HOME A=b pip install y; nice -n 5 make",
        );
        assert_eq!(all[0].program(), "apt-get");
        assert_eq!(all[0].args(), ["install", "x"]);
        assert_eq!(all[1].program(), "pip");
        assert!(all[1].has_arg("install"));
        assert_eq!(all[2].program(), "make");
    }

    #[test]
    fn unbalanced_input_ends_without_panicking() {
        for script in [
            "echo \"open",
            "echo 'open",
            "x=$(a",
            "`a",
            "a \\",
            "case x in",
            "${",
        ] {
            let _ = commands(script);
        }
    }
}
