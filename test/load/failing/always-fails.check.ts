// Run only by exit-code.test.ts, through vitest.config.ts below.
import { expect, test } from "vitest";

test("fails on purpose", () => {
  expect(1).toBe(2);
});

test("passes on purpose", () => {
  expect(1).toBe(1);
});
