// Renders every ```mermaid block of the Markdown files given as arguments with the mermaid package in headless
// Chromium, as a Markdown viewer would, and fails naming the file, the block number, its line and mermaid's error.
// mermaid's browser bundle is loaded from node_modules into a blank page; every network request is refused.
//   CHROMIUM (/usr/bin/chromium)
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check-diagrams.mjs FILE.md...');
  process.exit(2);
}
const mermaidBundle = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

// the fenced ```mermaid blocks of a Markdown text: their code and the line of their opening fence
function mermaidBlocks(markdown) {
  const blocks = [];
  let open = null;
  markdown.split('\n').forEach((line, index) => {
    if (open === null) {
      const fence = line.match(/^(\s*)(`{3,}|~{3,})\s*mermaid\s*$/);
      if (fence) open = { indent: fence[1].length, fence: fence[2], line: index + 1, code: [] };
    } else if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, '') === '') {
      blocks.push({ line: open.line, code: open.code.join('\n') });
      open = null;
    } else {
      open.code.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
    }
  });
  if (open !== null) blocks.push({ line: open.line, code: null });
  return blocks;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
let rendered = 0;
try {
  const page = await browser.newPage();
  await page.route('**/*', (route) => route.abort());
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: readFileSync(mermaidBundle, 'utf8') });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));

  // mermaid's error for one diagram, or null when it parses and renders to an SVG
  let id = 0;
  const renderError = (code) => page.evaluate(async ({ code, id }) => {
    try {
      await window.mermaid.parse(code);
      const { svg } = await window.mermaid.render('diagram-' + id, code);
      return svg.includes('<svg') ? null : 'no SVG rendered';
    } catch (error) {
      return String(error && error.message ? error.message : error);
    } finally {
      document.querySelectorAll('[id^="ddiagram-"], [id^="diagram-"]').forEach((node) => node.remove());
    }
  }, { code, id: id++ });

  // the check itself must tell a broken diagram from a good one (a subgraph never closed, then closed)
  const broken = 'flowchart LR\n  subgraph a\n    A --> B\n  subgraph b\n    C --> D\n  end\n';
  if ((await renderError(broken)) === null || (await renderError(broken + '  end\n')) !== null) {
    throw new Error('the check passes a broken diagram or fails a good one: is the mermaid bundle loaded?');
  }

  for (const file of files) {
    let blocks;
    try {
      blocks = mermaidBlocks(readFileSync(file, 'utf8'));
    } catch (error) {
      failures++;
      console.error(`${file}: cannot be read: ${error.message}`);
      continue;
    }
    for (const [index, block] of blocks.entries()) {
      const where = `${file}: mermaid block ${index + 1} (line ${block.line})`;
      const error = block.code === null ? 'code fence never closed' : await renderError(block.code);
      if (error === null) {
        rendered++;
      } else {
        failures++;
        console.error(`${where}: ${error.trim()}`);
      }
    }
  }
} finally {
  await browser.close();
}
console.log(`mermaid diagrams in ${files.join(' ')}: ${rendered} rendered, ${failures} failed`);
if (rendered + failures === 0) {
  console.error('no ```mermaid block found');
  process.exit(1);
}
process.exit(failures === 0 ? 0 : 1);
