#!/usr/bin/env node
// editors/test/tokenize.js LIST — tokenizes rule files with the VS Code TextMate grammar
// (editors/vscode), the way VS Code does: vscode-textmate + vscode-oniguruma, line by line.
//
// LIST holds one file a line: "PATH<TAB>SHOWN" (SHOWN is the name used in the report; a
// line with no tab shows PATH). The grammar is the one package.json contributes for the
// language `skuld`, which is checked too (the extension `.skuld`, the language
// configuration, the scope name).
//
// Report on stdout, one item a line (columns are 1-based and count bytes, like skuld's
// diagnostics; runs of characters with the same scopes are reported once):
//   U SHOWN:LINE:COL TEXT     characters with only the root scope source.skuld: unclassified
//   I SHOWN:LINE:COL SCOPE    the start of a token scoped invalid.illegal.*
//   F MESSAGE                 the extension or a file could not be read, or a keyword of
//                             $SKULD_KEYWORDS (if set) is not scoped as a keyword
//   T FILES LINES TOKENS      the totals (tokens: tokens with a non-blank character)
// Exit status 0 when the report has no U and no F line, 1 otherwise, 2 on bad usage.
//
// The npm packages are looked up in $EDITORS_NODE_MODULES, by default
// build/editors-node/node_modules of the repository (tests/scripts/editors.sh installs
// them there).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const ext = path.join(root, 'editors', 'vscode');
const modules = process.env.EDITORS_NODE_MODULES || path.join(root, 'build', 'editors-node', 'node_modules');
const out = [];
let bad = 0;
function fatal(msg) { out.push('F ' + msg); bad++; }

// skuld's whitespace (grammar/lexer.l): everything else must be classified.
const BLANK = new Set([' ', '\t', '\r', '\n', '\f', '\v']);
const blank = (s) => { for (const ch of s) if (!BLANK.has(ch)) return false; return true; };
const bytes = (s) => Buffer.byteLength(s, 'utf8');

function readJson(file) {
    try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
        fatal(`${path.relative(root, file)}: ${e.message}`);
        return null;
    }
}

// The extension's manifest: the language, its configuration, its grammar.
function grammarOfExtension() {
    const pkg = readJson(path.join(ext, 'package.json'));
    if (!pkg) return null;
    const c = pkg.contributes || {};
    const lang = (c.languages || []).find((l) => l.id === 'skuld');
    if (!lang) { fatal('editors/vscode/package.json: no language "skuld" contributed'); return null; }
    if (!(lang.extensions || []).includes('.skuld')) fatal('editors/vscode/package.json: language skuld lacks the extension .skuld');
    if (!lang.configuration) fatal('editors/vscode/package.json: language skuld has no configuration');
    else {
        const conf = readJson(path.join(ext, lang.configuration));
        if (conf && !(conf.comments && conf.comments.lineComment === '#'))
            fatal(`editors/vscode/${lang.configuration}: the line comment is not "#"`);
    }
    const g = (c.grammars || []).find((x) => x.language === 'skuld');
    if (!g) { fatal('editors/vscode/package.json: no grammar for the language skuld'); return null; }
    const file = path.join(ext, g.path);
    const raw = readJson(file);
    if (!raw) return null;
    if (raw.scopeName !== g.scopeName)
        fatal(`editors/vscode/${g.path}: scopeName ${raw.scopeName} differs from package.json's ${g.scopeName}`);
    return { file, scopeName: g.scopeName, text: fs.readFileSync(file, 'utf8') };
}

// $SKULD_KEYWORDS (optional): a file with the keywords of grammar/lexer.l, one a line.
// Each must be scoped keyword.* or constant.language.* on its own, and an identifier
// that merely starts with it (KEYWORDx) must not be.
function checkKeywords(grammar, vsctm) {
    const file = process.env.SKULD_KEYWORDS;
    if (!file) return;
    const isKeyword = (scopes) => scopes.some((x) => /^(keyword|constant\.language)\./.test(x));
    const tokensOf = (line) => grammar.tokenizeLine(line, vsctm.INITIAL).tokens
        .filter((t) => !blank(line.slice(t.startIndex, t.endIndex)));
    const show = (tokens) => tokens.map((t) => t.scopes.join(' ')).join(' | ');
    for (const kw of fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '')) {
        const alone = tokensOf(kw);
        if (alone.length !== 1 || !isKeyword(alone[0].scopes))
            fatal(`keyword '${kw}' of grammar/lexer.l is not scoped as a keyword (${show(alone)})`);
        const longer = tokensOf(kw + 'x');
        if (longer.length !== 1 || isKeyword(longer[0].scopes))
            fatal(`identifier '${kw}x' is scoped as a keyword (${show(longer)})`);
    }
}

async function main() {
    if (process.argv.length !== 3) {
        process.stderr.write('usage: node editors/test/tokenize.js LIST\n');
        process.exit(2);
    }
    let vsctm, oniguruma;
    try {
        vsctm = require(path.join(modules, 'vscode-textmate'));
        oniguruma = require(path.join(modules, 'vscode-oniguruma'));
    } catch (e) {
        process.stderr.write(`tokenize.js: vscode-textmate and vscode-oniguruma are not in ${modules}: ${e.message}\n`);
        process.exit(1);
    }
    const entries = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l !== '');
    const g = grammarOfExtension();
    let files = 0, lines = 0, tokens = 0;
    if (g) {
        const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma', 'release', 'onig.wasm'));
        await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
        const registry = new vsctm.Registry({
            onigLib: Promise.resolve({
                createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
                createOnigString: (s) => new oniguruma.OnigString(s),
            }),
            loadGrammar: async (scope) => (scope === g.scopeName ? vsctm.parseRawGrammar(g.text, g.file) : null),
        });
        const grammar = await registry.loadGrammar(g.scopeName);
        checkKeywords(grammar, vsctm);
        for (const entry of entries) {
            const [file, shown = entry] = entry.split('\t');
            let text;
            try { text = fs.readFileSync(file, 'utf8'); } catch (e) { fatal(`${shown}: ${e.message}`); continue; }
            files++;
            let stack = vsctm.INITIAL;
            // VS Code's line breaks: CRLF, CR or LF.
            const all = text.split(/\r\n|\r|\n/);
            if (all.length > 1 && all[all.length - 1] === '') all.pop();
            all.forEach((line, i) => {
                const r = grammar.tokenizeLine(line, stack);
                stack = r.ruleStack;
                lines++;
                let prevBad = null;
                for (const t of r.tokens) {
                    const s = line.slice(t.startIndex, t.endIndex);
                    if (blank(s)) { prevBad = null; continue; }
                    tokens++;
                    const first = t.startIndex + s.search(/[^ \t\r\n\f\v]/);
                    const where = `${shown}:${i + 1}:${bytes(line.slice(0, first)) + 1}`;
                    if (t.scopes.length === 1) {
                        // one report for a run of unclassified characters
                        if (prevBad !== 'U') { out.push(`U ${where} ${JSON.stringify(s.trim())}`); bad++; }
                        prevBad = 'U';
                        continue;
                    }
                    prevBad = null;
                    const illegal = t.scopes.find((x) => x.startsWith('invalid.illegal'));
                    if (illegal) out.push(`I ${where} ${illegal}`);
                }
            });
        }
    }
    out.push(`T ${files} ${lines} ${tokens}`);
    process.stdout.write(out.join('\n') + '\n');
    process.exit(bad ? 1 : 0);
}

main().catch((e) => {
    process.stderr.write(`tokenize.js: ${e && e.stack ? e.stack : e}\n`);
    process.exit(2);
});
