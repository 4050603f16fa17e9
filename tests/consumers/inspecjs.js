// Parses HDF files with inspecjs, the library Heimdall and the SAF CLI read HDF with, and
// prints, per file, the format it was recognised as, any parser errors, and the status and
// severity inspecjs gives every control (as Heimdall shows them).
// usage: node inspecjs.js FILE.json...
'use strict';
const fs = require('fs');
const inspecjs = require('inspecjs');

const out = {};
for (const file of process.argv.slice(2)) {
  const entry = {formats: [], errors: [], controls: {}};
  out[file] = entry;
  let result;
  try {
    result = inspecjs.convertFile(fs.readFileSync(file, 'utf8'), true);
  } catch (e) {
    entry.errors.push(String(e));
    continue;
  }
  entry.formats = Object.keys(result).filter((k) => k !== 'errors');
  if (!result['1_0_ExecJson']) {
    for (const [k, v] of Object.entries(result.errors || {})) entry.errors.push(`${k}: ${v}`);
    continue;
  }
  const evaluation = inspecjs.contextualizeEvaluation(result['1_0_ExecJson']);
  entry.target_id = evaluation.data.platform.target_id;
  for (const profile of evaluation.contains) {
    for (const control of profile.contains) {
      const hdf = control.root.hdf;
      entry.controls[control.data.id] = {status: hdf.status, severity: hdf.severity};
    }
  }
}
console.log(JSON.stringify(out));
