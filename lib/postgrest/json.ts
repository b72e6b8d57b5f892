// Claims, JWK and header documents arrive as bytes; PostgREST (aeson) refuses invalid UTF-8 and anything that
// is not JSON, so both count as "not JSON" here too.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON document in `bytes`, or undefined when the bytes are not UTF-8 JSON. */
export function parseJsonBytes(bytes: Uint8Array): JsonValue | undefined {
  try {
    return JSON.parse(utf8.decode(bytes)) as JsonValue;
  } catch {
    return undefined;
  }
}
