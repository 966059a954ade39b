// Splits a migration script into statements the way PostgreSQL's lexer sees them. The pg driver
// adapter's own `executeScript` splits on every `;`, which cuts plpgsql function bodies (`$$ … ; … $$`),
// string literals and comments apart.

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The dollar-quote tag (`$$`, `$body$`) starting at `i`, or null when `$` starts something else. */
function dollarTag(sql: string, i: number): string | null {
  if (i > 0 && IDENT_CHAR.test(sql[i - 1])) return null; // `$` inside an identifier such as a$b
  let j = i + 1;
  if (sql[j] === "$") return "$$";
  if (!IDENT_START.test(sql[j] ?? "")) return null; // `$1` is a parameter
  while (j < sql.length && /[A-Za-z0-9_\u0080-\uffff]/.test(sql[j])) j++;
  return sql[j] === "$" ? sql.slice(i, j + 1) : null;
}

/** Whether the statement holds anything but whitespace and comments. */
function hasCode(statement: string): boolean {
  return (
    statement
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/--[^\n]*/g, "")
      .trim().length > 0
  );
}

/**
 * Top-level statements of `sql`, trimmed, without the separating `;`. Semicolons inside single-quoted
 * (also `E'…'` with backslash escapes), double-quoted and dollar-quoted text and inside `--` and
 * (nested) `/* … *\/` comments do not separate. Statements made only of comments are dropped.
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const statement = sql.slice(start, end).trim();
    if (hasCode(statement)) statements.push(statement);
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === "/" && next === "*") {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql[i] === "/" && sql[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (sql[i] === "*" && sql[i + 1] === "/") {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !IDENT_CHAR.test(sql[i - 2]));
      i++;
      while (i < sql.length) {
        if (escapes && sql[i] === "\\") i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") {
          i++;
          break;
        } else i++;
      }
    } else if (c === '"') {
      i++;
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') {
          i++;
          break;
        } else i++;
      }
    } else if (c === "$") {
      const tag = dollarTag(sql, i);
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length;
      } else i++;
    } else if (c === ";") {
      push(i);
      i++;
      start = i;
    } else i++;
  }
  push(sql.length);
  return statements;
}
