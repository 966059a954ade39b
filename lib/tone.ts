/** The status colours of the UI's badges and bars; a word always goes with the colour. */
export type Tone = "green" | "amber" | "red" | "slate" | "blue";
