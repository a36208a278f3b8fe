// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.
export interface paths {
    "/techniques/{techniqueId}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a technique run
         * @description Starts a run for a specific technique using the backward-compatible nested route. Mutating public API requests support an optional Idempotency-Key header for client retries; duplicate keys within two hours return idempotency_duplicate.
         */
        post: operations["createTechniqueRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/techniques/{techniqueId}/runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a technique run
         * @description Returns status, progress, outputs, and error details for a technique run when it is accessible to the authenticated public API key.
         */
        get: operations["getTechniqueRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/technique": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a top-level technique run
         * @description Starts a technique run through the normalized top-level run resource using technique_id, workspace_id, and inputs. technique_id must use the tech_ public API ID returned by list techniques. Mutating public API requests support an optional Idempotency-Key header for client retries; duplicate keys within two hours return idempotency_duplicate.
         */
        post: operations["startTechniqueRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/techniques": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List techniques
         * @description Returns the reusable FLORA techniques visible to the authenticated public API key, newest first, a page at a time: pass `meta.next_cursor` as `cursor` for the next page. Use workspace_id and query to filter the catalog. Not on FLORA's reference pages for the technique-run operations; shaped as FLORA's SDK 0.11.0 has it (`techniques.list`).
         */
        get: operations["listTechniques"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/techniques/{techniqueId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a technique
         * @description Returns the public definition of one technique, including the inputs and outputs a run of it takes and makes. Not on FLORA's reference pages for the technique-run operations; shaped as FLORA's SDK 0.11.0 has it (`techniques.retrieve`).
         */
        get: operations["getTechnique"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/technique-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List technique runs
         * @description Lists the technique runs of the authenticated caller, pending, running, completed and failed, newest first, a page at a time: pass `meta.next_cursor` as `cursor` for the next page. Filter by workspace_id, project_id, technique_id and status. Each item has a poll_url. Not on FLORA's reference pages for the technique-run operations; shaped as FLORA's SDK 0.11.0 has it (`techniques.runs.list`).
         */
        get: operations["listTechniqueRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List workspaces
         * @description Returns the workspaces available to the authenticated public API key, with each workspace's public id (the ws_ id top-level starts take), name, creation time and the caller's role. Not paginated. Not on FLORA's reference pages for the technique-run operations; shaped as FLORA's SDK 0.11.0 has it (`workspaces.list`).
         */
        get: operations["listWorkspaces"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a run by id
         * @description Returns status, progress, outputs and error details of a public API run by its id alone: the route a top-level run's poll_url points at. Not on FLORA's reference pages for the three technique-run operations; FLORA's SDK 0.11.0 calls it `generations.retrieve` and types the answer field for field like a technique run.
         */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List assets
         * @description Returns the assets visible to the authenticated public API key, a page at a time: pass `meta.next_cursor` as `cursor` for the next page. Filter by workspace, project canvas and search query; no file bytes or internal graph data. Not on FLORA's reference pages; shaped as FLORA's SDK 0.11.0 has it (`assets.list`, `AssetsCursorPage`: items under `assets`, `meta.next_cursor`).
         */
        get: operations["listAssets"];
        put?: never;
        /**
         * Create an asset
         * @description Creates an asset in one of three ways. (1) Direct bytes: multipart/form-data with a `file` part of at most 4 MB (4,194,304 bytes) and `workspace_id`; FLORA stores the bytes and answers the asset. (2) Server-side fetch: JSON whose `source` is a public HTTPS URL (at most 50 MB), which FLORA fetches with SSRF protection (private, loopback and metadata addresses, and redirects to them, are refused). (3) Signed upload: JSON with `source: signed-url` reserves a presigned upload for a file over 4 MB: POST the bytes as multipart/form-data to `upload.url` with `upload.form_fields` first and the file in the `upload.file_field` part (the storage host is not the API: send it no Authorization), then call `POST /assets/{assetId}/complete` before `expires_at`. Allowed types: images (jpeg, png, webp, gif, avif, heic, heif; at most 150 megapixels), video (mp4, webm, quicktime), audio (mpeg, wav, ogg) and pdf. `project_id` also shows the asset on that project's canvas. Mutating public API requests support an optional Idempotency-Key header for client retries; duplicate keys within two hours return idempotency_duplicate. Not on FLORA's reference pages; shaped as FLORA's SDK 0.11.0 has it (`assets.create`; the three ways, the 4 MB and 50 MB limits, the allowed types and the upload target's fields from its documentation and `AssetCreateResponse`; the multipart form from `lib/upload`, which sends `file`, `workspace_id`, `content_type`, `file_name`, `folder` and `project_id`). The SDK does not say which 2xx status answers; 200, as every other operation here.
         */
        post: operations["createAsset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/{assetId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an asset
         * @description Returns one asset's metadata when it is accessible to the authenticated public API key; missing and inaccessible assets both answer 404. An asset is `pending_upload` until its bytes are stored and processed, then `ready` (its `url` is what technique inputs take) or `failed` (with `failure_message`). Not on FLORA's reference pages; shaped as FLORA's SDK 0.11.0 has it (`assets.retrieve`, `AssetRetrieveResponse`).
         */
        get: operations["getAsset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/{assetId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete a signed upload
         * @description Marks a signed asset upload as complete after its bytes were sent to the upload target; the asset is then processed and becomes `ready` or `failed`. Mutating public API requests support an optional Idempotency-Key header for client retries; duplicate keys within two hours return idempotency_duplicate. Not on FLORA's reference pages; shaped as FLORA's SDK 0.11.0 has it (`assets.complete`, `AssetCompleteResponse`; no request body).
         */
        post: operations["completeAsset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/{assetId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Renew a signed upload
         * @description Creates a fresh signed upload reservation (`upload`, `expires_at`) for a failed or expired asset upload; send the bytes again, then complete it. Mutating public API requests support an optional Idempotency-Key header for client retries; duplicate keys within two hours return idempotency_duplicate. Not on FLORA's reference pages; shaped as FLORA's SDK 0.11.0 has it (`assets.retry`, `AssetRetryResponse`; no request body).
         */
        post: operations["retryAsset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    runEnded: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A run ended
         * @description Sent to a run's `callback_url` when the run completes or fails. The body is signed: `Flora-Signature: t=<unix seconds>,v1=<hex>`, where the hex is the HMAC-SHA256 of `<t>.<raw body>` keyed with the workspace's `whsec_` secret. Several `v1=` values may appear while a secret is rotated. Reject events whose timestamp is too old.
         */
        post: operations["runEndedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /**
         * @description Technique input type
         * @enum {string}
         */
        InputType: "text" | "imageUrl" | "videoUrl";
        /** @description One technique input. */
        TechniqueInput: {
            /** @description Technique input identifier */
            id: string;
            type: components["schemas"]["InputType"];
            /** @description Technique input value */
            value: string;
        };
        /**
         * @description Technique run execution mode
         * @enum {string}
         */
        RunMode: "async" | "stream";
        /** @description Body of a nested technique run request. */
        TechniqueRunCreateRequest: {
            /** @description Technique inputs */
            inputs: components["schemas"]["TechniqueInput"][];
            mode: components["schemas"]["RunMode"];
            /**
             * Format: uri
             * @description HTTPS callback URL for asynchronous run completion notifications
             */
            callback_url?: string;
            /** @description Idempotency key for safely retrying requests */
            idempotency_key?: string;
        };
        /** @description Body of a top-level technique run request. */
        StartTechniqueRunRequest: {
            /** @description Technique inputs */
            inputs: {
                [key: string]: unknown;
            };
            /** @description Technique identifier. Use the public API ID returned by list techniques; it must start with tech_. */
            technique_id: string;
            /** @description Workspace identifier. Use the public API ID returned by list workspaces; it must start with ws_. */
            workspace_id: string;
        };
        /**
         * @description Run status
         * @enum {string}
         */
        RunStatus: "pending" | "running" | "completed" | "failed";
        /**
         * @description Run output media type
         * @enum {string}
         */
        OutputType: "imageUrl" | "videoUrl" | "audioUrl" | "text" | "documentUrl";
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
            charged_cost?: number;
            completed_at?: number;
            /** @description Machine-readable run error code */
            error_code?: string;
            /** @description Human-readable run error message */
            error_message?: string;
            outputs?: components["schemas"]["RunOutput"][];
            poll_url?: string;
            started_at?: number;
        };
        /**
         * @description Run type
         * @enum {string}
         */
        RunType: "generation" | "technique" | "action";
        /**
         * @description Action identifier. These are the values of FLORA's reference pages. FLORA's SDK 0.11.0 lists 40, of which only the 19 video actions are among these: the image and text actions carry a `-browser` suffix there, and some are new (its 21 others are in the live layer, `spec/live.overlay.yaml`). Clients read values they do not know as data.
         * @enum {string}
         */
        ActionId: "split-text" | "find-and-replace-text" | "concat-text" | "ken-burns-video" | "color-grade-image" | "change-image-ar" | "rotate-image" | "flip-image" | "color-filter-image" | "color-tint-image" | "filter-color-image" | "blur-image" | "duplicate-image" | "side-by-side-composite" | "add-shape-to-image" | "generate-shape-image" | "add-text-to-image" | "generate-text-image" | "qr-code-generator" | "stitch-videos" | "split-video" | "extract-video-frames" | "color-grade-video" | "video-to-frame-grid" | "boomerang-video" | "reverse-video" | "video-to-long-exposure" | "video-effect" | "color-filter-video" | "speed-up-video" | "slow-down-video" | "duplicate-video" | "greenscreen-video" | "resize-video" | "change-video-ar" | "split-audio-from-video" | "merge-audio-into-video";
        /** @description A run started through the top-level run resource. FLORA's SDK 0.11.0 types `estimated_seconds`, `action`, `model`, `poll_url`, `project_id` and `technique` as nullable (the live layer, `spec/live.overlay.yaml`); clients read a `null` there as "not known". `charged_cost` is the cost quoted at start: the run's final charge is read from the run once it has ended. */
        RunStartedResponse: {
            /** @description Cost charged in USD */
            charged_cost: number;
            /** @description Seconds the run is expected to take. */
            estimated_seconds: number;
            /** @description Run identifier */
            run_id: string;
            type: components["schemas"]["RunType"];
            action?: {
                action_id: components["schemas"]["ActionId"];
            };
            model?: {
                /** @description Model identifier */
                model_id: string;
            };
            /**
             * Format: uri
             * @description URL to poll pending/running runs or fetch completed/failed run details.
             */
            poll_url?: string;
            /** @description Project identifier */
            project_id?: string;
            technique?: {
                /** @description Technique name */
                name: string;
                /** @description Technique identifier */
                technique_id: string;
            };
        };
        /**
         * @description Media type of a technique's input or output
         * @enum {string}
         */
        TechniqueMediaType: "imageUrl" | "videoUrl" | "audioUrl" | "text" | "documentUrl";
        /** @description One input or output of a technique's definition. */
        TechniqueInputOutput: {
            /** @description Technique input or output identifier */
            id: string;
            /** @description Technique input or output display name */
            name: string;
            type: components["schemas"]["TechniqueMediaType"];
            /** @description When true, fill this input by passing an element id as the input value */
            accepts_element?: boolean;
            /** @description When true, multiple values may be provided for this input (one run per value) */
            allow_multiple?: boolean;
            /** @description Technique input or output description */
            description?: string;
            /** @description When true, this input may be omitted when running the technique */
            optional?: boolean;
            /** @description Required aspect ratio */
            specified_aspect_ratio?: string;
            /** @description Required duration in seconds */
            specified_duration?: number;
        };
        /** @description A technique's public definition. */
        Technique: {
            /** @description Technique identifier (tech_...) */
            technique_id: string;
            /** @description Technique name */
            name: string;
            /** @description Technique description */
            description?: string;
            /** @description Cost per run in USD */
            run_cost: number;
            inputs: components["schemas"]["TechniqueInputOutput"][];
            outputs: components["schemas"]["TechniqueInputOutput"][];
        };
        /** @description Where the next page starts; no next_cursor (or null) on the last page. */
        PageMeta: {
            /** @description The cursor of the next page */
            next_cursor?: string;
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
            charged_cost?: number;
            completed_at?: number;
            /** @description Machine-readable run error code */
            error_code?: string;
            /** @description Human-readable run error message */
            error_message?: string;
            outputs?: components["schemas"]["RunOutput"][];
            /** @description URL to poll pending/running runs or fetch completed/failed run details. */
            poll_url?: string;
            started_at?: number;
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
            created_at: number;
        };
        /** @description The workspaces of an API key. */
        WorkspaceList: {
            workspaces: components["schemas"]["Workspace"][];
        };
        /**
         * @description An asset's status: `pending_upload` until its bytes are stored and processed, then `ready` or `failed` (FLORA's SDK 0.11.0).
         * @enum {string}
         */
        AssetStatus: "pending_upload" | "ready" | "failed";
        /**
         * @description How an asset's bytes came: `url` (server-side fetch), `signed_url` (a presigned upload) or `direct` (multipart bytes in the create request) (FLORA's SDK 0.11.0).
         * @enum {string}
         */
        AssetUploadedVia: "url" | "signed_url" | "direct";
        /**
         * @description Who may see an asset (FLORA's SDK 0.11.0 knows one value).
         * @enum {string}
         */
        AssetVisibility: "workspace";
        /** @description Body of a JSON asset create: a server-side fetch (`source` an HTTPS URL) or a signed upload reservation (`source: signed-url`) (FLORA's SDK 0.11.0, `AssetCreateParams`). */
        AssetCreateRequest: {
            /** @description `signed-url` to reserve a presigned upload, or a public HTTPS URL (at most 50 MB) for FLORA to fetch. */
            source: string;
            /** @description Workspace identifier (the ws_ id list workspaces returns). */
            workspace_id: string;
            /** @description Project identifier (prj_...); the asset is also shown on that project's canvas. */
            project_id?: string;
            /** @description The file's media type, e.g. image/png. */
            content_type?: string;
            /** @description The file's name. */
            file_name?: string;
            /** @description Destination folder. */
            folder?: string;
        };
        /** @description Body of a multipart asset create: the file's bytes (at most 4 MB) in the `file` part and the other fields as text parts (FLORA's SDK 0.11.0: `lib/upload`'s direct path). */
        AssetUploadForm: {
            /**
             * Format: binary
             * @description The file's bytes, at most 4 MB (4,194,304 bytes).
             */
            file: string;
            /** @description Workspace identifier (the ws_ id list workspaces returns). */
            workspace_id: string;
            /** @description Project identifier (prj_...); the asset is also shown on that project's canvas. */
            project_id?: string;
            /** @description The file's media type; else the part's own. */
            content_type?: string;
            /** @description The file's name; else the part's own. */
            file_name?: string;
            /** @description Destination folder. */
            folder?: string;
        };
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
            method: "POST";
            /**
             * @description The upload's content type.
             * @enum {string}
             */
            content_type: "multipart/form-data";
            /**
             * @description The name of the form part the file goes in.
             * @enum {string}
             */
            file_field: "file";
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
            expires_at?: string;
            upload?: components["schemas"]["AssetUpload"];
            /** @description A presigned URL taking the raw bytes by PUT */
            upload_url?: string;
        };
        /** @description An asset after a signed upload was completed or renewed (FLORA's SDK 0.11.0, `AssetCompleteResponse` and `AssetRetryResponse`, which are the same; they type `url`, `workspace_id` and `failure_message` as nullable: the live layer, `spec/live.overlay.yaml`). */
        AssetUploadState: {
            /** @description Asset identifier */
            asset_id: string;
            status: components["schemas"]["AssetStatus"];
            /** @description The asset's URL */
            url: string;
            visibility: components["schemas"]["AssetVisibility"];
            /** @description Workspace identifier */
            workspace_id: string;
            /** @description When the upload target expires (ISO 8601) */
            expires_at?: string;
            /** @description Why the asset failed, when it did */
            failure_message?: string;
            upload?: components["schemas"]["AssetUpload"];
            /** @description A presigned URL taking the raw bytes by PUT */
            upload_url?: string;
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
            url?: string;
            /** @description The asset's name */
            name?: string;
            /** @description The asset's description */
            description?: string;
            /** @description Its size in bytes */
            size_bytes?: number;
            /** @description Width in pixels, for images and videos */
            width?: number;
            /** @description Height in pixels, for images and videos */
            height?: number;
            /** @description The content type given at upload time */
            upload_content_type?: string;
            /** @description Why the asset failed, when it did */
            failure_message?: string;
            /** @description When it was created (ISO 8601; the list gives unix seconds instead, as FLORA's SDK types them) */
            created_at?: string;
            /** @description Workspace identifier */
            workspace_id?: string;
        };
        /** @description An asset as the asset list shows it (FLORA's SDK 0.11.0, `AssetListResponse`): `created_at` in unix seconds, and `project_id` and `node_id` besides; nullable fields as on `Asset`, `asset_id` too. */
        AssetListItem: {
            /** @description Asset identifier */
            asset_id: string;
            /** @description The asset's media type */
            content_type: string;
            status: components["schemas"]["AssetStatus"];
            /** @description How its bytes came (`url`, `signed_url` or `direct`) */
            uploaded_via: string;
            /** @description The asset's URL */
            url?: string;
            /** @description The asset's name */
            name?: string;
            /** @description The asset's description */
            description?: string;
            /** @description Its size in bytes */
            size_bytes?: number;
            /** @description Width in pixels */
            width?: number;
            /** @description Height in pixels */
            height?: number;
            /** @description The content type given at upload time */
            upload_content_type?: string;
            /** @description When it was created, unix seconds */
            created_at?: number;
            /** @description Workspace identifier */
            workspace_id?: string;
            /** @description Project identifier */
            project_id?: string;
            /** @description The canvas node it is on */
            node_id?: string;
        };
        /** @description One page of assets. */
        AssetList: {
            assets: components["schemas"]["AssetListItem"][];
            meta: components["schemas"]["PageMeta"];
        };
        /**
         * @description Machine-readable error code
         * @enum {string}
         */
        ErrorCode: "input_validation_error" | "unauthorized" | "insufficient_credits" | "forbidden" | "not_found" | "idempotency_duplicate" | "rate_limited" | "unknown_error";
        /** @description One invalid field of a request. */
        FieldError: {
            /** @description The field's path, e.g. `prompt` or `inputs[0].type` */
            field: string;
            /** @description What is wrong with it */
            message: string;
        };
        /** @description The one envelope every error response uses. */
        ErrorEnvelope: {
            error: {
                code: components["schemas"]["ErrorCode"];
                /** @description Human-readable error message */
                message: string;
                /** @description The invalid fields, for input_validation_error */
                fields?: components["schemas"]["FieldError"][];
            };
        };
        /**
         * @description The kind of run a webhook reports (FLORA's SDK; action runs send none)
         * @enum {string}
         */
        WebhookRunType: "generation" | "technique";
        /**
         * @description Webhook event type
         * @enum {string}
         */
        WebhookEventType: "run.completed" | "run.failed";
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
                status: "completed" | "failed";
                /** @description Machine-readable run error code, for failed runs */
                error_code?: string;
                /** @description Human-readable run error message, for failed runs */
                error_message?: string;
            };
        };
    };
    responses: {
        /** @description The technique run. */
        TechniqueRun: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["TechniqueRun"];
            };
        };
        /** @description The request is invalid; `fields` names each offending field. */
        InputValidationError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "input_validation_error",
                 *         "message": "prompt: Required",
                 *         "fields": [
                 *           {
                 *             "field": "prompt",
                 *             "message": "Required"
                 *           }
                 *         ]
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The API key is missing or invalid. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "unauthorized",
                 *         "message": "Invalid API key."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The workspace has too few credits to start this run. */
        InsufficientCredits: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "insufficient_credits",
                 *         "message": "Insufficient credits."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The API key may not do this. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "forbidden",
                 *         "message": "Forbidden."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No such technique, run, workspace or asset is visible to this API key. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "not_found",
                 *         "message": "Not found."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The Idempotency-Key was already used in the last two hours; the earlier request was accepted and this one was not run. */
        IdempotencyDuplicate: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "idempotency_duplicate",
                 *         "message": "Duplicate idempotency key."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description Too many requests; wait for `Retry-After` seconds. */
        RateLimited: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "rate_limited",
                 *         "message": "Rate limit exceeded."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The server failed; the request may be retried. */
        UnknownError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "unknown_error",
                 *         "message": "An unknown error occurred."
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The asset after a signed upload was completed or renewed. */
        AssetUploadState: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["AssetUploadState"];
            };
        };
    };
    parameters: {
        /**
         * @description Technique identifier or slug
         * @example art-directors-critique
         */
        TechniqueId: string;
        /**
         * @description Run identifier
         * @example run_abc123
         */
        RunId: string;
        /**
         * @description Asset identifier
         * @example asset_abc123
         */
        AssetId: string;
        /**
         * @description Where a page starts: the `meta.next_cursor` of the page before
         * @example cur_2
         */
        Cursor: string;
        /**
         * @description Items on a page, at most 100
         * @example 50
         */
        Limit: number;
        /**
         * @description Idempotency key for safely retrying requests. A request that repeats a key seen in the last two hours is not run again: it answers 409 idempotency_duplicate.
         * @example 4f0e7c1a-6f0b-4a53-9b8e-2d1c0f6e5a11
         */
        IdempotencyKey: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description Seconds to wait before retrying.
         * @example 2
         */
        RetryAfter: number;
    };
    pathItems: never;
}
export type InputType = components['schemas']['InputType'];
export type TechniqueInput = components['schemas']['TechniqueInput'];
export type RunMode = components['schemas']['RunMode'];
export type TechniqueRunCreateRequest = components['schemas']['TechniqueRunCreateRequest'];
export type StartTechniqueRunRequest = components['schemas']['StartTechniqueRunRequest'];
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
export type AssetCreateRequest = components['schemas']['AssetCreateRequest'];
export type AssetUploadForm = components['schemas']['AssetUploadForm'];
export type AssetUpload = components['schemas']['AssetUpload'];
export type AssetCreated = components['schemas']['AssetCreated'];
export type AssetUploadState = components['schemas']['AssetUploadState'];
export type Asset = components['schemas']['Asset'];
export type AssetListItem = components['schemas']['AssetListItem'];
export type AssetList = components['schemas']['AssetList'];
export type ErrorCode = components['schemas']['ErrorCode'];
export type FieldError = components['schemas']['FieldError'];
export type ErrorEnvelope = components['schemas']['ErrorEnvelope'];
export type WebhookRunType = components['schemas']['WebhookRunType'];
export type WebhookEventType = components['schemas']['WebhookEventType'];
export type RunWebhookEvent = components['schemas']['RunWebhookEvent'];
export type ResponseTechniqueRun = components['responses']['TechniqueRun'];
export type ResponseInputValidationError = components['responses']['InputValidationError'];
export type ResponseUnauthorized = components['responses']['Unauthorized'];
export type ResponseInsufficientCredits = components['responses']['InsufficientCredits'];
export type ResponseForbidden = components['responses']['Forbidden'];
export type ResponseNotFound = components['responses']['NotFound'];
export type ResponseIdempotencyDuplicate = components['responses']['IdempotencyDuplicate'];
export type ResponseRateLimited = components['responses']['RateLimited'];
export type ResponseUnknownError = components['responses']['UnknownError'];
export type ResponseAssetUploadState = components['responses']['AssetUploadState'];
export type ParameterTechniqueId = components['parameters']['TechniqueId'];
export type ParameterRunId = components['parameters']['RunId'];
export type ParameterAssetId = components['parameters']['AssetId'];
export type ParameterCursor = components['parameters']['Cursor'];
export type ParameterLimit = components['parameters']['Limit'];
export type ParameterIdempotencyKey = components['parameters']['IdempotencyKey'];
export type HeaderRetryAfter = components['headers']['RetryAfter'];
export type $defs = Record<string, never>;
export interface operations {
    createTechniqueRun: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Idempotency key for safely retrying requests. A request that repeats a key seen in the last two hours is not run again: it answers 409 idempotency_duplicate.
                 * @example 4f0e7c1a-6f0b-4a53-9b8e-2d1c0f6e5a11
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /**
                 * @description Technique identifier or slug
                 * @example art-directors-critique
                 */
                techniqueId: components["parameters"]["TechniqueId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TechniqueRunCreateRequest"];
            };
        };
        responses: {
            200: components["responses"]["TechniqueRun"];
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["InsufficientCredits"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyDuplicate"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    getTechniqueRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Technique identifier or slug
                 * @example art-directors-critique
                 */
                techniqueId: components["parameters"]["TechniqueId"];
                /**
                 * @description Run identifier
                 * @example run_abc123
                 */
                runId: components["parameters"]["RunId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["TechniqueRun"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    startTechniqueRun: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Idempotency key for safely retrying requests. A request that repeats a key seen in the last two hours is not run again: it answers 409 idempotency_duplicate.
                 * @example 4f0e7c1a-6f0b-4a53-9b8e-2d1c0f6e5a11
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "inputs": {
                 *         "foo": "bar"
                 *       },
                 *       "technique_id": "tech_abcd1234",
                 *       "workspace_id": "ws_abc123"
                 *     }
                 */
                "application/json": components["schemas"]["StartTechniqueRunRequest"];
            };
        };
        responses: {
            /** @description The run was started. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunStartedResponse"];
                };
            };
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            402: components["responses"]["InsufficientCredits"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyDuplicate"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    listTechniques: {
        parameters: {
            query?: {
                /**
                 * @description Where a page starts: the `meta.next_cursor` of the page before
                 * @example cur_2
                 */
                cursor?: components["parameters"]["Cursor"];
                /**
                 * @description Items on a page, at most 100
                 * @example 50
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description Only techniques of this workspace
                 * @example ws_abc123
                 */
                workspace_id?: string;
                /**
                 * @description Search text
                 * @example critique
                 */
                query?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of techniques. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TechniqueList"];
                };
            };
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    getTechnique: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Technique identifier or slug
                 * @example art-directors-critique
                 */
                techniqueId: components["parameters"]["TechniqueId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The technique. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "technique_id": "tech_abcd1234",
                     *       "name": "Art Director's Critique",
                     *       "description": "A critique of an image with an annotated version.",
                     *       "run_cost": 0.04,
                     *       "inputs": [
                     *         {
                     *           "id": "prompt",
                     *           "name": "Prompt",
                     *           "type": "text"
                     *         },
                     *         {
                     *           "id": "reference",
                     *           "name": "Reference image",
                     *           "type": "imageUrl",
                     *           "optional": true
                     *         }
                     *       ],
                     *       "outputs": [
                     *         {
                     *           "id": "critique",
                     *           "name": "Critique",
                     *           "type": "text"
                     *         },
                     *         {
                     *           "id": "annotated",
                     *           "name": "Annotated image",
                     *           "type": "imageUrl"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Technique"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    listTechniqueRuns: {
        parameters: {
            query?: {
                /**
                 * @description Where a page starts: the `meta.next_cursor` of the page before
                 * @example cur_2
                 */
                cursor?: components["parameters"]["Cursor"];
                /**
                 * @description Items on a page, at most 100
                 * @example 50
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description Only runs in this workspace
                 * @example ws_abc123
                 */
                workspace_id?: string;
                /**
                 * @description Only runs in this project
                 * @example prj_abc123
                 */
                project_id?: string;
                /**
                 * @description Only runs of this technique
                 * @example tech_abcd1234
                 */
                technique_id?: string;
                /**
                 * @description Only runs in this status
                 * @example running
                 */
                status?: components["schemas"]["RunStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TechniqueRunList"];
                };
            };
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    listWorkspaces: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The workspaces. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "workspaces": [
                     *         {
                     *           "workspace_id": "ws_abc123",
                     *           "name": "Studio",
                     *           "role": "owner",
                     *           "created_at": 1767225600
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["WorkspaceList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Run identifier
                 * @example run_abc123
                 */
                runId: components["parameters"]["RunId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["TechniqueRun"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    listAssets: {
        parameters: {
            query?: {
                /**
                 * @description Where a page starts: the `meta.next_cursor` of the page before
                 * @example cur_2
                 */
                cursor?: components["parameters"]["Cursor"];
                /**
                 * @description Items on a page, at most 100
                 * @example 50
                 */
                limit?: components["parameters"]["Limit"];
                /**
                 * @description Only assets of this workspace
                 * @example ws_abc123
                 */
                workspace_id?: string;
                /**
                 * @description Only assets on this project's canvas
                 * @example prj_abc123
                 */
                project_id?: string;
                /**
                 * @description Search text
                 * @example hero
                 */
                query?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of assets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssetList"];
                };
            };
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    createAsset: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Idempotency key for safely retrying requests. A request that repeats a key seen in the last two hours is not run again: it answers 409 idempotency_duplicate.
                 * @example 4f0e7c1a-6f0b-4a53-9b8e-2d1c0f6e5a11
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssetCreateRequest"];
                "multipart/form-data": components["schemas"]["AssetUploadForm"];
            };
        };
        responses: {
            /** @description The asset, and for a signed upload where to send its bytes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssetCreated"];
                };
            };
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyDuplicate"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    getAsset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Asset identifier
                 * @example asset_abc123
                 */
                assetId: components["parameters"]["AssetId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The asset. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Asset"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    completeAsset: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Idempotency key for safely retrying requests. A request that repeats a key seen in the last two hours is not run again: it answers 409 idempotency_duplicate.
                 * @example 4f0e7c1a-6f0b-4a53-9b8e-2d1c0f6e5a11
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /**
                 * @description Asset identifier
                 * @example asset_abc123
                 */
                assetId: components["parameters"]["AssetId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["AssetUploadState"];
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyDuplicate"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    retryAsset: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Idempotency key for safely retrying requests. A request that repeats a key seen in the last two hours is not run again: it answers 409 idempotency_duplicate.
                 * @example 4f0e7c1a-6f0b-4a53-9b8e-2d1c0f6e5a11
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /**
                 * @description Asset identifier
                 * @example asset_abc123
                 */
                assetId: components["parameters"]["AssetId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["AssetUploadState"];
            400: components["responses"]["InputValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["IdempotencyDuplicate"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["UnknownError"];
        };
    };
    runEndedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description Timestamp and one or more HMAC-SHA256 signatures of `<t>.<raw body>`.
                 * @example t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
                 */
                "Flora-Signature": string;
                /**
                 * @description Unique id of this event; the same on every delivery attempt, so receivers can de-duplicate.
                 * @example whd_abc123
                 */
                "Flora-Webhook-Id": string;
                /**
                 * @description The event type, the same as the body's `type`.
                 * @example run.completed
                 */
                "Flora-Event": components["schemas"]["WebhookEventType"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunWebhookEvent"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the event; anything else is retried. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example ok */
                    "text/plain": string;
                };
            };
        };
    };
}
