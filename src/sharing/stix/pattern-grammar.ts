/**
 * The STIX 2.1 patterning language (STIX 2.1 section 9, and the ANTLR grammar OASIS publishes as
 * `STIXPattern.g4`), read by a hand-written lexer and recursive-descent parser.
 *
 * The lexer follows ANTLR's rules: at each position the longest match over all token rules wins,
 * and between matches of equal length the rule listed first in the grammar (so `AND` is a keyword,
 * not an identifier; `true` is a boolean). Keywords are upper case only: `or` is an identifier and
 * so a syntax error where an operator is expected. The parser follows the grammar's rules and
 * precedence (FOLLOWEDBY < OR < AND between observations; OR < AND inside one), and then applies
 * the two checks the OASIS pattern validator adds to the grammar: no qualifier type twice on one
 * bracketed observation, and hash values of the well-known algorithms in their format.
 *
 * Untrusted input: every loop is linear, parenthesis nesting is bounded (a recursive parser would
 * otherwise overflow the stack), and AND/OR/FOLLOWEDBY chains are kept as flat lists, so walking a
 * parsed pattern never recurses deeper than the nesting.
 */

/** Deeper than this is refused (real patterns nest two or three levels). */
export const MAX_PATTERN_NESTING = 64;

export type PatternLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number; text: string }
  | { kind: 'float'; value: number; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'binary'; value: string }
  | { kind: 'hex'; value: string }
  | { kind: 'timestamp'; value: string };

export type PathStep = { kind: 'key'; name: string } | { kind: 'index'; index: number | '*' };

export interface ObjectPath {
  objectType: string;
  /** The first step is always a key (the property name). */
  steps: PathStep[];
}

export type ComparisonOperator =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

export type ComparisonExpression =
  | { type: 'or' | 'and'; operands: ComparisonExpression[] }
  | {
      type: 'test';
      path: ObjectPath;
      negated: boolean;
      operator: ComparisonOperator;
      /** A list for IN, otherwise one literal. */
      value: PatternLiteral | PatternLiteral[];
    }
  | { type: 'exists'; path: ObjectPath; negated: boolean };

export type Qualifier =
  | { kind: 'WITHIN'; seconds: number }
  | { kind: 'REPEATS'; times: number }
  | { kind: 'STARTSTOP'; start: string; stop: string };

export type ObservationExpression =
  | { type: 'followedby' | 'or' | 'and'; operands: ObservationExpression[] }
  | { type: 'observation'; comparison: ComparisonExpression; qualifiers: Qualifier[] }
  | { type: 'group'; expression: ObservationExpression; qualifiers: Qualifier[] };

export type PatternParseOutcome =
  { ok: true; expression: ObservationExpression } | { ok: false; error: string; at: number };

type TokenType =
  | 'IntNeg'
  | 'IntPos'
  | 'FloatNeg'
  | 'FloatPos'
  | 'Hex'
  | 'Binary'
  | 'String'
  | 'Bool'
  | 'Timestamp'
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'FOLLOWEDBY'
  | 'LIKE'
  | 'MATCHES'
  | 'ISSUPERSET'
  | 'ISSUBSET'
  | 'EXISTS'
  | 'LAST'
  | 'IN'
  | 'START'
  | 'STOP'
  | 'SECONDS'
  | 'WITHIN'
  | 'REPEATS'
  | 'TIMES'
  | 'IdentifierWithoutHyphen'
  | 'IdentifierWithHyphen'
  | 'EQ'
  | 'NEQ'
  | 'LT'
  | 'LE'
  | 'GT'
  | 'GE'
  | 'QUOTE'
  | 'COLON'
  | 'DOT'
  | 'COMMA'
  | 'RPAREN'
  | 'LPAREN'
  | 'RBRACK'
  | 'LBRACK'
  | 'PLUS'
  | 'HYPHEN'
  | 'POWER_OP'
  | 'DIVIDE'
  | 'ASTERISK'
  /** The grammar's catch-all InvalidCharacter: no parser rule accepts it. */
  | 'Invalid'
  | 'EOF';

interface Token {
  type: TokenType;
  text: string;
  at: number;
}

class PatternSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

// Keywords in grammar order. TRUE/FALSE never win: BoolLiteral comes first with the same text.
const KEYWORDS: readonly TokenType[] = [
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'WITHIN',
  'REPEATS',
  'TIMES',
];

const SINGLE: Readonly<Record<string, TokenType>> = {
  "'": 'QUOTE',
  ':': 'COLON',
  '.': 'DOT',
  ',': 'COMMA',
  ')': 'RPAREN',
  '(': 'LPAREN',
  ']': 'RBRACK',
  '[': 'LBRACK',
  '+': 'PLUS',
  '-': 'HYPHEN',
  '^': 'POWER_OP',
  '/': 'DIVIDE',
  '*': 'ASTERISK',
  '<': 'LT',
  '>': 'GT',
  '=': 'EQ',
};

// The grammar's WS rule: these code points only (not every Unicode space).
const WHITESPACE = new Set(
  [
    0x20, 0x09, 0x0d, 0x0a, 0x0b, 0x0c, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
    0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
  ].map((c) => String.fromCharCode(c)),
);

// Token rules of fixed shape, anchored where they are tried (sticky). None can backtrack more than
// linearly: each is a sequence of bounded or single-class repetitions.
const RULES: ReadonlyArray<[TokenType, RegExp]> = [
  ['IntNeg', /-(?:0|[1-9][0-9]*)/y],
  ['IntPos', /\+?(?:0|[1-9][0-9]*)/y],
  ['FloatNeg', /-[0-9]*\.[0-9]+/y],
  ['FloatPos', /\+?[0-9]*\.[0-9]+/y],
  ['Hex', /h'(?:[A-Fa-f0-9]{2})*'/y],
  ['Binary', /b'(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)'/y],
  ['String', /'(?:[^'\\]|\\'|\\\\)*'/y],
  ['Bool', /true|false/y],
  [
    'Timestamp',
    new RegExp(
      "t'[0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])" +
        "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?Z'",
      'y',
    ),
  ],
  ['IdentifierWithoutHyphen', /[a-zA-Z_][a-zA-Z0-9_]*/y],
  ['IdentifierWithHyphen', /[a-zA-Z_][a-zA-Z0-9_-]*/y],
];

