#!/usr/bin/env node
// validate-schema.js - checks a JSON document against a JSON Schema with ajv.
//
//   node validate-schema.js SCHEMA [EXTRA_SCHEMA...] DOCUMENT
//
// SCHEMA is the schema the document must satisfy; each EXTRA_SCHEMA is
// registered under its own $id so that $refs to it resolve (CycloneDX's
// bom-1.6 refers to spdx.schema.json and jsf-0.82.schema.json).
// Exit status: 0 valid, 1 invalid, 2 usage or setup error, 77 when ajv is
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
if (args.length < 2)
	die(2, 'usage: validate-schema.js SCHEMA [EXTRA_SCHEMA...] DOCUMENT');

function load(p) {
	try {
		return JSON.parse(fs.readFileSync(p, 'utf8'));
	} catch (e) {
		die(2, "cannot read '" + p + "': " + e.message);
	}
}

// Both schema families in use are draft-07; strict mode would reject the
// vocabulary extensions CycloneDX uses ("meta:enum", "deprecated").
const ajv = new (Ajv.default || Ajv)({ allErrors: true, strict: false, validateFormats: true });
(addFormats.default || addFormats)(ajv);
// Formats ajv-formats does not know: accept any string rather than fail setup.
for (const f of ['idn-email', 'idn-hostname', 'iri', 'iri-reference'])
	if (!ajv.formats[f])
		ajv.addFormat(f, true);

const schema = load(args[0]);
for (const extra of args.slice(1, -1)) {
	const s = load(extra);
	ajv.addSchema(s, s.$id || path.basename(extra));
}
const docPath = args[args.length - 1];
const doc = load(docPath);

let validate;
try {
	validate = ajv.compile(schema);
} catch (e) {
	die(2, "cannot compile '" + args[0] + "': " + e.message);
}
if (validate(doc)) {
	process.stdout.write(docPath + ': valid\n');
	process.exit(0);
}
for (const err of validate.errors.slice(0, 50))
	process.stderr.write(docPath + ': ' + (err.instancePath || '/') + ' ' + err.message +
	    (err.params ? ' ' + JSON.stringify(err.params) : '') + '\n');
process.exit(1);
