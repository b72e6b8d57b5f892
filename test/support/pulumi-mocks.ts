// Runs infra/index.ts under pulumi.runtime.setMocks: no CLI, no engine, no Docker. Computed outputs the real providers
// would produce are synthesized for real (random passwords, PEM key pairs), so what the program derives from them —
// PostgREST's jwt-secret, the sample token — can be checked cryptographically.
import { randomBytes, randomInt } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { vi } from "vitest";
import { pemKeyPair, type TlsKeyInputs } from "./key-material.js";

export const PROJECT = "postgrest-gpt";
export const STACK = "dev";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  /** Inputs with Pulumi's secret wrappers removed. */
  readonly inputs: Record<string, any>;
  /** Names of inputs that arrived as secrets. */
  readonly secretInputs: readonly string[];
  readonly state: Record<string, any>;
}

export interface ProgramRun {
  readonly resources: DeclaredResource[];
  /** Resource name -> names of the resources in its dependsOn option (mocks do not see options otherwise). */
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;
  readonly outputs: Record<string, unknown>;
  /** Paths of secret outputs: "sampleBearerToken", or "gptAction.authentication.apiKey.API Key" when nested. */
  readonly secretOutputs: ReadonlySet<string>;
  readonly ofType: (type: string) => DeclaredResource[];
  readonly one: (type: string, namePart: string) => DeclaredResource;
}

/** A docker Container's `envs` ("K=V" strings) as a record. */
export function containerEnv(container: DeclaredResource): Record<string, string> {
  return Object.fromEntries((container.inputs.envs as string[]).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

function unwrap(value: any): any {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return unwrap(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

function containsSecret(value: any): boolean {
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return true;
    return Object.values(value).some(containsSecret);
  }
  return false;
}

function alphanumeric(length: number): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from({ length }, () => chars[randomInt(chars.length)]).join("");
}

/** What the real providers compute that the program reads back. */
function synthesize(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: alphanumeric(inputs.length ?? 16) };
    case "random:index/randomId:RandomId": {
      const bytes = randomBytes(inputs.byteLength);
      return { hex: bytes.toString("hex"), b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64") };
    }
    case "tls:index/privateKey:PrivateKey":
      return pemKeyPair(inputs as TlsKeyInputs);
    case "docker:index/remoteImage:RemoteImage":
      return { imageId: `sha256:${"0".repeat(64)}`, repoDigest: `${inputs.name}@sha256:${"1".repeat(64)}` };
    case "docker:index/image:Image":
      // A local build's image ID (the provider's repoDigest for an image that is not pushed).
      return { repoDigest: `sha256:${"2".repeat(64)}`, baseImageName: inputs.imageName };
    case "docker:index/container:Container":
    case "docker:index/network:Network":
    case "docker:index/volume:Volume":
      return { name: inputs.name ?? `${name}-mock` };
    case "command:local:Command":
      return { stdout: "", stderr: "" };
    default:
      return {};
  }
}

const promiseOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.Resource;

/** The same class, recording the dependsOn option of every instance by resource name. */
function recordingDependsOn<C extends ResourceClass>(Base: C, record: Map<string, string[]>): C {
  return class extends (Base as ResourceClass) {
    constructor(name: string, args: any, opts?: pulumi.CustomResourceOptions) {
      const deps = opts?.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
      record.set(name, deps.map((d) => (d as unknown as { __name: string }).__name));
      super(name, args, opts);
    }
  } as C;
}

/** Wraps the resource classes whose ordering matters so that tests can see their dependsOn. */
function mockDependsOn(record: Map<string, string[]>): void {
  vi.doMock("@pulumi/command", async (importOriginal) => {
    const actual = await importOriginal<typeof import("@pulumi/command")>();
    return { ...actual, local: { ...actual.local, Command: recordingDependsOn(actual.local.Command, record) } };
  });
  vi.doMock("@pulumi/docker", async (importOriginal) => {
    const actual = await importOriginal<typeof import("@pulumi/docker")>();
    return { ...actual, Container: recordingDependsOn(actual.Container, record) };
  });
  vi.doMock("@pulumi/postgresql", async (importOriginal) => {
    const actual = await importOriginal<typeof import("@pulumi/postgresql")>();
    return { ...actual, Provider: recordingDependsOn(actual.Provider, record) };
  });
}

/** An exported value with every Output inside it resolved; the paths of secret ones are added to `secrets`. */
async function resolveDeep(value: unknown, path: string, secrets: Set<string>): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    if (await pulumi.isSecret(output)) secrets.add(path);
    return resolveDeep(await promiseOf(output), path, secrets);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => resolveDeep(v, `${path}.${i}`, secrets)));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v, `${path}.${k}`, secrets)]));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Loads infra/index.ts afresh with the given stack config (keys without the project prefix). */
export async function runProgram(config: Record<string, string> = {}): Promise<ProgramRun> {
  const resources: DeclaredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = unwrap(args.inputs);
        const state = { ...inputs, ...synthesize(args.type, args.name, inputs) };
        resources.push({
          type: args.type,
          name: args.name,
          inputs,
          secretInputs: Object.keys(args.inputs).filter((k) => containsSecret(args.inputs[k])),
          state,
        });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    PROJECT,
    STACK,
    false,
  );
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
  vi.resetModules();
  const dependsOn = new Map<string, string[]>();
  mockDependsOn(dependsOn);
  const program: Record<string, unknown> = await import("../../infra/index.js");

  const outputs: Record<string, unknown> = {};
  const secretOutputs = new Set<string>();
  for (const [name, value] of Object.entries(program)) outputs[name] = await resolveDeep(value, name, secretOutputs);
  // Resources whose inputs were still resolving register a moment later.
  await new Promise((r) => setTimeout(r, 50));

  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string, namePart: string) => {
    const found = ofType(type).filter((r) => r.name.includes(namePart));
    if (found.length !== 1) throw new Error(`expected one ${type} named like ${namePart}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0]!;
  };
  return { resources, dependsOn, outputs, secretOutputs, ofType, one };
}

/** Pulumi type tokens of the resources the program creates, for finding them among the mocked registrations. */
export const RESOURCE_TYPES = {
  password: "random:index/randomPassword:RandomPassword",
  tlsKey: "tls:index/privateKey:PrivateKey",
  container: "docker:index/container:Container",
  volume: "docker:index/volume:Volume",
  network: "docker:index/network:Network",
  provider: "pulumi:providers:postgresql",
  role: "postgresql:index/role:Role",
  grantRole: "postgresql:index/grantRole:GrantRole",
  grant: "postgresql:index/grant:Grant",
  schema: "postgresql:index/schema:Schema",
  command: "command:local:Command",
  randomId: "random:index/randomId:RandomId",
} as const;
