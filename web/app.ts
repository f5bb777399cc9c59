/**
 * The explorer page: controls (every option of `deno task train`, set from and written to the
 * URL), a Web Worker that trains with the project's trainer and backends (explorer_worker.ts),
 * and the live panels — signals over steps, the embedding on the strongest circles' planes, the
 * surviving circles, losses and accuracies. When a run ends its summary goes to `#result` as
 * JSON; runs export as `train --out`'s run directory (zip) or JSON and open again to replay.
 *
 * @module
 */
/// <reference lib="dom" />
import { ConfigError, type TrialConfig } from "../protocol/config.ts";
import {
  defaultExplorerRun,
  explorerQuery,
  type ExplorerRun,
  parseExplorerQuery,
} from "../report/explorer_link.ts";
import {
  circlePlane,
  dft,
  projectOnto,
  spectrumNorms,
  survivingCircles,
} from "../analysis/fourier.ts";
import { RunView } from "./run_view.ts";
import { drawBars, drawCurves, drawPlane, drawSignals } from "./charts.ts";
import {
  type RunFiles,
  runFolderName,
  runFromFiles,
  runFromJson,
  runFromZip,
  runJson,
  runZip,
} from "./run_zip.ts";
import type { FromWorker, ToWorker } from "./explorer_worker.ts";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("form");
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
const button = (id: string) => $<HTMLButtonElement>(id);

/** The page's state. */
const state = {
  view: null as RunView | null,
  running: false,
  paused: false,
  /** The finished or loaded run (what Export writes). */
  last: null as RunFiles | null,
  /** A loaded run's initial parameters and split, offered as the next run's start. */
  loaded: null as
    | { name: string; config: TrialConfig; params: Float64Array; trainIds: Int32Array }
    | null,
  hover: null as number | null,
  /** The row a replay has reached (null: show every row). */
  replayRow: null as number | null,
  backend: "",
  ready: false,
  autostart: false,
};

// ---- controls <-> URL ----------------------------------------------------------------------

const FLAGS = ["freeze-embedding", "grad-signals"];

function setForm(run: ExplorerRun): void {
  const c = run.config;
  const values: Record<string, string | number> = {
    p: c.p,
    dim: c.d,
    wd: c.wd,
    lr: c.lr,
    steps: c.steps,
    seed: c.seed,
    mode: c.mode,
    "init-seed": c.initSeed,
    backend: run.backend,
    "params-every": run.paramsEvery,
    "embeddings-until": run.embeddingsUntil,
  };
  for (const [k, v] of Object.entries(values)) field(k).value = String(v);
  field("freeze-embedding").checked = c.freezeEmbedding;
  field("grad-signals").checked = run.gradSignals;
}

/** The controls as a query string (the URL parameters' names are the controls' names). */
function formQuery(): string {
  const q = new URLSearchParams();
  for (const el of Array.from(form.elements) as HTMLInputElement[]) {
    if (!el.name) continue;
    if (FLAGS.includes(el.name)) {
      if (el.checked) q.set(el.name, "1");
    } else if (el.value.trim() !== "") q.set(el.name, el.value.trim());
  }
  return `?${q}`;
}

/** The run the controls describe (validated as the CLI validates). */
function readForm(): ExplorerRun {
  return parseExplorerQuery(formQuery());
}

function showError(message: string | null): void {
  const el = $("error");
  el.hidden = message === null;
  el.textContent = message ?? "";
  if (message !== null) console.warn(`explorer: ${message}`);
}

function setButtons(): void {
  const { running, paused } = state;
  button("run").disabled = running;
  button("pause").disabled = !running;
  button("pause").textContent = paused ? "Resume" : "Pause";
  button("step").disabled = !running;
  button("stop").disabled = !running;
  button("export-zip").disabled = running || !state.last;
  button("export-json").disabled = running || !state.last;
}

// ---- the worker ----------------------------------------------------------------------------

