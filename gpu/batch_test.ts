import { equal, match, rejects, throws } from "node:assert/strict";
import {
  type BatchLimits,
  deviceBatchLimit,
  fusedBytes,
  type FusedShape,
  gpuBatchSize,
  gpuMemoryBudget,
  MAX_GPU_BATCH,
  SOFTWARE_GPU_BATCH,
} from "./batch.ts";
import { buildFusedStep } from "./fused.ts";
import { gpuDevice } from "./adapter.ts";
import { webgpuBackend } from "./webgpu_backends.ts";
import { makeConfig } from "../protocol/config.ts";
import { initialTrial } from "../protocol/init.ts";
import { trainCount } from "../protocol/task.ts";

const P59: FusedShape = {
  p: 59,
  d: 128,
  hidden: 100,
  nTrain: trainCount(59),
  gradSignals: false,
  chunk: 200,
};
// Mesa's lavapipe (as Deno's wgpu reports it) and a datacenter GPU's Vulkan limits
const LAVAPIPE: BatchLimits = {
  maxBufferSize: 2 ** 31 - 1,
  maxStorageBufferBindingSize: 2 ** 27,
  maxComputeWorkgroupsPerDimension: 65535,
};
const DATACENTER: BatchLimits = {
  maxBufferSize: 2 ** 40,
  maxStorageBufferBindingSize: 2 ** 32 - 1,
  maxComputeWorkgroupsPerDimension: 65535,
};
const GIB = 2 ** 30;

Deno.test("batch: the device's limits bound B by the largest per-trial buffer (closed forms)", () => {
  // the largest buffer is an activation, p² × hidden floats per trial (bound whole)
  const h1 = 4 * 59 * 59 * 100;
  const lava = deviceBatchLimit(P59, LAVAPIPE);
  equal(lava.batch, Math.floor(2 ** 27 / h1), lava.bound);
  match(lava.bound, /^maxStorageBufferBindingSize/);
  const big = deviceBatchLimit(P59, DATACENTER);
  equal(big.batch, Math.floor((2 ** 32 - 1) / h1), big.bound); // 3 084
  // a small dispatch limit bounds B (B is a dispatch dimension)
  const p7 = { ...P59, p: 7, nTrain: trainCount(7) };
  equal(deviceBatchLimit(p7, { ...DATACENTER, maxComputeWorkgroupsPerDimension: 500 }).batch, 500);
  // the buffer size limit, when below the binding limit
  equal(deviceBatchLimit(P59, { ...DATACENTER, maxBufferSize: 10 * h1 }).batch, 10);
  // p² pairs are one dispatch dimension (layer 1): p = 256 does not fit 65 535
  const wide = deviceBatchLimit({ ...P59, p: 256, nTrain: trainCount(256) }, DATACENTER);
  equal(wide.batch, 0, wide.bound);
});

Deno.test("batch: software adapters keep 64; a hardware one takes thousands, within memory", () => {
  equal(gpuBatchSize(P59, { limits: LAVAPIPE, software: true, memoryBytes: 8 * GIB }), 64);
  // p = 97 on lavapipe: the 128 MiB binding holds fewer than 64 trials
  const p97 = { ...P59, p: 97, nTrain: trainCount(97) };
  equal(
    gpuBatchSize(p97, { limits: LAVAPIPE, software: true, memoryBytes: 8 * GIB }),
    Math.floor(2 ** 27 / (4 * 97 * 97 * 100)),
  );
  const perTrial = fusedBytes(P59, 1) - fusedBytes(P59, 0);
  const hw = (memoryBytes: number) =>
    gpuBatchSize(P59, { limits: DATACENTER, software: false, memoryBytes });
  equal(hw(8 * GIB), Math.floor((8 * GIB - fusedBytes(P59, 0)) / perTrial));
  equal(hw(1000 * GIB), 3084, "the binding limit, past memory");
  equal(hw(perTrial / 2), 0, "not one trial fits");
  // a small shape reaches the cap
  const tiny = { ...P59, p: 7, d: 4, hidden: 8, nTrain: trainCount(7) };
  equal(gpuBatchSize(tiny, { limits: DATACENTER, software: false, memoryBytes: 64 * GIB }), 4096);
  equal(MAX_GPU_BATCH > SOFTWARE_GPU_BATCH, true);
});

Deno.test("batch: the memory budget comes from CIRCLE_SURVIVAL_GPU_MEMORY_GIB; bad values are one line", () => {
  equal(gpuMemoryBudget(undefined), 8 * GIB);
  equal(gpuMemoryBudget("0.5"), GIB / 2);
  for (const bad of ["0", "-1", "lots", "Infinity"]) {
    throws(() => gpuMemoryBudget(bad), /CIRCLE_SURVIVAL_GPU_MEMORY_GIB .*: allowed is a positive/);
  }
});

Deno.test("batch: the estimate is what the fused step allocates (device buffers counted)", async () => {
  const { device } = await gpuDevice();
  const created: number[] = [];
  const real = device.createBuffer.bind(device);
  device.createBuffer = (desc: GPUBufferDescriptor) => {
    created.push(desc.size);
    return real(desc);
  };
  try {
    for (const gradSignals of [false, true]) {
      const bytes: number[] = [];
      for (const B of [1, 3]) {
        const specs = Array.from({ length: B }, (_, seed) => {
          const config = makeConfig({ p: 11, d: 6, hidden: 9, steps: 40, seed });
          return { config, ...initialTrial(config) };
        });
        created.length = 0;
        const step = await buildFusedStep(specs, { chunk: 10, gradSignals });
        step.destroy();
        const allocated = created.reduce((a, x) => a + x, 0);
        const shape = { p: 11, d: 6, hidden: 9, nTrain: trainCount(11), gradSignals, chunk: 10 };
        const estimate = fusedBytes(shape, B);
        equal(allocated <= estimate, true, `B ${B}: allocated ${allocated} > estimate ${estimate}`);
        equal(estimate - allocated < 4096, true, `B ${B}: estimate ${estimate}, ${allocated}`);
        bytes.push(allocated);
      }
      // the per-trial part exactly: two more trials cost what the table says
      const shape = { p: 11, d: 6, hidden: 9, nTrain: trainCount(11), gradSignals, chunk: 10 };
      equal(bytes[1] - bytes[0], fusedBytes(shape, 3) - fusedBytes(shape, 1), `${gradSignals}`);
    }
  } finally {
    device.createBuffer = real;
  }
});

Deno.test("batch: a batch above the device's limits is refused in one line before any allocation", async () => {
  const { device } = await gpuDevice();
  const shape = { ...P59, p: 31, d: 8, nTrain: trainCount(31), chunk: 2 };
  const most = deviceBatchLimit(shape, device.limits).batch;
  const config = makeConfig({ p: 31, d: 8, steps: 2 });
  const one = { config, ...initialTrial(config) };
  const real = device.createBuffer.bind(device);
  let allocated = 0;
  device.createBuffer = (desc: GPUBufferDescriptor) => {
    allocated++;
    return real(desc);
  };
  try {
    await rejects(
      buildFusedStep(Array.from({ length: most + 1 }, () => one), { chunk: 2 }),
      (e: Error) => /exceed the device's .*at most \d+ per batch/.test(e.message),
    );
    equal(allocated, 0, "nothing allocated");
  } finally {
    device.createBuffer = real;
  }
  // the backend's batch for the shape stays within the limit
  const B = await webgpuBackend.batchSize!(config, trainCount(31));
  equal(B >= 1 && B <= most, true, `batch ${B}, limit ${most}`);
});
