import { deepEqual as assertEquals } from "node:assert/strict";
import { assertThrows } from "../tests/helpers.ts";
import { decodeNpy, encodeNpy, NpyError } from "./npy.ts";
import fc from "fast-check";

Deno.test("npy round-trips float64 and int64 arrays of any shape", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 3 }),
      fc.boolean(),
      (shape, asInt) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = Float64Array.from({ length: n }, (_, i) => (asInt ? i - 3 : i / 7 - 1));
        const arr = { dtype: asInt ? "<i8" as const : "<f8" as const, shape, data };
        const back = decodeNpy(encodeNpy(arr));
        assertEquals(back.shape, shape);
        assertEquals(Array.from(back.data), Array.from(data));
        // headers are padded so the payload starts on a 64-byte boundary
        assertEquals((encodeNpy(arr).length - n * 8) % 64, 0);
      },
    ),
  );
});

Deno.test("npy reads a file NumPy wrote (a fixture) with its shape", async () => {
  const a = decodeNpy(
    await Deno.readFile(new URL("../tests/fixtures/p13_d16_seed7/signals.npy", import.meta.url)),
  );
  assertEquals(a.dtype, "<f8");
  assertEquals(a.shape, [301, 13]);
});

Deno.test("malformed npy files are one-line NpyErrors", () => {
  const good = encodeNpy({ dtype: "<f8", shape: [2], data: new Float64Array([1, 2]) });
  const cases: [string, Uint8Array][] = [
    ["no magic", new TextEncoder().encode("hello world, not numpy")],
    ["truncated payload", good.slice(0, good.length - 3)],
    [
      "fortran order",
      new TextEncoder().encode(new TextDecoder().decode(good).replace("False", "True ")),
    ],
    [
      "unsupported dtype",
      new TextEncoder().encode(new TextDecoder().decode(good).replace("<f8", "<c8")),
    ],
    ["empty", new Uint8Array(0)],
  ];
  for (const [what, bytes] of cases) {
    const e = assertThrows(() => decodeNpy(bytes, "x.npy"), NpyError, what);
    assertEquals(e.message.includes("\n"), false, `${what}: multi-line message`);
  }
});

Deno.test("Fortran-ordered npy files are read in C order", () => {
  // numpy: np.asfortranarray(np.arange(6.).reshape(2, 3)) stores 0, 3, 1, 4, 2, 5
  const f = encodeNpy({ dtype: "<f8", shape: [2, 3], data: Float64Array.from([0, 3, 1, 4, 2, 5]) });
  const header = new TextDecoder().decode(f.subarray(0, 128));
  const at = header.indexOf("False");
  const bytes = f.slice();
  bytes.set(new TextEncoder().encode("True "), at);
  assertEquals(Array.from(decodeNpy(bytes).data), [0, 1, 2, 3, 4, 5]);
});
