// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.

/** The schemas the client checks at run time (request bodies, success bodies, the error envelope, the webhook event). */
export type ValidatedSchema = 'TechniqueRunCreateRequest' | 'StartTechniqueRunRequest' | 'TechniqueRun' | 'RunStartedResponse' | 'ErrorEnvelope' | 'RunWebhookEvent';

/**
 * Those schemas and the ones they refer to, reduced to the keywords src/validation.ts checks: annotations
 * dropped, `$ref` holding the bare component name.
 */
export const SCHEMAS: Record<string, object> = {
  "TechniqueRunCreateRequest": {
    "type": "object",
    "additionalProperties": false,
    "required": [
      "inputs",
      "mode"
    ],
    "properties": {
      "inputs": {
        "type": "array",
        "items": {
          "$ref": "TechniqueInput"
        }
      },
      "mode": {
        "$ref": "RunMode"
      },
      "callback_url": {
        "type": "string",
        "format": "uri",
        "pattern": "^https://"
      },
      "idempotency_key": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255
      }
    }
  },
  "StartTechniqueRunRequest": {
    "type": "object",
    "additionalProperties": false,
    "required": [
      "inputs",
      "technique_id",
      "workspace_id"
    ],
    "properties": {
      "inputs": {
        "type": "object",
        "additionalProperties": true
      },
      "technique_id": {
        "type": "string",
        "pattern": "^tech_"
      },
      "workspace_id": {
        "type": "string",
        "pattern": "^ws_"
      }
    }
  },
  "TechniqueRun": {
    "type": "object",
    "required": [
      "created_at",
      "progress",
      "run_id",
      "status"
    ],
    "properties": {
      "created_at": {
        "type": "number"
      },
      "progress": {
        "type": "number"
      },
      "run_id": {
        "type": "string"
      },
      "status": {
        "$ref": "RunStatus"
      },
      "charged_cost": {
        "type": "number"
      },
      "completed_at": {
        "type": "number"
      },
      "error_code": {
        "type": "string"
      },
      "error_message": {
        "type": "string"
      },
      "outputs": {
        "type": "array",
        "items": {
          "$ref": "RunOutput"
        }
      },
      "poll_url": {
        "type": "string"
      },
      "started_at": {
        "type": "number"
      }
    }
  },
  "RunStartedResponse": {
    "type": "object",
    "required": [
      "charged_cost",
      "estimated_seconds",
      "run_id",
      "type"
    ],
    "properties": {
      "charged_cost": {
        "type": "number",
        "minimum": 0
      },
      "estimated_seconds": {
        "type": "number",
        "minimum": 0
      },
      "run_id": {
        "type": "string"
      },
      "type": {
        "$ref": "RunType"
      },
      "action": {
        "type": "object",
        "required": [
          "action_id"
        ],
        "properties": {
          "action_id": {
            "$ref": "ActionId"
          }
        }
      },
      "model": {
        "type": "object",
        "required": [
          "model_id"
        ],
        "properties": {
          "model_id": {
            "type": "string",
            "minLength": 1
          }
        }
      },
      "poll_url": {
        "type": "string",
        "format": "uri"
      },
      "project_id": {
        "type": "string"
      },
      "technique": {
        "type": "object",
        "required": [
          "name",
          "technique_id"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "technique_id": {
            "type": "string"
          }
        }
      }
    }
  },
  "ErrorEnvelope": {
    "type": "object",
    "required": [
      "error"
    ],
    "properties": {
      "error": {
        "type": "object",
        "required": [
          "code",
          "message"
        ],
        "properties": {
          "code": {
            "$ref": "ErrorCode"
          },
          "message": {
            "type": "string"
          },
          "fields": {
            "type": "array",
            "items": {
              "$ref": "FieldError"
            }
          }
        }
      }
    }
  },
  "RunWebhookEvent": {
    "type": "object",
    "required": [
      "id",
      "type",
      "api_version",
      "created_at",
      "data"
    ],
    "properties": {
      "id": {
        "type": "string"
      },
      "type": {
        "$ref": "WebhookEventType"
      },
      "api_version": {
        "type": "string"
      },
      "created_at": {
        "type": "number"
      },
      "data": {
        "type": "object",
        "required": [
          "run_id",
          "run_type",
          "workspace_id",
          "status"
        ],
        "properties": {
          "run_id": {
            "type": "string"
          },
          "run_type": {
            "$ref": "RunType"
          },
          "workspace_id": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "completed",
              "failed"
            ]
          },
          "error_code": {
            "type": "string"
          },
          "error_message": {
            "type": "string"
          }
        }
      }
    }
  },
  "TechniqueInput": {
    "type": "object",
    "additionalProperties": false,
    "required": [
      "id",
      "type",
      "value"
    ],
    "properties": {
      "id": {
        "type": "string"
      },
      "type": {
        "$ref": "InputType"
      },
      "value": {
        "type": "string"
      }
    }
  },
  "RunMode": {
    "type": "string",
    "enum": [
      "async",
      "stream"
    ]
  },
  "RunStatus": {
    "type": "string",
    "enum": [
      "pending",
      "running",
      "completed",
      "failed"
    ]
  },
  "RunOutput": {
    "type": "object",
    "required": [
      "output_id",
      "type",
      "url"
    ],
    "properties": {
      "output_id": {
        "type": "string"
      },
      "type": {
        "$ref": "OutputType"
      },
      "url": {
        "type": "string"
      }
    }
  },
  "RunType": {
    "type": "string",
    "enum": [
      "generation",
      "technique",
      "action"
    ]
  },
  "ActionId": {
    "type": "string",
    "enum": [
      "split-text",
      "find-and-replace-text",
      "concat-text",
      "ken-burns-video",
      "color-grade-image",
      "change-image-ar",
      "rotate-image",
      "flip-image",
      "color-filter-image",
      "color-tint-image",
      "filter-color-image",
      "blur-image",
      "duplicate-image",
      "side-by-side-composite",
      "add-shape-to-image",
      "generate-shape-image",
      "add-text-to-image",
      "generate-text-image",
      "qr-code-generator",
      "stitch-videos",
      "split-video",
      "extract-video-frames",
      "color-grade-video",
      "video-to-frame-grid",
      "boomerang-video",
      "reverse-video",
      "video-to-long-exposure",
      "video-effect",
      "color-filter-video",
      "speed-up-video",
      "slow-down-video",
      "duplicate-video",
      "greenscreen-video",
      "resize-video",
      "change-video-ar",
      "split-audio-from-video",
      "merge-audio-into-video"
    ]
  },
  "ErrorCode": {
    "type": "string",
    "enum": [
      "input_validation_error",
      "unauthorized",
      "insufficient_credits",
      "forbidden",
      "not_found",
      "idempotency_duplicate",
      "rate_limited",
      "unknown_error"
    ]
  },
  "FieldError": {
    "type": "object",
    "required": [
      "field",
      "message"
    ],
    "properties": {
      "field": {
        "type": "string"
      },
      "message": {
        "type": "string"
      }
    }
  },
  "WebhookEventType": {
    "type": "string",
    "enum": [
      "run.completed",
      "run.failed"
    ]
  },
  "InputType": {
    "type": "string",
    "enum": [
      "text",
      "imageUrl",
      "videoUrl"
    ]
  },
  "OutputType": {
    "type": "string",
    "enum": [
      "imageUrl",
      "videoUrl",
      "audioUrl",
      "text",
      "documentUrl"
    ]
  }
};

/** RFC 3986 URI: ajv-formats' full-mode `uri` (MIT). Its other test, for a `/` or `:`, always holds when this matches. */
export const URI_FORMAT = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;
