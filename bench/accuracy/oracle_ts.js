#!/usr/bin/env node
// Ground-truth call edges of a TypeScript or JavaScript tree from the
// TypeScript compiler API (npm `typescript`, pinned by package-lock.json
// here), in the oracle format score.py reads (see there).
//
// Every .ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs file under TREE (outside
// node_modules) goes into one program (allowJs, checkJs off). For each call
// `f()`, `x.m()` and construction `new C()` whose callee is named, the
// checker's symbol for the name (imports followed) gives the callee: a
// function, method, class, or variable initialised with a function,
// declared in the tree (its implementation when overloaded; form `new`,
// `method` after a dot, `interface` for a method signature, else `call`);
// `external` when declared outside the tree (lib.d.ts, a package, a module
// that cannot be found); `indirect` for a parameter, property or variable
// holding a value; `undecided` when the checker has no symbol (a member of
// `any`) or several implementations.
//
// usage: node oracle_ts.js TREE > oracle.tsv   (NODE_PATH names the
// node_modules holding typescript)
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (EXT.test(e.name)) out.push(p);
  }
  return out;
}

function inTree(root, file) {
  const r = path.relative(root, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : null;
}

function lineOf(node) {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function calleeName(expr) {
  while (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr))
    expr = expr.expression;
  if (ts.isIdentifier(expr)) return [expr, false];
  if (ts.isPropertyAccessExpression(expr)) return [expr.name, true];
  return [null, false];
}

const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression,
  ts.SyntaxKind.MethodSignature, ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction]);

function isFunctionValue(decl) {
  const init = decl.initializer;
  return (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) ||
          ts.isPropertyAssignment(decl)) && init &&
         (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
}

// The declarations a call reaches: implementations first (an overloaded
// function's signatures have no body).
function targets(sym) {
  const decls = (sym && sym.declarations) || [];
  const fns = decls.filter(d => FUNCTION_KINDS.has(d.kind) || isFunctionValue(d));
  const bodies = fns.filter(d => d.body || isFunctionValue(d) ||
                                 ts.isClassLike(d) || ts.isMethodSignature(d));
  return { decls, fns: bodies.length ? bodies : fns };
}

function classify(root, checker, nameNode) {
  let sym = checker.getSymbolAtLocation(nameNode);
  if (sym && sym.flags & ts.SymbolFlags.Alias) {
    const alias = sym;
    sym = checker.getAliasedSymbol(sym);
    if (!sym.declarations || !sym.declarations.length) {
      const imp = alias.declarations && alias.declarations[0];
      return { status: imp ? 'external' : 'undecided' };
    }
  }
  if (!sym) return { status: 'undecided' };
  const { decls, fns } = targets(sym);
  if (!decls.length) return { status: 'undecided' };
  if (decls.every(d => d.getSourceFile().isDeclarationFile ||
                       !inTree(root, d.getSourceFile().fileName)))
    return { status: 'external' };
  if (!fns.length) return { status: 'indirect' };
  if (fns.length > 1) {
    const files = new Set(fns.map(d => d.getSourceFile().fileName));
    // A class merged with a namespace or an interface is one class.
    const classes = fns.filter(d => ts.isClassLike(d));
    if (classes.length !== 1 || files.size < 1) return { status: 'undecided' };
    fns.splice(0, fns.length, classes[0]);
  }
  const d = fns[0];
  const rel = inTree(root, d.getSourceFile().fileName);
  if (!rel || d.getSourceFile().isDeclarationFile) return { status: 'external' };
  return { status: 'def', file: rel, line: lineOf(d.name || d),
           kind: ts.isClassLike(d) ? 'class' :
                 ts.isMethodSignature(d) ? 'interface' : 'function' };
}

function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node oracle_ts.js TREE > oracle.tsv');
    process.exit(2);
  }
  const root = fs.realpathSync(process.argv[2]);
  const files = walk(root, []).sort();
  const program = ts.createProgram(files, {
    allowJs: true, checkJs: false, noEmit: true, skipLibCheck: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true,
    jsx: ts.JsxEmit.Preserve, resolveJsonModule: true,
  });
  const checker = program.getTypeChecker();
  const counts = {};
  const rows = [];
  for (const sf of program.getSourceFiles()) {
    const rel = inTree(root, sf.fileName);
    if (!rel || sf.isDeclarationFile) continue;
    const visit = node => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const [nameNode, isMember] = calleeName(node.expression);
        if (nameNode) {
          const c = classify(root, checker, nameNode);
          let form = ts.isNewExpression(node) ? 'new' : isMember ? 'method' : 'call';
          if (c.kind === 'interface') form = 'interface';
          if (c.kind === 'class') form = 'new';
          counts[c.status] = (counts[c.status] || 0) + 1;
          rows.push([rel, lineOf(nameNode), nameNode.text, c.status,
                     c.file || '', c.line || '', form].join('\t'));
        } else {
          counts.unnamed = (counts.unnamed || 0) + 1;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  process.stdout.write(rows.join('\n') + (rows.length ? '\n' : ''));
  console.error(`oracle_ts: files ${files.length}`);
  for (const k of Object.keys(counts).sort())
    console.error(`oracle_ts: ${k} ${counts[k]}`);
}

main();
