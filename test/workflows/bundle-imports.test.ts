import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker/create-worker.js';

/*
 * Workflow code is deterministic orchestration: everything the workflow bundle can reach at run time is workflow
 * code, pure domain/ code and the Temporal workflow SDK. This walks the runtime import graph from the bundle entry
 * (type-only imports are erased by the compiler and skipped) and lists every file and package it reaches.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Graph = { files: string[]; packages: string[] };

function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function importGraph(entry: string): Graph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${relative(ROOT, file)} imports ${spec}, which does not resolve`);
      pending.push(target);
    }
  }
  return { files: [...files].map((f) => relative(ROOT, f)).sort(), packages: [...packages].sort() };
}

describe('the workflow bundle import graph', () => {
  const graph = importGraph(workflowsPath());

  it('reaches the conversation workflow through the bundle entry', () => {
    expect(graph.files).toContain('workflows/conversation/workflow.ts');
    expect(graph.files).toContain('workflows/conversation/conversation.ts');
  });

  it('reaches only workflow code, pure domain code and the search-attribute keys', () => {
    const outside = graph.files.filter(
      (f) => !/^(workflows|domain)\//.test(f) && f !== 'temporal/search-attributes.ts',
    );
    expect(outside).toEqual([]);
  });

  it('reaches no I/O module: no node built-ins, database, HTTP or logging packages', () => {
    const io = graph.packages.filter(
      (p) =>
        p.startsWith('node:') ||
        /^(postgres|drizzle-orm|pg|hono|@hono\/|pino|undici|@temporalio\/(client|worker|activity))/.test(p),
    );
    expect(io).toEqual([]);
    // Everything it does import is a known pure package.
    expect(
      graph.packages.filter((p) => !['@temporalio/workflow', '@temporalio/common', 'async-mutex'].includes(p)),
    ).toEqual([]);
  });
});
