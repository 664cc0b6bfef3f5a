// npm run grade -- <challenge.json | built-in challenge id> <answer.json | share link> [--json]
// npm run grade -- <challenge.json | built-in challenge id> --answers answers.csv [--shard I/N] [--json]
// npm run grade -- --list
//
// The contract (CHALLENGE-FORMAT.md, "The CLI"): exit 0 when the answer meets the goal, 1
// when it does not, 2 for invalid input (a bad challenge, a bad answer or link, a disallowed
// change: each problem on stderr with its path, in a sentence). With --json, stdout holds one
// `faultline-grade/1` object (with --answers: one per learner, a line each, with `name`).
// With --answers the exit code is 0 when every learner passed, 1 when any did not (a bad or
// disallowed answer is that learner's result), 2 when the challenge or the file is bad.
//
// Seeds run on every core (worker threads, as `npm run sim -- --seeds` does); a progress line
// goes to stderr while it takes long.

import { parseArgs } from 'node:util';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BUILT_IN_CHALLENGES, builtInChallenge } from '../scenario/challenge/library';
import { parseChallenge, validateChallenge, CHALLENGE_DOCUMENT } from '../scenario/challenge/validate';
import { checkAnswer, gradeOutput, loadAnswer, unreadableOutput } from '../scenario/challenge/grade';
import type { ChallengeResult, GradeOutput, LoadedChallenge } from '../scenario/challenge/types';
import type { Scenario } from '../scenario/types';
import { looksLikeLink } from '../scenario/share-link';
import { SCENARIO_LIMITS } from '../scenario/validate';
import { GradePool } from './grade-pool';
import { readClass } from './class-file';
import { forTerminal, jsonForTerminal } from './terminal';

const USAGE = `usage: npm run grade -- <challenge.json | built-in challenge id> <answer.json | share link> [--json]
       npm run grade -- <challenge.json | built-in challenge id> --answers answers.csv [--shard I/N] [--json]
       npm run grade -- --list
options: --workers N (worker threads; default: one per core)`;

/** A class file larger than this is refused before it is read. */
const MAX_CSV_BYTES = 200_000_000;

class InputError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}


function readText(path: string, what: string, maxBytes: number): string {
  if (!existsSync(path)) throw new InputError([`${what} '${forTerminal(path)}' does not exist`]);
  const st = statSync(path);
  if (!st.isFile()) throw new InputError([`${what} '${forTerminal(path)}' is not a file`]);
  if (st.size > maxBytes) throw new InputError([`${what} '${forTerminal(path)}' is ${(st.size / 1e6).toFixed(1)} MB; the limit is ${maxBytes / 1e6} MB`]);
  return readFileSync(path, 'utf8');
}

function loadChallenge(arg: string): LoadedChallenge {
  const b = builtInChallenge(arg);
  let res: ChallengeResult;
  if (b) res = validateChallenge(b.document);
  else if (!existsSync(arg)) throw new InputError([`'${forTerminal(arg)}' is neither a challenge file nor a built-in challenge (npm run grade -- --list shows them)`]);
  else res = parseChallenge(readText(arg, 'the challenge', CHALLENGE_DOCUMENT.textChars));
  if (!res.ok) throw new InputError(res.errors.map((e) => forTerminal(e.message)));
  return res.loaded;
}

// ---------------------------------------------------------------------------------------------
// Progress: a line on stderr while grading takes more than a moment

class Progress {
  private readonly startMs = Date.now();
  private lastMs = 0;
  private shown = false;
  done = 0;
  learnersDone = 0;

  constructor(private readonly total: number, private readonly learners: number) {}

  tick(): void {
    this.done++;
    const now = Date.now();
    const tty = process.stderr.isTTY;
    // On a terminal, redraw often; in a log, a line now and then.
    if (now - this.startMs < 1000 || now - this.lastMs < (tty ? 100 : 10_000)) return;
    this.lastMs = now;
    const pct = Math.floor((100 * this.done) / this.total);
    const who = this.learners > 1 ? `, ${this.learnersDone} of ${this.learners} learners done` : '';
    const line = `grading: ${this.done} of ${this.total} runs (${pct}%)${who}`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    this.shown = tty;
  }

