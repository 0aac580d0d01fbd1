/**
 * Each jest project runs its tests against one version of Express and of @langchain/core
 * (jest.config.cjs maps the package names); this checks that the versions a project names are
 * the ones its tests really load, so a broken mapping cannot pass unnoticed.
 */
declare const callbusMatrix: { express?: string; langchainCore?: string };

/** Package -> the version prefix this project must load. */
const expected = Object.entries({ express: callbusMatrix.express, "@langchain/core": callbusMatrix.langchainCore }).filter(
  (entry): entry is [string, string] => entry[1] !== undefined,
);

describe("versions under test", () => {
  test("the project names at least one version", () => {
    expect(expected.length).toBeGreaterThan(0);
  });

  test.each(expected)("%s resolves to %s", (name, prefix) => {
    const { version } = jest.requireActual<{ version: string }>(`${name}/package.json`);
    expect(`${version}.`.startsWith(`${prefix}.`)).toBe(true);
  });
});
