#!/usr/bin/env node
// Small release helper: runs git and npm with argument arrays, never through a shell.
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const https = require('https');

const ROOT = path.resolve(__dirname, '..');
const pkgPath = path.join(ROOT, 'package.json');

function git(...args) {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

function bumpVersion(kind) {
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  const [major, minor, patch] = pkg.version.split('.').map(Number);
  const next =
    kind === 'major' ? `${major + 1}.0.0` : kind === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
  pkg.version = next;
  fs.writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  return next;
}

function runTests() {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['test', '--', '--ci'], { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tests failed with code ${code}`))));
  });
}

function notify(version) {
  const body = JSON.stringify({ text: `Released v${version}` });
  const request = https.request(
    process.env.RELEASE_WEBHOOK_URL,
    { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
    (response) => response.resume(),
  );
  request.on('error', (err) => console.error('Notification failed:', err.message));
  request.end(body);
}

async function main() {
  const kind = process.argv[2] || 'patch';
  if (!['major', 'minor', 'patch'].includes(kind)) {
    console.error('Usage: release.js [major|minor|patch]');
    process.exit(1);
  }
  if (git('status', '--porcelain')) {
    console.error('Working tree is not clean.');
    process.exit(1);
  }
  await runTests();
  const version = bumpVersion(kind);
  git('commit', '-am', `chore: release v${version}`);
  git('tag', `v${version}`);
  console.log(`Tagged v${version}. Push with: git push --follow-tags`);
  if (process.env.RELEASE_WEBHOOK_URL) notify(version);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
