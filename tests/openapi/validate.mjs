// tests/openapi/validate.mjs - holds answers recorded from the real
// server (tests/openapi/record.sh) against docs/openapi.yaml.
//
//   node validate.mjs DOC REQUESTS.tsv RECDIR [--portals-pending]
//
// The checking is the document's own: for every answer, its path and
// method must be an operation of the document, its status one of that
// operation's responses (no "default" is taken), its Content-Type one of
// that response's media types, its body valid against that media type's
// schema, and its headers present (when required) and valid against their
// schemas.  The schemas are JSON Schema 2020-12, which OpenAPI 3.1 uses
// as it is, so they are compiled straight from the document by Ajv.
// A request the server answered 200 must be valid against the request
// body schema too.
//
// Why not Prism's validating proxy: with --errors it refuses a request
// that breaks the document (422) before it reaches Apache, so the error
// answers, half of what is tested here, would never be seen; and it is a
// download of a hundred packages where Ajv and yaml are six.
//
// Besides, each answer must be the one its line of REQUESTS.tsv meant to
// provoke (its status, and its error code or X-NewsApi-Cache): a battery
// that provokes nothing is no test.  The examples of the document are
// checked against their schemas too.  --portals-pending: the module has
// no newsapi-portals handler yet, so /api/donvi must be Apache's own 404
// page (reported as PENDING).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';

const DOC_ID = 'openapi.yaml';
const PORTALS = '/api/donvi';

function pointer(parts)
{
    return '#' + parts.map((p) => '/' + String(p).replace(/~/g, '~0')
                                              .replace(/\//g, '~1'))
                      .join('');
}

// Follows a $ref inside the document; returns [object, its path].
function deref(doc, obj, at)
{
    while (obj && typeof obj.$ref === 'string') {
        const parts = obj.$ref.replace(/^#\//, '').split('/')
            .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
        at = parts;
        obj = parts.reduce((o, k) => (o ? o[k] : undefined), doc);
    }
    return [obj, at];
}

export function loadDoc(file)
{
    return YAML.parse(fs.readFileSync(file, 'utf8'));
}

function makeAjv(doc)
{
    const ajv = new Ajv2020({ strict: false, allErrors: true });

    ajv.addFormat('date', /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
    ajv.addSchema(doc, DOC_ID);
    return ajv;
}

function check(ajv, at, value, whole = '(body)')
{
    const v = ajv.compile({ $ref: DOC_ID + pointer(at) });

    if (v(value)) {
        return [];
    }
    return v.errors.slice(0, 5).map((e) =>
        `${e.instancePath || whole} ${e.message}` +
        (e.params && e.params.allowedValues
            ? ' ' + JSON.stringify(e.params.allowedValues) : '') +
        (e.params && e.params.additionalProperty
            ? ` '${e.params.additionalProperty}'` : '') +
        (e.params && e.params.allowedValue !== undefined
            ? ' ' + JSON.stringify(e.params.allowedValue) : ''));
}

// The answer of curl -D: the last status block (after any 100 Continue).
export function readAnswer(recdir, n)
{
    const raw = fs.readFileSync(path.join(recdir, `${n}.hdr`), 'latin1');
    const blocks = raw.split(/\r?\n\r?\n/).filter((b) => /^HTTP\//.test(b));
    const lines = blocks[blocks.length - 1].split(/\r?\n/);
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};

    for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) {
            const k = l.slice(0, i).trim().toLowerCase();
            const v = l.slice(i + 1).trim();
            headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
        }
    }
    const body = fs.readFileSync(path.join(recdir, `${n}.body`), 'utf8');
    return { status, headers, body };
}

export function readRequests(tsv)
{
    return fs.readFileSync(tsv, 'utf8').split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l, i) => {
            const [expect, mode, method, p, doc, ctype, body] = l.split('\t');
            const [status, code] = expect.split('/');
            return { n: i + 1, status: Number(status), code, mode, method,
                     path: p, docPath: doc === '-' ? p.split('?')[0] : doc,
                     ctype, body };
        });
}

// A request the server answered 200 must be one the document allows:
// its request schemas are no stricter than the server.
function requestProblems(doc, ajv, req, op, opAt)
{
    const [rb, at] = deref(doc, op.requestBody, [...opAt, 'requestBody']);
    const ct = req.ctype.split(';')[0].trim().toLowerCase();
    let value;

    if (!rb.content || !rb.content[ct]) {
        return [`request Content-Type ${ct} is not documented`];
    }
    try {
        value = JSON.parse(req.body);
    }
    catch (e) {
        return [`the request body is not JSON: ${e.message}`];
    }
    return check(ajv, [...at, 'content', ct, 'schema'], value, '(request)')
        .map((e) => `request ${e}`);
}

