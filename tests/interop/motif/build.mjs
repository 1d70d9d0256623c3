// Compiles the driver and, through its imports, Motif's own files from the repository's parent's
// shared/interop/motif-core/ (never copied here), type-checked with typescript, into build/: one
// tree laid out as tsconfig's rootDirs merge them, so that every relative require resolves.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const configFile = join(here, 'tsconfig.json');
const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
if (error) fail(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, here);
const roots = parsed.options.rootDirs ?? [];
const motif = roots[0];
if (!existsSync(motif)) fail(`no Motif sources at ${motif} (see its README.md in shared/interop)`);

const program = ts.createProgram(parsed.fileNames, parsed.options);
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) {
    fail(ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (name) => name,
        getCurrentDirectory: () => here,
        getNewLine: () => '\n',
    }));
}

const out = join(here, 'build');
rmSync(out, { recursive: true, force: true });
program.emit(undefined, (_name, text, _bom, _onError, sources) => {
    const source = resolve(sources[0].fileName);
    const root = roots.find((dir) => !relative(dir, source).startsWith('..'));
    if (root === undefined) fail(`${source} is under none of the rootDirs`);
    const target = join(out, relative(root, source).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
});
console.log(`built ${relative(here, out)}/ from ${relative(here, motif)}`);

function fail(message) {
    console.error(`build: ${message}`);
    process.exit(1);
}
