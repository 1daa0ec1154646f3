// docs/scale.md: its Kubernetes manifest parses and fits attnlens, its scripts are valid
// bash, and the SLURM script, run as 8 array tasks over the bundled sample, shards compute and
// merges back to one run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, cli } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const doc = readFileSync(join(REPO, 'docs', 'scale.md'), 'utf8');
const blocks = (lang: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'attnlens-scale-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/scale.md', () => {
  it('has a Kubernetes Indexed Job whose --shards matches its completions', () => {
    const [yamlText] = blocks('yaml');
    const job = parse(yamlText!) as any;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const cmd = job.spec.template.spec.containers[0].command as string[];
    expect(cmd.slice(0, 3)).toEqual(['npx', 'attnlens', 'render']);
    expect(Number(cmd[cmd.indexOf('--shards') + 1])).toBe(job.spec.completions);
    expect(job.spec.parallelism).toBeLessThanOrEqual(job.spec.completions);
  });

  it('has bash scripts that bash -n accepts', () => {
    const scripts = blocks('bash');
    expect(scripts.length).toBe(2);
    for (const s of scripts) {
      const r = spawnSync('bash', ['-n'], { input: s, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(scripts[1]).toMatch(/^parallel .*--shard '\{\}\/4' ::: 0 1 2 3 && attnlens merge/);
  });

  it('runs the SLURM script (the bundled sample\'s compute) as its 8 array tasks and merges them byte-equal to one compute', () => {
    const slurm = blocks('bash')[0]!;
    const tasks = /#SBATCH --array=(\d+)-(\d+)/.exec(slurm)!;
    const [lo, hi] = [Number(tasks[1]), Number(tasks[2])];
    expect(hi - lo + 1).toBe(8);
    mkdirSync(join(dir, 'shards'));
    const S = join(REPO, 'apps', 'cli', 'samples', 'han');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'attnlens'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'attnlens'), 0o755);
    for (let id = hi; id >= lo; id--) {
      const env = { ...process.env, S, PATH: `${bin}:${process.env.PATH}`, SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(lo), SLURM_ARRAY_TASK_COUNT: String(hi - lo + 1) };
      const r = spawnSync('bash', ['-c', slurm], { cwd: dir, env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`SLURM_ARRAY_TASK_ID=${id}`);
    }
    const layer = ['--model', join(S, 'model.h5'), '--layer', 'att_layer_2', '--inputs', join(S, 'sentence_inputs.npy'), '--lengths', join(S, 'sentence_counts.npy')];
    for (const ext of ['.npy', '.attn.pb']) {
      const parts = readdirSync(join(dir, 'shards')).filter((f) => f.endsWith(ext)).map((f) => join(dir, 'shards', f));
      expect(parts.length).toBe(8);
      const m = cli(['merge', ...parts, '--out', join(dir, `merged${ext}`)]);
      expect(m.code, m.stderr).toBe(0);
      expect(cli(['compute', ...layer, '--out', join(dir, `whole${ext}`)]).code).toBe(0);
      expect(readFileSync(join(dir, `merged${ext}`)).equals(readFileSync(join(dir, `whole${ext}`))), ext).toBe(true);
    }
  });
});