function matchLength(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (WHITESPACE.has(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      // Unterminated, it is no comment: the lexer goes on with "/" and "*".
      const end = text.indexOf('*/', i + 2);
      if (end >= 0) {
        i = end + 2;
        continue;
      }
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    let best: { type: TokenType; length: number } | undefined;
    const consider = (type: TokenType, length: number): void => {
      if (length > 0 && (!best || length > best.length)) best = { type, length };
    };
    for (const [type, re] of RULES) {
      // Keywords sit between BoolLiteral/Timestamp and the identifiers in the grammar's order.
      if (type === 'IdentifierWithoutHyphen') {
        for (const keyword of KEYWORDS) if (text.startsWith(keyword, i)) consider(keyword, keyword.length);
      }
      consider(type, matchLength(re, text, i));
    }
    const two = text.slice(i, i + 2);
    if (two === '==') consider('EQ', 2);
    if (two === '!=' || two === '<>') consider('NEQ', 2);
    if (two === '<=') consider('LE', 2);
    if (two === '>=') consider('GE', 2);
    const single = SINGLE[c];
    if (single) consider(single, 1);
    // As ANTLR does, an unusable character becomes a token the parser then refuses where it stands.
    best ??= { type: 'Invalid', length: c.length };
    tokens.push({ type: best.type, text: text.slice(i, i + best.length), at: i });
    i += best.length;
  }
  tokens.push({ type: 'EOF', text: '', at: text.length });
  return tokens;
}

const DESCRIBE: Partial<Record<TokenType, string>> = {
  EOF: 'the end of the pattern',
  String: 'a quoted string',
  Timestamp: "a timestamp t'…'",
};

function describe(token: Token): string {
  if (token.type === 'EOF') return 'the end of the pattern';
  const text = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
  return `"${text}"`;
}

const HASH_FORMATS: Readonly<Record<string, RegExp>> = {
  MD5: /^[a-fA-F0-9]{32}$/,
  MD6: /^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{56}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$/,
  RIPEMD160: /^[a-fA-F0-9]{40}$/,
  SHA1: /^[a-fA-F0-9]{40}$/,
  SHA224: /^[a-fA-F0-9]{56}$/,
  SHA256: /^[a-fA-F0-9]{64}$/,
  SHA384: /^[a-fA-F0-9]{96}$/,
  SHA512: /^[a-fA-F0-9]{128}$/,
  SHA3224: /^[a-fA-F0-9]{56}$/,
  SHA3256: /^[a-fA-F0-9]{64}$/,
  SHA3384: /^[a-fA-F0-9]{96}$/,
  SHA3512: /^[a-fA-F0-9]{128}$/,
  SSDEEP: /^[a-zA-Z0-9/+:.]{1,128}$/,
  WHIRLPOOL: /^[a-fA-F0-9]{128}$/,
};

/** `SHA-256`, `sha256`, `'SHA-256'` → `SHA256`: how hash algorithm names are compared. */
export function hashAlgorithmKey(name: string): string {
  return name.toUpperCase().replace(/-/g, '');
}

const OPERATOR_TOKENS: readonly TokenType[] = [
  'EQ',
  'NEQ',
  'LT',
  'LE',
  'GT',
  'GE',
  'IN',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
];

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): ObservationExpression {
    const expression = this.observationExpressions();
    this.expect('EOF', 'the end of the pattern (or FOLLOWEDBY, OR, AND, a qualifier)');
    return expression;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private take(): Token {
    const token = this.peek();
    if (token.type !== 'EOF') this.i++;
    return token;
  }

  private at(...types: TokenType[]): boolean {
    return types.includes(this.peek().type);
  }

  private fail(expected: string): never {
    const token = this.peek();
    throw new PatternSyntaxError(`expected ${expected}, found ${describe(token)}`, token.at);
  }

  private expect(type: TokenType, expected: string = DESCRIBE[type] ?? `"${type}"`): Token {
    if (this.peek().type !== type) this.fail(expected);
    return this.take();
  }

  private enter(at: number): void {
    if (++this.depth > MAX_PATTERN_NESTING)
      throw new PatternSyntaxError(`nesting deeper than ${MAX_PATTERN_NESTING} levels`, at);
  }

  // observationExpressions: FOLLOWEDBY binds loosest, then OR, then AND (all left-associative).
  private observationExpressions(): ObservationExpression {
    return this.chain('followedby', 'FOLLOWEDBY', () =>
      this.chain('or', 'OR', () => this.chain('and', 'AND', () => this.observationExpression())),
    );
  }

  private chain<T, K extends 'followedby' | 'or' | 'and'>(
    type: K,
    keyword: TokenType,
    operand: () => T,
  ): T | { type: K; operands: T[] } {
    const first = operand();
    if (!this.at(keyword)) return first;
    const operands = [first];
    while (this.at(keyword)) {
      this.take();
      operands.push(operand());
    }
    return { type, operands };
  }

  private observationExpression(): ObservationExpression {
    const start = this.peek();
    let base: ObservationExpression;
    if (start.type === 'LBRACK') {
      this.take();
      this.enter(start.at);
      const comparison = this.comparisonExpression();
      this.depth--;
      this.expect('RBRACK', '"]" (or OR, AND)');
      base = { type: 'observation', comparison, qualifiers: [] };
    } else if (start.type === 'LPAREN') {
      this.take();
      this.enter(start.at);
      const expression = this.observationExpressions();
      this.depth--;
      this.expect('RPAREN', '")" (or FOLLOWEDBY, OR, AND)');
      base = { type: 'group', expression, qualifiers: [] };
    } else {
      this.fail('"[" or "(" to open an observation expression');
    }
    const qualifiers: Qualifier[] = base.qualifiers;
    for (;;) {
      const token = this.peek();
      let qualifier: Qualifier;
      if (token.type === 'START') {
        this.take();
        const startAt = this.expect('Timestamp');
        this.expect('STOP', '"STOP"');
        const stopAt = this.expect('Timestamp');
        qualifier = { kind: 'STARTSTOP', start: startAt.text.slice(2, -1), stop: stopAt.text.slice(2, -1) };
      } else if (token.type === 'WITHIN') {
        this.take();
        if (!this.at('IntPos', 'FloatPos')) this.fail('a positive number of seconds');
        const seconds = Number(this.take().text);
        this.expect('SECONDS', '"SECONDS"');
        qualifier = { kind: 'WITHIN', seconds };
      } else if (token.type === 'REPEATS') {
        this.take();
        const times = Number(this.expect('IntPos', 'a positive whole number').text);
        this.expect('TIMES', '"TIMES"');
        qualifier = { kind: 'REPEATS', times };
      } else {
        break;
      }
      // The OASIS validator's rule beyond the grammar: one qualifier of a kind per bracketed observation.
      if (base.type === 'observation' && qualifiers.some((q) => q.kind === qualifier.kind)) {
        throw new PatternSyntaxError(`duplicate ${qualifier.kind} qualifier on one observation`, token.at);
      }
      qualifiers.push(qualifier);
    }
    return base;
  }

  private comparisonExpression(): ComparisonExpression {
    return this.chain('or', 'OR', () => this.chain('and', 'AND', () => this.propTest()));
  }

  private propTest(): ComparisonExpression {
    const token = this.peek();
    if (token.type === 'LPAREN') {
      this.take();
      this.enter(token.at);
      const inner = this.comparisonExpression();
      this.depth--;
      this.expect('RPAREN', '")" (or OR, AND)');
      return inner;
    }
    if (token.type === 'EXISTS' || (token.type === 'NOT' && this.peek(1).type === 'EXISTS')) {
      const negated = token.type === 'NOT';
      if (negated) this.take();
      this.take();
      return { type: 'exists', path: this.objectPath(), negated };
    }
    if (token.type === 'NOT') this.fail('an object path or EXISTS');
    const path = this.objectPath();
    const negated = this.at('NOT');
    if (negated) this.take();
    const op = this.peek();
    if (!OPERATOR_TOKENS.includes(op.type))
      this.fail('a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)');
    this.take();
    switch (op.type) {
      case 'EQ':
      case 'NEQ':
        return { type: 'test', path, negated, operator: op.type === 'EQ' ? '=' : '!=', value: this.primitive(false) };
      case 'LT':
      case 'LE':
      case 'GT':
      case 'GE': {
        const operator = ({ LT: '<', LE: '<=', GT: '>', GE: '>=' } as const)[op.type];
        return { type: 'test', path, negated, operator, value: this.primitive(true) };
      }
      case 'IN':
        return { type: 'test', path, negated, operator: 'IN', value: this.set() };
      case 'LIKE':
      case 'MATCHES':
      case 'ISSUBSET':
      case 'ISSUPERSET':
        return { type: 'test', path, negated, operator: op.type, value: this.stringLiteral() };
      default:
        return this.fail('a comparison operator');
    }
  }

  private objectPath(): ObjectPath {
    const typeToken = this.peek();
    if (!this.at('IdentifierWithoutHyphen', 'IdentifierWithHyphen')) this.fail('an object type such as ipv4-addr');
    this.take();
    this.expect('COLON', '":" after the object type');
    const steps: PathStep[] = [];
    const first = this.peek();
    if (first.type === 'IdentifierWithoutHyphen') steps.push({ kind: 'key', name: this.take().text });
    else if (first.type === 'String') steps.push({ kind: 'key', name: unquote(this.take().text) });
    else this.fail('a property name (letters, digits and _; quote it if it has other characters)');
    for (;;) {
      if (this.at('DOT')) {
        this.take();
        const key = this.peek();
        if (key.type === 'IdentifierWithoutHyphen') steps.push({ kind: 'key', name: this.take().text });
        else if (key.type === 'String') steps.push({ kind: 'key', name: unquote(this.take().text) });
        else this.fail('a property name after "."');
      } else if (this.at('LBRACK')) {
        this.take();
        const index = this.peek();
        if (index.type === 'ASTERISK') steps.push({ kind: 'index', index: '*' });
        else if (index.type === 'IntPos' || index.type === 'IntNeg')
          steps.push({ kind: 'index', index: Number(index.text) });
        else this.fail('a list index (a whole number or *)');
        this.take();
        this.expect('RBRACK', '"]" after the list index');
      } else {
        return { objectType: typeToken.text, steps };
      }
    }
  }

  private set(): PatternLiteral[] {
    this.expect('LPAREN', '"(" to open the set');
    const values: PatternLiteral[] = [];
    if (this.at('RPAREN')) {
      this.take();
      return values;
    }
    for (;;) {
      values.push(this.primitive(false));
      if (this.at('RPAREN')) {
        this.take();
        return values;
      }
      this.expect('COMMA', '"," or ")" in the set');
    }
  }

  private primitive(orderableOnly: boolean): PatternLiteral {
    const token = this.peek();
    switch (token.type) {
      case 'IntPos':
      case 'IntNeg':
        this.take();
        return { kind: 'int', value: Number(token.text), text: token.text };
      case 'FloatPos':
      case 'FloatNeg':
        this.take();
        return { kind: 'float', value: Number(token.text), text: token.text };
      case 'String':
        this.take();
        return { kind: 'string', value: unquote(token.text) };
      case 'Binary':
        this.take();
        return { kind: 'binary', value: token.text.slice(2, -1) };
      case 'Hex':
        this.take();
        return { kind: 'hex', value: token.text.slice(2, -1) };
      case 'Timestamp':
        this.take();
        return { kind: 'timestamp', value: token.text.slice(2, -1) };
      case 'Bool':
        if (!orderableOnly) {
          this.take();
          return { kind: 'bool', value: token.text === 'true' };
        }
        return this.fail('a number, string, binary, hex or timestamp literal (booleans are not ordered)');
      default:
        return this.fail(
          orderableOnly
            ? 'a number, string, binary, hex or timestamp literal'
            : "a literal (number, quoted string, true/false, b'…', h'…', t'…')",
        );
    }
  }

  private stringLiteral(): PatternLiteral {
    return { kind: 'string', value: unquote(this.expect('String').text) };
  }
}

