// vercmp-ref.js - reference answers for npm (and cargo) versions from
// node-semver (tests/tools/node_modules, see package.json).
//
//   node vercmp-ref.js npm|cargo < pairs   ("A<TAB>B" lines in, < = > ! out)
//
// cargo: the Rust semver crate orders by the same SemVer 2.0.0 precedence;
// it differs from node-semver in what it accepts (no leading "v", numbers up
// to 2^64-1), so cargo pairs must stay within what both accept; a leading
// "v" or "=" and white space (which node-semver trims) are answered "!"
// here, as cargo would.
'use strict'
const path = require('path')
let semver
try {
  semver = require(path.join(__dirname, 'node_modules', 'semver'))
} catch (e) {
  process.stderr.write('vercmp-ref.js: node-semver is not installed (npm install in tests/tools)\n')
  process.exit(77)
}
const eco = process.argv[2]
if (eco !== 'npm' && eco !== 'cargo') {
  process.stderr.write('usage: node vercmp-ref.js npm|cargo < pairs\n')
  process.exit(64)
}
const chunks = []
process.stdin.on('data', (c) => chunks.push(c))
process.stdin.on('end', () => {
  const lines = Buffer.concat(chunks).toString('utf8').split('\n')
  lines.pop()
  const ok = (v) => semver.valid(v) !== null && !(eco === 'cargo' && /^[v=]|\s/.test(v))
  const out = lines.map((line) => {
    const tab = line.indexOf('\t')
    const a = tab < 0 ? line : line.slice(0, tab)
    const b = tab < 0 ? '' : line.slice(tab + 1)
    if (!ok(a) || !ok(b)) return '!'
    return ['<', '=', '>'][semver.compare(a, b) + 1]
  })
  process.stdout.write(out.map((o) => o + '\n').join(''))
})
