/** The techniques the simulator knows, and how a path's technique id finds one. */
import type { OutputType, TechniqueInputOutput } from '../../generated/openapi.js';

/** One technique of the simulated catalog. */
export interface Technique {
  /** URL slug, accepted by the nested routes, e.g. `art-directors-critique`. */
  slug: string;
  /** Public API id (`tech_...`), accepted everywhere. */
  id: string;
  /** Display name, returned by the top-level start. */
  name: string;
  /** One output of each of these types is produced when a run completes. */
  outputTypes: OutputType[];
  /** Cost in USD, charged when a run is started. */
  cost: number;
  /** Typical duration in simulated seconds; runs last `runDurationSeconds` (which may use this). */
  estimatedSeconds: number;
  /** The action a start of it reports in the `live` profile (one FLORA's SDK lists), if any. */
  actionId?: string;
  /** The inputs its definition lists (`GET /techniques/{id}`). Default: one text input, `prompt`. */
  inputs?: TechniqueInputOutput[];
  /** Its description. */
  description?: string;
}

const PROMPT: TechniqueInputOutput = { id: 'prompt', name: 'Prompt', type: 'text' };

/** The default catalog: one technique per kind of output, including the spec's example technique. */
export const DEFAULT_TECHNIQUES: readonly Technique[] = Object.freeze([
  {
    slug: 'art-directors-critique',
    id: 'tech_abcd1234',
    name: "Art Director's Critique",
    outputTypes: ['text', 'imageUrl'],
    cost: 0.04,
    estimatedSeconds: 45,
    description: 'A critique of an image, with an annotated version.',
    inputs: [PROMPT, { id: 'reference', name: 'Reference image', type: 'imageUrl', optional: true }],
  },
  { slug: 'product-shot', id: 'tech_prod5678', name: 'Product Shot', outputTypes: ['imageUrl'], cost: 0.08, estimatedSeconds: 30, actionId: 'crop-image-browser' },
  {
    slug: 'storyboard-to-video',
    id: 'tech_vid90abc',
    name: 'Storyboard to Video',
    outputTypes: ['videoUrl', 'audioUrl'],
    cost: 0.5,
    estimatedSeconds: 120,
    inputs: [PROMPT, { id: 'narration', name: 'Narration', type: 'audioUrl', optional: true, description: 'A voice-over to cut the video to' }],
  },
  {
    slug: 'brand-guidelines',
    id: 'tech_doc43210',
    name: 'Brand Guidelines',
    outputTypes: ['documentUrl', 'text'],
    cost: 0.02,
    estimatedSeconds: 20,
    actionId: 'split-text-browser',
    // A definition input no run can carry: the run request takes text, imageUrl and videoUrl only.
    inputs: [PROMPT, { id: 'brand_book', name: 'Brand book', type: 'documentUrl' }],
  },
]);

/** The technique a nested route's `techniqueId` names: its slug or its `tech_` id. */
export function findTechnique(catalog: readonly Technique[], techniqueId: string): Technique | undefined {
  return catalog.find((t) => t.slug === techniqueId || t.id === techniqueId);
}

/** The technique a top-level start names: only `tech_` ids are accepted there, as in the API. */
export function findTechniqueById(catalog: readonly Technique[], id: string): Technique | undefined {
  return catalog.find((t) => t.id === id);
}

/** The definition `GET /techniques/{id}` answers for `t`. */
export function definitionOf(t: Technique): { technique_id: string; name: string; description?: string; run_cost: number; inputs: TechniqueInputOutput[]; outputs: TechniqueInputOutput[] } {
  return {
    technique_id: t.id,
    name: t.name,
    ...(t.description ? { description: t.description } : {}),
    run_cost: t.cost,
    inputs: t.inputs ?? [PROMPT],
    outputs: t.outputTypes.map((type, i) => ({ id: `output_${i + 1}`, name: `Output ${i + 1}`, type })),
  };
}
