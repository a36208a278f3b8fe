/** The error a paginated walk stops with. */
import { FloraError } from './flora-error.js';

/**
 * A paginated walk stopped: the list answered a cursor it had given before (`reason: 'repeated_cursor'`),
 * which would repeat its pages forever, or it had more pages than the walk's `maxPages`
 * (`reason: 'max_pages'`). `pages` is how many were read; the items already yielded stand.
 */
export class PaginationError extends FloraError {
  override name = 'PaginationError';
  constructor(
    readonly reason: 'repeated_cursor' | 'max_pages',
    message: string,
    readonly pages: number,
  ) {
    super(message);
  }
}