  end(): void {
    if (this.shown) process.stderr.write('\r\u001b[K');
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function printHuman(loaded: LoadedChallenge, o: GradeOutput, name?: string): void {
  const head = name !== undefined ? `${forTerminal(name)}: ` : `${forTerminal(loaded.challenge.title)} (${loaded.challenge.id})\n`;
  if (o.errors) {
    console.log(`${head}NOT GRADED: the answer could not be read`);
    return;
  }
  if (o.disallowed.length) {
    console.log(`${head}NOT RUN: ${o.disallowed.length} disallowed change${o.disallowed.length === 1 ? '' : 's'}`);
    return;
  }
  const needed = loaded.challenge.goal.inAtLeast ?? loaded.seeds.length;
  console.log(`${head}${o.passed ? 'PASSED' : 'FAILED'}: ${o.passedRuns} of ${o.runs} runs met the goal (${needed} needed)`);
  if (name !== undefined && o.passed) return;
  const width = Math.max(...o.requirements.map((r) => r.text.length));
  for (const r of o.requirements) console.log(`  ${r.text.padEnd(width)}  ${r.passedRuns}/${o.runs} runs`);
  const failing = o.seeds.filter((s) => !s.passed);
  for (const s of failing.slice(0, 10)) {
    const why = s.aborted ? forTerminal(s.aborted) : s.failed.map((t) => `${t} (${valueOf(o, s, t)})`).join('; ');
    console.log(`  seed ${s.seed} failed: ${why}`);
  }
  if (failing.length > 10) console.log(`  ... and ${failing.length - 10} more failing seeds`);
}

function valueOf(o: GradeOutput, s: GradeOutput['seeds'][number], text: string): string {
  const i = o.requirements.findIndex((r) => r.text === text);
  const v = s.values?.[i];
  return v === null || v === undefined ? 'absent' : `was ${Number(v.toFixed(3))}`;
}

// ---------------------------------------------------------------------------------------------
// One answer

async function gradeOne(loaded: LoadedChallenge, answerArg: string, asJson: boolean, workers: number): Promise<number> {
  let text: string;
  if (looksLikeLink(answerArg) && !existsSync(answerArg)) text = answerArg;
  else if (existsSync(answerArg)) text = readText(answerArg, 'the answer', SCENARIO_LIMITS.textChars);
  else throw new InputError([`'${forTerminal(answerArg)}' is neither an answer file nor a share link`]);

  const answer = await loadAnswer(text, loaded);
  if (!answer.ok) {
    if (asJson) console.log(jsonForTerminal(unreadableOutput(loaded, answer.errors)));
    throw new InputError(answer.errors.map((e) => forTerminal(e.message)));
  }
  const disallowed = checkAnswer(loaded, answer.scenario);
  if (disallowed.length) {
    if (asJson) console.log(jsonForTerminal(gradeOutput(loaded, [], disallowed)));
    throw new InputError(disallowed.map((d) => forTerminal(d.message)));
  }
  const pool = new GradePool(Math.min(workers, loaded.seeds.length));
  const progress = new Progress(loaded.seeds.length, 1);
  try {
    const outcomes = await pool.grade({ scenario: answer.scenario, requirements: loaded.challenge.goal.require }, loaded.seeds, () => progress.tick());
    progress.end();
    const out = gradeOutput(loaded, outcomes);
    if (asJson) console.log(jsonForTerminal(out));
    else printHuman(loaded, out);
    return out.passed ? 0 : 1;
  } finally {
    await pool.close();
  }
}

// ---------------------------------------------------------------------------------------------
// A class: a CSV of name,answer

function parseShard(text: string): { i: number; n: number } {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i >= n) throw new InputError([`--shard takes I/N with 0 <= I < N (for example 0/4 ... 3/4); found '${forTerminal(text)}'`]);
  return { i, n };
}

async function gradeClass(loaded: LoadedChallenge, file: string, shard: { i: number; n: number } | null, asJson: boolean, workers: number): Promise<number> {
  const read = readClass(readText(file, 'the class file', MAX_CSV_BYTES), forTerminal(file));
  if (!read.ok) throw new InputError(read.problems.map(forTerminal));
  const all = read.learners;
  const learners = shard ? all.filter((l) => l.line % shard.n === shard.i) : all;
  const results: (GradeOutput | undefined)[] = learners.map(() => undefined);
  let printed = 0;
  let exit = 0;
  const emit = () => {
    while (printed < learners.length && results[printed]) {
      const o = results[printed]!;
      const l = learners[printed];
      if (asJson) console.log(jsonForTerminal({ name: l.name, ...o }));
      else printHuman(loaded, o, l.name);
      if (!o.passed) exit = 1;
      printed++;
    }
  };

  // Read every answer first (cheap): problems go to stderr, named by line and learner.
  const jobs: { index: number; scenario: Scenario }[] = [];
  for (const [index, l] of learners.entries()) {
    const who = `${forTerminal(file)}:${l.line} (${forTerminal(l.name)})`;
    const answer = await loadAnswer(l.answer.trim(), loaded);
    if (!answer.ok) {
      for (const e of answer.errors) process.stderr.write(`${who}: ${forTerminal(e.message)}\n`);
      results[index] = unreadableOutput(loaded, answer.errors);
      continue;
    }
    const disallowed = checkAnswer(loaded, answer.scenario);
    if (disallowed.length) {
      for (const d of disallowed) process.stderr.write(`${who}: ${forTerminal(d.message)}\n`);
      results[index] = gradeOutput(loaded, [], disallowed);
      continue;
    }
    jobs.push({ index, scenario: answer.scenario });
  }
  emit();
  if (jobs.length > 0) {
    const pool = new GradePool(Math.min(workers, jobs.length * loaded.seeds.length));
    const progress = new Progress(jobs.length * loaded.seeds.length, jobs.length);
    try {
      await Promise.all(
        jobs.map(async ({ index, scenario }) => {
          const outcomes = await pool.grade({ scenario, requirements: loaded.challenge.goal.require }, loaded.seeds, () => progress.tick());
          results[index] = gradeOutput(loaded, outcomes);
          progress.learnersDone++;
          emit();
        }),
      );
      progress.end();
    } finally {
      await pool.close();
    }
  }
  emit();
  return exit;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        answers: { type: 'string' },
        shard: { type: 'string' },
        list: { type: 'boolean' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new InputError([forTerminal((e as Error).message), USAGE]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    const width = Math.max(...BUILT_IN_CHALLENGES.map((c) => c.id.length));
    for (const c of BUILT_IN_CHALLENGES) console.log(`${c.id.padEnd(width)}  ${c.kind.padEnd(8)}  ${c.title}`);
    return 0;
  }
  let workers = availableParallelism();
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isSafeInteger(workers) || workers < 1 || workers > 256) throw new InputError([`--workers takes a whole number from 1 to 256; found '${forTerminal(values.workers)}'`]);
  }
  if (values.answers !== undefined) {
    if (positionals.length !== 1) throw new InputError([positionals.length === 0 ? 'name a challenge (a file or a built-in id)' : '--answers grades a class file: give the challenge alone besides it', USAGE]);
    const shard = values.shard !== undefined ? parseShard(values.shard) : null;
    return gradeClass(loadChallenge(positionals[0]), values.answers, shard, values.json ?? false, workers);
  }
  if (values.shard !== undefined) throw new InputError(['--shard splits a class: it goes with --answers']);
  if (positionals.length !== 2) throw new InputError([positionals.length < 2 ? 'name a challenge and an answer (a file or a share link)' : `one challenge and one answer; found ${positionals.length} arguments`, USAGE]);
  return gradeOne(loadChallenge(positionals[0]), positionals[1], values.json ?? false, workers);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof InputError) {
      for (const l of e.lines) process.stderr.write(`${l}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`grade: internal error: ${forTerminal(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    process.exitCode = 1;
  },
);
