//! The fallback expression language (spec/schema.md §14.6): parser, static type and range
//! check, and evaluator.
//!
//! Values are mathematical integers. A schema is valid only if the static range of every
//! sub-expression lies in the signed 32-bit range, so generated firmware code can compute
//! in `i32` without overflow checks, and this evaluator (in `i64`) never overflows either.
//! There are no floating-point values, no variables besides fields and loop counters, and
//! no unbounded constructs.
use std::collections::BTreeMap;
use std::fmt;

use mox_codec::envelope::ext::ops;

/// Longest expression text accepted, in bytes.
pub(crate) const MAX_LEN: usize = 256;
/// Deepest parenthesis / operator nesting accepted by the parser.
pub(crate) const MAX_DEPTH: usize = 32;
/// The smallest value any sub-expression may take.
pub(crate) const I32_MIN: i64 = i32::MIN as i64;
/// The largest value any sub-expression may take.
pub(crate) const I32_MAX: i64 = i32::MAX as i64;

/// A byte range inside the expression text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Why an expression was rejected, and where in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub(crate) span: Span,
    pub(crate) message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn err<T>(span: Span, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        span,
        message: message.into(),
    })
}

/// Binary operators, loosest first in the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "|",
            BinOp::And => "&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    /// `abs(x)`.
    Abs,
    /// `min(a, b)`.
    Min,
    /// `max(a, b)`.
    Max,
    /// `clamp(x, lo, hi)` = `max(lo, min(x, hi))`.
    Clamp,
    /// `scale(x, a, b, c, d)` = `c + (x − a)·(d − c) / (b − a)`, literals a–d, `a ≠ b`.
    Scale,
    /// `byte(field, k)`: the k-th byte of a text7/bytes7 field, 0 outside it.
    Byte,
}

impl Func {
    fn from_name(name: &str) -> Option<(Func, usize)> {
        Some(match name {
            "abs" => (Func::Abs, 1),
            "min" => (Func::Min, 2),
            "max" => (Func::Max, 2),
            "clamp" => (Func::Clamp, 3),
            "scale" => (Func::Scale, 5),
            "byte" => (Func::Byte, 2),
            _ => return None,
        })
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    /// An integer literal.
    Int(i64, Span),
    /// A field or loop variable.
    Name(String, Span),
    /// Unary minus.
    Neg(Box<Expr>, Span),
    /// A binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>, Span),
    /// A function call.
    Call(Func, Vec<Expr>, Span),
}

impl Expr {
    pub(crate) fn span(&self) -> Span {
        match self {
            Expr::Int(_, s) | Expr::Name(_, s) | Expr::Neg(_, s) => *s,
            Expr::Bin(_, _, _, s) | Expr::Call(_, _, s) => *s,
        }
    }

