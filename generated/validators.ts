// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.

import type { FieldError } from './openapi.js';

/** The schemas with a check: every request body, answer body and webhook body of the spec. */
export type SchemaName = "TechniqueRunCreateRequest" | "TechniqueRun" | "ErrorEnvelope" | "StartTechniqueRunRequest" | "RunStartedResponse" | "ListTechniquesQuery" | "TechniqueList" | "Technique" | "ListTechniqueRunsQuery" | "TechniqueRunList" | "WorkspaceList" | "ListAssetsQuery" | "AssetList" | "AssetCreateRequest" | "AssetUploadForm" | "AssetCreated" | "Asset" | "AssetUploadState" | "RunWebhookEvent";
/** The schemas the live layer (spec/live.overlay.yaml: FLORA's SDK's documented variants) checks: every answer and webhook body. */
export type LiveSchemaName = "TechniqueRun" | "ErrorEnvelope" | "RunStartedResponse" | "TechniqueList" | "Technique" | "TechniqueRunList" | "WorkspaceList" | "AssetList" | "AssetCreated" | "Asset" | "AssetUploadState" | "RunWebhookEvent";

/** One problem found: field path, message, and whether a tolerant reader may accept it. */
type Found = [field: string, message: string, tolerable: boolean];

/** Where problems go: an array, or a collector that keeps fewer of them. */
interface Sink {
  push(found: Found): unknown;
}

/** A problem of a value against a schema. `tolerable`: an unknown enum value, a format, bound or unknown field, or `null` where the property is optional; not a missing required field or a wrong JSON type. */
export interface SchemaProblem extends FieldError {
  tolerable: boolean;
}

/** RFC 3986 URI: ajv-formats' full-mode `uri` (MIT). Its other test, for a `/` or `:`, always holds when this matches. */
const URI = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

function P(o: Sink | undefined, a: string, m: string, t: boolean): false {
  o?.push([a, m, t]);
  return false;
}

/** `inputs` + `0` -> `inputs[0]`, `inputs[0]` + `type` -> `inputs[0].type`. */
const C = (a: string, k: string | number): string => (typeof k === "number" || /^\d+$/.test(k) ? `${a}[${k}]` : a ? `${a}.${k}` : k);

const K0 = new Set<string>(["inputs","mode","callback_url","idempotency_key"]);
const K1 = new Set<string>(["id","type","value"]);
const K2 = new Set(["text","imageUrl","videoUrl"]);
const K3 = new Set(["async","stream"]);
const K4 = new RegExp("^https://", "u");
const K5 = new Set(["pending","running","completed","failed"]);
const K6 = new Set(["imageUrl","videoUrl","audioUrl","text","documentUrl"]);
const K7 = new Set(["input_validation_error","unauthorized","insufficient_credits","forbidden","not_found","idempotency_duplicate","rate_limited","unknown_error"]);
const K8 = new Set<string>(["inputs","technique_id","workspace_id"]);
const K9 = new RegExp("^tech_", "u");
const K10 = new RegExp("^ws_", "u");
const K11 = new Set(["generation","technique","action"]);
const K12 = new Set(["split-text","find-and-replace-text","concat-text","ken-burns-video","color-grade-image","change-image-ar","rotate-image","flip-image","color-filter-image","color-tint-image","filter-color-image","blur-image","duplicate-image","side-by-side-composite","add-shape-to-image","generate-shape-image","add-text-to-image","generate-text-image","qr-code-generator","stitch-videos","split-video","extract-video-frames","color-grade-video","video-to-frame-grid","boomerang-video","reverse-video","video-to-long-exposure","video-effect","color-filter-video","speed-up-video","slow-down-video","duplicate-video","greenscreen-video","resize-video","change-video-ar","split-audio-from-video","merge-audio-into-video"]);
const K13 = new Set<string>(["cursor","limit","workspace_id","query"]);
const K14 = new RegExp("^ws_", "u");
const K15 = new Set(["imageUrl","videoUrl","audioUrl","text","documentUrl"]);
const K16 = new Set<string>(["cursor","limit","workspace_id","project_id","technique_id","status"]);
const K17 = new RegExp("^ws_", "u");
const K18 = new Set<string>(["cursor","limit","workspace_id","project_id","query"]);
const K19 = new RegExp("^ws_", "u");
const K20 = new Set(["pending_upload","ready","failed"]);
const K21 = new Set<string>(["source","workspace_id","project_id","content_type","file_name","folder"]);
const K22 = new RegExp("^(signed-url$|https://)", "u");
const K23 = new RegExp("^ws_", "u");
const K24 = new RegExp("^prj_", "u");
const K25 = new Set<string>(["file","workspace_id","project_id","content_type","file_name","folder"]);
const K26 = new RegExp("^ws_", "u");
const K27 = new RegExp("^prj_", "u");
const K28 = new Set(["url","signed_url","direct"]);
const K29 = new Set(["workspace"]);
const K30 = new Set(["POST"]);
const K31 = new Set(["multipart/form-data"]);
const K32 = new Set(["file"]);
const K33 = new Set<string>([]);
const K34 = new Set(["run.completed","run.failed"]);
const K35 = new Set(["generation","technique"]);
const K36 = new Set(["completed","failed"]);
const K37 = new Set(["split-text","find-and-replace-text","concat-text","ken-burns-video","color-grade-image","change-image-ar","rotate-image","flip-image","color-filter-image","color-tint-image","filter-color-image","blur-image","duplicate-image","side-by-side-composite","add-shape-to-image","generate-shape-image","add-text-to-image","generate-text-image","qr-code-generator","stitch-videos","split-video","extract-video-frames","color-grade-video","video-to-frame-grid","boomerang-video","reverse-video","video-to-long-exposure","video-effect","color-filter-video","speed-up-video","slow-down-video","duplicate-video","greenscreen-video","resize-video","change-video-ar","split-audio-from-video","merge-audio-into-video","color-grade-image-browser","overlay-image-browser","draw-image-browser","crop-image-browser","scene-3d-image-browser","blur-image-browser","change-image-ar-browser","rotate-image-browser","color-filter-image-browser","color-tint-image-browser","filter-color-image-browser","duplicate-image-browser","side-by-side-composite-browser","add-shape-to-image-browser","add-text-to-image-browser","qr-code-generator-browser","resize-image-browser","shader-effect-browser","split-text-browser","find-and-replace-text-browser","concat-text-browser"]);

