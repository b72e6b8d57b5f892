// The slice of OpenAPI 3.1 the generator writes: enough typing to keep the builders honest, no more.

export interface Schema {
  type?: "string" | "integer" | "number" | "boolean" | "object" | "array";
  format?: string;
  description?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  maxLength?: number;
  default?: unknown;
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: "query";
  required: boolean;
  description: string;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: { "application/json": { schema: Schema } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: Schema } } }>;
  "x-openai-isConsequential": boolean;
}

export type Method = "get" | "post" | "patch" | "delete";

export interface OmittedGroup {
  readonly reason: string;
  readonly operations: string[];
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  servers: [{ url: string }];
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes?: Record<string, { type: "http"; scheme: "bearer"; bearerFormat?: string }>;
  };
  security?: Record<string, string[]>[];
  /** What the GPT does not see and why, so a missing endpoint is never a mystery. */
  "x-postgrest-gpt": { role: string; omitted: OmittedGroup[]; warnings: string[] };
}
