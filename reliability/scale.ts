/**
 * How big the reliability runs are. `RELIABILITY_SCALE=full` (what `npm run test:reliability` sets) gives
 * the full counts; anything else gives the small counts `npm test` runs (a tenth or less, so the whole
 * default reliability run stays well under 40 s on two cores).
 */
export const FULL = process.env.RELIABILITY_SCALE === 'full';

/** `full` under RELIABILITY_SCALE=full, else `small`. */
export const pick = <T>(small: T, full: T): T => (FULL ? full : small);

export const SCALE_NAME = FULL ? 'full' : 'small';