/** The text of a StringLiteral token without its quotes, escapes resolved (only \' and \\ exist). */
function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(['\\])/g, '$1');
}

/** The OASIS validator's other rule beyond the grammar: hash values of known algorithms in their format. */
function checkHashValues(expression: ObservationExpression): void {
  const observations: ObservationExpression[] = [expression];
  const comparisons: ComparisonExpression[] = [];
  while (observations.length) {
    const node = observations.pop()!;
    if (node.type === 'observation') comparisons.push(node.comparison);
    else if (node.type === 'group') observations.push(node.expression);
    else observations.push(...node.operands);
  }
  while (comparisons.length) {
    const node = comparisons.pop()!;
    if (node.type === 'or' || node.type === 'and') {
      comparisons.push(...node.operands);
      continue;
    }
    if (node.type !== 'test' || Array.isArray(node.value) || node.value.kind !== 'string') continue;
    const keys = node.path.steps;
    const last = keys[keys.length - 1];
    const hashed = keys.some((s) => s.kind === 'key' && s.name === 'hashes');
    if (!hashed || last.kind !== 'key') continue;
    const format = HASH_FORMATS[hashAlgorithmKey(last.name)];
    if (format && !format.test(node.value.value)) {
      throw new PatternSyntaxError(`'${node.value.value}' is not a valid ${last.name} hash`, 0);
    }
  }
}

/**
 * Parses a STIX 2.1 pattern. Never throws: a pattern the grammar (or the validator's two extra
 * rules) rejects comes back as `{ ok: false, error, at }`, `at` being the character offset.
 */
export function parseStixPattern(text: string): PatternParseOutcome {
  try {
    const expression = new Parser(tokenize(text)).parse();
    checkHashValues(expression);
    return { ok: true, expression };
  } catch (error) {
    if (error instanceof PatternSyntaxError) return { ok: false, error: error.message, at: error.at };
    throw error;
  }
}