// What is wrong with one answer, as a list of reasons (empty: valid).
function answerProblems(doc, ajv, req, ans)
{
    const problems = [];
    const item = doc.paths[req.docPath];
    let op = item && item[req.method.toLowerCase()];
    let opAt = ['paths', req.docPath, req.method.toLowerCase()];

    if (!item) {
        return [`path ${req.docPath} is not in the document`];
    }
    if (!op && ans.status === 405) {
        // OpenAPI has no place for "any other method": the 405 answer
        // is the one documented by the path's operations.
        const m = Object.keys(item).find((k) => item[k] && item[k].responses
                                               && item[k].responses['405']);
        op = m && item[m];
        opAt = ['paths', req.docPath, m];
    }
    if (!op) {
        return [`${req.method} ${req.docPath} is not in the document`];
    }
    const [resp, at] = deref(doc, op.responses[String(ans.status)],
                             [...opAt, 'responses', String(ans.status)]);
    if (!resp) {
        return [`status ${ans.status} is not documented for ` +
                `${req.method} ${req.docPath}`];
    }
    if (ans.status === 200 && op.requestBody) {
        problems.push(...requestProblems(doc, ajv, req, op, opAt));
    }
    for (const [name, h0] of Object.entries(resp.headers || {})) {
        const [h, hat] = deref(doc, h0, [...at, 'headers', name]);
        const got = ans.headers[name.toLowerCase()];
        if (got === undefined) {
            if (h.required) {
                problems.push(`required header ${name} is missing`);
            }
            continue;
        }
        const t = h.schema && h.schema.type;
        const numeric = t === 'integer' || t === 'number';
        const value = numeric && /^-?[0-9.]+$/.test(got) ? Number(got) : got;
        for (const e of check(ajv, [...hat, 'schema'], value, 'value')) {
            problems.push(`header ${name}: ${JSON.stringify(got)}: ${e}`);
        }
    }
    const ct = (ans.headers['content-type'] || '').split(';')[0].trim()
        .toLowerCase();
    if (!resp.content) {
        if (ans.body.length > 0) {
            problems.push(`a body, where the document has none`);
        }
        return problems;
    }
    const media = resp.content[ct];
    if (!media) {
        problems.push(`Content-Type ${ct || '(none)'} is not documented ` +
                      `(${Object.keys(resp.content).join(', ')})`);
        return problems;
    }
    let value = ans.body;
    if (ct === 'application/json') {
        try {
            value = JSON.parse(ans.body);
        }
        catch (e) {
            problems.push(`the body is not JSON: ${e.message}`);
            return problems;
        }
    }
    if (media.schema) {
        problems.push(...check(ajv, [...at, 'content', ct, 'schema'], value));
    }
    return problems;
}

// Is the answer the one the request was meant to provoke?
function provokedProblems(req, ans)
{
    if (ans.status !== req.status) {
        return [`expected status ${req.status}, got ${ans.status}`];
    }
    if (req.code && req.status === 200) {
        const how = ans.headers['x-newsapi-cache'];
        return how === req.code
            ? [] : [`expected X-NewsApi-Cache: ${req.code}, got ${how}`];
    }
    if (req.code) {
        let code;
        try {
            code = JSON.parse(ans.body).error.code;
        }
        catch (e) {
            code = undefined;
        }
        if (code !== req.code) {
            return [`expected code ${req.code}, got ${code}`];
        }
    }
    return [];
}

// Every example of the document against its schema.
function exampleProblems(doc, ajv)
{
    const problems = [];
    const walk = (o, at) => {
        if (!o || typeof o !== 'object') {
            return;
        }
        if (o.schema && 'example' in o) {
            for (const e of check(ajv, [...at, 'schema'], o.example)) {
                problems.push(`${pointer(at)} example: ${e}`);
            }
        }
        if (o.schema && o.examples && typeof o.examples === 'object') {
            for (const [k, ex] of Object.entries(o.examples)) {
                for (const e of check(ajv, [...at, 'schema'], ex.value)) {
                    problems.push(`${pointer(at)} example ${k}: ${e}`);
                }
            }
        }
        for (const [k, v] of Object.entries(o)) {
            if (k !== 'example' && k !== 'examples') {
                walk(v, [...at, k]);
            }
        }
    };
    walk(doc.paths, ['paths']);
    walk(doc.components, ['components']);
    return problems;
}

// Validates every recorded answer and example; returns { lines, failed,
// pending, examples } (the last two: counts).
export function validateAll(doc, requests, recdir, opts = {})
{
    const ajv = makeAjv(doc);
    const lines = [];
    let failed = 0, pending = 0, examples = 0;

    for (const req of requests) {
        const ans = readAnswer(recdir, req.n);
        const what = `${req.n} ${req.method} ${req.path} -> ${ans.status}` +
            (req.code ? ` ${req.code}` : '');
        let problems;

        if (opts.portalsPending && req.docPath === PORTALS) {
            problems = ans.status === 404 ? [] : [
                `expected Apache's 404 (no newsapi-portals handler), ` +
                `got ${ans.status}`];
            if (problems.length === 0) {
                pending++;
                lines.push(`PENDING ${what} (no newsapi-portals handler)`);
                continue;
            }
        }
        else {
            problems = [...provokedProblems(req, ans),
                        ...answerProblems(doc, ajv, req, ans)];
        }
        if (problems.length > 0) {
            failed++;
            lines.push(`FAIL ${what}\n    ` + problems.join('\n    '));
        }
        else {
            lines.push(`ok   ${what}`);
        }
    }
    for (const p of exampleProblems(doc, ajv)) {
        examples++;
        lines.push(`FAIL ${p}`);
    }
    return { lines, failed, pending, examples };
}

// The command line both scripts take: DOC REQUESTS.tsv RECDIR [flags].
export function commandLine(script)
{
    const [docFile, tsv, recdir, ...flags] = process.argv.slice(2);

    if (!recdir) {
        console.error(`usage: ${script} DOC REQUESTS.tsv RECDIR ` +
                      '[--portals-pending]');
        process.exit(2);
    }
    return { docFile, recdir, requests: readRequests(tsv),
             opts: { portalsPending: flags.includes('--portals-pending') } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const { docFile, recdir, requests, opts } = commandLine('validate.mjs');
    const r = validateAll(loadDoc(docFile), requests, recdir, opts);
    console.log(r.lines.join('\n'));
    console.log(`validate: ${requests.length - r.failed - r.pending} answers ` +
                `valid, ${r.failed} invalid, ${r.pending} pending; ` +
                `${r.examples} examples invalid (${docFile})`);
    process.exit(r.failed + r.examples > 0 ? 1 : 0);
}
