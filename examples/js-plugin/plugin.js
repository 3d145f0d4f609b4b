// A Bulkhead plugin in JavaScript: credentials written in plain text into
// package-registry configuration files (`.npmrc`, `.pypirc`).
//
// Built into a WebAssembly component with `jco componentize`
// (@bytecodealliance/componentize-js) against `wit/v0.2.0/plugin.wit`,
// world `scanner`, see build.sh. The exported `plugin` interface is this
// module's `plugin` export; the imported `host` interface is the module
// `bulkhead:plugin/host@0.2.0`. WIT `u64` values are BigInts, `option`s are
// `undefined` when absent, records have camelCase fields, enums are strings.
//
// The same check is written in Python (examples/python-plugin/app.py) and
// in Rust (tests/plugins/registry); the three must report the same
// findings, so the parsing is deliberately plain: lines split on "\n", a
// trailing "\r" dropped, spaces and tabs trimmed.
import { report } from 'bulkhead:plugin/host@0.2.0';

const PLUGIN_ID = 'registry-auth-js';
const RULE = 'plaintext-registry-credential';
// Files over this size are not registry configuration; the host does not
// hand them over.
const MAX_FILE_SIZE = 64 * 1024;
// npm's credential keys, alone or scoped to a registry
// (`//registry.npmjs.org/:_authToken`).
const NPM_KEYS = ['_authToken', '_auth', '_password'];

function pluginInfo() {
  return {
    id: PLUGIN_ID,
    version: '0.1.0',
    description:
      'Flags npm and PyPI registry credentials written in plain text ' +
      'into .npmrc and .pypirc files (written in JavaScript).',
    rules: [
      {
        id: RULE,
        title: 'Registry credential in plain text',
        severity: 'high',
        description:
          'An npm (.npmrc: _authToken, _auth, _password) or PyPI (.pypirc: ' +
          'password) registry configuration file holds a literal credential. ' +
          'Anyone who can read the image or the repository can publish as ' +
          'its owner.',
        remediation:
          'Read the credential from the environment at build time ' +
          '(`_authToken=${NPM_TOKEN}`, `password = ${PYPI_TOKEN}`, or ' +
          'TWINE_PASSWORD), use a build secret mount, and revoke the ' +
          'exposed one.',
        references: [
          'https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration',
          'https://packaging.python.org/en/latest/specifications/pypirc/',
        ],
        aliases: [],
      },
    ],
    interests: {
      pathGlobs: ['**/.npmrc', '**/npmrc', '**/.pypirc'],
      keywords: ['_auth', '_password', 'password'],
      maxFileSize: BigInt(MAX_FILE_SIZE),
      imageConfig: false,
      packageInventory: false,
      includeDeleted: false,
      modeMask: 0,
      dataDirectory: undefined,
    },
    settings: [],
  };
}

// Trims spaces, tabs and carriage returns (not all Unicode white space,
// so that every implementation trims the same).
function trim(text) {
  let start = 0;
  let end = text.length;
  while (start < end && ' \t\r'.includes(text[start])) start++;
  while (end > start && ' \t\r'.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

function unquote(value) {
  if (value.length >= 2 && value[0] === value[value.length - 1] && (value[0] === '"' || value[0] === "'")) {
    return value.slice(1, -1);
  }
  return value;
}

// `${NAME}`: npm expands it from the environment; in a .pypirc it is a
// template filled in at build time. Either way no secret is in the file.
function isEnvReference(value) {
  return value.startsWith('${') && value.endsWith('}') && value.length > 3;
}

function splitAssignment(line, separators) {
  let at = -1;
  for (const separator of separators) {
    const index = line.indexOf(separator);
    if (index >= 0 && (at < 0 || index < at)) at = index;
  }
  if (at < 0) return undefined;
  return [trim(line.slice(0, at)), trim(line.slice(at + 1))];
}

// [line number, field path, value] of every literal credential.
function credentials(kind, text) {
  const found = [];
  let section = '';
  text.split('\n').forEach((raw, index) => {
    const line = trim(raw);
    if (line === '' || line[0] === '#' || line[0] === ';') return;
    if (line[0] === '[') {
      section = trim(line.slice(1).split(']')[0]);
      return;
    }
    let field;
    let value;
    if (kind === 'npm') {
      const pair = splitAssignment(line, '=');
      if (!pair) return;
      const [key, rest] = pair;
      const name = key.slice(key.lastIndexOf(':') + 1);
      if (!NPM_KEYS.includes(name)) return;
      field = key;
      value = rest;
    } else {
      const pair = splitAssignment(line, '=:');
      if (!pair) return;
      const [key, rest] = pair;
      if (key.toLowerCase() !== 'password') return;
      field = section ? `${section}.${key}` : key;
      value = rest;
    }
    value = unquote(value);
    if (value !== '' && !isEnvReference(value)) found.push([index + 1, field, value]);
  });
  return found;
}

function fileKind(path) {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === '.npmrc' || name === 'npmrc') return 'npm';
  if (name === '.pypirc') return 'pypi';
  return undefined;
}

function readAll(file) {
  const size = Number(file.size());
  if (size > MAX_FILE_SIZE) {
    throw `${file.path()} is ${size} bytes, over ${MAX_FILE_SIZE}`;
  }
  const data = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    const chunk = file.read(BigInt(filled), 1 << 20);
    if (chunk.length === 0) break;
    data.set(chunk.subarray(0, size - filled), filled);
    filled += chunk.length;
  }
  return data.subarray(0, filled);
}

export const plugin = {
  info() {
    return pluginInfo();
  },

  validateSettings(settings) {
    if (settings.length > 0) throw `${PLUGIN_ID} takes no settings`;
  },

  analyzeFile(file) {
    const path = file.path();
    const kind = fileKind(path);
    if (!kind) return;
    const text = new TextDecoder('utf-8').decode(readAll(file));
    const name = path.slice(path.lastIndexOf('/') + 1);
    for (const [number, field, value] of credentials(kind, text)) {
      const accepted = report({
        ruleId: RULE,
        message: `${field} in ${name} is a literal credential, not an environment reference`,
        lines: { start: number, end: number },
        fieldPath: field,
        secret: value,
        severity: undefined,
        affectedPackage: undefined,
        fixedVersions: [],
        aliases: [],
        references: [],
        properties: [{ name: 'registry-file', value: kind }],
        path: undefined,
      });
      if (!accepted) break;
    }
  },

  analyzeConfig(_configJson) {},

  postScan(_input) {},
};
