import { describe, expect, it } from "vitest";
import { containerDisplayName, listOf, operationName, plural, pluralWord } from "./words";

describe("plural", () => {
  it.each([
    [0, "layer", "0 layers"],
    [1, "layer", "1 layer"],
    [2, "layer", "2 layers"],
    [1, "container", "1 container"],
    [21, "container", "21 containers"],
  ])("%i %s → %s", (count, word, expected) => expect(plural(count, word)).toBe(expected));

  it("takes an explicit plural and knows a few irregular verbs", () => {
    expect(plural(2, "entry", "entries")).toBe("2 entries");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(pluralWord(2, "is")).toBe("are");
    expect(pluralWord(1, "is")).toBe("is");
  });
});

describe("containerDisplayName", () => {
  it("is the layer name and the 1-based ordinal", () => {
    expect(containerDisplayName("cp", 0)).toBe("cp-1");
    expect(containerDisplayName("cp", 1)).toBe("cp-2");
    expect(containerDisplayName("db", 9)).toBe("db-10");
  });
});

describe("operationName", () => {
  it("names known kinds and spells unknown ones readably", () => {
    expect(operationName("SCALE")).toBe("Scale");
    expect(operationName("RESIZE")).toBe("Change cloudlets");
    expect(operationName("SOME_NEW_KIND")).toBe("Some new kind");
    expect(operationName("")).toBe("Operation");
  });
});

describe("listOf", () => {
  it("joins for a sentence", () => {
    expect(listOf([])).toBe("");
    expect(listOf(["a"])).toBe("a");
    expect(listOf(["a", "b"])).toBe("a and b");
    expect(listOf(["a", "b", "c"])).toBe("a, b and c");
  });
});
