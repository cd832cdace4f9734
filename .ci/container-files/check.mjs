// Checks Dockerfiles as `docker build` from a clean clone sees them: node check.mjs <Dockerfile> <context> [...]
// - the validation of the Docker language server (dockerfile-utils): unknown instructions, flags and arguments;
// - exec-form JSON (ENTRYPOINT/CMD/RUN written as [...] but not valid JSON would run through a shell);
// - COPY --from names a stage defined above it;
// - every COPY/ADD source from the context is a file in the repository (git ls-files) not excluded by the context's
//   .dockerignore: a build output such as target/*.jar is not there in a clean clone.
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { validate } from 'dockerfile-utils';
import { DockerfileParser } from 'dockerfile-ast';
import dockerignoreModule from '@balena/dockerignore';

const dockerignore = dockerignoreModule.default ?? dockerignoreModule;
const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2 !== 0) {
  console.error('usage: node check.mjs <Dockerfile> <context> [<Dockerfile> <context> ...]');
  process.exit(2);
}

let problems = 0;
const report = (file, line, message) => {
  problems++;
  console.error(`${file}:${line}: ${message}`);
};

for (let i = 0; i < args.length; i += 2) {
  const file = args[i];
  const context = args[i + 1];
  const content = readFileSync(file, 'utf8');

  for (const d of validate(content)) {
    // severity 1 error, 2 warning: both stop the check
    if (d.severity <= 2) {
      report(file, d.range.start.line + 1, d.message);
    }
  }

  const ignoreFile = join(context, '.dockerignore');
  const ignored = dockerignore().add(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const tracked = execFileSync('git', ['ls-files', '-z', '--', '.'], { cwd: context, encoding: 'utf8' })
    .split('\0').filter(Boolean);
  const inContext = ignored.filter(tracked);

  const dockerfile = DockerfileParser.parse(content);
  const stages = [];
  for (const instruction of dockerfile.getInstructions()) {
    const line = instruction.getRange().start.line + 1;
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const stage = instruction.getBuildStage();
      if (stage) stages.push(stage.toLowerCase());
    }
    if (['ENTRYPOINT', 'CMD', 'RUN'].includes(keyword)) {
      const raw = (instruction.getArgumentsContent() ?? '').trim();
      if (raw.startsWith('[')) {
        try {
          const parsed = JSON.parse(raw);
          if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error('not an array of strings');
        } catch (e) {
          report(file, line, `${keyword} looks like exec form but is not a JSON array of strings (${e.message}): it would run through a shell`);
        }
      }
    }
    if (keyword === 'COPY' || keyword === 'ADD') {
      const from = keyword === 'COPY' ? instruction.getFromFlag() : null;
      if (from) {
        const name = (from.getValue() ?? '').toLowerCase();
        if (!stages.includes(name) && !name.includes(':') && !name.includes('/')) {
          report(file, line, `COPY --from=${name}: no stage of that name above (stages: ${stages.join(', ') || 'none'})`);
        }
        continue;
      }
      const values = instruction.getArguments().map((a) => a.getValue()).filter((v) => !v.startsWith('--'));
      for (const source of values.slice(0, -1)) {
        if (/^[a-z]+:\/\//i.test(source)) continue;
        const path = relative('.', join('.', source)).replace(/\/$/, '');
        const pattern = new RegExp('^' + path.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '(/.*)?$');
        if (!inContext.some((f) => pattern.test(f))) {
          report(file, line, `${keyword} ${source}: nothing in the build context ${context} matches it in a clean clone `
            + '(not in the repository, or excluded by .dockerignore)');
        }
      }
    }
  }
  console.log(`${file}: checked (${dockerfile.getInstructions().length} instructions, context ${context}: ${inContext.length} files)`);
}

if (problems > 0) {
  console.error(`${problems} problem(s) in the Dockerfiles`);
  process.exit(1);
}
