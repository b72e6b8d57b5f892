// Entry point of the OpenAPI plan (see run-plan.ts).
import { runPlan } from "./run-plan.js";

process.exitCode = await runPlan(process.env, (line) => console.log(line));
