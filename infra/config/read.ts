// Reads the stack's configuration through Pulumi and stops the program with one clean message (RunError: no stack
// trace) before any resource is declared when a value is bad.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, type StackConfig } from "./validate.js";

export function readStackConfig(): StackConfig {
  const config = new pulumi.Config();
  try {
    return parseStackConfig((key) => config.get(key));
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
