// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.

// The answers the client returns, typed as it reads them: open enums, `null` where a property is optional
// or FLORA's SDK says it may be null. See scripts/generate-answers.ts.
export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description Run status
         * @enum {string}
         */
        RunStatus: "pending" | "running" | "completed" | "failed" | (string & {});
        /**
         * @description Run output media type
         * @enum {string}
         */
        OutputType: "imageUrl" | "videoUrl" | "audioUrl" | "text" | "documentUrl" | (string & {});
        /** @description One output of a run. */
        RunOutput: {
            /** @description Run output identifier */
            output_id: string;
            type: components["schemas"]["OutputType"];
            /** @description Run output URL */
            url: string;
        };
        /** @description A technique run, as returned when it is started and when it is read. */
        TechniqueRun: {
            created_at: number;
            progress: number;
            /** @description Run identifier */
            run_id: string;
            status: components["schemas"]["RunStatus"];
            charged_cost?: number | null;
            completed_at?: number | null;
            /** @description Machine-readable run error code */
            error_code?: string | null;
            /** @description Human-readable run error message */
            error_message?: string | null;
            outputs?: components["schemas"]["RunOutput"][] | null;
            poll_url?: string | null;
            started_at?: number | null;
        };
        /**
         * @description Run type
         * @enum {string}
         */
        RunType: "generation" | "technique" | "action" | (string & {});
        /**
         * @description Action identifier. These are the values of FLORA's reference pages. FLORA's SDK 0.11.0 lists 40, of which only the 19 video actions are among these: the image and text actions carry a `-browser` suffix there, and some are new (its 21 others are in the live layer, `spec/live.overlay.yaml`). Clients read values they do not know as data.
         * @enum {string}
         */
        ActionId: "split-text" | "find-and-replace-text" | "concat-text" | "ken-burns-video" | "color-grade-image" | "change-image-ar" | "rotate-image" | "flip-image" | "color-filter-image" | "color-tint-image" | "filter-color-image" | "blur-image" | "duplicate-image" | "side-by-side-composite" | "add-shape-to-image" | "generate-shape-image" | "add-text-to-image" | "generate-text-image" | "qr-code-generator" | "stitch-videos" | "split-video" | "extract-video-frames" | "color-grade-video" | "video-to-frame-grid" | "boomerang-video" | "reverse-video" | "video-to-long-exposure" | "video-effect" | "color-filter-video" | "speed-up-video" | "slow-down-video" | "duplicate-video" | "greenscreen-video" | "resize-video" | "change-video-ar" | "split-audio-from-video" | "merge-audio-into-video" | "color-grade-image-browser" | "overlay-image-browser" | "draw-image-browser" | "crop-image-browser" | "scene-3d-image-browser" | "blur-image-browser" | "change-image-ar-browser" | "rotate-image-browser" | "color-filter-image-browser" | "color-tint-image-browser" | "filter-color-image-browser" | "duplicate-image-browser" | "side-by-side-composite-browser" | "add-shape-to-image-browser" | "add-text-to-image-browser" | "qr-code-generator-browser" | "resize-image-browser" | "shader-effect-browser" | "split-text-browser" | "find-and-replace-text-browser" | "concat-text-browser" | (string & {});
        /** @description A run started through the top-level run resource. FLORA's SDK 0.11.0 types `estimated_seconds`, `action`, `model`, `poll_url`, `project_id` and `technique` as nullable (the live layer, `spec/live.overlay.yaml`); clients read a `null` there as "not known". `charged_cost` is the cost quoted at start: the run's final charge is read from the run once it has ended. */
        RunStartedResponse: {
            /** @description Cost charged in USD */
            charged_cost: number;
            /** @description Seconds the run is expected to take. */
            estimated_seconds: number | null;
            /** @description Run identifier */
            run_id: string;
            type: components["schemas"]["RunType"];
            action?: {
                action_id: components["schemas"]["ActionId"];
            } | null;
            model?: {
                /** @description Model identifier */
                model_id: string;
            } | null;
            /**
             * Format: uri
             * @description URL to poll pending/running runs or fetch completed/failed run details.
             */
            poll_url?: string | null;
            /** @description Project identifier */
            project_id?: string | null;
            technique?: {
                /** @description Technique name */
                name: string;
                /** @description Technique identifier */
                technique_id: string;
            } | null;
        };
        /**
         * @description Media type of a technique's input or output
         * @enum {string}
         */
        TechniqueMediaType: "imageUrl" | "videoUrl" | "audioUrl" | "text" | "documentUrl" | (string & {});
        /** @description One input or output of a technique's definition. */
        TechniqueInputOutput: {
            /** @description Technique input or output identifier */
            id: string;
            /** @description Technique input or output display name */
            name: string;
            type: components["schemas"]["TechniqueMediaType"];
            /** @description When true, fill this input by passing an element id as the input value */
            accepts_element?: boolean | null;
            /** @description When true, multiple values may be provided for this input (one run per value) */
            allow_multiple?: boolean | null;
            /** @description Technique input or output description */
            description?: string | null;
            /** @description When true, this input may be omitted when running the technique */
            optional?: boolean | null;
            /** @description Required aspect ratio */
            specified_aspect_ratio?: string | null;
            /** @description Required duration in seconds */
            specified_duration?: number | null;
        };
        /** @description A technique's public definition. */
        Technique: {
            /** @description Technique identifier (tech_...) */
            technique_id: string;
            /** @description Technique name */
            name: string;
            /** @description Technique description */
            description?: string | null;
            /** @description Cost per run in USD */
            run_cost: number;
            inputs: components["schemas"]["TechniqueInputOutput"][];
            outputs: components["schemas"]["TechniqueInputOutput"][];
        };
        /** @description Where the next page starts; no next_cursor (or null) on the last page. */
        PageMeta: {
            /** @description The cursor of the next page */
            next_cursor?: string | null;
        };
        /** @description One page of techniques. */
        TechniqueList: {
            techniques: components["schemas"]["Technique"][];
            meta: components["schemas"]["PageMeta"];
        };
        /** @description The technique a run is of. */
        RunTechnique: {
            /** @description Technique name */
            name: string;
            /** @description Technique identifier */
            technique_id: string;
        };
        /** @description A run as the run list shows it. */
        TechniqueRunListItem: {
            created_at: number;
            progress: number;
            /** @description Project identifier */
            project_id: string;
            /** @description Run identifier */
            run_id: string;
            status: components["schemas"]["RunStatus"];
            technique: components["schemas"]["RunTechnique"];
            /** @description Run identifier (the technique run's own) */
            technique_run_id: string;
            /** @description Workspace identifier */
            workspace_id: string;
            charged_cost?: number | null;
            completed_at?: number | null;
            /** @description Machine-readable run error code */
            error_code?: string | null;
            /** @description Human-readable run error message */
            error_message?: string | null;
            outputs?: components["schemas"]["RunOutput"][] | null;
            /** @description URL to poll pending/running runs or fetch completed/failed run details. */
            poll_url?: string | null;
            started_at?: number | null;
        };
        /** @description One page of runs. */
        TechniqueRunList: {
            technique_runs: components["schemas"]["TechniqueRunListItem"][];
            meta: components["schemas"]["PageMeta"];
        };
        /** @description A workspace the API key may use. */
        Workspace: {
            /** @description Workspace identifier (ws_...) */
            workspace_id: string;
            /** @description Workspace name */
            name: string;
            /** @description The caller's role in it */
            role: string;
            /** @description When it was created, unix seconds; null when unknown */
            created_at: number | null;
        };
        /** @description The workspaces of an API key. */
        WorkspaceList: {
            workspaces: components["schemas"]["Workspace"][];
        };
        /**
         * @description An asset's status: `pending_upload` until its bytes are stored and processed, then `ready` or `failed` (FLORA's SDK 0.11.0).
         * @enum {string}
         */
        AssetStatus: "pending_upload" | "ready" | "failed" | (string & {});
        /**
         * @description How an asset's bytes came: `url` (server-side fetch), `signed_url` (a presigned upload) or `direct` (multipart bytes in the create request) (FLORA's SDK 0.11.0).
         * @enum {string}
         */
        AssetUploadedVia: "url" | "signed_url" | "direct" | (string & {});
        /**
         * @description Who may see an asset (FLORA's SDK 0.11.0 knows one value).
         * @enum {string}
         */
        AssetVisibility: "workspace" | (string & {});
        /** @description Where a signed upload's bytes go: a multipart/form-data POST to `url`, with every `form_fields` entry as a text part before the file, in the `file_field` part (FLORA's SDK 0.11.0 types `method`, `content_type` and `file_field` as these single values). The storage host is not the API: it takes no Authorization. */
        AssetUpload: {
            /**
             * Format: uri
             * @description The upload target.
             */
            url: string;
            /**
             * @description The HTTP method (POST).
             * @enum {string}
             */
            method: "POST" | (string & {});
            /**
             * @description The upload's content type.
             * @enum {string}
             */
            content_type: "multipart/form-data" | (string & {});
            /**
             * @description The name of the form part the file goes in.
             * @enum {string}
             */
            file_field: "file" | (string & {});
            /** @description Form fields to send before the file, as they are. */
            form_fields: {
                [key: string]: string;
            };
        };
        /** @description The answer to an asset create (FLORA's SDK 0.11.0, `AssetCreateResponse`). A signed upload's carries `upload` and `expires_at`; FLORA's SDK also knows `upload_url`, a presigned URL taking the raw bytes by PUT, for when `upload` is absent. */
        AssetCreated: {
            /** @description Asset identifier */
            asset_id: string;
            status: components["schemas"]["AssetStatus"];
            uploaded_via: components["schemas"]["AssetUploadedVia"];
            /** @description The asset's URL (what technique inputs take once it is ready) */
            url: string;
            visibility: components["schemas"]["AssetVisibility"];
            /** @description Workspace identifier */
            workspace_id: string;
            /** @description When the upload target expires (ISO 8601) */
            expires_at?: string | null;
            upload?: components["schemas"]["AssetUpload"] | null;
            /** @description A presigned URL taking the raw bytes by PUT */
            upload_url?: string | null;
        };
        /** @description An asset after a signed upload was completed or renewed (FLORA's SDK 0.11.0, `AssetCompleteResponse` and `AssetRetryResponse`, which are the same; they type `url`, `workspace_id` and `failure_message` as nullable: the live layer, `spec/live.overlay.yaml`). */
        AssetUploadState: {
            /** @description Asset identifier */
            asset_id: string;
            status: components["schemas"]["AssetStatus"];
            /** @description The asset's URL */
            url: string | null;
            visibility: components["schemas"]["AssetVisibility"];
            /** @description Workspace identifier */
            workspace_id: string | null;
            /** @description When the upload target expires (ISO 8601) */
            expires_at?: string | null;
            /** @description Why the asset failed, when it did */
            failure_message?: string | null;
            upload?: components["schemas"]["AssetUpload"] | null;
            /** @description A presigned URL taking the raw bytes by PUT */
            upload_url?: string | null;
        };
        /** @description One asset's metadata (FLORA's SDK 0.11.0, `AssetRetrieveResponse`). The SDK always sends every field and types all but `asset_id`, `content_type`, `status` and `uploaded_via` as nullable (the live layer, `spec/live.overlay.yaml`): `null` when not known (a PDF has no width). Here they are optional, so a server may leave out what it does not know. */
        Asset: {
            /** @description Asset identifier */
            asset_id: string;
            /** @description The asset's media type */
            content_type: string;
            status: components["schemas"]["AssetStatus"];
            /** @description How its bytes came (`url`, `signed_url` or `direct`; FLORA's SDK types it as any string here) */
            uploaded_via: string;
            /** @description The asset's URL */
            url?: string | null;
            /** @description The asset's name */
            name?: string | null;
            /** @description The asset's description */
            description?: string | null;
            /** @description Its size in bytes */
            size_bytes?: number | null;
            /** @description Width in pixels, for images and videos */
            width?: number | null;
            /** @description Height in pixels, for images and videos */
            height?: number | null;
            /** @description The content type given at upload time */
            upload_content_type?: string | null;
            /** @description Why the asset failed, when it did */
            failure_message?: string | null;
            /** @description When it was created (ISO 8601; the list gives unix seconds instead, as FLORA's SDK types them) */
            created_at?: string | null;
            /** @description Workspace identifier */
            workspace_id?: string | null;
        };
        /** @description An asset as the asset list shows it (FLORA's SDK 0.11.0, `AssetListResponse`): `created_at` in unix seconds, and `project_id` and `node_id` besides; nullable fields as on `Asset`, `asset_id` too. */
        AssetListItem: {
            /** @description Asset identifier */
            asset_id: string | null;
            /** @description The asset's media type */
            content_type: string;
            status: components["schemas"]["AssetStatus"];
            /** @description How its bytes came (`url`, `signed_url` or `direct`) */
            uploaded_via: string;
            /** @description The asset's URL */
            url?: string | null;
            /** @description The asset's name */
            name?: string | null;
            /** @description The asset's description */
            description?: string | null;
            /** @description Its size in bytes */
            size_bytes?: number | null;
            /** @description Width in pixels */
            width?: number | null;
            /** @description Height in pixels */
            height?: number | null;
            /** @description The content type given at upload time */
            upload_content_type?: string | null;
            /** @description When it was created, unix seconds */
            created_at?: number | null;
            /** @description Workspace identifier */
            workspace_id?: string | null;
            /** @description Project identifier */
            project_id?: string | null;
            /** @description The canvas node it is on */
            node_id?: string | null;
        };
        /** @description One page of assets. */
        AssetList: {
            assets: components["schemas"]["AssetListItem"][];
            meta: components["schemas"]["PageMeta"];
        };
        /**
         * @description The kind of run a webhook reports (FLORA's SDK; action runs send none)
         * @enum {string}
         */
        WebhookRunType: "generation" | "technique" | (string & {});
        /**
         * @description Webhook event type
         * @enum {string}
         */
        WebhookEventType: "run.completed" | "run.failed" | (string & {});
        /** @description The event POSTed to a run's callback_url when the run ends. */
        RunWebhookEvent: {
            /** @description Delivery identifier (`whd_...`), also sent as Flora-Webhook-Id */
            id: string;
            type: components["schemas"]["WebhookEventType"];
            /** @description API version the event was rendered with */
            api_version: string;
            /** @description Unix milliseconds when the event was created (as FLORA's SDK documents it) */
            created_at: number;
            data: {
                /** @description Run identifier */
                run_id: string;
                run_type: components["schemas"]["WebhookRunType"];
                /** @description Workspace identifier */
                workspace_id: string;
                /**
                 * @description The run's final status
                 * @enum {string}
                 */
                status: "completed" | "failed" | (string & {});
                /** @description Machine-readable run error code, for failed runs */
                error_code?: string | null;
                /** @description Human-readable run error message, for failed runs */
                error_message?: string | null;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type RunStatus = components['schemas']['RunStatus'];
export type OutputType = components['schemas']['OutputType'];
export type RunOutput = components['schemas']['RunOutput'];
export type TechniqueRun = components['schemas']['TechniqueRun'];
export type RunType = components['schemas']['RunType'];
export type ActionId = components['schemas']['ActionId'];
export type RunStartedResponse = components['schemas']['RunStartedResponse'];
export type TechniqueMediaType = components['schemas']['TechniqueMediaType'];
export type TechniqueInputOutput = components['schemas']['TechniqueInputOutput'];
export type Technique = components['schemas']['Technique'];
export type PageMeta = components['schemas']['PageMeta'];
export type TechniqueList = components['schemas']['TechniqueList'];
export type RunTechnique = components['schemas']['RunTechnique'];
export type TechniqueRunListItem = components['schemas']['TechniqueRunListItem'];
export type TechniqueRunList = components['schemas']['TechniqueRunList'];
export type Workspace = components['schemas']['Workspace'];
export type WorkspaceList = components['schemas']['WorkspaceList'];
export type AssetStatus = components['schemas']['AssetStatus'];
export type AssetUploadedVia = components['schemas']['AssetUploadedVia'];
export type AssetVisibility = components['schemas']['AssetVisibility'];
export type AssetUpload = components['schemas']['AssetUpload'];
export type AssetCreated = components['schemas']['AssetCreated'];
export type AssetUploadState = components['schemas']['AssetUploadState'];
export type Asset = components['schemas']['Asset'];
export type AssetListItem = components['schemas']['AssetListItem'];
export type AssetList = components['schemas']['AssetList'];
export type WebhookRunType = components['schemas']['WebhookRunType'];
export type WebhookEventType = components['schemas']['WebhookEventType'];
export type RunWebhookEvent = components['schemas']['RunWebhookEvent'];
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
