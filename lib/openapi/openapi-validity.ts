// Is the document valid OpenAPI at all? The official JSON Schemas, applied by @seriousme/openapi-schema-validator.
// They stop at Schema Objects ("object or boolean"), which is why the importer rules walk schemas themselves.
import { Validator } from "@seriousme/openapi-schema-validator";
import { kindOf } from "./importer-violation.js";

type ValidatorErrors = NonNullable<Awaited<ReturnType<Validator["validate"]>>["errors"]>;
type SchemaError = Exclude<ValidatorErrors, string>[number];

// Compiling the OpenAPI JSON Schema takes ~100 ms per version; one validator keeps the compiled schemas.
let shared: Validator | undefined;

/** Structure errors as `<JSON Pointer>  <message>` ("/" for the whole document). Never throws. */
export async function checkOpenApiStructure(document: unknown): Promise<{ valid: boolean; errors: string[] }> {
  // The library reads a string without a newline as a file name, and crashes on null: only objects go in.
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return { valid: false, errors: [`/  the document is ${kindOf(document)}, not an object`] };
  }
  shared ??= new Validator({ allErrors: true });
  let result: Awaited<ReturnType<Validator["validate"]>>;
  try {
    result = await shared.validate(document as Record<string, unknown>);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { valid: false, errors: [`/  the validator failed: ${reason}`] };
  }
  if (result.valid) return { valid: true, errors: [] };
  // Version and $ref problems come back as one sentence; schema mismatches as Ajv error objects.
  if (typeof result.errors === "string" || result.errors === undefined) {
    return { valid: false, errors: [`/  ${result.errors ?? "invalid, without details"}`] };
  }
  const telling = result.errors.filter((error) => !isEcho(error));
  const errors = (telling.length > 0 ? telling : result.errors).map(renderError);
  return { valid: false, errors: [...new Set(errors)] };
}

// Errors that only repeat others: an `if` says its then/else branch failed (that branch's errors say how), and
// "must have required property '$ref'" is the Reference Object alternative every Schema or Parameter also offers.
function isEcho(error: SchemaError): boolean {
  return error.keyword === "if" || (error.keyword === "required" && error.params?.missingProperty === "$ref");
}

function renderError(error: SchemaError): string {
  const params: Record<string, unknown> = error.params ?? {};
  const extra = params.unevaluatedProperty ?? params.additionalProperty;
  const detail = Array.isArray(params.allowedValues)
    ? ` (allowed: ${params.allowedValues.map((value) => JSON.stringify(value)).join(", ")})`
    : typeof extra === "string"
      ? ` (${JSON.stringify(extra)})`
      : "";
  return `${error.instancePath || "/"}  ${error.message ?? error.keyword}${detail}`;
}
