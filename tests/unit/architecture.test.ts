// The import rules of docs/architecture.md, checked on the source: every import and export-from of
// src/ and db/ (in .svelte files, the <script> blocks) is parsed with TypeScript and resolved to a path;
// a forbidden edge fails with the file, the import and the rule it breaks.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The domains under src/lib/server/: repository, service and router of one subject each. */
const DOMAINS = [
  'activity', 'annotations', 'audit', 'auth', 'budgets', 'comments', 'dashboards', 'disclosure', 'funding', 'kiosk', 'needs', 'notifications', 'outreach', 'partners',
  'snapshots', 'survivors', 'undo', 'users', 'imports', 'periods', 'alerts'
];

interface Edge {
  from: string;
  /** Repository-relative path the import resolves to (extension as written), or the bare package name. */
  to: string;
  spec: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|js|svelte)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function resolve(from: string, spec: string): string {
  if (spec.startsWith('$lib/')) return path.posix.join('src/lib', spec.slice(5));
  if (spec === '$lib') return 'src/lib';
  if (spec.startsWith('.')) return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return spec;
}

/** The imports of one file's source text (a .svelte file's script blocks). */
function importsOf(file: string, text: string): Edge[] {
  const code = file.endsWith('.svelte') ? [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : text;
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => edges.push({ from: file, to: resolve(file, spec), spec, typeOnly });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      // `import type {…}`, or `import { type A, type B }` with nothing else: erased at compile time.
      const typeOnly = Boolean(clause?.isTypeOnly || (clause && !clause.name && named?.length && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The other folders of src/lib/server/: the data layer, the hub, tRPC, page plumbing, the seed, operations, HTTP and mail. */
const NOT_DOMAINS = ['db', 'live', 'trpc', 'pages', 'seed', 'ops', 'http', 'mail'];

const under = (p: string, ...dirs: string[]) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
const domainDirs = DOMAINS.map((d) => `src/lib/server/${d}`);
/** Code that runs in the browser (or in both): it may take types from the server, never values. */
const isClientCode = (f: string) =>
  under(f, 'src/lib/components', 'src/lib/realtime', 'src/lib/charts') ||
  /^src\/lib\/[^/]+\.(ts|js|svelte)$/.test(f) ||
  (under(f, 'src/routes') && (f.endsWith('.svelte') || /\/\+(page|layout)\.(ts|js)$/.test(f)));

interface Rule {
  name: string;
  applies: (from: string) => boolean;
  forbids: (edge: Edge) => boolean;
}

const RULES: Rule[] = [
  {
    name: 'client code never imports server code (type-only imports are erased and allowed)',
    applies: isClientCode,
    forbids: (e) => !e.typeOnly && under(e.to, 'src/lib/server')
  },
  {
    name: 'a domain never imports the live hub (changes are announced by the database, not by services)',
    applies: (f) => under(f, ...domainDirs),
    forbids: (e) => under(e.to, 'src/lib/server/live')
  },
  {
    name: 'a domain takes only t.ts from trpc/ (the app router and the page caller sit above the domains)',
    applies: (f) => under(f, ...domainDirs),
    forbids: (e) => under(e.to, 'src/lib/server/trpc') && e.to !== 'src/lib/server/trpc/t.js'
  },
  {
    name: 'a domain never imports page plumbing (server/pages sits above the domains, beside the routes)',
    applies: (f) => under(f, ...domainDirs),
    forbids: (e) => under(e.to, 'src/lib/server/pages')
  },
  {
    name: 'page plumbing reaches a domain through trpc/caller: from a repository, service or router it takes types only',
    applies: (f) => under(f, 'src/lib/server/pages'),
    forbids: (e) => !e.typeOnly && under(e.to, ...domainDirs) && /\.(repository|service|router)\.js$/.test(e.to)
  },
  {
    name: 'the data layer (server/db) knows no domain, nor the hub, tRPC, pages, seed or operations',
    applies: (f) => under(f, 'src/lib/server/db'),
    forbids: (e) =>
      under(e.to, ...domainDirs, 'src/lib/server/live', 'src/lib/server/trpc', 'src/lib/server/pages', 'src/lib/server/seed', 'src/lib/server/ops', 'src/lib/server/http', 'src/lib/server/mail', 'src/routes', 'src/lib/components')
  },
  {
    name: 'migrations are frozen in time: they import no application code',
    applies: (f) => under(f, 'db/migrations'),
    forbids: (e) => under(e.to, 'src')
  },
  {
    name: 'server code never imports components or routes',
    applies: (f) => under(f, 'src/lib/server', 'src/hooks.server.ts'),
    forbids: (e) => under(e.to, 'src/lib/components', 'src/routes')
  }
];

function violations(edges: Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    for (const rule of RULES) if (rule.applies(e.from) && rule.forbids(e)) out.push(`${e.from} imports '${e.spec}': ${rule.name}`);
  }
  return out;
}

describe('architecture: the import rules of docs/architecture.md', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('db')];
  const edges = files.flatMap((f) => importsOf(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(500);
  });

  it('knows every folder of src/lib/server as a domain or as one of the other parts', () => {
    const folders = fs.readdirSync(path.join(ROOT, 'src/lib/server'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.filter((f) => !DOMAINS.includes(f) && !NOT_DOMAINS.includes(f))).toEqual([]);
  });

  it('finds no forbidden import', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('has no client folder named like a server domain (src/lib/dashboards beside src/lib/server/dashboards)', () => {
    const clientFolders = fs.readdirSync(path.join(ROOT, 'src/lib'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(clientFolders.filter((f) => DOMAINS.includes(f))).toEqual([]);
  });

  it('catches each kind of forbidden import (the checker itself)', () => {
    const probe = (from: string, text: string) => violations(importsOf(from, text));
    expect(probe('src/lib/server/needs/needs.service.ts', "import { hub } from '../live/index.js';")).toHaveLength(1);
    expect(probe('src/lib/server/needs/needs.service.ts', "const m = await import('$lib/server/live/hub.js');")).toHaveLength(1);
    expect(probe('src/lib/server/db/index.ts', "import { x } from '../needs/needs.repository.js';")).toHaveLength(1);
    expect(probe('src/lib/components/needs/X.svelte', "<script lang=\"ts\">\n  import { config } from '$lib/server/config.js';\n</script>")).toHaveLength(1);
    expect(probe('src/lib/components/needs/X.svelte', "<script lang=\"ts\">\n  import type { AppRouter } from '$lib/server/trpc/router.js';\n</script>")).toEqual([]);
    expect(probe('src/lib/trpc.ts', "import { type A, type B } from '$lib/server/errors.js';")).toEqual([]);
    expect(probe('src/lib/trpc.ts', "import { type A, b } from '$lib/server/errors.js';")).toHaveLength(1);
    expect(probe('db/migrations/2030-01-01-01-x.ts', "import { enums } from '../../src/lib/server/db/schema.js';")).toHaveLength(1);
    expect(probe('src/lib/server/live/hub.ts', "import { x } from '../dashboards/dashboard.service.js';")).toEqual([]);
    expect(probe('src/lib/server/needs/needs.service.ts', "import { field } from '../pages/form-fields.js';")).toHaveLength(1);
    expect(probe('src/lib/server/dashboards/dashboard.repository.ts', "import { serverCaller } from '../trpc/caller.js';")).toHaveLength(1);
    expect(probe('src/lib/server/pages/dashboard-load.ts', "import { serverCaller } from '../trpc/caller.js';")).toEqual([]);
    expect(probe('src/lib/server/pages/x.ts', "import { listNeeds } from '../needs/needs.service.js';")).toHaveLength(1);
    expect(probe('src/lib/server/pages/x.ts', "import type { NeedRow } from '../needs/needs.service.js';")).toEqual([]);
    expect(probe('src/lib/server/pages/x.ts', "import { OPERATIONAL_ROLES } from '../auth/access.js';")).toEqual([]);
    expect(probe('src/lib/server/db/index.ts', "import { field } from '../pages/form-fields.js';")).toHaveLength(1);
  });
});
