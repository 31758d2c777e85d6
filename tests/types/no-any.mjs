// The public surface never says `any`: walks the declarations' syntax tree (TypeScript's
// own parser), so a comment or a string that contains the word cannot fail the check,
// and an `any` hidden in a generic argument cannot pass it.
import ts from "typescript";
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "js/index.d.ts";
const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
const found = [];
(function walk(node) {
  if (node.kind === ts.SyntaxKind.AnyKeyword) {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${file}:${line + 1}:${character + 1}: any`);
  }
  ts.forEachChild(node, walk);
})(source);
if (found.length) {
  console.error(found.join("\n"));
  process.exit(1);
}
console.log(`${file}: no 'any' in the public surface`);
