/**
 * The SQL grammar: statements on top of the query and expression rules. A pure CstParser (no
 * embedded actions); {@link sqlParser} is the one instance every parse reuses (building a
 * Chevrotain parser analyses the whole grammar, so it is done once per process).
 *
 * Error recovery is on: the parser re-synchronises after a syntax error (at the next `;`, `)`
 * or clause) and keeps going, so one parse reports several mistakes.
 */
import { QueryGrammar } from './query-grammar.js';
import * as T from './tokens.js';
import type { Rule } from './type-grammar.js';

export class SqlGrammar extends QueryGrammar {
  constructor() {
    super({ recoveryEnabled: true, nodeLocationTracking: 'onlyOffset', maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  /** Statements separated by `;` (empty statements allowed). The entry rule. */
  readonly statements: Rule = this.RULE('statements', () => {
    this.OPTION(() => this.SUBRULE(this.statement, { LABEL: 'items' }));
    this.MANY(() => {
      this.CONSUME(T.Semicolon);
      this.OPTION2(() => this.SUBRULE2(this.statement, { LABEL: 'items' }));
    });
  });

  readonly statement: Rule = this.RULE('statement', () => {
    this.OR({
      ERR_MSG: 'a statement (SELECT, WITH, VALUES, CREATE, INSERT, DELETE, DROP, EXPLAIN, SHOW, DESCRIBE)',
      DEF: [
        { ALT: () => this.SUBRULE(this.query) },
        { ALT: () => this.SUBRULE(this.createStatement) },
        { ALT: () => this.SUBRULE(this.insertStatement) },
        { ALT: () => this.SUBRULE(this.deleteStatement) },
        { ALT: () => this.SUBRULE(this.dropStatement) },
        { ALT: () => this.SUBRULE(this.explainStatement) },
        { ALT: () => this.SUBRULE(this.showStatement) },
        { ALT: () => this.SUBRULE(this.describeStatement) },
      ],
    });
  });

  // ─── CREATE ─────────────────────────────────────────────────────────────────────────────

  readonly createStatement: Rule = this.RULE('createStatement', () => {
    this.CONSUME(T.Create);
    this.OR({
      ERR_MSG: 'TABLE or DATASET',
      DEF: [{ ALT: () => this.SUBRULE(this.createTable) }, { ALT: () => this.SUBRULE(this.createDataset) }],
    });
  });

  /** `TABLE [IF NOT EXISTS] name (column, …, PRIMARY KEY (…))` or `TABLE name AS query`. */
  readonly createTable: Rule = this.RULE('createTable', () => {
    this.CONSUME(T.Table);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableElement, { LABEL: 'elements' }) });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.As);
          this.SUBRULE(this.query, { LABEL: 'query' });
        },
      },
    ]);
  });

  readonly ifNotExists: Rule = this.RULE('ifNotExists', () => {
    this.CONSUME(T.If);
    this.CONSUME(T.Not);
    this.CONSUME(T.Exists);
  });

  readonly tableElement: Rule = this.RULE('tableElement', () => {
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Key && this.LA(3).tokenType === T.LParen,
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.Primary);
          this.CONSUME(T.Key);
          this.SUBRULE(this.identifierList, { LABEL: 'primaryKey' });
        },
      },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.columnDefinition) },
    ]);
  });

  /** `name type [NOT NULL | NULL | PRIMARY KEY]…`. */
  readonly columnDefinition: Rule = this.RULE('columnDefinition', () => {
    this.CONSUME(T.Ident, { LABEL: 'name' });
    this.SUBRULE(this.typeName, { LABEL: 'type' });
    this.MANY(() => this.SUBRULE(this.columnConstraint, { LABEL: 'constraints' }));
  });

  readonly columnConstraint: Rule = this.RULE('columnConstraint', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.CONSUME(T.Null);
        },
      },
      { ALT: () => this.CONSUME2(T.Null) },
      {
        ALT: () => {
          this.CONSUME(T.Primary);
          this.CONSUME(T.Key);
        },
      },
    ]);
  });

  /** `DATASET [IF NOT EXISTS] name (member, …)`: a tree of collections (see parser/README.md). */
  readonly createDataset: Rule = this.RULE('createDataset', () => {
    this.CONSUME(T.Dataset);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
    this.SUBRULE(this.datasetMembers, { LABEL: 'members' });
  });

  readonly datasetMembers: Rule = this.RULE('datasetMembers', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.datasetMember, { LABEL: 'items' }) });
    this.CONSUME(T.RParen);
  });

  /** A collection, or a column (scalar, STRUCT, list, …). */
  readonly datasetMember: Rule = this.RULE('datasetMember', () => {
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Collection,
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.SUBRULE(this.collectionDefinition),
      },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.columnDefinition) },
    ]);
  });

  /** `name COLLECTION [KEY (_id type)] (member, …)`: keyed with a KEY, positional (`_pos`) without. */
  readonly collectionDefinition: Rule = this.RULE('collectionDefinition', () => {
    this.CONSUME(T.Ident, { LABEL: 'name' });
    this.CONSUME(T.Collection);
    this.OPTION(() => {
      this.CONSUME(T.Key);
      this.CONSUME(T.LParen);
      this.CONSUME2(T.Ident, { LABEL: 'keyName' });
      this.SUBRULE(this.typeName, { LABEL: 'keyType' });
      this.CONSUME(T.RParen);
    });
    this.SUBRULE(this.datasetMembers, { LABEL: 'members' });
  });

  // ─── INSERT, DELETE, DROP ───────────────────────────────────────────────────────────────

  /** `INSERT INTO name [(columns)] query` (VALUES is a query). */
  readonly insertStatement: Rule = this.RULE('insertStatement', () => {
    this.CONSUME(T.Insert);
    this.CONSUME(T.Into);
    this.SUBRULE(this.qualifiedName, { LABEL: 'table' });
    this.OPTION({
      // `INSERT INTO t (SELECT …)` is a query, not a column list.
      GATE: () => !this.parenthesizedQueryAhead(),
      DEF: () => this.SUBRULE(this.identifierList, { LABEL: 'columns' }),
    });
    this.SUBRULE(this.query, { LABEL: 'source' });
  });

  readonly deleteStatement: Rule = this.RULE('deleteStatement', () => {
    this.CONSUME(T.Delete);
    this.CONSUME(T.From);
    this.SUBRULE(this.qualifiedName, { LABEL: 'table' });
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
  });

  readonly dropStatement: Rule = this.RULE('dropStatement', () => {
    this.CONSUME(T.Drop);
    this.OR({
      ERR_MSG: 'TABLE or DATASET',
      DEF: [
        { ALT: () => this.CONSUME(T.Table, { LABEL: 'object' }) },
        { ALT: () => this.CONSUME(T.Dataset, { LABEL: 'object' }) },
      ],
    });
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Exists);
    });
    this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
  });

  // ─── EXPLAIN, SHOW, DESCRIBE ────────────────────────────────────────────────────────────

  /** `EXPLAIN [VERBOSE | ANALYZE | DATA [ANALYZE]] statement`. */
  readonly explainStatement: Rule = this.RULE('explainStatement', () => {
    this.CONSUME(T.Explain);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Verbose) },
        { ALT: () => this.CONSUME(T.Analyze) },
        {
          ALT: () => {
            this.CONSUME(T.Data);
            this.OPTION2(() => this.CONSUME2(T.Analyze));
          },
        },
      ]);
    });
    this.SUBRULE(this.statement);
  });

  readonly showStatement: Rule = this.RULE('showStatement', () => {
    this.CONSUME(T.Show);
    this.CONSUME(T.Tables);
  });

  readonly describeStatement: Rule = this.RULE('describeStatement', () => {
    this.CONSUME(T.Describe);
    this.SUBRULE(this.qualifiedName, { LABEL: 'name' });
  });
}

/** The single parser instance (Chevrotain parsers are reused: `input = tokens`, then a rule). */
export const sqlParser = new SqlGrammar();
