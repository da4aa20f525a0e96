#!/usr/bin/env node
// `npm run test:vscode`: the same integration suite (test/vscode/suite) in desktop VS Code through
// @vscode/test-electron, where VS Code can be downloaded (not on the project's closed-network
// machines: there `npm test` runs the suite in code-server, scripts/code-server/run-tests.js).
// The packaged .vsix is installed into a fresh extensions dir with VS Code's CLI and that installed
// folder is the development extension, as in the code-server harness.
//   VSCODE_VERSION=stable|insiders|1.100.0 (default: stable)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { runTests, downloadAndUnzipVSCode, resolveCliPathFromVSCodeExecutablePath } = require('@vscode/test-electron');

const ROOT = path.join(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'apim-vnet-lint.vsix');

function copyDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name), d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d); else fs.copyFileSync(s, d);
  }
}

async function main() {
  if (!fs.existsSync(VSIX) || process.argv.includes('--package')) {
    const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  const vscodeExecutablePath = await downloadAndUnzipVSCode(process.env.VSCODE_VERSION || 'stable');
  const cli = resolveCliPathFromVSCodeExecutablePath(vscodeExecutablePath);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-electron-'));
  const extensionsDir = path.join(tmp, 'extensions');
  const userDataDir = path.join(tmp, 'user-data');
  const workspace = path.join(tmp, 'workspace');
  copyDir(path.join(__dirname, 'workspace'), workspace);
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'json.schemaDownload.enable': false, 'workbench.startupEditor': 'none' }));
  const inst = spawnSync(cli, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', VSIX, '--force'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (inst.status !== 0) throw new Error(`${cli} --install-extension failed`);
  const installed = fs.readdirSync(extensionsDir, { withFileTypes: true }).filter((e) => e.isDirectory());
  if (installed.length !== 1) throw new Error(`expected one installed extension, found ${installed.map((e) => e.name)}`);
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: path.join(extensionsDir, installed[0].name),
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('VS Code (electron) integration tests failed:', e && e.message || e);
  process.exit(1);
});