const worker = new Worker(new URL("./explorer_worker.js", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);
worker.onerror = (e) => {
  e.preventDefault();
  console.error(`explorer worker: ${e.message}`);
  showError(`the training worker failed: ${e.message}`);
  state.running = false;
  setButtons();
};
worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case "ready": {
      const select = field("backend") as unknown as HTMLSelectElement;
      const want = select.dataset.want ?? "auto";
      for (const name of m.backends) select.add(new Option(name, name));
      select.value = want;
      if (select.value !== want) {
        showError(`backend ${JSON.stringify(want)}: allowed are auto, ${m.backends.join(", ")}`);
        state.autostart = false;
      }
      state.ready = true;
      if (state.autostart) start();
      break;
    }
    case "started":
      state.backend = m.backend;
      state.view = new RunView(m.config.p, m.config.d, m.config.steps, m.embedding);
      $("backend-note").textContent = `backend ${m.backend}${m.note ? ` (${m.note})` : ""}`;
      schedule();
      break;
    case "progress":
      state.view?.append(m.rows);
      state.view?.setEmbedding(m.done, m.embedding);
      state.paused = m.paused;
      $("progress").textContent = `step ${m.done} / ${m.total}${m.paused ? " (paused)" : ""}`;
      if (m.msPerStep > 0) $("speed").textContent = `${m.msPerStep.toFixed(3)} ms/step`;
      $<HTMLProgressElement>("bar").value = m.total ? m.done / m.total : 1;
      setButtons();
      schedule();
      break;
    case "done":
      finished({ summary: m.summary, records: m.records });
      break;
    case "error":
      showError(m.message);
      state.running = false;
      state.paused = false;
      setButtons();
      break;
  }
};

