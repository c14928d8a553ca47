// tests/openapi/mutate.mjs - proves that validate.mjs can fail: each
// mutation below is a copy of docs/openapi.yaml with one mistake an
// author could make, and the answers recorded from the real server must
// break each copy.
//
//   node mutate.mjs DOC REQUESTS.tsv RECDIR [--portals-pending]
//
// Prints one line per mutation and exits 1 when a mutated document still
// passes (or a mutation no longer finds what it changes: the document
// moved on and this list must follow).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { commandLine, loadDoc, validateAll } from './validate.mjs';

const schemas = (d) => d.components.schemas;

function rename(obj, from, to)
{
    if (!obj.properties || !(from in obj.properties)) {
        throw new Error(`no property ${from}`);
    }
    obj.properties[to] = obj.properties[from];
    delete obj.properties[from];
    obj.required = obj.required.map((k) => (k === from ? to : k));
}

function drop(list, value)
{
    const i = list.indexOf(value);
    if (i < 0) {
        throw new Error(`no ${value} to remove`);
    }
    list.splice(i, 1);
}

const mutations = {
    'a renamed field (NewsCommune SoLuong -> So_Luong)':
        (d) => rename(schemas(d).NewsCommune, 'SoLuong', 'So_Luong'),
    'a renamed field (VisitsDistrict DangTruyCap -> DangTruycap)':
        (d) => rename(schemas(d).VisitsDistrict, 'DangTruyCap',
                      'DangTruycap'),
    'a renamed request field (CommuneRequest TuNgay -> Tu_Ngay)':
        (d) => rename(schemas(d).CommuneRequest, 'TuNgay', 'Tu_Ngay'),
    'a request type narrowed (Huyen_Id: integers only)':
        (d) => { schemas(d).HuyenId.oneOf.pop(); },
    'a string where a number belongs (Id)':
        (d) => { schemas(d).Id.type = 'string'; },
    'a string where a number belongs (Huyen_Id of NewsDistrict)':
        (d) => { schemas(d).NewsDistrict.properties.Huyen_Id.type = 'string'; },
    'an error code removed (invalid_date)':
        (d) => drop(schemas(d).ErrorCode.enum, 'invalid_date'),
    'an error code removed from one status (commune 400 invalid_value)':
        (d) => drop(schemas(d).Error400Commune.allOf[1].properties.error
                    .properties.code.enum, 'invalid_value'),
    'an error status removed (413 of news by district)':
        (d) => {
            const r = d.paths['/api/tintuc/huyen'].post.responses;
            if (!r['413']) {
                throw new Error('no 413');
            }
            delete r['413'];
        },
    'a header value removed (X-NewsApi-Cache HIT)':
        (d) => drop(d.components.headers['X-NewsApi-Cache'].schema.enum, 'HIT'),
    'a required header never sent (X-NewsApi-Cache on errors)':
        (d) => {
            const h = d.components.responses.BadRequestDistrict.headers;
            h['X-NewsApi-Cache'] =
                { $ref: '#/components/headers/X-NewsApi-Cache' };
        }
};

const { docFile, recdir, requests, opts } = commandLine('mutate.mjs');
const original = fs.readFileSync(docFile, 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsapi-mutant-'));
let missed = 0;

const base = validateAll(loadDoc(docFile), requests, recdir, opts);
if (base.failed + base.examples > 0) {
    console.log('mutate: the document itself fails; nothing to prove');
    process.exit(1);
}
for (const [name, change] of Object.entries(mutations)) {
    const doc = YAML.parse(original);
    let r;

    try {
        change(doc);
    }
    catch (e) {
        console.log(`STALE  ${name}: ${e.message}`);
        missed++;
        continue;
    }
    // The mutant goes through a file, as any document would.
    const file = path.join(dir, 'openapi.yaml');
    fs.writeFileSync(file, YAML.stringify(doc));
    r = validateAll(loadDoc(file), requests, recdir, opts);
    // Caught by an answer of the real server, not only by an example.
    if (r.failed > 0) {
        const first = r.lines.find((l) => l.startsWith('FAIL'));
        const indent = '\n       ';
        console.log(`caught ${name}: ${r.failed} answers and ${r.examples} ` +
                    `examples invalid, e.g.${indent}` +
                    first.split('\n').join(indent));
    }
    else {
        console.log(`MISSED ${name}: every answer still valid ` +
                    `(${r.examples} examples invalid)`);
        missed++;
    }
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(`mutate: ${Object.keys(mutations).length - missed} of ` +
            `${Object.keys(mutations).length} mutations caught`);
process.exit(missed > 0 ? 1 : 0);
