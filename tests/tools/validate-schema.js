#!/usr/bin/env node
// validate-schema.js - checks a JSON document against a JSON Schema with ajv.
//
//   node validate-schema.js SCHEMA [EXTRA_SCHEMA...] DOCUMENT
//   node validate-schema.js SCHEMA [EXTRA_SCHEMA...] -- DOCUMENT...
//
// SCHEMA is the schema the document must satisfy; each EXTRA_SCHEMA is
// registered under its own $id so that $refs to it resolve (CycloneDX's
// bom-1.6 refers to spdx.schema.json and jsf-0.82.schema.json).
// The second form checks several documents with one compiled schema.
// Exit status: 0 all valid, 1 one is invalid, 2 usage or setup error, 77 when ajv is
// not installed (run `npm ci` in tests/tools), so shell tests can skip.
'use strict';

const fs = require('fs');
const path = require('path');

function die(code, msg) {
	process.stderr.write('validate-schema: ' + msg + '\n');
	process.exit(code);
}

let Ajv, addFormats;
try {
	Ajv = require('ajv');
	addFormats = require('ajv-formats');
} catch (e) {
	die(77, "ajv is not installed: run 'npm ci' in " + __dirname);
}

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const schemaArgs = dash >= 0 ? args.slice(0, dash) : args.slice(0, -1);
const docArgs = dash >= 0 ? args.slice(dash + 1) : args.slice(-1);
if (schemaArgs.length < 1 || docArgs.length < 1)
	die(2, 'usage: validate-schema.js SCHEMA [EXTRA_SCHEMA...] [--] DOCUMENT...');

function load(p) {
	try {
		return JSON.parse(fs.readFileSync(p, 'utf8'));
	} catch (e) {
		die(2, "cannot read '" + p + "': " + e.message);
	}
}

// The main schema's "$schema" picks the draft: CycloneDX and SPDX are
// draft-07 (ajv), SARIF 2.1.0 is draft-04 (ajv-draft-04) and OpenVEX is
// 2020-12 (ajv/dist/2020). Strict mode would reject the vocabulary
// extensions CycloneDX uses ("meta:enum", "deprecated").
const draft = String(load(schemaArgs[0]).$schema || '');
let AjvClass = Ajv.default || Ajv;
try {
	if (draft.includes('draft-04'))
		AjvClass = require('ajv-draft-04');
	else if (draft.includes('2020-12'))
		AjvClass = require('ajv/dist/2020');
} catch (e) {
	die(77, "ajv-draft-04 is not installed: run 'npm ci' in " + __dirname);
}
AjvClass = AjvClass.default || AjvClass;
const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: true });
(addFormats.default || addFormats)(ajv);
// Formats ajv-formats does not know: accept any string rather than fail setup.
for (const f of ['idn-email', 'idn-hostname', 'iri', 'iri-reference'])
	if (!ajv.formats[f])
		ajv.addFormat(f, true);

const schema = load(schemaArgs[0]);
for (const extra of schemaArgs.slice(1)) {
	const s = load(extra);
	ajv.addSchema(s, s.$id || path.basename(extra));
}

let validate;
try {
	validate = ajv.compile(schema);
} catch (e) {
	die(2, "cannot compile '" + schemaArgs[0] + "': " + e.message);
}
let bad = 0;
for (const docPath of docArgs) {
	const doc = load(docPath);

	if (validate(doc)) {
		process.stdout.write(docPath + ': valid\n');
		continue;
	}
	bad++;
	for (const err of validate.errors.slice(0, 50))
		process.stderr.write(docPath + ': ' + (err.instancePath || '/') + ' ' + err.message +
		    (err.params ? ' ' + JSON.stringify(err.params) : '') + '\n');
}
process.exit(bad ? 1 : 0);
