import { assert, assertEquals } from "../tests/assert.ts";
import { join } from "node:path";
import { render } from "../notebooks/jupyter_charts.ts";
import { checkCode, keptForm, type Notebook, notebookProblems } from "./notebooks.ts";

const root = new URL("..", import.meta.url).pathname;
const png64 = btoa(
  String.fromCharCode(
    ...render([{ type: "bar", data: { labels: ["a"], datasets: [{ data: [1] }] } }], {
      width: 40,
      height: 30,
    }),
  ),
);
const code = (
  source: string,
  outputs: Notebook["cells"][number]["outputs"] = [],
  tags?: string[],
) => ({
  cell_type: "code" as const,
  source,
  metadata: tags ? { tags } : {},
  outputs,
});

Deno.test("notebookProblems: an error output and a chart cell without an image, named by cell", () => {
  const nb: Notebook = {
    cells: [
      { cell_type: "markdown", source: "# t" },
      code("// a comment first\nconst x = 1;", [{
        output_type: "stream",
        name: "stdout",
        text: "1",
      }]),
      code("JSON.parse('{')", [{ output_type: "error", ename: "SyntaxError", evalue: "bad JSON" }]),
      code("await show([chart])", [{ output_type: "stream", name: "stdout", text: "" }], ["chart"]),
      code("await show([chart])", [{ output_type: "display_data", data: { "image/png": png64 } }], [
        "chart",
      ]),
      code("html", [{ output_type: "execute_result", data: { "text/html": ["<svg></svg>"] } }], [
        "chart",
      ]),
    ],
  };
  assertEquals(notebookProblems(nb, "nb.ipynb"), [
    "nb.ipynb cell 3 (`JSON.parse('{')`): SyntaxError: bad JSON",
    "nb.ipynb cell 4 (`await show([chart])`): tagged chart, but shows no image (image/png, image/svg+xml or text/html)",
  ]);
});

Deno.test("notebookProblems: an image/png output that is not a PNG", () => {
  const nb: Notebook = {
    cells: [
      code("a", [{
        output_type: "display_data",
        data: { "image/png": btoa("GIF89a, not a png at all") },
      }]),
      code("b", [{ output_type: "display_data", data: { "image/png": "%%%" } }]),
      code("c", [{ output_type: "display_data", data: { "image/png": png64.slice(0, 20) } }]),
    ],
  };
  assertEquals(notebookProblems(nb, "nb.ipynb"), [
    "nb.ipynb cell 1 (`a`): an image/png output that is not a PNG",
    "nb.ipynb cell 2 (`b`): an image/png output that is not base64",
    "nb.ipynb cell 3 (`c`): an image/png output that is not a PNG",
  ]);
});

Deno.test("the committed notebooks: executed, no error output, every chart cell shows its image", async () => {
  const dir = join(root, "notebooks");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"));
  assert(names.includes("tour.ipynb"), `notebooks: ${names}`);
  for (const name of names) {
    const nb = JSON.parse(await Deno.readTextFile(join(dir, name))) as Notebook;
    const cells = nb.cells.filter((c) => c.cell_type === "code");
    const charts = cells.filter((c) => c.metadata?.tags?.includes("chart"));
    assert(charts.length > 0, `${name}: no cell tagged chart`);
    assertEquals(notebookProblems(nb, name), [], `${name}: problems`);
    const unrun = cells.filter((c) => typeof c.execution_count !== "number").length;
    assertEquals(
      unrun,
      0,
      `${name}: code cells never executed (commit it with \`deno task notebooks --update\`)`,
    );
    assertEquals(keptForm(nb), nb, `${name}: nbconvert's timestamps left in its cells' metadata`);
  }
});

Deno.test("checkCode: the committed notebooks type-check against the public API; a wrong type is named by cell and line", async () => {
  for (const e of Deno.readDirSync(join(root, "notebooks"))) {
    if (e.name.endsWith(".ipynb")) {
      assertEquals(await checkCode(join(root, "notebooks", e.name)), [], e.name);
    }
  }
  const dir = await Deno.makeTempDir({ dir: join(root, "notebooks"), prefix: ".check-test-" });
  try {
    const nb: Notebook = {
      cells: [
        { cell_type: "markdown", source: "# t" },
        code('import { makeConfig } from "../../mod.ts";'),
        code("const config = makeConfig({ p: 5 });\nconst s: string = config.p;\nconsole.log(s);"),
      ],
    };
    await Deno.writeTextFile(join(dir, "bad.ipynb"), JSON.stringify(nb));
    const problems = await checkCode(join(dir, "bad.ipynb"));
    assertEquals(problems.length, 1, problems.join("\n"));
    assert(problems[0].includes("deno check failed"), problems[0]);
    assert(/TS2322.*\n.*\n.*\n.*bad\.ipynb cell 3 line 2/.test(problems[0]), problems[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
