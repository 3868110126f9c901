//! GenieACS's expression language as preset preconditions use it
//! (`DeviceID.SerialNumber = "48575443A1B2C3D4" AND Tags.acsdesk-cfg IS NULL`): literals
//! (strings in `"…"` with backslash escapes or `'…'`, numbers, `TRUE`, `FALSE`, `NULL`),
//! parameter paths, `=`, `<>`, `<`, `<=`, `>`, `>=`, `[NOT] LIKE`, `IS [NOT] NULL`, `NOT`,
//! `AND`, `OR` and parentheses, keywords in any case. Comparisons with a missing value are
//! `NULL`, which a precondition reads as false — as GenieACS evaluates them. Arithmetic
//! and function calls are not part of the sandbox's subset: they are a parse error.

use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Lit(Value),
    Param(String),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    Like {
        negated: bool,
        value: Box<Expr>,
        pattern: Box<Expr>,
    },
    IsNull {
        negated: bool,
        value: Box<Expr>,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Op(Cmp),
    Word(String),
    Str(String),
    Num(f64),
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '=' => {
                out.push(Token::Op(Cmp::Eq));
                i += 1;
            }
            '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('<', Some('>')) => (Cmp::Ne, 2),
                    ('<', Some('=')) => (Cmp::Le, 2),
                    ('>', Some('=')) => (Cmp::Ge, 2),
                    ('<', _) => (Cmp::Lt, 1),
                    _ => (Cmp::Gt, 1),
                };
                out.push(Token::Op(op));
                i += len;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("a string is not closed".into()),
                        Some('"') => break,
                        Some('\\') => {
                            let e = chars.get(i + 1).copied().ok_or("a string is not closed")?;
                            s.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                'r' => '\r',
                                other => other,
                            });
                            i += 2;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push(Token::Str(s));
            }
            '\'' => {
                // SQL style: a doubled quote is one quote.
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("a string is not closed".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => break,
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push(Token::Str(s));
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*' | '-') => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], '_' | '.' | '*' | '-'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.parse::<f64>() {
                    Ok(n) if !word.ends_with('.') => out.push(Token::Num(n)),
                    _ => out.push(Token::Word(word)),
                }
            }
            other => return Err(format!("unexpected '{other}'")),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let hit = self.peek_word(word);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.and()?];
        while self.eat_word("OR") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.not()?];
        while self.eat_word("AND") {
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.eat_word("NOT") {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.primary()?;
        if let Some(Token::Op(op)) = self.tokens.get(self.pos).cloned() {
            self.pos += 1;
            let right = self.primary()?;
            return Ok(Expr::Cmp(op, Box::new(left), Box::new(right)));
        }
        if self.eat_word("IS") {
            let negated = self.eat_word("NOT");
            if !self.eat_word("NULL") {
                return Err("IS must be followed by NULL or NOT NULL".into());
            }
            return Ok(Expr::IsNull {
                negated,
                value: Box::new(left),
            });
        }
        let negated = self.peek_word("NOT")
            && matches!(self.tokens.get(self.pos + 1), Some(Token::Word(w)) if w.eq_ignore_ascii_case("LIKE"));
        if negated {
            self.pos += 1;
        }
        if self.eat_word("LIKE") {
            let pattern = self.primary()?;
            return Ok(Expr::Like {
                negated,
                value: Box::new(left),
                pattern: Box::new(pattern),
            });
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let token = self
            .tokens
            .get(self.pos)
            .cloned()
            .ok_or("the expression ends too early")?;
        self.pos += 1;
        match token {
            Token::Open => {
                let inner = self.or()?;
                if self.tokens.get(self.pos) != Some(&Token::Close) {
                    return Err("a '(' is not closed".into());
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::Str(s) => Ok(Expr::Lit(Value::String(s))),
            Token::Num(n) => Ok(Expr::Lit(
                serde_json::Number::from_f64(n)
                    .map(Value::Number)
                    .unwrap_or(Value::Null),
            )),
            Token::Word(w) if w.eq_ignore_ascii_case("TRUE") => Ok(Expr::Lit(Value::Bool(true))),
            Token::Word(w) if w.eq_ignore_ascii_case("FALSE") => Ok(Expr::Lit(Value::Bool(false))),
            Token::Word(w) if w.eq_ignore_ascii_case("NULL") => Ok(Expr::Lit(Value::Null)),
            Token::Word(w) => {
                if matches!(self.tokens.get(self.pos), Some(Token::Open)) {
                    return Err(format!("function {w}() is not supported by the sandbox"));
                }
                Ok(Expr::Param(w))
            }
            Token::Close => Err("unexpected ')'".into()),
            Token::Op(_) => Err("an operator needs a value before it".into()),
        }
    }
}

/// Parses a precondition.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let mut p = Parser {
        tokens: lex(text)?,
        pos: 0,
    };
    if p.tokens.is_empty() {
        return Ok(Expr::Lit(Value::Bool(true)));
    }
    let e = p.or()?;
    if p.pos != p.tokens.len() {
        return Err(format!(
            "unexpected {:?} at token {}",
            p.tokens[p.pos],
            p.pos + 1
        ));
    }
    Ok(e)
}

/// JavaScript's truthiness, as GenieACS tests a precondition's result.
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn compare(op: Cmp, a: &Value, b: &Value) -> Value {
    use std::cmp::Ordering;
    let ord = match (a, b) {
        (Value::Null, _) | (_, Value::Null) => return Value::Null,
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        // Values of different types are never equal, and have no order.
        _ => None,
    };
    let r = match (op, ord) {
        (Cmp::Eq, o) => o == Some(Ordering::Equal),
        (Cmp::Ne, o) => o != Some(Ordering::Equal),
        (_, None) => return Value::Null,
        (Cmp::Lt, Some(o)) => o == Ordering::Less,
        (Cmp::Le, Some(o)) => o != Ordering::Greater,
        (Cmp::Gt, Some(o)) => o == Ordering::Greater,
        (Cmp::Ge, Some(o)) => o != Ordering::Less,
    };
    Value::Bool(r)
}

/// SQL's LIKE: `%` any run, `_` one character, `\` escapes the next.
fn like(text: &str, pattern: &str) -> bool {
    fn go(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && go(&t[1..], rest),
            Some(('\\', rest)) if !rest.is_empty() => {
                t.first() == Some(&rest[0]) && go(&t[1..], &rest[1..])
            }
            Some((c, rest)) => t.first() == Some(c) && go(&t[1..], rest),
        }
    }
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    go(&t, &p)
}

