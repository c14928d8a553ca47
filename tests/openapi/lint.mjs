// tests/openapi/lint.mjs - lints docs/openapi.yaml as
// `npx -y @redocly/cli lint docs/openapi.yaml` does, with the engine of
// that command (@redocly/openapi-core, the same version as the CLI the
// README names) and the same redocly.yaml.
//
//   node lint.mjs DOC REDOCLY.yaml
//
// Why not the CLI itself: it brings a documentation builder and its
// React stack along, 250 MB of npm cache and half a minute with an empty
// cache; the engine alone is 18 packages and 4 seconds.  Clean means no
// error and no warning: exits 1 on any problem.
import { formatProblems, getTotals, lint, loadConfig }
    from '@redocly/openapi-core';

const [doc, configPath] = process.argv.slice(2);
if (!configPath) {
    console.error('usage: lint.mjs DOC REDOCLY.yaml');
    process.exit(2);
}
const config = await loadConfig({ configPath });
const problems = await lint({ ref: doc, config });
const totals = getTotals(problems);

formatProblems(problems, { format: 'stylish', totals, version: '1.34.5' });
console.log(`lint: ${doc}: ${totals.errors} errors, ${totals.warnings} ` +
            `warnings`);
process.exit(totals.errors + totals.warnings > 0 ? 1 : 0);
