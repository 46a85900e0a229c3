"""A JQL parser for the subset syncback and its tests use: clauses, AND/OR/NOT, (), ORDER BY."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|>=|<=|!~|=|>|<|~)"""
    r"""|(?P<punct>[(),])|(?P<word>[^\s()=!<>~,"']+))"""
)
KEYWORDS = {"AND", "OR", "NOT", "IN", "IS", "EMPTY", "NULL", "ORDER", "BY", "ASC", "DESC"}
OPERATORS = ["=", "!=", "~", "!~", ">", ">=", "<", "<=", "in", "not in", "is", "is not"]


class JqlError(Exception):
    """Invalid JQL; the message is Jira's 'Error in the JQL Query: ...' text."""


@dataclass(frozen=True)
class Token:
    """One lexical token."""

    kind: str  # str | op | punct | word | end
    text: str
    pos: int

    @property
    def keyword(self) -> str | None:
        """The upper-case keyword, or None."""
        upper = self.text.upper()
        return upper if self.kind == "word" and upper in KEYWORDS else None


@dataclass(frozen=True)
class Value:
    """A literal or function call in a clause."""

    text: str
    function: bool = False  # openSprints() and friends
    quoted: bool = False


@dataclass
class Clause:
    """`field op value(s)`."""

    field: str
    op: str  # one of OPERATORS
    values: list[Value] = field(default_factory=list)


@dataclass
class BoolExpr:
    """AND / OR over parts, or NOT over one part."""

    op: str  # AND | OR | NOT
    parts: list[object] = field(default_factory=list)


@dataclass
class Query:
    """A WHERE tree and the ORDER BY list."""

    where: object | None
    order_by: list[tuple[str, str]]


def tokenize(text: str) -> list[Token]:
    """Split JQL into tokens."""
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise JqlError(_error(f"The character '{text[pos]}' is a reserved JQL character", pos))
        kind = match.lastgroup or "word"
        raw = match.group(kind)
        if kind == "str":
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        tokens.append(Token(kind, raw, match.start(kind)))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _error(message: str, pos: int) -> str:
    return f"Error in the JQL Query: {message}. (line 1, character {pos + 1})"


class Parser:
    """Recursive descent over the tokens."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        """The next token, not consumed."""
        return self.tokens[self.i]

    def next(self) -> Token:
        """Consume the next token."""
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect_keyword(self, word: str) -> None:
        """Consume `word` or fail."""
        token = self.next()
        if token.keyword != word:
            raise JqlError(_error(f"Expecting '{word}' but got '{token.text}'", token.pos))

    def parse(self) -> Query:
        """Parse JQL text into a Query."""
        where = None
        if self.peek().kind != "end" and self.peek().keyword != "ORDER":
            where = self.or_expr()
        order = []
        if self.peek().keyword == "ORDER":
            self.next()
            self.expect_keyword("BY")
            order.append(self.sort())
            while self.peek().text == ",":
                self.next()
                order.append(self.sort())
        token = self.peek()
        if token.kind != "end":
            raise JqlError(
                _error(f"Expecting either 'OR' or 'AND' but got '{token.text}'", token.pos)
            )
        return Query(where, order)

    def sort(self) -> tuple[str, str]:
        """One ORDER BY item."""
        name = self.field_name()
        direction = "ASC"
        if self.peek().keyword in ("ASC", "DESC"):
            direction = self.next().keyword or "ASC"
        return name, direction

    def or_expr(self) -> object:
        """`a OR b ...`."""
        parts = [self.and_expr()]
        while self.peek().keyword == "OR":
            self.next()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolExpr("OR", parts)

    def and_expr(self) -> object:
        """`a AND b ...`."""
        parts = [self.not_expr()]
        while self.peek().keyword == "AND":
            self.next()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolExpr("AND", parts)

    def not_expr(self) -> object:
        """`NOT x`, `( ... )` or a clause."""
        token = self.peek()
        if token.keyword == "NOT":
            self.next()
            return BoolExpr("NOT", [self.not_expr()])
        if token.text == "(" and token.kind == "punct":
            self.next()
            inner = self.or_expr()
            closing = self.next()
            if closing.text != ")":
                raise JqlError(_error(f"Expecting ')' but got '{closing.text}'", closing.pos))
            return inner
        return self.clause()

    def field_name(self) -> str:
        """A field reference."""
        token = self.next()
        if token.kind not in ("word", "str") or token.keyword:
            raise JqlError(_error(f"Expecting a field name but got '{token.text}'", token.pos))
        return token.text

    def clause(self) -> Clause:
        """`field op value`, `IN (...)` or `IS [NOT] EMPTY`."""
        name = self.field_name()
        token = self.next()
        if token.kind == "op":
            return Clause(name, token.text, [self.value()])
        keyword = token.keyword
        negate = False
        if keyword == "NOT":
            negate, keyword = True, self.next().keyword
        if keyword == "IN":
            return Clause(name, "not in" if negate else "in", self.value_list())
        if keyword == "IS" and not negate:
            op = "is"
            if self.peek().keyword == "NOT":
                self.next()
                op = "is not"
            empty = self.next()
            if empty.keyword not in ("EMPTY", "NULL"):
                raise JqlError(_error(f"Expecting 'EMPTY' but got '{empty.text}'", empty.pos))
            return Clause(name, op, [])
        raise JqlError(
            _error(
                f"Expecting operator but got '{token.text}'. The valid operators are "
                "'=', '!=', '~', '!~', '<', '>', '<=', '>=', 'IN', 'NOT IN', 'IS' and 'IS NOT'",
                token.pos,
            )
        )

    def value(self) -> Value:
        """A literal or `function()`."""
        token = self.next()
        if token.kind == "str":
            return Value(token.text, quoted=True)
        if token.kind != "word" or token.keyword:
            raise JqlError(
                _error(
                    f"Expecting either a value, list or function but got '{token.text}'", token.pos
                )
            )
        if self.peek().text == "(" and self.peek().kind == "punct":
            self.next()
            closing = self.next()
            if closing.text != ")":
                raise JqlError(_error(f"Expecting ')' but got '{closing.text}'", closing.pos))
            return Value(token.text, function=True)
        return Value(token.text)

    def value_list(self) -> list[Value]:
        """`(a, b, ...)` or a list function."""
        if self.peek().kind == "word":  # `sprint in openSprints()`
            value = self.value()
            if value.function:
                return [value]
            raise JqlError(_error(f"Expecting '(' but got '{value.text}'", self.peek().pos))
        opening = self.next()
        if opening.text != "(":
            raise JqlError(_error(f"Expecting '(' but got '{opening.text}'", opening.pos))
        values = [self.value()]
        while self.peek().text == ",":
            self.next()
            values.append(self.value())
        closing = self.next()
        if closing.text != ")":
            raise JqlError(_error(f"Expecting ')' but got '{closing.text}'", closing.pos))
        return values


def parse(text: str) -> Query:
    """Parse JQL text into a Query."""
    return Parser(text or "").parse()