impl Expr {
    /// The parameter paths it reads.
    pub(crate) fn params(&self, out: &mut Vec<String>) {
        match self {
            Expr::Lit(_) => {}
            Expr::Param(p) => out.push(p.clone()),
            Expr::Not(e) => e.params(out),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.params(out)),
            Expr::Cmp(_, a, b) => {
                a.params(out);
                b.params(out);
            }
            Expr::Like { value, pattern, .. } => {
                value.params(out);
                pattern.params(out);
            }
            Expr::IsNull { value, .. } => value.params(out),
        }
    }

    /// Its value, reading parameters through `lookup` (`None`: GenieACS holds no value).
    pub(crate) fn eval(&self, lookup: &dyn Fn(&str) -> Option<Value>) -> Value {
        match self {
            Expr::Lit(v) => v.clone(),
            Expr::Param(p) => lookup(p).unwrap_or(Value::Null),
            Expr::Not(e) => match e.eval(lookup) {
                Value::Null => Value::Null,
                v => Value::Bool(!truthy(&v)),
            },
            Expr::And(parts) => {
                let mut unknown = false;
                for e in parts {
                    match e.eval(lookup) {
                        Value::Null => unknown = true,
                        v if !truthy(&v) => return Value::Bool(false),
                        _ => {}
                    }
                }
                if unknown {
                    Value::Null
                } else {
                    Value::Bool(true)
                }
            }
            Expr::Or(parts) => {
                let mut unknown = false;
                for e in parts {
                    match e.eval(lookup) {
                        Value::Null => unknown = true,
                        v if truthy(&v) => return Value::Bool(true),
                        _ => {}
                    }
                }
                if unknown {
                    Value::Null
                } else {
                    Value::Bool(false)
                }
            }
            Expr::Cmp(op, a, b) => compare(*op, &a.eval(lookup), &b.eval(lookup)),
            Expr::Like {
                negated,
                value,
                pattern,
            } => match (value.eval(lookup), pattern.eval(lookup)) {
                (Value::String(t), Value::String(p)) => Value::Bool(like(&t, &p) != *negated),
                (Value::Null, _) | (_, Value::Null) => Value::Null,
                (t, Value::String(p)) => {
                    let t = match t {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    Value::Bool(like(&t, &p) != *negated)
                }
                _ => Value::Null,
            },
            Expr::IsNull { negated, value } => {
                Value::Bool(value.eval(lookup).is_null() != *negated)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(text: &str, values: &[(&str, Value)]) -> Value {
        let e = parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
        e.eval(&|p| values.iter().find(|(k, _)| *k == p).map(|(_, v)| v.clone()))
    }

    #[test]
    fn the_preconditions_genieacs_writes_evaluate_as_it_does() {
        let dev = [
            ("DeviceID.SerialNumber", json!("000006")),
            ("Tags.lab", json!(true)),
            ("InternetGatewayDevice.DeviceInfo.UpTime", json!(3600)),
        ];
        assert_eq!(
            eval(r#"DeviceID.SerialNumber = "000006""#, &dev),
            json!(true)
        );
        assert_eq!(eval("DeviceID.SerialNumber = '000007'", &dev), json!(false));
        assert_eq!(eval("DeviceID.SerialNumber <> '000007'", &dev), json!(true));
        assert_eq!(
            eval("Tags.lab IS NOT NULL and Tags.other is null", &dev),
            json!(true)
        );
        assert_eq!(
            eval(
                "NOT (Tags.other = true) OR DeviceID.SerialNumber LIKE '0%6'",
                &dev
            ),
            json!(true)
        );
        assert_eq!(
            eval("InternetGatewayDevice.DeviceInfo.UpTime >= 3600", &dev),
            json!(true)
        );
        assert_eq!(
            eval("InternetGatewayDevice.DeviceInfo.UpTime < 60", &dev),
            json!(false)
        );
        // A missing value makes the comparison unknown, and an unknown precondition false.
        assert_eq!(eval("Tags.other = true", &dev), Value::Null);
        assert!(!truthy(&eval("Tags.other = true", &dev)));
        // Different types never compare equal.
        assert_eq!(eval("DeviceID.SerialNumber = 6", &dev), json!(false));
        assert_eq!(
            eval(r#"DeviceID.SerialNumber NOT LIKE "0_0006""#, &dev),
            json!(false)
        );
        assert_eq!(eval("", &dev), json!(true));
    }

    #[test]
    fn what_it_reads_is_listed_and_broken_text_is_a_clear_error() {
        let mut params = Vec::new();
        parse(r#"DeviceID.OUI = "E48D8C" AND (Tags.a IS NULL OR X.Y.Z <> 'it''s')"#)
            .unwrap()
            .params(&mut params);
        assert_eq!(params, ["DeviceID.OUI", "Tags.a", "X.Y.Z"]);
        for (text, why) in [
            (r#"DeviceID.ID = "open"#, "not closed"),
            ("(a = 1", "not closed"),
            ("a = ", "ends too early"),
            ("a IS 1", "NULL"),
            ("UPPER(a) = 'X'", "not supported"),
            ("a = 1 b", "unexpected"),
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.contains(why), "{text}: {err}");
        }
    }
}