function start(): void {
  showError(null);
  let run: ExplorerRun;
  try {
    run = readForm();
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  const c = run.config;
  const L = state.loaded;
  const useInit = L && ($<HTMLInputElement>("use-init")?.checked ?? false) &&
    L.config.p === c.p && L.config.d === c.d && L.config.hidden === c.hidden;
  history.replaceState(null, "", explorerQuery(run));
  state.running = true;
  state.paused = false;
  state.replayRow = null;
  state.view = null;
  $("result").textContent = "";
  $("speed").textContent = "";
  $("progress").textContent = "starting…";
  $("grad-card").hidden = !run.gradSignals;
  setButtons();
  send({
    type: "start",
    config: c,
    backend: run.backend,
    records: {
      gradSignals: run.gradSignals,
      paramsEvery: run.paramsEvery,
      embeddingsUntil: run.embeddingsUntil,
    },
    init: useInit ? { params: L.params, trainIds: L.trainIds } : undefined,
  });
}

/** The JSON summary scripts and tests read from `#result`. */
function resultJson(run: RunFiles): string {
  const s = run.summary, c = s.config;
  return JSON.stringify({
    p: c.p,
    d: c.d,
    wd: c.wd,
    seed: c.seed,
    steps: c.steps,
    backend: s.backend,
    circles: s.circles,
    trainLoss: s.finalTrainLoss,
    testLoss: s.finalTestLoss,
    msPerStep: s.msPerStep,
    lr: c.lr,
    mode: c.mode,
    initSeed: c.initSeed,
    freezeEmbedding: c.freezeEmbedding,
    stepsDone: s.stepsDone,
    interrupted: s.interrupted,
    divergedAt: s.divergedAt,
    trainAcc: s.finalTrainAcc,
    testAcc: s.finalTestAcc,
  });
}

function finished(run: RunFiles): void {
  const s = run.summary;
  state.running = false;
  state.paused = false;
  state.last = run;
  state.view = RunView.fromRecords(run.records, s.config.steps);
  $("progress").textContent =
    `${s.interrupted ? "stopped" : "done"}: ${s.stepsDone} / ${s.config.steps} steps` +
    (s.divergedAt !== null ? ` — diverged at step ${s.divergedAt}` : "");
  $("speed").textContent = `${s.msPerStep.toFixed(3)} ms/step`;
  $<HTMLProgressElement>("bar").value = s.config.steps ? s.stepsDone / s.config.steps : 1;
  $("result").textContent = resultJson(run);
  setButtons();
  schedule();
}

// ---- drawing -------------------------------------------------------------------------------

let frameAsked = false;
let pickSignals: (x: number, y: number) => number | null = () => null;
let pickBars: (x: number, y: number) => number | null = () => null;
let pickGrad: (x: number, y: number) => number | null = () => null;

/** Ask for a redraw on the next animation frame (many updates, one drawing). */
function schedule(): void {
  if (frameAsked) return;
  frameAsked = true;
  requestAnimationFrame(draw);
}

function draw(): void {
  frameAsked = false;
  const v = state.view;
  if (!v) return;
  const rows = state.replayRow ?? v.rows;
  const step = v.steps[rows];
  const now = v.signalsRow(rows);
  const survivors = survivingCircles(now);
  const hover = state.hover;
  $("circles").textContent = survivors.length
    ? `${survivors.length}: ${[...survivors].sort((a, b) => a - b).join(", ")}`
    : "none yet";
  const src = {
    steps: v.steps,
    rows,
    total: v.total,
    p: v.p,
    signalsRow: (i: number) => v.signalsRow(i),
  };
  pickSignals = drawSignals($("signals") as HTMLCanvasElement, src, { survivors, hover });
  pickBars = drawBars($("bars") as HTMLCanvasElement, now, { survivors, hover });
  drawCurves($("loss") as HTMLCanvasElement, src, [
    { name: "train", values: v.trainLoss, color: "#2356c7" },
    { name: "test", values: v.testLoss, color: "#d9480f" },
  ], { label: "cross-entropy (log)", log: true });
  drawCurves($("acc") as HTMLCanvasElement, src, [
    { name: "train", values: v.trainAcc, color: "#2356c7" },
    { name: "test", values: v.testAcc, color: "#d9480f" },
  ], { label: "accuracy", min: 0, max: 1 });
  drawPlanes(v, step, survivors, hover);
  const g = v.gradSignals;
  if (g.length >= v.p && !$("grad-card").hidden) {
    const gr = Math.min(rows, g.length / v.p) - 1;
    pickGrad = drawSignals($("grad") as HTMLCanvasElement, {
      steps: v.steps.subarray(1),
      rows: Math.max(0, gr),
      total: v.total,
      p: v.p,
      signalsRow: (i) => g.subarray(i * v.p, (i + 1) * v.p),
      label: "‖F_k(∂L/∂E)‖",
    }, { survivors, hover });
  }
  if (state.replayRow !== null) {
    state.replayRow = state.replayRow >= v.rows
      ? null
      : Math.min(v.rows, state.replayRow + Math.max(1, Math.ceil(v.rows / 300)));
    schedule();
  }
}

function drawPlanes(v: RunView, step: number, survivors: number[], hover: number | null): void {
  const e = v.embeddingAt(step);
  const S = dft(e.E, v.p, v.d);
  const s = spectrumNorms(S);
  const half = Math.floor((v.p - 1) / 2);
  const ks = [...Array(half).keys()].map((i) => i + 1).sort((a, b) => s[b] - s[a]);
  const shown = hover !== null && hover > 0 && hover <= half
    ? [hover, ...ks.filter((k) => k !== hover)]
    : ks;
  const canvases = Array.from($("planes").querySelectorAll("canvas"));
  canvases.forEach((canvas, i) => {
    const k = shown[i];
    canvas.hidden = k === undefined;
    if (k === undefined) return;
    const xy = projectOnto(e.E, v.p, v.d, circlePlane(S, k));
    const tag = survivors.includes(k) ? " survivor" : "";
    const title = `k = ${k}  ‖F_k‖ = ${s[k].toFixed(1)}${tag}`;
    canvas.setAttribute("aria-label", `the embedding on the plane of frequency ${title}`);
    drawPlane(canvas, xy, { k, p: v.p, title, highlight: k === hover });
  });
  $("plane-step").textContent = `embedding after step ${e.step}` +
    (e.step !== step ? ` (the nearest recorded before step ${step})` : "");
}

function hoverOn(canvas: HTMLElement, pick: () => (x: number, y: number) => number | null): void {
  const move = (ev: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    const k = pick()(ev.clientX - r.left, ev.clientY - r.top);
    if (k !== state.hover) {
      state.hover = k;
      schedule();
    }
  };
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerdown", move);
  canvas.addEventListener("pointerleave", () => {
    state.hover = null;
    schedule();
  });
}

// ---- export, open, replay ------------------------------------------------------------------

function download(name: string, data: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Show a loaded run: its controls, its records replayed, its start offered for the next run. */
function openRun(run: RunFiles, name: string): void {
  const s = run.summary;
  const base = defaultExplorerRun();
  setForm({
    ...base,
    config: s.config,
    gradSignals: !!run.records.gradSignals,
    embeddingsUntil: run.records.embeddings
      ? run.records.embeddings.length / (s.config.p * s.config.d) - 1
      : 0,
    paramsEvery: run.records.paramSnapshots?.steps[1] ?? 0,
  });
  state.loaded = {
    name,
    config: s.config,
    params: run.records.initParams,
    trainIds: run.records.trainIds,
  };
  const note = $("init-note");
  note.hidden = false;
  note.innerHTML = "";
  const label = document.createElement("label");
  label.className = "check";
  label.innerHTML =
    `<input type="checkbox" id="use-init" checked> Run starts from the initial parameters and split of `;
  label.append(document.createTextNode(name));
  note.append(label);
  state.last = run;
  state.view = RunView.fromRecords(run.records, s.config.steps);
  state.replayRow = 0;
  $("grad-card").hidden = !run.records.gradSignals;
  $("backend-note").textContent = `replaying ${name} (trained on ${s.backend})`;
  $("progress").textContent = `${s.stepsDone} / ${s.config.steps} steps recorded`;
  $("speed").textContent = `${s.msPerStep.toFixed(3)} ms/step when trained`;
  showError(null);
  setButtons();
  schedule();
}

async function openFiles(files: File[]): Promise<void> {
  if (!files.length) return;
  try {
    const first = files[0];
    if (files.length === 1 && first.name.endsWith(".zip")) {
      openRun(runFromZip(new Uint8Array(await first.arrayBuffer())), first.name);
    } else if (files.length === 1 && first.name.endsWith(".json") && first.name !== "run.json") {
      openRun(runFromJson(await first.text()), first.name);
    } else {
      const map = new Map<string, Uint8Array>();
      for (const f of files) {
        if (f.name === "run.json" || f.name.endsWith(".npy")) {
          map.set(f.name, new Uint8Array(await f.arrayBuffer()));
        }
      }
      const dir = (first.webkitRelativePath || first.name).split("/")[0];
      openRun(runFromFiles(map), dir);
    }
  } catch (e) {
    showError(`cannot open the run: ${(e as Error).message}`);
  }
}

/** Trials of `deno task explore --store` (absent on a static host). */
async function listStored(): Promise<void> {
  // only `deno task explore` has the API; it marks the page (a static host would answer 404)
  if (!document.querySelector('meta[name="circle-survival-api"]')) return;
  let list: { key: string; label: string }[];
  try {
    const r = await fetch("api/trials");
    if (!r.ok || !(r.headers.get("content-type") ?? "").includes("json")) return;
    list = await r.json();
  } catch {
    return;
  }
  if (!list.length) return;
  const select = $<HTMLSelectElement>("stored");
  select.add(new Option(`${list.length} stored trials…`, ""));
  for (const t of list) select.add(new Option(t.label, t.key));
  $("stored-label").hidden = false;
  select.onchange = async () => {
    if (!select.value) return;
    try {
      const r = await fetch(`api/trials/${encodeURIComponent(select.value)}`);
      if (!r.ok) throw new Error(await r.text());
      openRun(runFromZip(new Uint8Array(await r.arrayBuffer())), select.selectedOptions[0].text);
    } catch (e) {
      showError(`cannot open the stored trial: ${(e as Error).message}`);
    }
  };
}

// ---- wiring --------------------------------------------------------------------------------

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  if (!state.running) start();
});
button("pause").onclick = () => {
  state.paused = !state.paused;
  send({ type: state.paused ? "pause" : "resume" });
  setButtons();
};
button("step").onclick = () => {
  state.paused = true;
  send({ type: "step" });
  setButtons();
};
button("stop").onclick = () => send({ type: "stop" });
button("link").onclick = async () => {
  let href: string;
  try {
    href = location.origin + location.pathname + explorerQuery({ ...readForm(), autostart: true });
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  try {
    await navigator.clipboard.writeText(href);
    button("link").textContent = "Link copied";
  } catch {
    prompt("The link to this run:", href);
  }
  setTimeout(() => (button("link").textContent = "Copy link"), 2000);
};
button("export-zip").onclick = () => {
  if (state.last) {
    download(`${runFolderName(state.last.summary)}.zip`, runZip(state.last), "application/zip");
  }
};
button("export-json").onclick = () => {
  if (state.last) {
    download(`${runFolderName(state.last.summary)}.json`, runJson(state.last), "application/json");
  }
};
for (const id of ["open-files", "open-dir"]) {
  const input = $<HTMLInputElement>(id);
  input.onchange = () => {
    void openFiles(Array.from(input.files ?? []));
    input.value = "";
  };
}
hoverOn($("signals"), () => pickSignals);
hoverOn($("bars"), () => pickBars);
hoverOn($("grad"), () => pickGrad);
addEventListener("resize", schedule);

let initial = defaultExplorerRun();
try {
  initial = parseExplorerQuery(location.search);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  showError((e as Error).message);
}
setForm(initial);
(field("backend") as unknown as HTMLSelectElement).dataset.want = initial.backend;
state.autostart = initial.autostart && !$("error").textContent;
if (state.autostart && state.ready) start();
setButtons();
void listStored();
