// A function becomes /rpc/<name>: GET and POST when it is stable or immutable, POST only when volatile, as
// PostgREST v16 routes them. GET carries the arguments as query parameters, POST as a JSON object.
import type { DbFunction, FunctionArgument, PgType } from "./catalog.js";
import { TIERS, type Candidate } from "./candidate.js";
import type { Operation, Parameter, Schema } from "./document.js";
import { isScalarSchema, resolveType, typeSchema } from "./json-schema.js";
import { rpcOperationId } from "./naming.js";
import { RESERVED_PARAMETERS } from "./query-parameters.js";
import { fitText, PARAMETER_DESCRIPTION_LIMIT, splitComment, SUMMARY_LIMIT } from "./text-limits.js";

type Types = ReadonlyMap<number, PgType>;

const isInput = (a: FunctionArgument) => a.mode === "i" || a.mode === "b" || a.mode === "v";
const isOutput = (a: FunctionArgument) => a.mode === "o" || a.mode === "b" || a.mode === "t";

/** PostgREST passes a single unnamed json/jsonb argument the whole request body. */
function takesRawBody(fn: DbFunction, types: Types): boolean {
  const inputs = fn.arguments.filter(isInput);
  return inputs.length === 1 && inputs[0]!.name === "" && ["json", "jsonb"].includes(types.get(inputs[0]!.type)?.name ?? "");
}

/** Why no GPT could call `fn` through PostgREST, or undefined when it can be called. */
export function uncallable(fn: DbFunction, types: Types): string | undefined {
  const pseudo = (oid: number) => resolveType(oid, types).type?.kind === "p";
  if (fn.arguments.some((a) => isInput(a) && pseudo(a.type))) return "takes a pseudo-type argument (e.g. anyelement)";
  const returns = types.get(fn.returnType)?.name ?? "";
  if (["trigger", "event_trigger", "internal", "language_handler", "fdw_handler", "index_am_handler", "table_am_handler", "tsm_handler"].includes(returns)) {
    return `returns ${returns}: not callable over HTTP`;
  }
  if (fn.arguments.some((a) => isInput(a) && a.name === "") && !takesRawBody(fn, types)) {
    return "has unnamed arguments: PostgREST calls functions by argument name";
  }
  return undefined;
}

/** The response body's schema (none for void), and the row schema it points at, if any. */
function resultSchema(fn: DbFunction, types: Types, rowSchemaOf: FunctionContext["rowSchemaOf"]): { schema?: Schema; ref?: string } {
  const returnType = types.get(fn.returnType);
  if (returnType?.name === "void") return {};
  const outs = fn.arguments.filter(isOutput);
  const ref = returnType?.relation && rowSchemaOf(returnType.relation.schema, returnType.relation.name);
  let one: Schema;
  if (returnType?.name === "record" && outs.length) {
    one = { type: "object", properties: Object.fromEntries(outs.map((a) => [a.name || "value", typeSchema(a.type, types)])) };
  } else if (returnType?.relation) {
    // A row the role cannot read has no schema in the document: an object is all that can be said.
    one = ref ? { $ref: `#/components/schemas/${ref}` } : { type: "object", properties: {} };
  } else {
    one = typeSchema(fn.returnType, types);
  }
  return { schema: fn.returnsSet ? { type: "array", items: one } : one, ...(ref ? { ref } : {}) };
}

export interface FunctionContext {
  readonly types: Types;
  /** The name in components.schemas of a relation's row, when the document has one. */
  readonly rowSchemaOf: (schema: string, name: string) => string | undefined;
  readonly unavailable?: string;
}

export function functionCandidates(fn: DbFunction, ctx: FunctionContext): Candidate[] {
  const { types } = ctx;
  const path = `/rpc/${fn.name}`;
  const object = { kind: "function", schema: fn.schema, name: fn.name } as const;
  const unavailable = ctx.unavailable ?? uncallable(fn, types);
  const { summary, description } = splitComment(fn.comment);
  const text = {
    summary: fitText(summary ?? `Call ${fn.name}`, SUMMARY_LIMIT),
    ...(description ? { description: fitText(description, SUMMARY_LIMIT) } : {}),
  };
  const result = resultSchema(fn, types, ctx.rowSchemaOf);
  const refs = result.ref ? [result.ref] : [];
  const responses: Operation["responses"] = {
    "200": { description: "OK", ...(result.schema ? { content: { "application/json": { schema: result.schema } } } : {}) },
  };
  const inputs = fn.arguments.filter(isInput);
  const readOnly = fn.volatility !== "v";
  const common = { path, object, refs, ...(unavailable ? { unavailable } : {}) };
  const out: Candidate[] = [];

  // PostgREST reads select, order, limit... from the query string itself: an argument so named can only be sent in
  // a POST body.
  const getPossible = readOnly && !takesRawBody(fn, types) && !inputs.some((a) => RESERVED_PARAMETERS.has(a.name));
  if (getPossible) {
    const parameters: Parameter[] = inputs.map((a) => {
      const schema = typeSchema(a.type, types);
      const literal =
        a.mode === "v" ? ` Repeat the parameter for each value: ${a.name}=a&${a.name}=b.`
        : isScalarSchema(schema) ? ""
        : schema.type === "array" ? " A list as {a,b,c}."
        : " JSON text.";
      return {
        name: a.name,
        in: "query",
        required: !a.hasDefault,
        description: fitText(`Argument ${a.name} of ${fn.name} (${types.get(a.type)?.name ?? "text"}), passed as is: no eq. prefix.${literal}`, PARAMETER_DESCRIPTION_LIMIT),
        schema: isScalarSchema(schema) ? schema : { type: "string" },
      };
    });
    out.push({
      ...common, method: "get", tier: TIERS.primary, write: false,
      operation: { operationId: rpcOperationId(fn.name, false), ...text, ...(parameters.length ? { parameters } : {}), responses, "x-openai-isConsequential": false },
    });
  }
  const body: Schema = takesRawBody(fn, types)
    ? { type: "object", properties: {} }
    : {
        type: "object",
        properties: Object.fromEntries(inputs.map((a) => [a.name, typeSchema(a.type, types)])),
        ...(inputs.some((a) => !a.hasDefault) ? { required: inputs.filter((a) => !a.hasDefault).map((a) => a.name) } : {}),
      };
  const twin = out.length > 0;
  out.push({
    ...common, method: "post", tier: twin ? TIERS.twin : TIERS.primary, write: !readOnly,
    operation: {
      operationId: rpcOperationId(fn.name, twin),
      ...text,
      ...(inputs.length ? { requestBody: { required: true, content: { "application/json": { schema: body } } } } : {}),
      responses,
      "x-openai-isConsequential": !readOnly,
    },
  });
  return out;
}
