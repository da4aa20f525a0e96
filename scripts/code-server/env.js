// Where the VS Code integration harness finds its tools, and why it would have to skip.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const CODE_SERVER_VERSION = '4.100.3';
const ROOT = path.join(__dirname, '..', '..');

function codeServerHome() {
  return process.env.CODE_SERVER_HOME || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'apim-vnet-lint', `code-server-${CODE_SERVER_VERSION}`);
}

/** code-server's node entry point, or undefined when not installed. */
function findCodeServer() {
  const entry = path.join(codeServerHome(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return fs.existsSync(entry) ? entry : undefined;
}

function findChromium() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean)) {
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

function hasPlaywright() {
  try {
    require.resolve('playwright-core', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

/** Why the integration tests cannot run on this machine, or undefined when they can. */
function skipReason() {
  if (process.env.APIM_VNET_SKIP_VSCODE === '1') return 'APIM_VNET_SKIP_VSCODE=1';
  if (!findCodeServer()) return `code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerHome()} (run scripts/code-server/install.sh)`;
  if (!findChromium()) return 'Debian chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)';
  if (!hasPlaywright()) return 'playwright-core is not installed (npm ci)';
  return undefined;
}

module.exports = { CODE_SERVER_VERSION, ROOT, codeServerHome, findCodeServer, findChromium, hasPlaywright, skipReason };