    /// Every name the expression reads, in first-use order.
    pub(crate) fn names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Int(..) => {}
            Expr::Name(n, _) => {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
            Expr::Neg(e, _) => e.names(out),
            Expr::Bin(_, a, b, _) => {
                a.names(out);
                b.names(out);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.names(out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Int(i64),
    Ident(&'a str),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn lex(text: &str) -> Result<Vec<(Tok<'_>, Span)>, ExprError> {
    let whole = Span {
        start: 0,
        end: text.len(),
    };
    if text.len() > MAX_LEN {
        return err(whole, format!("expression longer than {MAX_LEN} bytes"));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c == b' ' || c == b'\t' {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let (radix, digits_start) = if c == b'0' && matches!(bytes.get(i + 1), Some(b'x')) {
                (16, i + 2)
            } else {
                (10, i)
            };
            i = digits_start;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let span = Span { start, end: i };
            let digits = &text[digits_start..i];
            match i64::from_str_radix(digits, radix) {
                Ok(v) if v <= I32_MAX && !digits.is_empty() => out.push((Tok::Int(v), span)),
                Ok(_) => return err(span, "integer literal larger than 2147483647"),
                Err(_) => {
                    return err(
                        span,
                        format!("invalid integer literal `{}`", &text[start..i]),
                    )
                }
            }
            continue;
        }
        if c.is_ascii_lowercase() || c == b'_' {
            while i < bytes.len()
                && (bytes[i].is_ascii_lowercase() || bytes[i].is_ascii_digit() || bytes[i] == b'_')
            {
                i += 1;
            }
            out.push((Tok::Ident(&text[start..i]), Span { start, end: i }));
            continue;
        }
        let two = text.get(i..i + 2).unwrap_or("");
        let op2 = ["<<", ">>", "<=", ">=", "==", "!="]
            .into_iter()
            .find(|op| *op == two);
        if let Some(op) = op2 {
            out.push((Tok::Op(op), Span { start, end: i + 2 }));
            i += 2;
            continue;
        }
        let tok = match c {
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b'+' => Tok::Op("+"),
            b'-' => Tok::Op("-"),
            b'*' => Tok::Op("*"),
            b'/' => Tok::Op("/"),
            b'%' => Tok::Op("%"),
            b'&' => Tok::Op("&"),
            b'|' => Tok::Op("|"),
            b'<' => Tok::Op("<"),
            b'>' => Tok::Op(">"),
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                let end = i + ch.len_utf8();
                return err(Span { start, end }, format!("unexpected character `{ch}`"));
            }
        };
        out.push((tok, Span { start, end: i + 1 }));
        i += 1;
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(Tok<'a>, Span)>,
    pos: usize,
    len: usize,
    depth: usize,
}

/// Binary precedence levels, loosest first; comparisons do not chain.
const LEVELS: &[&[(&str, BinOp)]] = &[
    &[("|", BinOp::Or)],
    &[("&", BinOp::And)],
    &[
        ("==", BinOp::Eq),
        ("!=", BinOp::Ne),
        ("<", BinOp::Lt),
        ("<=", BinOp::Le),
        (">", BinOp::Gt),
        (">=", BinOp::Ge),
    ],
    &[("<<", BinOp::Shl), (">>", BinOp::Shr)],
    &[("+", BinOp::Add), ("-", BinOp::Sub)],
    &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
];
const COMPARISON_LEVEL: usize = 2;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<(Tok<'a>, Span)> {
        self.toks.get(self.pos).copied()
    }

    fn end_span(&self) -> Span {
        Span {
            start: self.len,
            end: self.len,
        }
    }

    fn enter(&mut self, span: Span) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(span, format!("expression nested deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    fn binary(&mut self, level: usize) -> Result<Expr, ExprError> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut lhs = self.binary(level + 1)?;
        let mut chained = false;
        while let Some((Tok::Op(op), op_span)) = self.peek() {
            let Some(&(_, bin)) = LEVELS[level].iter().find(|(s, _)| *s == op) else {
                break;
            };
            if level == COMPARISON_LEVEL && chained {
                return err(op_span, "comparisons do not chain; use parentheses and `&`");
            }
            self.pos += 1;
            self.enter(op_span)?;
            let rhs = self.binary(level + 1)?;
            self.depth -= 1;
            let span = Span {
                start: lhs.span().start,
                end: rhs.span().end,
            };
            lhs = Expr::Bin(bin, Box::new(lhs), Box::new(rhs), span);
            chained = true;
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        match self.peek() {
            Some((Tok::Op("-"), span)) => {
                self.pos += 1;
                self.enter(span)?;
                let inner = self.unary()?;
                self.depth -= 1;
                let whole = Span {
                    start: span.start,
                    end: inner.span().end,
                };
                Ok(Expr::Neg(Box::new(inner), whole))
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some((tok, span)) = self.peek() else {
            return err(
                self.end_span(),
                "expression ends where a value was expected",
            );
        };
        self.pos += 1;
        match tok {
            Tok::Int(v) => Ok(Expr::Int(v, span)),
            Tok::Ident(name) => {
                if !matches!(self.peek(), Some((Tok::LParen, _))) {
                    return Ok(Expr::Name(name.to_string(), span));
                }
                let Some((func, arity)) = Func::from_name(name) else {
                    return err(span, format!("unknown function `{name}`"));
                };
                self.pos += 1;
                self.enter(span)?;
                let mut args = Vec::new();
                loop {
                    args.push(self.binary(0)?);
                    match self.peek() {
                        Some((Tok::Comma, _)) => self.pos += 1,
                        Some((Tok::RParen, close)) => {
                            self.pos += 1;
                            self.depth -= 1;
                            let whole = Span {
                                start: span.start,
                                end: close.end,
                            };
                            if args.len() != arity {
                                return err(
                                    whole,
                                    format!("`{name}` takes {arity} arguments, not {}", args.len()),
                                );
                            }
                            return Ok(Expr::Call(func, args, whole));
                        }
                        Some((_, s)) => return err(s, "expected `,` or `)`"),
                        None => return err(self.end_span(), "missing `)`"),
                    }
                }
            }
            Tok::LParen => {
                self.enter(span)?;
                let inner = self.binary(0)?;
                self.depth -= 1;
                match self.peek() {
                    Some((Tok::RParen, _)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    Some((_, s)) => err(s, "expected `)`"),
                    None => err(self.end_span(), "missing `)`"),
                }
            }
            Tok::Op(op) => err(span, format!("unexpected `{op}`")),
            Tok::RParen => err(span, "unexpected `)`"),
            Tok::Comma => err(span, "unexpected `,`"),
        }
    }
}

/// Parses one expression.
pub(crate) fn parse(text: &str) -> Result<Expr, ExprError> {
    let toks = lex(text)?;
    let mut parser = Parser {
        toks,
        pos: 0,
        len: text.len(),
        depth: 0,
    };
    let expr = parser.binary(0)?;
    if let Some((_, span)) = parser.peek() {
        return err(span, "unexpected text after the expression");
    }
    Ok(expr)
}

/// A closed integer interval: the static range of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub(crate) lo: i64,
    pub(crate) hi: i64,
}

impl Range {
    pub(crate) const fn new(lo: i64, hi: i64) -> Self {
        Range { lo, hi }
    }

    fn point(v: i64) -> Self {
        Range { lo: v, hi: v }
    }

    fn contains_zero(self) -> bool {
        self.lo <= 0 && 0 <= self.hi
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.lo, self.hi)
    }
}

/// What a name stands for in an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sym {
    /// An integer (integer field, bool, enum7, loop variable) with its static range.
    Int(Range),
    /// A text7 or bytes7 field: only `byte(name, k)` reads it.
    Bytes,
    /// A field that expressions cannot read, and why.
    Unusable(&'static str),
}

/// The names an expression may use.
pub(crate) type Env = BTreeMap<String, Sym>;

fn checked(range: Range, span: Span, what: &str) -> Result<Range, ExprError> {
    if range.lo < I32_MIN || range.hi > I32_MAX {
        return err(
            span,
            format!("{what} may reach {range}, outside the signed 32-bit range"),
        );
    }
    Ok(range)
}

fn corners(a: Range, b: Range, f: impl Fn(i64, i64) -> i64) -> Range {
    let v = [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
    Range::new(
        v.iter().copied().min().unwrap_or(0),
        v.iter().copied().max().unwrap_or(0),
    )
}

fn join(a: Range, b: Range) -> Range {
    Range::new(a.lo.min(b.lo), a.hi.max(b.hi))
}

fn literal(e: &Expr) -> Option<i64> {
    match e {
        Expr::Int(v, _) => Some(*v),
        Expr::Neg(inner, _) => literal(inner).map(|v| -v),
        _ => None,
    }
}

/// Type-checks `expr` as an integer expression and returns its static range.
pub(crate) fn range(expr: &Expr, env: &Env) -> Result<Range, ExprError> {
    let span = expr.span();
    let r = match expr {
        Expr::Int(v, _) => Range::point(*v),
        Expr::Name(name, _) => match env.get(name) {
            Some(Sym::Int(r)) => *r,
            Some(Sym::Bytes) => {
                return err(
                    span,
                    format!("`{name}` is a byte string; read it with byte({name}, index)"),
                )
            }
            Some(Sym::Unusable(why)) => {
                return err(
                    span,
                    format!("`{name}` cannot be used in an expression: {why}"),
                )
            }
            None => return err(span, format!("unknown field `{name}`")),
        },
        Expr::Neg(inner, _) => {
            let r = range(inner, env)?;
            Range::new(-r.hi, -r.lo)
        }
        Expr::Bin(op, a, b, _) => bin_range(*op, a, b, env)?,
        Expr::Call(func, args, _) => call_range(*func, args, env)?,
    };
    checked(r, span, "this expression")
}

fn bin_range(op: BinOp, a: &Expr, b: &Expr, env: &Env) -> Result<Range, ExprError> {
    let ra = range(a, env)?;
    if matches!(op, BinOp::Shl | BinOp::Shr) {
        let k = match literal(b) {
            Some(k) if (0..=30).contains(&k) => k,
            _ => return err(b.span(), "a shift amount must be an integer literal 0..=30"),
        };
        return Ok(match op {
            BinOp::Shl => Range::new(ra.lo << k, ra.hi << k),
            _ => Range::new(ra.lo >> k, ra.hi >> k),
        });
    }
    let rb = range(b, env)?;
    Ok(match op {
        BinOp::Add => Range::new(ra.lo + rb.lo, ra.hi + rb.hi),
        BinOp::Sub => Range::new(ra.lo - rb.hi, ra.hi - rb.lo),
        BinOp::Mul => corners(ra, rb, |x, y| x * y),
        BinOp::Div => {
            // Truncating division is monotone in each operand on each side of zero, so the
            // corners of the non-zero parts of the divisor bound it; x / 0 is defined as 0.
            let mut parts = Vec::new();
            if rb.lo <= -1 {
                parts.push(corners(ra, Range::new(rb.lo, rb.hi.min(-1)), |x, y| x / y));
            }
            if rb.hi >= 1 {
                parts.push(corners(ra, Range::new(rb.lo.max(1), rb.hi), |x, y| x / y));
            }
            if rb.contains_zero() {
                parts.push(Range::point(0));
            }
            parts.into_iter().reduce(join).unwrap_or(Range::point(0))
        }
        BinOp::Rem => {
            // |x % d| < |d| and x % d has the sign of x (or is 0); x % 0 is defined as 0.
            let d = rb.lo.abs().max(rb.hi.abs());
            let m = (d - 1).max(0);
            Range::new(ra.lo.max(-m).min(0), ra.hi.min(m).max(0))
        }
        BinOp::And | BinOp::Or => {
            if ra.lo < 0 || rb.lo < 0 {
                let which = if ra.lo < 0 { a } else { b };
                return err(
                    which.span(),
                    format!("`{}` needs operands that are never negative", op.symbol()),
                );
            }
            if op == BinOp::And {
                Range::new(0, ra.hi.min(rb.hi))
            } else {
                let top = ra.hi.max(rb.hi);
                let mask = if top == 0 {
                    0
                } else {
                    (1i64 << (64 - top.leading_zeros())) - 1
                };
                Range::new(ra.lo.max(rb.lo), mask)
            }
        }
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => Range::new(0, 1),
        BinOp::Shl | BinOp::Shr => unreachable_range(),
    })
}

/// Shifts return before the match; this keeps the match exhaustive without a panic.
fn unreachable_range() -> Range {
    Range::point(0)
}

fn call_range(func: Func, args: &[Expr], env: &Env) -> Result<Range, ExprError> {
    match func {
        Func::Abs => {
            let x = range(&args[0], env)?;
            Ok(if x.lo >= 0 {
                x
            } else if x.hi <= 0 {
                Range::new(-x.hi, -x.lo)
            } else {
                Range::new(0, x.hi.max(-x.lo))
            })
        }
        Func::Min | Func::Max => {
            let a = range(&args[0], env)?;
            let b = range(&args[1], env)?;
            Ok(if func == Func::Min {
                Range::new(a.lo.min(b.lo), a.hi.min(b.hi))
            } else {
                Range::new(a.lo.max(b.lo), a.hi.max(b.hi))
            })
        }
        Func::Clamp => {
            let x = range(&args[0], env)?;
            let lo = range(&args[1], env)?;
            let hi = range(&args[2], env)?;
            let inner = Range::new(x.lo.min(hi.lo), x.hi.min(hi.hi));
            Ok(Range::new(inner.lo.max(lo.lo), inner.hi.max(lo.hi)))
        }
        Func::Scale => {
            let x = range(&args[0], env)?;
            let mut k = [0i64; 4];
            for (slot, arg) in k.iter_mut().zip(&args[1..]) {
                *slot = match literal(arg) {
                    Some(v) => v,
                    None => return err(arg.span(), "scale() takes integer literals after x"),
                };
            }
            let [a, b, c, d] = k;
            if a == b {
                return err(args[2].span(), "scale(x, a, b, c, d) needs a ≠ b");
            }
            // Each intermediate of c + (x − a)·(d − c) / (b − a) obeys the 32-bit rule, as
            // the written-out expression would; that also keeps the products within i64.
            let span = args[0].span();
            let shifted = checked(Range::new(x.lo - a, x.hi - a), span, "x − a in scale()")?;
            let span_dc = args[4].span();
            checked(Range::point(d - c), span_dc, "d − c in scale()")?;
            checked(Range::point(b - a), args[2].span(), "b − a in scale()")?;
            let product = corners(shifted, Range::point(d - c), |p, q| p * q);
            checked(product, span, "(x − a)·(d − c) in scale()")?;
            let quotient = corners(product, Range::point(b - a), |p, q| p / q);
            Ok(Range::new(quotient.lo + c, quotient.hi + c))
        }
        Func::Byte => {
            match &args[0] {
                Expr::Name(name, span) => match env.get(name) {
                    Some(Sym::Bytes) => {}
                    Some(_) => {
                        return err(
                            *span,
                            format!("byte() reads a text7 or bytes7 field; `{name}` is not one"),
                        )
                    }
                    None => return err(*span, format!("unknown field `{name}`")),
                },
                other => return err(other.span(), "byte() takes a field name first"),
            }
            range(&args[1], env)?;
            Ok(Range::new(0, 127))
        }
    }
}

/// Narrows `env` with the comparisons `name OP literal` that `cond` being nonzero implies:
/// those that are `&`-conjuncts at the top of the condition. Returns an error if a range
/// becomes empty (the condition can never hold).
pub(crate) fn narrow(cond: &Expr, env: &mut Env) -> Result<(), ExprError> {
    match cond {
        Expr::Bin(BinOp::And, a, b, _) => {
            narrow(a, env)?;
            narrow(b, env)
        }
        Expr::Bin(op, a, b, span) => {
            let (name, lit, op) = match (a.as_ref(), literal(b), literal(a), b.as_ref()) {
                (Expr::Name(n, _), Some(v), _, _) => (n, v, *op),
                (_, _, Some(v), Expr::Name(n, _)) => (n, v, flip(*op)),
                _ => return Ok(()),
            };
            let Some(Sym::Int(r)) = env.get(name).cloned() else {
                return Ok(());
            };
            let narrowed = match op {
                BinOp::Lt => Range::new(r.lo, r.hi.min(lit - 1)),
                BinOp::Le => Range::new(r.lo, r.hi.min(lit)),
                BinOp::Gt => Range::new(r.lo.max(lit + 1), r.hi),
                BinOp::Ge => Range::new(r.lo.max(lit), r.hi),
                BinOp::Eq => Range::new(r.lo.max(lit), r.hi.min(lit)),
                _ => r,
            };
            if narrowed.lo > narrowed.hi {
                return err(
                    *span,
                    format!("this condition never holds (`{name}` is {r})"),
                );
            }
            env.insert(name.clone(), Sym::Int(narrowed));
            Ok(())
        }
        _ => Ok(()),
    }
}

fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// A runtime value of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    /// An integer.
    Int(i64),
    /// The 7-bit bytes of a text7/bytes7 field.
    Bytes(Vec<u8>),
}

/// Evaluates a type-checked expression. `None` when a name is missing from `vals` (the
/// field is absent) or holds the wrong kind of value.
///
/// Every operation is the `i32` function of `mox_codec::envelope::ext::ops` that the
/// generated fallback renderers call, so the pages `mox schema doc` renders and the
/// generated code share one definition of the language (spec §14.6.4). The static ranges
/// (MOX-SCH-052) keep every value of a valid message inside `i32`; a name whose value does
/// not fit (an invalid message) gives `None`.
pub(crate) fn eval(expr: &Expr, vals: &BTreeMap<String, Val>) -> Option<i64> {
    eval32(expr, vals).map(i64::from)
}

fn eval32(expr: &Expr, vals: &BTreeMap<String, Val>) -> Option<i32> {
    Some(match expr {
        Expr::Int(v, _) => i32::try_from(*v).ok()?,
        Expr::Name(n, _) => match vals.get(n)? {
            Val::Int(v) => i32::try_from(*v).ok()?,
            Val::Bytes(_) => return None,
        },
        Expr::Neg(e, _) => ops::neg(eval32(e, vals)?),
        Expr::Bin(op, a, b, _) => {
            let x = eval32(a, vals)?;
            let y = eval32(b, vals)?;
            let f = match op {
                BinOp::Or => ops::or,
                BinOp::And => ops::and,
                BinOp::Eq => ops::eq,
                BinOp::Ne => ops::ne,
                BinOp::Lt => ops::lt,
                BinOp::Le => ops::le,
                BinOp::Gt => ops::gt,
                BinOp::Ge => ops::ge,
                BinOp::Shl => ops::shl,
                BinOp::Shr => ops::shr,
                BinOp::Add => ops::add,
                BinOp::Sub => ops::sub,
                BinOp::Mul => ops::mul,
                BinOp::Div => ops::div,
                BinOp::Rem => ops::rem,
            };
            f(x, y)
        }
        Expr::Call(func, args, _) => {
            let arg = |i: usize| eval32(args.get(i)?, vals);
            match func {
                Func::Abs => ops::abs(arg(0)?),
                Func::Min => ops::min(arg(0)?, arg(1)?),
                Func::Max => ops::max(arg(0)?, arg(1)?),
                Func::Clamp => ops::clamp(arg(0)?, arg(1)?, arg(2)?),
                Func::Scale => ops::scale(arg(0)?, arg(1)?, arg(2)?, arg(3)?, arg(4)?),
                Func::Byte => {
                    let Some(Expr::Name(n, _)) = args.first() else {
                        return None;
                    };
                    match vals.get(n)? {
                        Val::Bytes(bytes) => ops::byte(bytes, arg(1)?),
                        Val::Int(_) => return None,
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, i64, i64)]) -> Env {
        pairs
            .iter()
            .map(|(n, lo, hi)| (n.to_string(), Sym::Int(Range::new(*lo, *hi))))
            .collect()
    }

    fn vals(pairs: &[(&str, i64)]) -> BTreeMap<String, Val> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), Val::Int(*v)))
            .collect()
    }

    fn run(text: &str, pairs: &[(&str, i64)]) -> Option<i64> {
        eval(&parse(text).unwrap(), &vals(pairs))
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(run("1 + 2 * 3", &[]), Some(7));
        assert_eq!(run("10 - 4 - 3", &[]), Some(3));
        assert_eq!(run("1 << 2 + 1", &[]), Some(8));
        assert_eq!(run("x < 8 & y < 8", &[("x", 3), ("y", 9)]), Some(0));
        assert_eq!(run("x < 8 & y < 8", &[("x", 3), ("y", 7)]), Some(1));
        assert_eq!(run("1 | 2 & 3", &[]), Some(3));
        assert_eq!(run("-(3) * -2", &[]), Some(6));
        assert_eq!(run("0x68 + strip", &[("strip", 2)]), Some(0x6A));
    }

    #[test]
    fn division_is_total_and_truncates() {
        assert_eq!(run("7 / 2", &[]), Some(3));
        assert_eq!(run("-7 / 2", &[]), Some(-3));
        assert_eq!(run("-7 % 2", &[]), Some(-1));
        assert_eq!(run("x / 0", &[("x", 5)]), Some(0));
        assert_eq!(run("x % 0", &[("x", 5)]), Some(0));
        assert_eq!(run("-7 >> 1", &[]), Some(-4));
    }

    #[test]
    fn functions() {
        assert_eq!(run("clamp(x, 0, 127)", &[("x", 300)]), Some(127));
        assert_eq!(run("clamp(x, 0, 127)", &[("x", -3)]), Some(0));
        assert_eq!(
            run("scale(x, 0, 16383, 0, 127)", &[("x", 16383)]),
            Some(127)
        );
        assert_eq!(run("scale(x, 0, 16383, 0, 127)", &[("x", 8192)]), Some(63));
        assert_eq!(run("min(x, 3) + max(x, 3)", &[("x", 9)]), Some(12));
        let mut v = vals(&[("k", 1)]);
        v.insert("p".into(), Val::Bytes(vec![5, 6]));
        assert_eq!(eval(&parse("byte(p, k)").unwrap(), &v), Some(6));
        assert_eq!(eval(&parse("byte(p, k + 5)").unwrap(), &v), Some(0));
    }

    #[test]
    fn absent_field_yields_none() {
        assert_eq!(run("touched * 127", &[]), None);
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        let e = parse("strip + ").unwrap_err();
        assert_eq!(
            (e.span.start, e.message.as_str()),
            (8, "expression ends where a value was expected")
        );
        let e = parse("a < b < c").unwrap_err();
        assert_eq!(e.span.start, 6);
        let e = parse("foo(1)").unwrap_err();
        assert_eq!(e.message, "unknown function `foo`");
        let e = parse("clamp(1, 2)").unwrap_err();
        assert!(e.message.contains("takes 3 arguments"), "{e}");
        let e = parse("a $ b").unwrap_err();
        assert_eq!((e.span.start, e.span.end), (2, 3));
        let deep = format!("{}1{}", "(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        assert!(parse(&"1+".repeat(200))
            .unwrap_err()
            .message
            .contains("longer than"));
        assert!(parse("99999999999")
            .unwrap_err()
            .message
            .contains("larger than"));
    }

    #[test]
    fn ranges() {
        let e = env(&[("strip", 0, 127), ("pos", 0, 16383)]);
        let r = |t: &str| range(&parse(t).unwrap(), &e);
        assert_eq!(r("0x68 + strip").unwrap(), Range::new(0x68, 0x68 + 127));
        assert_eq!(r("pos >> 2").unwrap(), Range::new(0, 4095));
        assert_eq!(r("pos / (strip - 1)").unwrap(), Range::new(-16383, 16383));
        assert_eq!(r("pos % 10").unwrap(), Range::new(0, 9));
        assert_eq!(r("strip | 1").unwrap(), Range::new(1, 127));
        assert_eq!(r("strip & 15").unwrap(), Range::new(0, 15));
        assert_eq!(r("abs(strip - 100)").unwrap(), Range::new(0, 100));
        assert_eq!(r("abs(-strip)").unwrap(), Range::new(0, 127));
        assert_eq!(
            r("scale(pos, 0, 16383, 0, 127)").unwrap(),
            Range::new(0, 127)
        );
        assert!(r("pos * pos * pos").unwrap_err().message.contains("32-bit"));
        assert!(r("pos << 31")
            .unwrap_err()
            .message
            .contains("literal 0..=30"));
        assert!(r("pos << strip").unwrap_err().message.contains("literal"));
        assert!(r("(strip - 1) & 3")
            .unwrap_err()
            .message
            .contains("never negative"));
        assert_eq!(r("nope + 1").unwrap_err().message, "unknown field `nope`");
        assert!(r("scale(pos, 1, 1, 0, 127)")
            .unwrap_err()
            .message
            .contains("a ≠ b"));
    }

    #[test]
    fn narrowing() {
        let mut e = env(&[("x", 0, 127), ("y", 0, 127)]);
        narrow(&parse("x < 8 & 8 > y & 1").unwrap(), &mut e).unwrap();
        assert_eq!(e["x"], Sym::Int(Range::new(0, 7)));
        assert_eq!(e["y"], Sym::Int(Range::new(0, 7)));
        let mut e = env(&[("x", 0, 127)]);
        narrow(&parse("x | 1 < 8").unwrap(), &mut e).unwrap();
        assert_eq!(
            e["x"],
            Sym::Int(Range::new(0, 127)),
            "`|` is not a conjunction"
        );
        assert!(narrow(&parse("x > 200").unwrap(), &mut e).is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Expression text built from the grammar, over `x` in 0..=127 and `y` in -64..=63.
        fn expr_text() -> impl Strategy<Value = String> {
            let leaf = prop_oneof![
                (-300i64..300).prop_map(|v| v.to_string()),
                Just("x".to_string()),
                Just("y".to_string()),
            ];
            leaf.prop_recursive(5, 40, 3, |inner| {
                let op = prop_oneof![
                    Just("+"),
                    Just("-"),
                    Just("*"),
                    Just("/"),
                    Just("%"),
                    Just("&"),
                    Just("|"),
                    Just("<"),
                    Just("=="),
                    Just(">="),
                ];
                prop_oneof![
                    (inner.clone(), op, inner.clone())
                        .prop_map(|(a, o, b)| format!("({a} {o} {b})")),
                    (inner.clone(), 0u32..31, proptest::bool::ANY).prop_map(
                        |(a, k, left)| format!("({a} {} {k})", if left { "<<" } else { ">>" })
                    ),
                    inner.clone().prop_map(|a| format!("-{a}")),
                    inner.clone().prop_map(|a| format!("abs({a})")),
                    (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
                    (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
                    (inner.clone(), inner.clone(), inner.clone())
                        .prop_map(|(a, b, c)| format!("clamp({a}, {b}, {c})")),
                    (inner, -50i64..50, 1i64..50, -50i64..50, -50i64..50).prop_map(
                        |(a, lo, w, c, d)| format!("scale({a}, {lo}, {}, {c}, {d})", lo + w)
                    ),
                ]
            })
        }

        proptest! {
            /// The static range is sound: whenever an expression type-checks, its value for
            /// any field values in range lies inside it, and evaluation never fails.
            #[test]
            fn static_ranges_contain_every_value(text in expr_text(), x in 0i64..=127, y in -64i64..=63) {
                let e = parse(&text).unwrap();
                let env = env(&[("x", 0, 127), ("y", -64, 63)]);
                if let Ok(r) = range(&e, &env) {
                    for (x, y) in [(x, y), (0, -64), (127, 63), (0, 63), (127, -64)] {
                        let v = eval(&e, &vals(&[("x", x), ("y", y)]));
                        prop_assert!(v.is_some(), "{text} failed at x={x} y={y}");
                        let v = v.unwrap();
                        prop_assert!(r.lo <= v && v <= r.hi, "{text} = {v} at x={x} y={y}, outside {r}");
                    }
                }
            }

            /// Arbitrary text never panics the parser or the checker.
            #[test]
            fn arbitrary_text_is_rejected_or_accepted_without_panic(text in "[ -~é]{0,300}") {
                if let Ok(e) = parse(&text) {
                    let _ = range(&e, &env(&[("x", 0, 127)]));
                    let _ = eval(&e, &vals(&[("x", 5)]));
                }
            }
        }
    }
}