function f0(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  return ok;
}
function c_InputType(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K2.has(v)) { ok = P(o, a, "must be one of: text, imageUrl, videoUrl", true); if (!o) return false; }
  return ok;
}
function c_TechniqueInput(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["id"] === undefined) ok = P(o, C(a, "id"), "Required", false);
  if (v["type"] === undefined) ok = P(o, C(a, "type"), "Required", false);
  if (v["value"] === undefined) ok = P(o, C(a, "value"), "Required", false);
  for (const k in v) { if (!ok && !o) return false; if (K1.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["id"] !== undefined && !(f0(v["id"], o, o && C(a, "id")))) ok = false;
  if ((ok || o) && v["type"] !== undefined && !(c_InputType(v["type"], o, o && C(a, "type")))) ok = false;
  if ((ok || o) && v["value"] !== undefined && !(f0(v["value"], o, o && C(a, "value")))) ok = false;
  return ok;
}
function f1(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_TechniqueInput(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_RunMode(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K3.has(v)) { ok = P(o, a, "must be one of: async, stream", true); if (!o) return false; }
  return ok;
}
function f2(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K4.test(v)) ok = P(o, a, "must start with https://", true);
  if (!URI.test(v)) ok = P(o, a, 'must match format "uri"', true);
  return ok;
}
function f3(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  const n = [...v].length;
  if (n > 255) ok = P(o, a, "must NOT have more than 255 characters", true);
  if (n < 1) ok = P(o, a, "must NOT have fewer than 1 characters", true);
  return ok;
}
function c_TechniqueRunCreateRequest(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["inputs"] === undefined) ok = P(o, C(a, "inputs"), "Required", false);
  if (v["mode"] === undefined) ok = P(o, C(a, "mode"), "Required", false);
  for (const k in v) { if (!ok && !o) return false; if (K0.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["inputs"] !== undefined && !(f1(v["inputs"], o, o && C(a, "inputs")))) ok = false;
  if ((ok || o) && v["mode"] !== undefined && !(c_RunMode(v["mode"], o, o && C(a, "mode")))) ok = false;
  if ((ok || o) && v["callback_url"] !== undefined && !(v["callback_url"] === null ? P(o, C(a, "callback_url"), "must be string", true) : f2(v["callback_url"], o, o && C(a, "callback_url")))) ok = false;
  if ((ok || o) && v["idempotency_key"] !== undefined && !(v["idempotency_key"] === null ? P(o, C(a, "idempotency_key"), "must be string", true) : f3(v["idempotency_key"], o, o && C(a, "idempotency_key")))) ok = false;
  return ok;
}
function f4(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "number" && isFinite(v))) return P(o, a, "must be number", false);
  let ok = true;
  return ok;
}
function c_RunStatus(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K5.has(v)) { ok = P(o, a, "must be one of: pending, running, completed, failed", true); if (!o) return false; }
  return ok;
}
function c_OutputType(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K6.has(v)) { ok = P(o, a, "must be one of: imageUrl, videoUrl, audioUrl, text, documentUrl", true); if (!o) return false; }
  return ok;
}
function c_RunOutput(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["output_id"] === undefined) ok = P(o, C(a, "output_id"), "Required", false);
  if (v["type"] === undefined) ok = P(o, C(a, "type"), "Required", false);
  if (v["url"] === undefined) ok = P(o, C(a, "url"), "Required", false);
  if ((ok || o) && v["output_id"] !== undefined && !(f0(v["output_id"], o, o && C(a, "output_id")))) ok = false;
  if ((ok || o) && v["type"] !== undefined && !(c_OutputType(v["type"], o, o && C(a, "type")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(f0(v["url"], o, o && C(a, "url")))) ok = false;
  return ok;
}
function f5(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_RunOutput(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_TechniqueRun(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["created_at"] === undefined) ok = P(o, C(a, "created_at"), "Required", false);
  if (v["progress"] === undefined) ok = P(o, C(a, "progress"), "Required", false);
  if (v["run_id"] === undefined) ok = P(o, C(a, "run_id"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if ((ok || o) && v["created_at"] !== undefined && !(f4(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["progress"] !== undefined && !(f4(v["progress"], o, o && C(a, "progress")))) ok = false;
  if ((ok || o) && v["run_id"] !== undefined && !(f0(v["run_id"], o, o && C(a, "run_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_RunStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["charged_cost"] !== undefined && !(v["charged_cost"] === null ? P(o, C(a, "charged_cost"), "must be number", true) : f4(v["charged_cost"], o, o && C(a, "charged_cost")))) ok = false;
  if ((ok || o) && v["completed_at"] !== undefined && !(v["completed_at"] === null ? P(o, C(a, "completed_at"), "must be number", true) : f4(v["completed_at"], o, o && C(a, "completed_at")))) ok = false;
  if ((ok || o) && v["error_code"] !== undefined && !(v["error_code"] === null ? P(o, C(a, "error_code"), "must be string", true) : f0(v["error_code"], o, o && C(a, "error_code")))) ok = false;
  if ((ok || o) && v["error_message"] !== undefined && !(v["error_message"] === null ? P(o, C(a, "error_message"), "must be string", true) : f0(v["error_message"], o, o && C(a, "error_message")))) ok = false;
  if ((ok || o) && v["outputs"] !== undefined && !(v["outputs"] === null ? P(o, C(a, "outputs"), "must be array", true) : f5(v["outputs"], o, o && C(a, "outputs")))) ok = false;
  if ((ok || o) && v["poll_url"] !== undefined && !(v["poll_url"] === null ? P(o, C(a, "poll_url"), "must be string", true) : f0(v["poll_url"], o, o && C(a, "poll_url")))) ok = false;
  if ((ok || o) && v["started_at"] !== undefined && !(v["started_at"] === null ? P(o, C(a, "started_at"), "must be number", true) : f4(v["started_at"], o, o && C(a, "started_at")))) ok = false;
  return ok;
}
function c_ErrorCode(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K7.has(v)) { ok = P(o, a, "must be one of: input_validation_error, unauthorized, insufficient_credits, forbidden, not_found, idempotency_duplicate, rate_limited, unknown_error", true); if (!o) return false; }
  return ok;
}
function c_FieldError(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["field"] === undefined) ok = P(o, C(a, "field"), "Required", false);
  if (v["message"] === undefined) ok = P(o, C(a, "message"), "Required", false);
  if ((ok || o) && v["field"] !== undefined && !(f0(v["field"], o, o && C(a, "field")))) ok = false;
  if ((ok || o) && v["message"] !== undefined && !(f0(v["message"], o, o && C(a, "message")))) ok = false;
  return ok;
}
function f6(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_FieldError(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function f7(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["code"] === undefined) ok = P(o, C(a, "code"), "Required", false);
  if (v["message"] === undefined) ok = P(o, C(a, "message"), "Required", false);
  if ((ok || o) && v["code"] !== undefined && !(c_ErrorCode(v["code"], o, o && C(a, "code")))) ok = false;
  if ((ok || o) && v["message"] !== undefined && !(f0(v["message"], o, o && C(a, "message")))) ok = false;
  if ((ok || o) && v["fields"] !== undefined && !(v["fields"] === null ? P(o, C(a, "fields"), "must be array", true) : f6(v["fields"], o, o && C(a, "fields")))) ok = false;
  return ok;
}
function c_ErrorEnvelope(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["error"] === undefined) ok = P(o, C(a, "error"), "Required", false);
  if ((ok || o) && v["error"] !== undefined && !(f7(v["error"], o, o && C(a, "error")))) ok = false;
  return ok;
}
function f8(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  return ok;
}
function f9(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K9.test(v)) ok = P(o, a, "must start with tech_", true);
  return ok;
}
function f10(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K10.test(v)) ok = P(o, a, "must start with ws_", true);
  return ok;
}
function c_StartTechniqueRunRequest(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["inputs"] === undefined) ok = P(o, C(a, "inputs"), "Required", false);
  if (v["technique_id"] === undefined) ok = P(o, C(a, "technique_id"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  for (const k in v) { if (!ok && !o) return false; if (K8.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["inputs"] !== undefined && !(f8(v["inputs"], o, o && C(a, "inputs")))) ok = false;
  if ((ok || o) && v["technique_id"] !== undefined && !(f9(v["technique_id"], o, o && C(a, "technique_id")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f10(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  return ok;
}
function f11(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "number" && isFinite(v))) return P(o, a, "must be number", false);
  let ok = true;
  if (!(v >= 0)) ok = P(o, a, "must be >= 0", true);
  return ok;
}
function c_RunType(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K11.has(v)) { ok = P(o, a, "must be one of: generation, technique, action", true); if (!o) return false; }
  return ok;
}
function c_ActionId(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K12.has(v)) { ok = P(o, a, "must be one of: split-text, find-and-replace-text, concat-text, ken-burns-video, color-grade-image, change-image-ar, rotate-image, flip-image, color-filter-image, color-tint-image, filter-color-image, blur-image, duplicate-image, side-by-side-composite, add-shape-to-image, generate-shape-image, add-text-to-image, generate-text-image, qr-code-generator, stitch-videos, split-video, extract-video-frames, color-grade-video, video-to-frame-grid, boomerang-video, reverse-video, video-to-long-exposure, video-effect, color-filter-video, speed-up-video, slow-down-video, duplicate-video, greenscreen-video, resize-video, change-video-ar, split-audio-from-video, merge-audio-into-video", true); if (!o) return false; }
  return ok;
}
function f12(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["action_id"] === undefined) ok = P(o, C(a, "action_id"), "Required", false);
  if ((ok || o) && v["action_id"] !== undefined && !(c_ActionId(v["action_id"], o, o && C(a, "action_id")))) ok = false;
  return ok;
}
function f13(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  const n = [...v].length;
  if (n < 1) ok = P(o, a, "must NOT have fewer than 1 characters", true);
  return ok;
}
function f14(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["model_id"] === undefined) ok = P(o, C(a, "model_id"), "Required", false);
  if ((ok || o) && v["model_id"] !== undefined && !(f13(v["model_id"], o, o && C(a, "model_id")))) ok = false;
  return ok;
}
function f15(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!URI.test(v)) ok = P(o, a, 'must match format "uri"', true);
  return ok;
}
function f16(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
  if (v["technique_id"] === undefined) ok = P(o, C(a, "technique_id"), "Required", false);
  if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["technique_id"] !== undefined && !(f0(v["technique_id"], o, o && C(a, "technique_id")))) ok = false;
  return ok;
}
function c_RunStartedResponse(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["charged_cost"] === undefined) ok = P(o, C(a, "charged_cost"), "Required", false);
  if (v["estimated_seconds"] === undefined) ok = P(o, C(a, "estimated_seconds"), "Required", false);
  if (v["run_id"] === undefined) ok = P(o, C(a, "run_id"), "Required", false);
  if (v["type"] === undefined) ok = P(o, C(a, "type"), "Required", false);
  if ((ok || o) && v["charged_cost"] !== undefined && !(f11(v["charged_cost"], o, o && C(a, "charged_cost")))) ok = false;
  if ((ok || o) && v["estimated_seconds"] !== undefined && !(f11(v["estimated_seconds"], o, o && C(a, "estimated_seconds")))) ok = false;
  if ((ok || o) && v["run_id"] !== undefined && !(f0(v["run_id"], o, o && C(a, "run_id")))) ok = false;
  if ((ok || o) && v["type"] !== undefined && !(c_RunType(v["type"], o, o && C(a, "type")))) ok = false;
  if ((ok || o) && v["action"] !== undefined && !(v["action"] === null ? P(o, C(a, "action"), "must be object", true) : f12(v["action"], o, o && C(a, "action")))) ok = false;
  if ((ok || o) && v["model"] !== undefined && !(v["model"] === null ? P(o, C(a, "model"), "must be object", true) : f14(v["model"], o, o && C(a, "model")))) ok = false;
  if ((ok || o) && v["poll_url"] !== undefined && !(v["poll_url"] === null ? P(o, C(a, "poll_url"), "must be string", true) : f15(v["poll_url"], o, o && C(a, "poll_url")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(v["project_id"] === null ? P(o, C(a, "project_id"), "must be string", true) : f0(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["technique"] !== undefined && !(v["technique"] === null ? P(o, C(a, "technique"), "must be object", true) : f16(v["technique"], o, o && C(a, "technique")))) ok = false;
  return ok;
}
function f17(v: any, o?: Sink, a = ""): boolean {
  if (!(Number.isInteger(v))) return P(o, a, "must be integer", false);
  let ok = true;
  if (!(v <= 100)) ok = P(o, a, "must be <= 100", true);
  if (!(v >= 1)) ok = P(o, a, "must be >= 1", true);
  return ok;
}
function f18(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K14.test(v)) ok = P(o, a, "must start with ws_", true);
  return ok;
}
function c_ListTechniquesQuery(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  for (const k in v) { if (!ok && !o) return false; if (K13.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["cursor"] !== undefined && !(v["cursor"] === null ? P(o, C(a, "cursor"), "must be string", true) : f13(v["cursor"], o, o && C(a, "cursor")))) ok = false;
  if ((ok || o) && v["limit"] !== undefined && !(v["limit"] === null ? P(o, C(a, "limit"), "must be integer", true) : f17(v["limit"], o, o && C(a, "limit")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(v["workspace_id"] === null ? P(o, C(a, "workspace_id"), "must be string", true) : f18(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["query"] !== undefined && !(v["query"] === null ? P(o, C(a, "query"), "must be string", true) : f13(v["query"], o, o && C(a, "query")))) ok = false;
  return ok;
}
function c_TechniqueMediaType(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K15.has(v)) { ok = P(o, a, "must be one of: imageUrl, videoUrl, audioUrl, text, documentUrl", true); if (!o) return false; }
  return ok;
}
function f19(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "boolean")) return P(o, a, "must be boolean", false);
  let ok = true;
  return ok;
}
function c_TechniqueInputOutput(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["id"] === undefined) ok = P(o, C(a, "id"), "Required", false);
  if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
  if (v["type"] === undefined) ok = P(o, C(a, "type"), "Required", false);
  if ((ok || o) && v["id"] !== undefined && !(f0(v["id"], o, o && C(a, "id")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["type"] !== undefined && !(c_TechniqueMediaType(v["type"], o, o && C(a, "type")))) ok = false;
  if ((ok || o) && v["accepts_element"] !== undefined && !(v["accepts_element"] === null ? P(o, C(a, "accepts_element"), "must be boolean", true) : f19(v["accepts_element"], o, o && C(a, "accepts_element")))) ok = false;
  if ((ok || o) && v["allow_multiple"] !== undefined && !(v["allow_multiple"] === null ? P(o, C(a, "allow_multiple"), "must be boolean", true) : f19(v["allow_multiple"], o, o && C(a, "allow_multiple")))) ok = false;
  if ((ok || o) && v["description"] !== undefined && !(v["description"] === null ? P(o, C(a, "description"), "must be string", true) : f0(v["description"], o, o && C(a, "description")))) ok = false;
  if ((ok || o) && v["optional"] !== undefined && !(v["optional"] === null ? P(o, C(a, "optional"), "must be boolean", true) : f19(v["optional"], o, o && C(a, "optional")))) ok = false;
  if ((ok || o) && v["specified_aspect_ratio"] !== undefined && !(v["specified_aspect_ratio"] === null ? P(o, C(a, "specified_aspect_ratio"), "must be string", true) : f0(v["specified_aspect_ratio"], o, o && C(a, "specified_aspect_ratio")))) ok = false;
  if ((ok || o) && v["specified_duration"] !== undefined && !(v["specified_duration"] === null ? P(o, C(a, "specified_duration"), "must be number", true) : f4(v["specified_duration"], o, o && C(a, "specified_duration")))) ok = false;
  return ok;
}
function f20(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_TechniqueInputOutput(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_Technique(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["inputs"] === undefined) ok = P(o, C(a, "inputs"), "Required", false);
  if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
  if (v["outputs"] === undefined) ok = P(o, C(a, "outputs"), "Required", false);
  if (v["run_cost"] === undefined) ok = P(o, C(a, "run_cost"), "Required", false);
  if (v["technique_id"] === undefined) ok = P(o, C(a, "technique_id"), "Required", false);
  if ((ok || o) && v["technique_id"] !== undefined && !(f0(v["technique_id"], o, o && C(a, "technique_id")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["description"] !== undefined && !(v["description"] === null ? P(o, C(a, "description"), "must be string", true) : f0(v["description"], o, o && C(a, "description")))) ok = false;
  if ((ok || o) && v["run_cost"] !== undefined && !(f4(v["run_cost"], o, o && C(a, "run_cost")))) ok = false;
  if ((ok || o) && v["inputs"] !== undefined && !(f20(v["inputs"], o, o && C(a, "inputs")))) ok = false;
  if ((ok || o) && v["outputs"] !== undefined && !(f20(v["outputs"], o, o && C(a, "outputs")))) ok = false;
  return ok;
}
function f21(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_Technique(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_PageMeta(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if ((ok || o) && v["next_cursor"] !== undefined && !(v["next_cursor"] === null ? P(o, C(a, "next_cursor"), "must be string", true) : f0(v["next_cursor"], o, o && C(a, "next_cursor")))) ok = false;
  return ok;
}
function c_TechniqueList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["techniques"] === undefined) ok = P(o, C(a, "techniques"), "Required", false);
  if (v["meta"] === undefined) ok = P(o, C(a, "meta"), "Required", false);
  if ((ok || o) && v["techniques"] !== undefined && !(f21(v["techniques"], o, o && C(a, "techniques")))) ok = false;
  if ((ok || o) && v["meta"] !== undefined && !(c_PageMeta(v["meta"], o, o && C(a, "meta")))) ok = false;
  return ok;
}
function f22(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K17.test(v)) ok = P(o, a, "must start with ws_", true);
  return ok;
}
function c_ListTechniqueRunsQuery(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  for (const k in v) { if (!ok && !o) return false; if (K16.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["cursor"] !== undefined && !(v["cursor"] === null ? P(o, C(a, "cursor"), "must be string", true) : f13(v["cursor"], o, o && C(a, "cursor")))) ok = false;
  if ((ok || o) && v["limit"] !== undefined && !(v["limit"] === null ? P(o, C(a, "limit"), "must be integer", true) : f17(v["limit"], o, o && C(a, "limit")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(v["workspace_id"] === null ? P(o, C(a, "workspace_id"), "must be string", true) : f22(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(v["project_id"] === null ? P(o, C(a, "project_id"), "must be string", true) : f13(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["technique_id"] !== undefined && !(v["technique_id"] === null ? P(o, C(a, "technique_id"), "must be string", true) : f13(v["technique_id"], o, o && C(a, "technique_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(v["status"] === null ? P(o, C(a, "status"), "must be string", true) : c_RunStatus(v["status"], o, o && C(a, "status")))) ok = false;
  return ok;
}
function c_RunTechnique(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
  if (v["technique_id"] === undefined) ok = P(o, C(a, "technique_id"), "Required", false);
  if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["technique_id"] !== undefined && !(f0(v["technique_id"], o, o && C(a, "technique_id")))) ok = false;
  return ok;
}
function c_TechniqueRunListItem(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["created_at"] === undefined) ok = P(o, C(a, "created_at"), "Required", false);
  if (v["progress"] === undefined) ok = P(o, C(a, "progress"), "Required", false);
  if (v["project_id"] === undefined) ok = P(o, C(a, "project_id"), "Required", false);
  if (v["run_id"] === undefined) ok = P(o, C(a, "run_id"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["technique"] === undefined) ok = P(o, C(a, "technique"), "Required", false);
  if (v["technique_run_id"] === undefined) ok = P(o, C(a, "technique_run_id"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if ((ok || o) && v["created_at"] !== undefined && !(f4(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["progress"] !== undefined && !(f4(v["progress"], o, o && C(a, "progress")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(f0(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["run_id"] !== undefined && !(f0(v["run_id"], o, o && C(a, "run_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_RunStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["technique"] !== undefined && !(c_RunTechnique(v["technique"], o, o && C(a, "technique")))) ok = false;
  if ((ok || o) && v["technique_run_id"] !== undefined && !(f0(v["technique_run_id"], o, o && C(a, "technique_run_id")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["charged_cost"] !== undefined && !(v["charged_cost"] === null ? P(o, C(a, "charged_cost"), "must be number", true) : f4(v["charged_cost"], o, o && C(a, "charged_cost")))) ok = false;
  if ((ok || o) && v["completed_at"] !== undefined && !(v["completed_at"] === null ? P(o, C(a, "completed_at"), "must be number", true) : f4(v["completed_at"], o, o && C(a, "completed_at")))) ok = false;
  if ((ok || o) && v["error_code"] !== undefined && !(v["error_code"] === null ? P(o, C(a, "error_code"), "must be string", true) : f0(v["error_code"], o, o && C(a, "error_code")))) ok = false;
  if ((ok || o) && v["error_message"] !== undefined && !(v["error_message"] === null ? P(o, C(a, "error_message"), "must be string", true) : f0(v["error_message"], o, o && C(a, "error_message")))) ok = false;
  if ((ok || o) && v["outputs"] !== undefined && !(v["outputs"] === null ? P(o, C(a, "outputs"), "must be array", true) : f5(v["outputs"], o, o && C(a, "outputs")))) ok = false;
  if ((ok || o) && v["poll_url"] !== undefined && !(v["poll_url"] === null ? P(o, C(a, "poll_url"), "must be string", true) : f0(v["poll_url"], o, o && C(a, "poll_url")))) ok = false;
  if ((ok || o) && v["started_at"] !== undefined && !(v["started_at"] === null ? P(o, C(a, "started_at"), "must be number", true) : f4(v["started_at"], o, o && C(a, "started_at")))) ok = false;
  return ok;
}
function f23(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_TechniqueRunListItem(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_TechniqueRunList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["technique_runs"] === undefined) ok = P(o, C(a, "technique_runs"), "Required", false);
  if (v["meta"] === undefined) ok = P(o, C(a, "meta"), "Required", false);
  if ((ok || o) && v["technique_runs"] !== undefined && !(f23(v["technique_runs"], o, o && C(a, "technique_runs")))) ok = false;
  if ((ok || o) && v["meta"] !== undefined && !(c_PageMeta(v["meta"], o, o && C(a, "meta")))) ok = false;
  return ok;
}
function c_Workspace(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["created_at"] === undefined) ok = P(o, C(a, "created_at"), "Required", false);
  if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
  if (v["role"] === undefined) ok = P(o, C(a, "role"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if ((ok || o) && v["workspace_id"] !== undefined && !(f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["role"] !== undefined && !(f0(v["role"], o, o && C(a, "role")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(f4(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  return ok;
}
function f24(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_Workspace(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_WorkspaceList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["workspaces"] === undefined) ok = P(o, C(a, "workspaces"), "Required", false);
  if ((ok || o) && v["workspaces"] !== undefined && !(f24(v["workspaces"], o, o && C(a, "workspaces")))) ok = false;
  return ok;
}
function f25(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K19.test(v)) ok = P(o, a, "must start with ws_", true);
  return ok;
}
function c_ListAssetsQuery(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  for (const k in v) { if (!ok && !o) return false; if (K18.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["cursor"] !== undefined && !(v["cursor"] === null ? P(o, C(a, "cursor"), "must be string", true) : f13(v["cursor"], o, o && C(a, "cursor")))) ok = false;
  if ((ok || o) && v["limit"] !== undefined && !(v["limit"] === null ? P(o, C(a, "limit"), "must be integer", true) : f17(v["limit"], o, o && C(a, "limit")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(v["workspace_id"] === null ? P(o, C(a, "workspace_id"), "must be string", true) : f25(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(v["project_id"] === null ? P(o, C(a, "project_id"), "must be string", true) : f13(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["query"] !== undefined && !(v["query"] === null ? P(o, C(a, "query"), "must be string", true) : f13(v["query"], o, o && C(a, "query")))) ok = false;
  return ok;
}
function c_AssetStatus(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K20.has(v)) { ok = P(o, a, "must be one of: pending_upload, ready, failed", true); if (!o) return false; }
  return ok;
}
function c_AssetListItem(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["content_type"] === undefined) ok = P(o, C(a, "content_type"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["uploaded_via"] === undefined) ok = P(o, C(a, "uploaded_via"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f0(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(f0(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["uploaded_via"] !== undefined && !(f0(v["uploaded_via"], o, o && C(a, "uploaded_via")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(v["url"] === null ? P(o, C(a, "url"), "must be string", true) : f0(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(v["name"] === null ? P(o, C(a, "name"), "must be string", true) : f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["description"] !== undefined && !(v["description"] === null ? P(o, C(a, "description"), "must be string", true) : f0(v["description"], o, o && C(a, "description")))) ok = false;
  if ((ok || o) && v["size_bytes"] !== undefined && !(v["size_bytes"] === null ? P(o, C(a, "size_bytes"), "must be number", true) : f11(v["size_bytes"], o, o && C(a, "size_bytes")))) ok = false;
  if ((ok || o) && v["width"] !== undefined && !(v["width"] === null ? P(o, C(a, "width"), "must be number", true) : f11(v["width"], o, o && C(a, "width")))) ok = false;
  if ((ok || o) && v["height"] !== undefined && !(v["height"] === null ? P(o, C(a, "height"), "must be number", true) : f11(v["height"], o, o && C(a, "height")))) ok = false;
  if ((ok || o) && v["upload_content_type"] !== undefined && !(v["upload_content_type"] === null ? P(o, C(a, "upload_content_type"), "must be string", true) : f0(v["upload_content_type"], o, o && C(a, "upload_content_type")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(v["created_at"] === null ? P(o, C(a, "created_at"), "must be number", true) : f4(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(v["workspace_id"] === null ? P(o, C(a, "workspace_id"), "must be string", true) : f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(v["project_id"] === null ? P(o, C(a, "project_id"), "must be string", true) : f0(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["node_id"] !== undefined && !(v["node_id"] === null ? P(o, C(a, "node_id"), "must be string", true) : f0(v["node_id"], o, o && C(a, "node_id")))) ok = false;
  return ok;
}
function f26(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_AssetListItem(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_AssetList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["assets"] === undefined) ok = P(o, C(a, "assets"), "Required", false);
  if (v["meta"] === undefined) ok = P(o, C(a, "meta"), "Required", false);
  if ((ok || o) && v["assets"] !== undefined && !(f26(v["assets"], o, o && C(a, "assets")))) ok = false;
  if ((ok || o) && v["meta"] !== undefined && !(c_PageMeta(v["meta"], o, o && C(a, "meta")))) ok = false;
  return ok;
}
function f27(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K22.test(v)) ok = P(o, a, "must match ^(signed-url$|https://)", true);
  return ok;
}
function f28(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K23.test(v)) ok = P(o, a, "must start with ws_", true);
  return ok;
}
function f29(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K24.test(v)) ok = P(o, a, "must start with prj_", true);
  return ok;
}
function c_AssetCreateRequest(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["source"] === undefined) ok = P(o, C(a, "source"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  for (const k in v) { if (!ok && !o) return false; if (K21.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["source"] !== undefined && !(f27(v["source"], o, o && C(a, "source")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f28(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(v["project_id"] === null ? P(o, C(a, "project_id"), "must be string", true) : f29(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(v["content_type"] === null ? P(o, C(a, "content_type"), "must be string", true) : f13(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["file_name"] !== undefined && !(v["file_name"] === null ? P(o, C(a, "file_name"), "must be string", true) : f13(v["file_name"], o, o && C(a, "file_name")))) ok = false;
  if ((ok || o) && v["folder"] !== undefined && !(v["folder"] === null ? P(o, C(a, "folder"), "must be string", true) : f13(v["folder"], o, o && C(a, "folder")))) ok = false;
  return ok;
}
function f30(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K26.test(v)) ok = P(o, a, "must start with ws_", true);
  return ok;
}
function f31(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K27.test(v)) ok = P(o, a, "must start with prj_", true);
  return ok;
}
function c_AssetUploadForm(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["file"] === undefined) ok = P(o, C(a, "file"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  for (const k in v) { if (!ok && !o) return false; if (K25.has(k)) continue; ok = P(o, C(a, k), "Unknown field", true); }
  if ((ok || o) && v["file"] !== undefined && !(f0(v["file"], o, o && C(a, "file")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f30(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(v["project_id"] === null ? P(o, C(a, "project_id"), "must be string", true) : f31(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(v["content_type"] === null ? P(o, C(a, "content_type"), "must be string", true) : f13(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["file_name"] !== undefined && !(v["file_name"] === null ? P(o, C(a, "file_name"), "must be string", true) : f13(v["file_name"], o, o && C(a, "file_name")))) ok = false;
  if ((ok || o) && v["folder"] !== undefined && !(v["folder"] === null ? P(o, C(a, "folder"), "must be string", true) : f13(v["folder"], o, o && C(a, "folder")))) ok = false;
  return ok;
}
function c_AssetUploadedVia(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K28.has(v)) { ok = P(o, a, "must be one of: url, signed_url, direct", true); if (!o) return false; }
  return ok;
}
function c_AssetVisibility(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K29.has(v)) { ok = P(o, a, "must be one of: workspace", true); if (!o) return false; }
  return ok;
}
function f32(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K30.has(v)) { ok = P(o, a, "must be one of: POST", true); if (!o) return false; }
  return ok;
}
function f33(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K31.has(v)) { ok = P(o, a, "must be one of: multipart/form-data", true); if (!o) return false; }
  return ok;
}
function f34(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K32.has(v)) { ok = P(o, a, "must be one of: file", true); if (!o) return false; }
  return ok;
}
function f35(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  for (const k in v) { if (!ok && !o) return false; if (K33.has(k)) continue; if (!f0(v[k], o, o && C(a, k))) ok = false; }
  return ok;
}
function c_AssetUpload(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["content_type"] === undefined) ok = P(o, C(a, "content_type"), "Required", false);
  if (v["file_field"] === undefined) ok = P(o, C(a, "file_field"), "Required", false);
  if (v["form_fields"] === undefined) ok = P(o, C(a, "form_fields"), "Required", false);
  if (v["method"] === undefined) ok = P(o, C(a, "method"), "Required", false);
  if (v["url"] === undefined) ok = P(o, C(a, "url"), "Required", false);
  if ((ok || o) && v["url"] !== undefined && !(f15(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["method"] !== undefined && !(f32(v["method"], o, o && C(a, "method")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(f33(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["file_field"] !== undefined && !(f34(v["file_field"], o, o && C(a, "file_field")))) ok = false;
  if ((ok || o) && v["form_fields"] !== undefined && !(f35(v["form_fields"], o, o && C(a, "form_fields")))) ok = false;
  return ok;
}
function c_AssetCreated(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["uploaded_via"] === undefined) ok = P(o, C(a, "uploaded_via"), "Required", false);
  if (v["url"] === undefined) ok = P(o, C(a, "url"), "Required", false);
  if (v["visibility"] === undefined) ok = P(o, C(a, "visibility"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f0(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["uploaded_via"] !== undefined && !(c_AssetUploadedVia(v["uploaded_via"], o, o && C(a, "uploaded_via")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(f0(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["visibility"] !== undefined && !(c_AssetVisibility(v["visibility"], o, o && C(a, "visibility")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["expires_at"] !== undefined && !(v["expires_at"] === null ? P(o, C(a, "expires_at"), "must be string", true) : f0(v["expires_at"], o, o && C(a, "expires_at")))) ok = false;
  if ((ok || o) && v["upload"] !== undefined && !(v["upload"] === null ? P(o, C(a, "upload"), "must be object", true) : c_AssetUpload(v["upload"], o, o && C(a, "upload")))) ok = false;
  if ((ok || o) && v["upload_url"] !== undefined && !(v["upload_url"] === null ? P(o, C(a, "upload_url"), "must be string", true) : f0(v["upload_url"], o, o && C(a, "upload_url")))) ok = false;
  return ok;
}
function c_Asset(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["content_type"] === undefined) ok = P(o, C(a, "content_type"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["uploaded_via"] === undefined) ok = P(o, C(a, "uploaded_via"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f0(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(f0(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["uploaded_via"] !== undefined && !(f0(v["uploaded_via"], o, o && C(a, "uploaded_via")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(v["url"] === null ? P(o, C(a, "url"), "must be string", true) : f0(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(v["name"] === null ? P(o, C(a, "name"), "must be string", true) : f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["description"] !== undefined && !(v["description"] === null ? P(o, C(a, "description"), "must be string", true) : f0(v["description"], o, o && C(a, "description")))) ok = false;
  if ((ok || o) && v["size_bytes"] !== undefined && !(v["size_bytes"] === null ? P(o, C(a, "size_bytes"), "must be number", true) : f11(v["size_bytes"], o, o && C(a, "size_bytes")))) ok = false;
  if ((ok || o) && v["width"] !== undefined && !(v["width"] === null ? P(o, C(a, "width"), "must be number", true) : f11(v["width"], o, o && C(a, "width")))) ok = false;
  if ((ok || o) && v["height"] !== undefined && !(v["height"] === null ? P(o, C(a, "height"), "must be number", true) : f11(v["height"], o, o && C(a, "height")))) ok = false;
  if ((ok || o) && v["upload_content_type"] !== undefined && !(v["upload_content_type"] === null ? P(o, C(a, "upload_content_type"), "must be string", true) : f0(v["upload_content_type"], o, o && C(a, "upload_content_type")))) ok = false;
  if ((ok || o) && v["failure_message"] !== undefined && !(v["failure_message"] === null ? P(o, C(a, "failure_message"), "must be string", true) : f0(v["failure_message"], o, o && C(a, "failure_message")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(v["created_at"] === null ? P(o, C(a, "created_at"), "must be string", true) : f0(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(v["workspace_id"] === null ? P(o, C(a, "workspace_id"), "must be string", true) : f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  return ok;
}
function c_AssetUploadState(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["url"] === undefined) ok = P(o, C(a, "url"), "Required", false);
  if (v["visibility"] === undefined) ok = P(o, C(a, "visibility"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f0(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(f0(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["visibility"] !== undefined && !(c_AssetVisibility(v["visibility"], o, o && C(a, "visibility")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["expires_at"] !== undefined && !(v["expires_at"] === null ? P(o, C(a, "expires_at"), "must be string", true) : f0(v["expires_at"], o, o && C(a, "expires_at")))) ok = false;
  if ((ok || o) && v["failure_message"] !== undefined && !(v["failure_message"] === null ? P(o, C(a, "failure_message"), "must be string", true) : f0(v["failure_message"], o, o && C(a, "failure_message")))) ok = false;
  if ((ok || o) && v["upload"] !== undefined && !(v["upload"] === null ? P(o, C(a, "upload"), "must be object", true) : c_AssetUpload(v["upload"], o, o && C(a, "upload")))) ok = false;
  if ((ok || o) && v["upload_url"] !== undefined && !(v["upload_url"] === null ? P(o, C(a, "upload_url"), "must be string", true) : f0(v["upload_url"], o, o && C(a, "upload_url")))) ok = false;
  return ok;
}
function c_WebhookEventType(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K34.has(v)) { ok = P(o, a, "must be one of: run.completed, run.failed", true); if (!o) return false; }
  return ok;
}
function c_WebhookRunType(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K35.has(v)) { ok = P(o, a, "must be one of: generation, technique", true); if (!o) return false; }
  return ok;
}
function f36(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K36.has(v)) { ok = P(o, a, "must be one of: completed, failed", true); if (!o) return false; }
  return ok;
}
function f37(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["run_id"] === undefined) ok = P(o, C(a, "run_id"), "Required", false);
  if (v["run_type"] === undefined) ok = P(o, C(a, "run_type"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if ((ok || o) && v["run_id"] !== undefined && !(f0(v["run_id"], o, o && C(a, "run_id")))) ok = false;
  if ((ok || o) && v["run_type"] !== undefined && !(c_WebhookRunType(v["run_type"], o, o && C(a, "run_type")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(f36(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["error_code"] !== undefined && !(v["error_code"] === null ? P(o, C(a, "error_code"), "must be string", true) : f0(v["error_code"], o, o && C(a, "error_code")))) ok = false;
  if ((ok || o) && v["error_message"] !== undefined && !(v["error_message"] === null ? P(o, C(a, "error_message"), "must be string", true) : f0(v["error_message"], o, o && C(a, "error_message")))) ok = false;
  return ok;
}
function c_RunWebhookEvent(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["id"] === undefined) ok = P(o, C(a, "id"), "Required", false);
  if (v["type"] === undefined) ok = P(o, C(a, "type"), "Required", false);
  if (v["api_version"] === undefined) ok = P(o, C(a, "api_version"), "Required", false);
  if (v["created_at"] === undefined) ok = P(o, C(a, "created_at"), "Required", false);
  if (v["data"] === undefined) ok = P(o, C(a, "data"), "Required", false);
  if ((ok || o) && v["id"] !== undefined && !(f0(v["id"], o, o && C(a, "id")))) ok = false;
  if ((ok || o) && v["type"] !== undefined && !(c_WebhookEventType(v["type"], o, o && C(a, "type")))) ok = false;
  if ((ok || o) && v["api_version"] !== undefined && !(f0(v["api_version"], o, o && C(a, "api_version")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(f4(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["data"] !== undefined && !(f37(v["data"], o, o && C(a, "data")))) ok = false;
  return ok;
}
function f38(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "number" && isFinite(v)) || (v === null))) return P(o, a, "must be number,null", false);
  let ok = true;
  if (typeof v === "number" && isFinite(v)) {
    if (!(v >= 0)) ok = P(o, a, "must be >= 0", true);
  }
  return ok;
}
function c_LiveActionId(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "string")) return P(o, a, "must be string", false);
  let ok = true;
  if (!K37.has(v)) { ok = P(o, a, "must be one of: split-text, find-and-replace-text, concat-text, ken-burns-video, color-grade-image, change-image-ar, rotate-image, flip-image, color-filter-image, color-tint-image, filter-color-image, blur-image, duplicate-image, side-by-side-composite, add-shape-to-image, generate-shape-image, add-text-to-image, generate-text-image, qr-code-generator, stitch-videos, split-video, extract-video-frames, color-grade-video, video-to-frame-grid, boomerang-video, reverse-video, video-to-long-exposure, video-effect, color-filter-video, speed-up-video, slow-down-video, duplicate-video, greenscreen-video, resize-video, change-video-ar, split-audio-from-video, merge-audio-into-video, color-grade-image-browser, overlay-image-browser, draw-image-browser, crop-image-browser, scene-3d-image-browser, blur-image-browser, change-image-ar-browser, rotate-image-browser, color-filter-image-browser, color-tint-image-browser, filter-color-image-browser, duplicate-image-browser, side-by-side-composite-browser, add-shape-to-image-browser, add-text-to-image-browser, qr-code-generator-browser, resize-image-browser, shader-effect-browser, split-text-browser, find-and-replace-text-browser, concat-text-browser", true); if (!o) return false; }
  return ok;
}
function f39(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "object" && v !== null && !Array.isArray(v)) || (v === null))) return P(o, a, "must be object,null", false);
  let ok = true;
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    if (v["action_id"] === undefined) ok = P(o, C(a, "action_id"), "Required", false);
    if ((ok || o) && v["action_id"] !== undefined && !(c_LiveActionId(v["action_id"], o, o && C(a, "action_id")))) ok = false;
  }
  return ok;
}
function f40(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "object" && v !== null && !Array.isArray(v)) || (v === null))) return P(o, a, "must be object,null", false);
  let ok = true;
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    if (v["model_id"] === undefined) ok = P(o, C(a, "model_id"), "Required", false);
    if ((ok || o) && v["model_id"] !== undefined && !(f13(v["model_id"], o, o && C(a, "model_id")))) ok = false;
  }
  return ok;
}
function f41(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "string") || (v === null))) return P(o, a, "must be string,null", false);
  let ok = true;
  if (typeof v === "string") {
    if (!URI.test(v)) ok = P(o, a, 'must match format "uri"', true);
  }
  return ok;
}
function f42(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "string") || (v === null))) return P(o, a, "must be string,null", false);
  let ok = true;
  return ok;
}
function f43(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "object" && v !== null && !Array.isArray(v)) || (v === null))) return P(o, a, "must be object,null", false);
  let ok = true;
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
    if (v["technique_id"] === undefined) ok = P(o, C(a, "technique_id"), "Required", false);
    if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
    if ((ok || o) && v["technique_id"] !== undefined && !(f0(v["technique_id"], o, o && C(a, "technique_id")))) ok = false;
  }
  return ok;
}
function c_LiveRunStartedResponse(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["charged_cost"] === undefined) ok = P(o, C(a, "charged_cost"), "Required", false);
  if (v["estimated_seconds"] === undefined) ok = P(o, C(a, "estimated_seconds"), "Required", false);
  if (v["run_id"] === undefined) ok = P(o, C(a, "run_id"), "Required", false);
  if (v["type"] === undefined) ok = P(o, C(a, "type"), "Required", false);
  if ((ok || o) && v["charged_cost"] !== undefined && !(f11(v["charged_cost"], o, o && C(a, "charged_cost")))) ok = false;
  if ((ok || o) && v["estimated_seconds"] !== undefined && !(f38(v["estimated_seconds"], o, o && C(a, "estimated_seconds")))) ok = false;
  if ((ok || o) && v["run_id"] !== undefined && !(f0(v["run_id"], o, o && C(a, "run_id")))) ok = false;
  if ((ok || o) && v["type"] !== undefined && !(c_RunType(v["type"], o, o && C(a, "type")))) ok = false;
  if ((ok || o) && v["action"] !== undefined && !(f39(v["action"], o, o && C(a, "action")))) ok = false;
  if ((ok || o) && v["model"] !== undefined && !(f40(v["model"], o, o && C(a, "model")))) ok = false;
  if ((ok || o) && v["poll_url"] !== undefined && !(f41(v["poll_url"], o, o && C(a, "poll_url")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(f42(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["technique"] !== undefined && !(f43(v["technique"], o, o && C(a, "technique")))) ok = false;
  return ok;
}
function c_LivePageMeta(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if ((ok || o) && v["next_cursor"] !== undefined && !(f42(v["next_cursor"], o, o && C(a, "next_cursor")))) ok = false;
  return ok;
}
function c_LiveTechniqueList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["techniques"] === undefined) ok = P(o, C(a, "techniques"), "Required", false);
  if (v["meta"] === undefined) ok = P(o, C(a, "meta"), "Required", false);
  if ((ok || o) && v["techniques"] !== undefined && !(f21(v["techniques"], o, o && C(a, "techniques")))) ok = false;
  if ((ok || o) && v["meta"] !== undefined && !(c_LivePageMeta(v["meta"], o, o && C(a, "meta")))) ok = false;
  return ok;
}
function c_LiveTechniqueRunList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["technique_runs"] === undefined) ok = P(o, C(a, "technique_runs"), "Required", false);
  if (v["meta"] === undefined) ok = P(o, C(a, "meta"), "Required", false);
  if ((ok || o) && v["technique_runs"] !== undefined && !(f23(v["technique_runs"], o, o && C(a, "technique_runs")))) ok = false;
  if ((ok || o) && v["meta"] !== undefined && !(c_LivePageMeta(v["meta"], o, o && C(a, "meta")))) ok = false;
  return ok;
}
function f44(v: any, o?: Sink, a = ""): boolean {
  if (!((typeof v === "number" && isFinite(v)) || (v === null))) return P(o, a, "must be number,null", false);
  let ok = true;
  return ok;
}
function c_LiveWorkspace(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["created_at"] === undefined) ok = P(o, C(a, "created_at"), "Required", false);
  if (v["name"] === undefined) ok = P(o, C(a, "name"), "Required", false);
  if (v["role"] === undefined) ok = P(o, C(a, "role"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if ((ok || o) && v["workspace_id"] !== undefined && !(f0(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(f0(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["role"] !== undefined && !(f0(v["role"], o, o && C(a, "role")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(f44(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  return ok;
}
function f45(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_LiveWorkspace(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_LiveWorkspaceList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["workspaces"] === undefined) ok = P(o, C(a, "workspaces"), "Required", false);
  if ((ok || o) && v["workspaces"] !== undefined && !(f45(v["workspaces"], o, o && C(a, "workspaces")))) ok = false;
  return ok;
}
function c_LiveAssetListItem(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["content_type"] === undefined) ok = P(o, C(a, "content_type"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["uploaded_via"] === undefined) ok = P(o, C(a, "uploaded_via"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f42(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(f0(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["uploaded_via"] !== undefined && !(f0(v["uploaded_via"], o, o && C(a, "uploaded_via")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(f42(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(f42(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["description"] !== undefined && !(f42(v["description"], o, o && C(a, "description")))) ok = false;
  if ((ok || o) && v["size_bytes"] !== undefined && !(f38(v["size_bytes"], o, o && C(a, "size_bytes")))) ok = false;
  if ((ok || o) && v["width"] !== undefined && !(f38(v["width"], o, o && C(a, "width")))) ok = false;
  if ((ok || o) && v["height"] !== undefined && !(f38(v["height"], o, o && C(a, "height")))) ok = false;
  if ((ok || o) && v["upload_content_type"] !== undefined && !(f42(v["upload_content_type"], o, o && C(a, "upload_content_type")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(f44(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f42(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["project_id"] !== undefined && !(f42(v["project_id"], o, o && C(a, "project_id")))) ok = false;
  if ((ok || o) && v["node_id"] !== undefined && !(f42(v["node_id"], o, o && C(a, "node_id")))) ok = false;
  return ok;
}
function f46(v: any, o?: Sink, a = ""): boolean {
  if (!(Array.isArray(v))) return P(o, a, "must be array", false);
  let ok = true;
  for (let i = 0; i < v.length && (ok || o); i++) if (!c_LiveAssetListItem(v[i], o, o && C(a, i))) ok = false;
  return ok;
}
function c_LiveAssetList(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["assets"] === undefined) ok = P(o, C(a, "assets"), "Required", false);
  if (v["meta"] === undefined) ok = P(o, C(a, "meta"), "Required", false);
  if ((ok || o) && v["assets"] !== undefined && !(f46(v["assets"], o, o && C(a, "assets")))) ok = false;
  if ((ok || o) && v["meta"] !== undefined && !(c_LivePageMeta(v["meta"], o, o && C(a, "meta")))) ok = false;
  return ok;
}
function c_LiveAsset(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["content_type"] === undefined) ok = P(o, C(a, "content_type"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["uploaded_via"] === undefined) ok = P(o, C(a, "uploaded_via"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f0(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["content_type"] !== undefined && !(f0(v["content_type"], o, o && C(a, "content_type")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["uploaded_via"] !== undefined && !(f0(v["uploaded_via"], o, o && C(a, "uploaded_via")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(f42(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["name"] !== undefined && !(f42(v["name"], o, o && C(a, "name")))) ok = false;
  if ((ok || o) && v["description"] !== undefined && !(f42(v["description"], o, o && C(a, "description")))) ok = false;
  if ((ok || o) && v["size_bytes"] !== undefined && !(f38(v["size_bytes"], o, o && C(a, "size_bytes")))) ok = false;
  if ((ok || o) && v["width"] !== undefined && !(f38(v["width"], o, o && C(a, "width")))) ok = false;
  if ((ok || o) && v["height"] !== undefined && !(f38(v["height"], o, o && C(a, "height")))) ok = false;
  if ((ok || o) && v["upload_content_type"] !== undefined && !(f42(v["upload_content_type"], o, o && C(a, "upload_content_type")))) ok = false;
  if ((ok || o) && v["failure_message"] !== undefined && !(f42(v["failure_message"], o, o && C(a, "failure_message")))) ok = false;
  if ((ok || o) && v["created_at"] !== undefined && !(f42(v["created_at"], o, o && C(a, "created_at")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f42(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  return ok;
}
function c_LiveAssetUploadState(v: any, o?: Sink, a = ""): boolean {
  if (!(typeof v === "object" && v !== null && !Array.isArray(v))) return P(o, a, "must be object", false);
  let ok = true;
  if (v["asset_id"] === undefined) ok = P(o, C(a, "asset_id"), "Required", false);
  if (v["status"] === undefined) ok = P(o, C(a, "status"), "Required", false);
  if (v["url"] === undefined) ok = P(o, C(a, "url"), "Required", false);
  if (v["visibility"] === undefined) ok = P(o, C(a, "visibility"), "Required", false);
  if (v["workspace_id"] === undefined) ok = P(o, C(a, "workspace_id"), "Required", false);
  if ((ok || o) && v["asset_id"] !== undefined && !(f0(v["asset_id"], o, o && C(a, "asset_id")))) ok = false;
  if ((ok || o) && v["status"] !== undefined && !(c_AssetStatus(v["status"], o, o && C(a, "status")))) ok = false;
  if ((ok || o) && v["url"] !== undefined && !(f42(v["url"], o, o && C(a, "url")))) ok = false;
  if ((ok || o) && v["visibility"] !== undefined && !(c_AssetVisibility(v["visibility"], o, o && C(a, "visibility")))) ok = false;
  if ((ok || o) && v["workspace_id"] !== undefined && !(f42(v["workspace_id"], o, o && C(a, "workspace_id")))) ok = false;
  if ((ok || o) && v["expires_at"] !== undefined && !(v["expires_at"] === null ? P(o, C(a, "expires_at"), "must be string", true) : f0(v["expires_at"], o, o && C(a, "expires_at")))) ok = false;
  if ((ok || o) && v["failure_message"] !== undefined && !(f42(v["failure_message"], o, o && C(a, "failure_message")))) ok = false;
  if ((ok || o) && v["upload"] !== undefined && !(v["upload"] === null ? P(o, C(a, "upload"), "must be object", true) : c_AssetUpload(v["upload"], o, o && C(a, "upload")))) ok = false;
  if ((ok || o) && v["upload_url"] !== undefined && !(v["upload_url"] === null ? P(o, C(a, "upload_url"), "must be string", true) : f0(v["upload_url"], o, o && C(a, "upload_url")))) ok = false;
  return ok;
}

type Check = (v: unknown, o?: Sink, a?: string) => boolean;
const CHECKS: Record<SchemaName, Check> = {
  TechniqueRunCreateRequest: c_TechniqueRunCreateRequest,
  TechniqueRun: c_TechniqueRun,
  ErrorEnvelope: c_ErrorEnvelope,
  StartTechniqueRunRequest: c_StartTechniqueRunRequest,
  RunStartedResponse: c_RunStartedResponse,
  ListTechniquesQuery: c_ListTechniquesQuery,
  TechniqueList: c_TechniqueList,
  Technique: c_Technique,
  ListTechniqueRunsQuery: c_ListTechniqueRunsQuery,
  TechniqueRunList: c_TechniqueRunList,
  WorkspaceList: c_WorkspaceList,
  ListAssetsQuery: c_ListAssetsQuery,
  AssetList: c_AssetList,
  AssetCreateRequest: c_AssetCreateRequest,
  AssetUploadForm: c_AssetUploadForm,
  AssetCreated: c_AssetCreated,
  Asset: c_Asset,
  AssetUploadState: c_AssetUploadState,
  RunWebhookEvent: c_RunWebhookEvent,
};

const LIVE_CHECKS: Record<LiveSchemaName, Check> = {
  TechniqueRun: c_TechniqueRun,
  ErrorEnvelope: c_ErrorEnvelope,
  RunStartedResponse: c_LiveRunStartedResponse,
  TechniqueList: c_LiveTechniqueList,
  Technique: c_Technique,
  TechniqueRunList: c_LiveTechniqueRunList,
  WorkspaceList: c_LiveWorkspaceList,
  AssetList: c_LiveAssetList,
  AssetCreated: c_AssetCreated,
  Asset: c_LiveAsset,
  AssetUploadState: c_LiveAssetUploadState,
  RunWebhookEvent: c_RunWebhookEvent,
};

/** Every problem of `data` against `name`, the first per field, in ajv's order (empty when valid). */
export function schemaProblems(name: SchemaName, data: unknown): SchemaProblem[] {
  return problemsOf(CHECKS[name], data);
}

/** Every problem of `data` against `name` as the live layer has it (FLORA's SDK's documented nulls and values are no problem there). */
export function liveSchemaProblems(name: LiveSchemaName, data: unknown): SchemaProblem[] {
  return problemsOf(LIVE_CHECKS[name], data);
}

function problemsOf(check: Check, data: unknown): SchemaProblem[] {
  if (check(data)) return [];
  const found: Found[] = [];
  check(data, found);
  const out = new Map<string, SchemaProblem>();
  for (const [f, message, tolerable] of found) if (!out.has(f || '(body)')) out.set(f || '(body)', { field: f || '(body)', message, tolerable });
  return [...out.values()];
}

/** A problem shared by every field of one path pattern: `field` is the first of them, `count` how many there are. */
export interface ProblemPattern extends SchemaProblem {
  /** The path with its array indexes left out: `outputs[].type`. */
  pattern: string;
  count: number;
}

/**
 * The problems of `data` against `name` by field path pattern (`outputs[3].type` and `outputs[7].type` are
 * one, `outputs[].type`) and kind (a tolerable and a fatal problem of one pattern are two), in the order
 * first found; at most `max` patterns, and when more are found, one more saying whether any of them is
 * fatal. Memory stays bounded however large `data` is: what a reader of a large answer needs.
 */
export function problemPatterns(name: SchemaName, data: unknown, max = 50): ProblemPattern[] {
  return patternsOf(CHECKS[name], data, max);
}

/** `problemPatterns` as the live layer has them (`liveSchemaProblems`). */
export function liveProblemPatterns(name: LiveSchemaName, data: unknown, max = 50): ProblemPattern[] {
  return patternsOf(LIVE_CHECKS[name], data, max);
}

function patternsOf(check: Check, data: unknown, max: number): ProblemPattern[] {
  if (check(data)) return [];
  const out = new Map<string, ProblemPattern>();
  let more: ProblemPattern | undefined;
  check(data, {
    push([f, message, tolerable]) {
      const field = f || '(body)';
      const pattern = field.replace(/\[\d+\]/g, '[]');
      const key = `${tolerable ? 't' : 'f'}${pattern}`;
      const seen = out.get(key);
      if (seen) seen.count++;
      else if (out.size < max) out.set(key, { field, message, tolerable, pattern, count: 1 });
      else if (!more || (more.tolerable && !tolerable)) more = { field, message, tolerable, pattern: '(more)', count: (more?.count ?? 0) + 1 };
      else more.count++;
    },
  });
  return more ? [...out.values(), more] : [...out.values()];
}

/** The problems of `data` against `name` as the API reports them: `{ field, message }`, one per field. */
export function validate(name: SchemaName, data: unknown): FieldError[] {
  return CHECKS[name](data) ? [] : schemaProblems(name, data).map(({ field, message }) => ({ field, message }));
}
